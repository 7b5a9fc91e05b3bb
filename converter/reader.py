"""Reads a `.tflite` FlatBuffer into a `converter.model.Model`, the inverse of `writer.write`.

The FlatBuffer is walked by hand with `struct` (the layout: a root offset, tables that point to
their vtables, vtables of 16-bit field offsets, vectors and strings behind 32-bit offsets), and every
position is checked against the buffer before it is read, so a truncated or corrupted file raises
`ValueError("<source>: ...")` naming what is wrong instead of IndexError, struct.error or garbage.
Field slots are the schema's declaration order, as in writer.py.

What the Model cannot hold is refused with a ValueError rather than dropped: sparse tensors, data in
external files (Tensor.external_buffer), the second options union (StableHLO ops). Quantization
`details` (custom quantization), Tensor.has_rank/variant_tensors, custom_options_format,
mutating_variable_inputs and debug_metadata_index carry nothing the Model records and are skipped.
"""
from __future__ import annotations

import struct

import numpy as np
from tensorlite.training.shape_text import shape_text

from .model import Model, Operator, Quantization, Signature, Subgraph, Tensor
from .schema import BUILTIN_OPS, OPTIONS_FIELDS, OPTIONS_UNION, TENSOR_TYPES

_IDENTIFIER = b"TFL3"
_CUSTOM = BUILTIN_OPS["CUSTOM"]
_OP_NAMES = {code: name for name, code in BUILTIN_OPS.items()}
_TABLE_OF_UNION = {code: table for table, code in OPTIONS_UNION.items()}
_TYPE_NAMES = {code: name for name, code in TENSOR_TYPES.items()}
# TensorType name -> NumPy dtype name where NumPy has the type; the others keep raw bytes
_NUMPY = {"FLOAT32": "float32", "FLOAT16": "float16", "FLOAT64": "float64", "INT8": "int8", "UINT8": "uint8",
          "INT16": "int16", "UINT16": "uint16", "INT32": "int32", "UINT32": "uint32", "INT64": "int64",
          "UINT64": "uint64", "BOOL": "bool", "COMPLEX64": "complex64", "COMPLEX128": "complex128"}
_SCALARS = {"i8": ("<b", 1), "u8": ("<B", 1), "bool": ("<B", 1), "i16": ("<h", 2), "u16": ("<H", 2),
            "i32": ("<i", 4), "u32": ("<I", 4), "i64": ("<q", 8), "u64": ("<Q", 8), "f32": ("<f", 4)}
_VECTORS = {"i32": "<i4", "i64": "<i8", "f32": "<f4", "u8": "u1", "bool": "u1"}


class _Buffer:
    """The file's bytes with bounds-checked reads; `fail` raises the reader's ValueError."""

    def __init__(self, data: bytes, source: str):
        self.data = bytes(data)
        self.n = len(self.data)
        self.source = source

    def fail(self, msg: str):
        raise ValueError(f"{self.source}: {msg}")

    def check(self, pos: int, size: int, what: str) -> None:
        if pos < 0 or size < 0 or pos + size > self.n:
            self.fail(f"{what} at byte {pos} (+{size}) lies outside the {self.n}-byte file (truncated or corrupted)")

    def scalar(self, pos: int, kind: str, what: str):
        fmt, size = _SCALARS[kind]
        self.check(pos, size, what)
        return struct.unpack_from(fmt, self.data, pos)[0]

    def follow(self, pos: int, what: str) -> int:
        """The position a 32-bit unsigned offset stored at `pos` points to."""
        target = pos + self.scalar(pos, "u32", what)
        self.check(target, 4, what)
        return target

    def table(self, pos: int, what: str) -> _Table:
        return _Table(self, pos, what)


