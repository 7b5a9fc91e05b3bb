"""`tensorflow_transform.tf_metadata.schema_utils`: schemas from feature specs and back."""
from __future__ import annotations

from tensorlite.io import FixedLenFeature, VarLenFeature

from . import schema_pb2


def _type_of(dtype) -> int:
    import tensorlite as tl
    dtype = tl.as_dtype(dtype)
    if dtype.is_floating:
        return schema_pb2.FLOAT
    if dtype.is_integer:
        return schema_pb2.INT
    return schema_pb2.BYTES


def schema_from_feature_spec(feature_spec: dict) -> schema_pb2.Schema:
    schema = schema_pb2.Schema()
    for name in sorted(feature_spec):
        spec = feature_spec[name]
        feature = schema.feature.add(name=name, type=_type_of(spec.dtype))
        if isinstance(spec, FixedLenFeature):
            feature.presence.min_fraction = 1.0
            for size in spec.shape:
                feature.shape.dim.add(size=int(size))
        elif not isinstance(spec, VarLenFeature):
            raise TypeError(f"feature {name!r}: {type(spec).__name__} is not a FixedLenFeature or VarLenFeature")
    return schema


def schema_as_feature_spec(schema: schema_pb2.Schema) -> dict:
    import tensorlite as tl
    dtypes = {schema_pb2.FLOAT: tl.float32, schema_pb2.INT: tl.int64, schema_pb2.BYTES: tl.string
              if hasattr(tl, "string") else None}
    spec = {}
    for feature in schema.feature:
        dtype = dtypes.get(feature.type)
        if feature.HasField("shape"):
            spec[feature.name] = FixedLenFeature([d.size for d in feature.shape.dim], dtype)
        else:
            spec[feature.name] = VarLenFeature(dtype)
    return spec
