"""SignatureDefs read from the model bytes (TFLite schema: Model.signature_defs is field 7;
SignatureDef: inputs 0, outputs 1, signature_key 2, subgraph_index 4; TensorMap: name 0,
tensor_index 1). A small bounds-checked FlatBuffer walk; errors raise ValueError."""
from __future__ import annotations

import struct


class _Reader:
    def __init__(self, buf: bytes):
        self.buf = buf

    def u32(self, pos: int) -> int:
        if pos < 0 or pos + 4 > len(self.buf):
            raise ValueError("model is truncated (signature table)")
        return struct.unpack_from("<I", self.buf, pos)[0]

    def table(self, pos: int) -> tuple[int, int, int]:
        vt = pos - struct.unpack_from("<i", self.buf, pos)[0] if pos + 4 <= len(self.buf) else -1
        if vt < 0 or vt + 4 > len(self.buf):
            raise ValueError("model is truncated (signature table)")
        vt_size = struct.unpack_from("<H", self.buf, vt)[0]
        return pos, vt, vt_size

    def field(self, table, fid: int) -> int:
        pos, vt, vt_size = table
        slot = 4 + 2 * fid
        if slot + 2 > vt_size:
            return 0
        off = struct.unpack_from("<H", self.buf, vt + slot)[0]
        return pos + off if off else 0

    def offset(self, at: int) -> int:
        return at + self.u32(at)

    def vector(self, table, fid: int) -> list[int]:
        at = self.field(table, fid)
        if not at:
            return []
        start = self.offset(at)
        n = self.u32(start)
        if start + 4 + 4 * n > len(self.buf):
            raise ValueError("model is truncated (signature vector)")
        return [start + 4 + 4 * i for i in range(n)]

    def string(self, table, fid: int) -> str | None:
        at = self.field(table, fid)
        if not at:
            return None
        start = self.offset(at)
        n = self.u32(start)
        return bytes(self.buf[start + 4:start + 4 + n]).decode("utf-8", "replace")

    def scalar_u32(self, table, fid: int, default: int = 0) -> int:
        at = self.field(table, fid)
        return self.u32(at) if at else default


def read_signatures(model: bytes) -> dict[str, dict]:
    """{key: {"inputs": {name: tensor_index}, "outputs": {...}, "subgraph_index": i}}"""
    r = _Reader(model)
    root = r.table(r.u32(0))
    out = {}
    for slot in r.vector(root, 7):
        sig = r.table(r.offset(slot))
        entry = {"subgraph_index": r.scalar_u32(sig, 4)}
        for fid, kind in ((0, "inputs"), (1, "outputs")):
            maps = {}
            for m in r.vector(sig, fid):
                tm = r.table(r.offset(m))
                maps[r.string(tm, 0)] = r.scalar_u32(tm, 1)
            entry[kind] = maps
        out[r.string(sig, 2) or "serving_default"] = entry
    return out
