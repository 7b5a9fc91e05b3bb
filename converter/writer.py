"""Writes a `converter.model.Model` as a `.tflite` FlatBuffer, field for field as the TFLite schema
says (schema version 3, file identifier "TFL3"). Field slots below are the schema's declaration
order; buffer 0 is the empty sentinel; constant data is 16-byte aligned; operator codes >= 127 set
deprecated_builtin_code to 127 (PLACEHOLDER_FOR_GREATER_OP_CODES) as readers expect.
"""
from __future__ import annotations

import numpy as np
from flatbuffers import Builder
from tensorlite.training.shape_text import shape_text

from .model import Model, Operator, Subgraph, Tensor, tensor_type
from .schema import BUILTIN_OPS, MIN_RUNTIME_V1, OPTIONS_FIELDS, OPTIONS_UNION

PRODUCER = "tensorlite"
_PLACEHOLDER_FOR_GREATER_OP_CODES = 127

# builtin -> its options table, for the builtins whose table is not named after them
_OPTIONS_TABLE = {
    "AVERAGE_POOL_2D": "Pool2DOptions", "MAX_POOL_2D": "Pool2DOptions", "L2_POOL_2D": "Pool2DOptions",
    "MEAN": "ReducerOptions", "SUM": "ReducerOptions", "REDUCE_MAX": "ReducerOptions", "REDUCE_MIN": "ReducerOptions",
    "REDUCE_PROD": "ReducerOptions", "REDUCE_ANY": "ReducerOptions", "REDUCE_ALL": "ReducerOptions",
    "MAXIMUM": "MaximumMinimumOptions", "MINIMUM": "MaximumMinimumOptions", "LOGISTIC": None, "RELU": None,
    "RELU6": None, "RELU_N1_TO_1": None, "TANH": None, "RSQRT": None, "SQRT": None, "LOG": None, "SIN": None,
    "CONCATENATION": "ConcatenationOptions", "PAD": "PadOptions", "PADV2": "PadV2Options",
    "UNIDIRECTIONAL_SEQUENCE_LSTM": "UnidirectionalSequenceLSTMOptions", "ARG_MAX": "ArgMaxOptions",
    "ARG_MIN": "ArgMinOptions", "SELECT_V2": "SelectV2Options", "SQUARED_DIFFERENCE": "SquaredDifferenceOptions",
}


def options_table(builtin: str) -> str | None:
    """The BuiltinOptions table a builtin's options live in (None: it takes none)."""
    if builtin in _OPTIONS_TABLE:
        return _OPTIONS_TABLE[builtin]
    camel = "".join(w.capitalize() for w in builtin.split("_")) + "Options"
    for table in OPTIONS_UNION:
        if table.lower() == camel.lower():
            return table
    return None


def min_runtime_version(model: Model) -> str:
    """The newest 'first runtime release' among the builtins the model uses (version 1 of each)."""
    best = (1, 5, 0)
    for g in model.subgraphs:
        for op in g.operators:
            v = MIN_RUNTIME_V1.get(op.opcode) if not op.custom else None
            if v:
                best = max(best, tuple(int(p) for p in v.split(".")))
    return ".".join(map(str, best))