class _Table:
    def __init__(self, buf: _Buffer, pos: int, what: str):
        self.buf, self.pos, self.what = buf, pos, what
        vtable = pos - buf.scalar(pos, "i32", f"{what} vtable offset")
        self.vt_size = buf.scalar(vtable, "u16", f"{what} vtable")
        self.size = buf.scalar(vtable + 2, "u16", f"{what} vtable")
        if self.vt_size < 4 or self.vt_size % 2:
            buf.fail(f"{what}: vtable size {self.vt_size} is invalid (corrupted file)")
        if self.size < 4:
            buf.fail(f"{what}: table size {self.size} is invalid (corrupted file)")
        buf.check(vtable, self.vt_size, f"{what} vtable")
        buf.check(pos, self.size, what)
        self.vtable = vtable

    def _field(self, slot: int, size: int) -> int | None:
        """Absolute position of field `slot` (None when absent), its `size` bytes inside the table."""
        entry = 4 + 2 * slot
        if entry + 2 > self.vt_size:
            return None
        off = self.buf.scalar(self.vtable + entry, "u16", f"{self.what} vtable")
        if off == 0:
            return None
        if off < 4 or off + size > self.size:
            self.buf.fail(f"{self.what}: field {slot} at offset {off} lies outside its {self.size}-byte table")
        return self.pos + off

    def scalar(self, slot: int, kind: str, default):
        pos = self._field(slot, _SCALARS[kind][1])
        if pos is None:
            return default
        value = self.buf.scalar(pos, kind, f"{self.what} field {slot}")
        return bool(value) if kind == "bool" else value

    def _target(self, slot: int, what: str) -> int | None:
        pos = self._field(slot, 4)
        return None if pos is None else self.buf.follow(pos, f"{self.what} {what}")

    def table(self, slot: int, what: str) -> _Table | None:
        target = self._target(slot, what)
        return None if target is None else self.buf.table(target, f"{self.what} {what}")

    def _vector(self, slot: int, elem: int, what: str) -> tuple[int, int] | None:
        """(start of the elements, count), bounds-checked."""
        target = self._target(slot, what)
        if target is None:
            return None
        n = self.buf.scalar(target, "u32", f"{self.what} {what} length")
        self.buf.check(target + 4, n * elem, f"{self.what} {what} ({n} elements)")
        return target + 4, n

    def array(self, slot: int, kind: str, what: str) -> np.ndarray | None:
        """A vector of scalars as a NumPy array in native byte order (None when absent)."""
        dtype = np.dtype(_VECTORS[kind])
        vec = self._vector(slot, dtype.itemsize, what)
        if vec is None:
            return None
        start, n = vec
        a = np.frombuffer(self.buf.data, dtype, n, start)
        return (a != 0) if kind == "bool" else a.astype(dtype.newbyteorder("="))

    def ints(self, slot: int, what: str) -> list[int]:
        a = self.array(slot, "i32", what)
        return [] if a is None else [int(v) for v in a]

    def bytes(self, slot: int, what: str) -> bytes | None:
        vec = self._vector(slot, 1, what)
        return None if vec is None else self.buf.data[vec[0]:vec[0] + vec[1]]

    def string(self, slot: int, what: str) -> str | None:
        vec = self._vector(slot, 1, what)
        if vec is None:
            return None
        start, n = vec
        # FlatBuffers strings end with a NUL byte after their length; a file cut inside it is truncated.
        self.buf.check(start + n, 1, f"{self.what} {what} terminator")
        raw = self.buf.data[start:start + n]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.buf.fail(f"{self.what} {what} is not valid UTF-8 (corrupted file)")

    def tables(self, slot: int, what: str) -> list[_Table]:
        vec = self._vector(slot, 4, what)
        if vec is None:
            return []
        start, n = vec
        return [self.buf.table(self.buf.follow(start + 4 * i, f"{self.what} {what}[{i}]"), f"{self.what} {what}[{i}]")
                for i in range(n)]


