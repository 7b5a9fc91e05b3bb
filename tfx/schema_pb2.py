"""`schema_pb2` as TFX code imports it from tensorflow_metadata: Schema, Feature and the messages SchemaGen
and ExampleValidator use, built at import from a descriptor so they are real protobuf messages
(text format, `schema.pbtxt`, as TFDV writes and reads it). The subset of schema.proto held here keeps
that file's names and field numbers; fields outside it are refused by the text parser, by name."""
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_PACKAGE = "tensorflow.metadata.v0"
_T = descriptor_pb2.FieldDescriptorProto
_OPT, _REP = _T.LABEL_OPTIONAL, _T.LABEL_REPEATED
_SCALARS = {"string": _T.TYPE_STRING, "int64": _T.TYPE_INT64, "double": _T.TYPE_DOUBLE, "float": _T.TYPE_FLOAT,
            "bool": _T.TYPE_BOOL}

# message -> [(field, number, type, repeated, oneof)]; a type not in _SCALARS names a message or enum here
_MESSAGES = {
    "FeaturePresence": [("min_fraction", 1, "double", 0, None), ("min_count", 2, "int64", 0, None)],
    "ValueCount": [("min", 1, "int64", 0, None), ("max", 2, "int64", 0, None)],
    "FixedShape": [("dim", 2, "FixedShape.Dim", 1, None)],
    "FixedShape.Dim": [("size", 1, "int64", 0, None), ("name", 2, "string", 0, None)],
    "IntDomain": [("name", 1, "string", 0, None), ("min", 3, "int64", 0, None), ("max", 4, "int64", 0, None),
                  ("is_categorical", 5, "bool", 0, None)],
    "FloatDomain": [("name", 1, "string", 0, None), ("min", 3, "float", 0, None), ("max", 4, "float", 0, None)],
    "StringDomain": [("name", 1, "string", 0, None), ("value", 2, "string", 1, None)],
    "BoolDomain": [("name", 1, "string", 0, None)],
    "InfinityNorm": [("threshold", 1, "double", 0, None)],
    "FeatureComparator": [("infinity_norm", 1, "InfinityNorm", 0, None)],
    "Feature": [
        ("name", 1, "string", 0, None),
        ("presence", 14, "FeaturePresence", 0, "presence_constraints"),
        ("shape", 23, "FixedShape", 0, "shape_type"), ("value_count", 5, "ValueCount", 0, "shape_type"),
        ("type", 6, "FeatureType", 0, None),
        ("domain", 7, "string", 0, "domain_info"), ("int_domain", 9, "IntDomain", 0, "domain_info"),
        ("float_domain", 10, "FloatDomain", 0, "domain_info"),
        ("string_domain", 11, "StringDomain", 0, "domain_info"), ("bool_domain", 13, "BoolDomain", 0, "domain_info"),
        ("skew_comparator", 18, "FeatureComparator", 0, None), ("drift_comparator", 21, "FeatureComparator", 0, None),
        ("not_in_environment", 19, "string", 1, None), ("in_environment", 20, "string", 1, None),
    ],
    "Schema": [("feature", 1, "Feature", 1, None), ("string_domain", 4, "StringDomain", 1, None),
               ("default_environment", 5, "string", 1, None), ("float_domain", 9, "FloatDomain", 1, None),
               ("int_domain", 10, "IntDomain", 1, None)],
}
_ENUMS = {"FeatureType": [("TYPE_UNKNOWN", 0), ("BYTES", 1), ("INT", 2), ("FLOAT", 3), ("STRUCT", 4)]}


def _build():
    file = descriptor_pb2.FileDescriptorProto(name="tensorlite/tfx/schema.proto", package=_PACKAGE,
                                              syntax="proto2")
    for name, values in _ENUMS.items():
        enum = file.enum_type.add(name=name)
        for value, number in values:
            enum.value.add(name=value, number=number)
    protos = {}
    for name, fields in _MESSAGES.items():
        outer, _, inner = name.partition(".")
        msg = protos[outer].nested_type.add(name=inner) if inner else file.message_type.add(name=outer)
        protos[name] = msg
        oneofs = []
        for field, number, kind, repeated, oneof in fields:
            f = msg.field.add(name=field, number=number, label=_REP if repeated else _OPT)
            if kind in _SCALARS:
                f.type = _SCALARS[kind]
            else:
                f.type = _T.TYPE_ENUM if kind in _ENUMS else _T.TYPE_MESSAGE
                f.type_name = f".{_PACKAGE}.{kind}"
            if oneof:
                if oneof not in oneofs:
                    oneofs.append(oneof)
                    msg.oneof_decl.add(name=oneof)
                f.oneof_index = oneofs.index(oneof)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return {name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{_PACKAGE}.{name}"))
            for name in _MESSAGES if "." not in name}


_classes = _build()
Schema = _classes["Schema"]
Feature = _classes["Feature"]
FeaturePresence = _classes["FeaturePresence"]
ValueCount = _classes["ValueCount"]
FixedShape = _classes["FixedShape"]
IntDomain = _classes["IntDomain"]
FloatDomain = _classes["FloatDomain"]
StringDomain = _classes["StringDomain"]
BoolDomain = _classes["BoolDomain"]
InfinityNorm = _classes["InfinityNorm"]
FeatureComparator = _classes["FeatureComparator"]
FeatureType = Feature.DESCRIPTOR.fields_by_name["type"].enum_type
TYPE_UNKNOWN, BYTES, INT, FLOAT, STRUCT = 0, 1, 2, 3, 4