class _Writer:
    def __init__(self, model: Model):
        self.m = model
        self.b = Builder(1024)
        self.b.ForceDefaults(True)              # a field we set is written even when it equals the default
        self.buffers: list[bytes] = [b""]       # buffer 0: the empty sentinel
        self._buffer_of: dict[tuple, int] = {}  # identical constants share one buffer
        self.opcodes: list[tuple[str, bool, int]] = []

    # ---- small builders ----
    def _vector(self, values, kind: str):
        b = self.b
        width = {"i32": 4, "u32": 4, "i64": 8, "f32": 4, "bool": 1, "u8": 1, "offset": 4}[kind]
        b.StartVector(width, len(values), width)
        prepend = {"i32": b.PrependInt32, "u32": b.PrependUint32, "i64": b.PrependInt64, "f32": b.PrependFloat32,
                   "bool": b.PrependBool, "u8": b.PrependUint8, "offset": b.PrependUOffsetTRelative}[kind]
        for v in reversed(list(values)):
            prepend(v)
        return b.EndVector()

    def _data(self, data: bytes):
        b = self.b
        b.StartVector(1, len(data), 16)         # Buffer.data is force_align: 16
        b.head -= len(data)
        b.Bytes[b.head:b.head + len(data)] = data
        return b.EndVector()

    def _table(self, fields: list[tuple[int, str, object]]):
        """fields: (slot, kind, value) with value already an offset for 'offset' kinds."""
        b = self.b
        b.StartObject(max((s for s, _, _ in fields), default=-1) + 1)
        for slot, kind, value in fields:
            if value is None:
                continue
            {"offset": b.PrependUOffsetTRelativeSlot, "i8": b.PrependInt8Slot, "u8": b.PrependUint8Slot,
             "bool": b.PrependBoolSlot, "i32": b.PrependInt32Slot, "u32": b.PrependUint32Slot,
             "i64": b.PrependInt64Slot, "u64": b.PrependUint64Slot, "f32": b.PrependFloat32Slot}[kind](
                slot, value, 0)
        return b.EndObject()

    def buffer_for(self, data: bytes) -> int:
        key = (len(data), hash(data))
        for idx in self._buffer_of.get(key, ()):
            if self.buffers[idx] == data:
                return idx
        self.buffers.append(data)
        self._buffer_of.setdefault(key, []).append(len(self.buffers) - 1)
        return len(self.buffers) - 1

    def opcode_index(self, op: Operator) -> int:
        key = (op.opcode, op.custom, op.version)
        if key not in self.opcodes:
            if not op.custom and op.opcode not in BUILTIN_OPS:
                raise ValueError(f"{op.opcode!r} is not a TFLite builtin operator")
            self.opcodes.append(key)
        return self.opcodes.index(key)

    # ---- tables ----
    def tensor(self, t: Tensor):
        name = self.b.CreateString(t.name)
        if t.data is not None:
            data = np.array(t.data, dtype=np.dtype(t.dtype if t.dtype != "bool" else np.bool_), order="C")  # keeps 0-d
            if tuple(data.shape) != tuple(t.shape):
                raise ValueError(f"tensor {t.name!r}: data shape {shape_text(data.shape)} differs from its shape "
                                 f"{shape_text(t.shape)}")
            buffer = self.buffer_for(data.tobytes())
        else:
            buffer = 0
        shape = self._vector([int(d) for d in t.shape], "i32")
        sig = None
        if t.shape_signature is not None and tuple(t.shape_signature) != tuple(t.shape):
            sig = self._vector([int(d) for d in t.shape_signature], "i32")
        quant = self.quantization(t) if t.quantization is not None else None
        return self._table([(0, "offset", shape), (1, "i8", tensor_type(t.dtype)), (2, "u32", buffer),
                            (3, "offset", name), (4, "offset", quant), (5, "bool", True if t.is_variable else None),
                            (7, "offset", sig)])

    def quantization(self, t: Tensor):
        q = t.quantization
        scale = self._vector(np.asarray(q.scale, np.float32).ravel().tolist(), "f32")
        zp = self._vector(np.asarray(q.zero_point, np.int64).ravel().tolist(), "i64")
        mn = self._vector(np.asarray(q.min, np.float32).ravel().tolist(), "f32") if q.min is not None else None
        mx = self._vector(np.asarray(q.max, np.float32).ravel().tolist(), "f32") if q.max is not None else None
        return self._table([(0, "offset", mn), (1, "offset", mx), (2, "offset", scale), (3, "offset", zp),
                            (6, "i32", int(q.dimension) or None)])

    def options(self, op: Operator):
        table = options_table(op.opcode)
        if table is None:
            if op.options:
                raise ValueError(f"{op.opcode} takes no builtin options, got {sorted(op.options)}")
            return 0, None
        fields = OPTIONS_FIELDS[table]
        known = {f for f, kind, _ in fields if kind is not None}
        unknown = set(op.options) - known
        if unknown:
            raise ValueError(f"{table} has no field(s) {sorted(unknown)}; fields: {sorted(known)}")
        vectors = {}                            # vectors and strings are built before the table
        for name, kind, _ in fields:
            value = op.options.get(name)
            if value is None or kind not in ("[i32]", "[f32]", "string"):
                continue
            vectors[name] = (self.b.CreateString(value) if kind == "string" else
                             self._vector([int(v) for v in value], "i32") if kind == "[i32]" else
                             self._vector([float(v) for v in value], "f32"))
        slots = []
        for slot, (name, kind, default) in enumerate(fields):
            if kind is None or name not in op.options:
                continue
            value = op.options[name]
            if kind in ("[i32]", "[f32]", "string"):
                slots.append((slot, "offset", vectors.get(name)))
            elif value != default:
                slots.append((slot, kind, float(value) if kind == "f32" else int(value)))
        return OPTIONS_UNION[table], self._table(slots)

    def operator(self, op: Operator):
        opcode = self.opcode_index(op)
        inputs = self._vector(op.inputs, "i32")
        outputs = self._vector(op.outputs, "i32")
        union_type, options = (0, None) if op.custom else self.options(op)
        custom = self._data(op.custom_options) if op.custom_options is not None else None
        intermediates = self._vector(op.intermediates, "i32") if op.intermediates else None
        return self._table([(0, "u32", opcode or None), (1, "offset", inputs), (2, "offset", outputs),
                            (3, "u8", union_type or None), (4, "offset", options), (5, "offset", custom),
                            (8, "offset", intermediates)])

    def subgraph(self, g: Subgraph):
        tensors = [self.tensor(t) for t in g.tensors]
        operators = [self.operator(op) for op in g.operators]
        tvec = self._vector(tensors, "offset")
        ovec = self._vector(operators, "offset")
        inputs, outputs = self._vector(g.inputs, "i32"), self._vector(g.outputs, "i32")
        name = self.b.CreateString(g.name)
        return self._table([(0, "offset", tvec), (1, "offset", inputs), (2, "offset", outputs),
                            (3, "offset", ovec), (4, "offset", name)])

    def write(self) -> bytes:
        m, b = self.m, self.b
        meta = {"min_runtime_version": min_runtime_version(m).encode().ljust(16, b"\0"),
                "producer": PRODUCER.encode(), **m.metadata}
        subgraphs = [self.subgraph(g) for g in m.subgraphs]
        meta_buffers = {name: self.buffer_for_unshared(data) for name, data in meta.items()}
        signatures = [self.signature(s) for s in m.signatures]
        codes = []
        for name, custom, version in self.opcodes:
            custom_code = b.CreateString(name) if custom else None
            code = 32 if custom else BUILTIN_OPS[name]   # 32: CUSTOM
            codes.append(self._table([(0, "i8", min(code, _PLACEHOLDER_FOR_GREATER_OP_CODES)),
                                      (1, "offset", custom_code), (2, "i32", version if version != 1 else None),
                                      (3, "i32", code)]))
        buffers = []
        for data in self.buffers:
            vec = self._data(data) if data else None
            buffers.append(self._table([(0, "offset", vec)]))
        metadata = [self._table([(0, "offset", b.CreateString(name)), (1, "u32", idx)])
                    for name, idx in meta_buffers.items()]
        description = b.CreateString(m.description or PRODUCER)
        root = self._table([(0, "u32", m.version), (1, "offset", self._vector(codes, "offset")),
                            (2, "offset", self._vector(subgraphs, "offset")), (3, "offset", description),
                            (4, "offset", self._vector(buffers, "offset")),
                            (6, "offset", self._vector(metadata, "offset")),
                            (7, "offset", self._vector(signatures, "offset") if signatures else None)])
        b.Finish(root, file_identifier=b"TFL3")
        return bytes(b.Output())

    def buffer_for_unshared(self, data: bytes) -> int:
        self.buffers.append(data)
        return len(self.buffers) - 1

    def signature(self, s):
        b = self.b

        def maps(d: dict[str, int]):
            items = [self._table([(0, "offset", b.CreateString(k)), (1, "u32", int(v))]) for k, v in d.items()]
            return self._vector(items, "offset")
        inputs, outputs = maps(s.inputs), maps(s.outputs)
        key = b.CreateString(s.key)
        return self._table([(0, "offset", inputs), (1, "offset", outputs), (2, "offset", key),
                            (4, "u32", s.subgraph or None)])


def write(model: Model) -> bytes:
    """The `.tflite` bytes of `model`."""
    return _Writer(model).write()