class _Reader:
    def __init__(self, data: bytes, source: str):
        self.buf = _Buffer(data, source)
        self.fail = self.buf.fail

    def read(self) -> Model:
        buf = self.buf
        if buf.n < 8:
            self.fail(f"{buf.n} bytes is too short for a TFLite file")
        if buf.data[4:8] != _IDENTIFIER:
            self.fail(f"not a TFLite file: bytes 4-8 are {buf.data[4:8]!r}, not the file identifier b'TFL3'")
        root = buf.table(buf.follow(0, "root table offset"), "model")
        self.buffers = root.tables(4, "buffers")
        self.codes = [self.operator_code(t) for t in root.tables(1, "operator_codes")]
        model = Model(version=root.scalar(0, "u32", 0), description=root.string(3, "description") or "")
        model.subgraphs = [self.subgraph(t, i) for i, t in enumerate(root.tables(2, "subgraphs"))]
        for t in root.tables(6, "metadata"):
            name = t.string(0, "name")
            if name is None:
                self.fail(f"{t.what} has no name")
            model.metadata[name] = self.buffer_bytes(t.scalar(1, "u32", 0), f"metadata {name!r}") or b""
        model.signatures = [self.signature(t, model) for t in root.tables(7, "signature_defs")]
        return model

    # ---- pieces ----
    def buffer_bytes(self, index: int, what: str) -> bytes | None:
        """Contents of buffer `index`: its data vector, or the bytes at Buffer.offset/size after the
        FlatBuffer (offset > 1); None when it holds nothing."""
        if index >= len(self.buffers):
            self.fail(f"{what}: buffer index {index} is out of range (the model has {len(self.buffers)} buffers)")
        b = self.buffers[index]
        data = b.bytes(0, "data")
        offset, size = b.scalar(1, "u64", 0), b.scalar(2, "u64", 0)
        if offset > 1:
            self.buf.check(offset, size, f"{what}: external data of buffer {index}")
            data = self.buf.data[offset:offset + size]
        return data or None

    def operator_code(self, t: _Table) -> tuple[str, bool, int]:
        """(builtin name or custom code, is custom, version). The builtin is the larger of
        builtin_code and deprecated_builtin_code: old files only set the latter, new ones set
        the latter to 127 (PLACEHOLDER_FOR_GREATER_OP_CODES) for codes above 127."""
        code = max(t.scalar(0, "i8", 0), t.scalar(3, "i32", 0))
        version = t.scalar(2, "i32", 1)
        if code == _CUSTOM:
            custom = t.string(1, "custom_code")
            if custom is None:
                self.fail(f"{t.what}: a CUSTOM operator code without custom_code")
            return custom, True, version
        if code not in _OP_NAMES:
            self.fail(f"{t.what}: unknown builtin operator code {code}")
        return _OP_NAMES[code], False, version

    def subgraph(self, t: _Table, index: int) -> Subgraph:
        g = Subgraph(name=t.string(4, "name") or "")
        g.tensors = [self.tensor(tt) for tt in t.tables(0, "tensors")]
        n = len(g.tensors)
        where = f"subgraph {index}"
        g.inputs = self.indices(t.ints(1, "inputs"), n, f"{where} inputs")
        g.outputs = self.indices(t.ints(2, "outputs"), n, f"{where} outputs")
        g.operators = [self.operator(ot, n, f"{where} operator {i}") for i, ot in enumerate(t.tables(3, "operators"))]
        return g

    def indices(self, values: list[int], n: int, what: str, optional: bool = False) -> list[int]:
        for v in values:
            if not (0 <= v < n or (optional and v == -1)):
                self.fail(f"{what}: tensor index {v} is out of range (the subgraph has {n} tensors)")
        return values

    def tensor(self, t: _Table) -> Tensor:
        name = t.string(3, "name") or ""
        what = f"tensor {name!r}"
        type_value = t.scalar(1, "i8", 0)
        if type_value not in _TYPE_NAMES:
            self.fail(f"{what}: unknown tensor type {type_value}")
        type_name = _TYPE_NAMES[type_value]
        dtype = _NUMPY.get(type_name, type_name.lower())
        shape = tuple(t.ints(0, "shape"))
        signature = t.array(7, "i32", "shape_signature")
        if t.table(6, "sparsity") is not None:
            self.fail(f"{what}: sparse tensors are not supported")
        if t.scalar(10, "u32", 0):
            self.fail(f"{what}: its data lives in an external file (external_buffer), which read() cannot open")
        raw = self.buffer_bytes(t.scalar(2, "u32", 0), what)
        return Tensor(name=name, dtype=dtype, shape=shape,
                      data=None if raw is None else self.tensor_data(raw, type_name, shape, what),
                      shape_signature=None if signature is None else tuple(int(d) for d in signature),
                      quantization=self.quantization(t.table(4, "quantization")),
                      is_variable=t.scalar(5, "bool", False))

    def tensor_data(self, raw: bytes, type_name: str, shape: tuple, what: str) -> np.ndarray:
        if any(d < 0 for d in shape):
            self.fail(f"{what}: constant data with a negative dimension in shape {shape_text(shape)}")
        count = 1
        for d in shape:
            count *= d
        if type_name == "STRING":
            return self.strings(raw, count, shape, what)
        if type_name not in _NUMPY:                     # int4, bfloat16, ...: the packed bytes as stored
            return np.frombuffer(raw, np.uint8).copy()
        dtype = np.dtype(_NUMPY[type_name]).newbyteorder("<")
        if count * dtype.itemsize != len(raw):
            self.fail(f"{what}: buffer holds {len(raw)} bytes, shape {shape_text(shape)} of {_NUMPY[type_name]} "
                      f"needs {count * dtype.itemsize}")
        return np.frombuffer(raw, dtype).astype(dtype.newbyteorder("=")).reshape(shape)

    def strings(self, raw: bytes, count: int, shape: tuple, what: str) -> np.ndarray:
        """TFLite's string tensor layout: int32 count, count+1 int32 offsets, then the bytes."""
        n = len(raw)
        if n < 4 or struct.unpack_from("<i", raw, 0)[0] != count or n < 4 * (count + 2):
            self.fail(f"{what}: string buffer does not hold {count} strings")
        offsets = struct.unpack_from(f"<{count + 1}i", raw, 4)
        if any(a > b for a, b in zip(offsets, offsets[1:])) or offsets[0] < 4 * (count + 2) or offsets[-1] > n:
            self.fail(f"{what}: string offsets are out of order or out of range")
        out = np.empty(count, dtype=object)
        for i in range(count):
            out[i] = raw[offsets[i]:offsets[i + 1]]
        return out.reshape(shape)

    def quantization(self, t: _Table | None) -> Quantization | None:
        if t is None:
            return None
        mn, mx = t.array(0, "f32", "min"), t.array(1, "f32", "max")
        scale, zp = t.array(2, "f32", "scale"), t.array(3, "i64", "zero_point")
        if all(a is None or a.size == 0 for a in (mn, mx, scale, zp)):
            return None
        return Quantization(scale=np.zeros(0, np.float32) if scale is None else scale,
                            zero_point=np.zeros(0, np.int64) if zp is None else zp,
                            dimension=t.scalar(6, "i32", 0), min=mn, max=mx)

    def operator(self, t: _Table, n_tensors: int, what: str) -> Operator:
        index = t.scalar(0, "u32", 0)
        if index >= len(self.codes):
            self.fail(f"{what}: opcode_index {index} is out of range ({len(self.codes)} operator codes)")
        opcode, custom, version = self.codes[index]
        op = Operator(opcode=opcode, custom=custom, version=version,
                      inputs=self.indices(t.ints(1, "inputs"), n_tensors, f"{what} ({opcode}) inputs", True),
                      outputs=self.indices(t.ints(2, "outputs"), n_tensors, f"{what} ({opcode}) outputs", True),
                      intermediates=self.indices(t.ints(8, "intermediates"), n_tensors,
                                                 f"{what} ({opcode}) intermediates"))
        union = t.scalar(3, "u8", 0)
        if union:
            if union not in _TABLE_OF_UNION:
                self.fail(f"{what} ({opcode}): unknown builtin_options type {union}")
            table = t.table(4, "builtin_options")
            if table is None:
                self.fail(f"{what} ({opcode}): builtin_options type {union} without its table")
            op.options = self.options(table, _TABLE_OF_UNION[union])
        if t.scalar(11, "u8", 0):
            self.fail(f"{what} ({opcode}): builtin_options_2 (StableHLO operators) are not supported")
        op.custom_options = t.bytes(5, "custom_options")
        offset, size = t.scalar(9, "u64", 0), t.scalar(10, "u64", 0)
        if offset > 1:
            self.buf.check(offset, size, f"{what} ({opcode}) large custom options")
            op.custom_options = self.buf.data[offset:offset + size]
        return op

    def options(self, t: _Table, table: str) -> dict:
        """Every field of the options table, its default where the file leaves it out."""
        out = {}
        for slot, (name, kind, default) in enumerate(OPTIONS_FIELDS[table]):
            if kind is None:                            # deprecated: the slot is kept, nothing is read
                continue
            if kind == "string":
                out[name] = t.string(slot, name)
            elif kind.startswith("["):
                a = t.array(slot, kind[1:-1], name)
                out[name] = None if a is None else a.tolist()
            else:
                out[name] = t.scalar(slot, kind, default)
        return out

    def signature(self, t: _Table, model: Model) -> Signature:
        key = t.string(2, "signature_key") or ""
        index = t.scalar(4, "u32", 0)
        if index >= len(model.subgraphs):
            self.fail(f"signature {key!r}: subgraph_index {index} is out of range "
                      f"({len(model.subgraphs)} subgraphs)")
        n = len(model.subgraphs[index].tensors)

        def maps(slot: int, what: str) -> dict[str, int]:
            out = {}
            for m in t.tables(slot, what):
                name, tensor = m.string(0, "name") or "", m.scalar(1, "u32", 0)
                self.indices([tensor], n, f"signature {key!r} {what} {name!r}")
                out[name] = tensor
            return out
        return Signature(key=key, inputs=maps(0, "inputs"), outputs=maps(1, "outputs"), subgraph=index)


def read(data: bytes, source: str = "<bytes>") -> Model:
    """The Model in the `.tflite` bytes `data`; `source` (a path, say) prefixes every error. Raises
    ValueError for a file that is not a TFLite model, is truncated or corrupted, or uses what the
    Model cannot hold (sparse tensors, external data files, StableHLO options)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError(f"{source}: read() takes the file's bytes, got {type(data).__name__}")
    return _Reader(data, source).read()
