"""The weights file: safe (no pickle), checked, and written atomically.

Layout: magic b"TLWEIGHTS1\\n", an 8-byte little-endian header length, a JSON header
({"tensors": [{"name", "dtype", "shape", "offset", "nbytes"}], "crc32": <of the data>}), then the
raw little-endian arrays. A truncated or corrupt file raises ValueError naming the file.
"""
from __future__ import annotations

import json
import struct
import zlib

import numpy as np

from ...files import atomic_write_bytes

MAGIC = b"TLWEIGHTS1\n"


def save_arrays(path: str, named: list[tuple[str, np.ndarray]]) -> None:
    entries, chunks, offset = [], [], 0
    for name, a in named:
        shape = list(np.shape(a))  # before ascontiguousarray, which makes a 0-d array 1-d
        a = np.ascontiguousarray(a)
        raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
        entries.append({"name": name, "dtype": a.dtype.str.lstrip("<>|="), "shape": shape,
                        "offset": offset, "nbytes": len(raw)})
        chunks.append(raw)
        offset += len(raw)
    data = b"".join(chunks)
    header = json.dumps({"tensors": entries, "crc32": zlib.crc32(data)}).encode()
    atomic_write_bytes(path, MAGIC + struct.pack("<Q", len(header)) + header + data)


def load_arrays(path: str) -> list[tuple[str, np.ndarray]]:
    with open(path, "rb") as f:
        blob = f.read()

    def bad(why: str) -> ValueError:
        return ValueError(f"{path}: not a valid tensorlite weights file ({why})")

    if not blob.startswith(MAGIC):
        raise bad("wrong magic bytes")
    if len(blob) < len(MAGIC) + 8:
        raise bad("truncated header")
    (hlen,) = struct.unpack_from("<Q", blob, len(MAGIC))
    start = len(MAGIC) + 8
    if start + hlen > len(blob):
        raise bad("truncated header")
    try:
        header = json.loads(blob[start:start + hlen])
        entries = header["tensors"]
        crc = header["crc32"]
    except (ValueError, KeyError, TypeError) as e:
        raise bad(f"corrupt header: {e}") from None
    data = blob[start + hlen:]
    total = sum(e["nbytes"] for e in entries)
    if len(data) != total:
        raise bad(f"data is {len(data)} bytes, header says {total} (truncated?)")
    if zlib.crc32(data) != crc:
        raise bad("checksum mismatch (corrupt data)")
    out = []
    for e in entries:
        dt = np.dtype("<" + e["dtype"]) if e["dtype"][0] in "fiu" else np.dtype(e["dtype"])
        a = np.frombuffer(data, dt, count=int(np.prod(e["shape"])), offset=e["offset"]).reshape(e["shape"])
        out.append((e["name"], a.astype(dt.newbyteorder("=")).copy()))
    return out


def save_weights(model, path: str) -> None:
    save_arrays(path, [(v.name, v.numpy()) for v in model.weights])


def load_weights(model, path: str) -> None:
    """By name when the file's names are exactly the model's (so files written before the weight order
    became Keras 3's still load), otherwise by position."""
    arrays = load_arrays(path)
    weights = model.weights
    if len(arrays) != len(weights):
        raise ValueError(f"{path}: holds {len(arrays)} weights, model {model.name!r} has {len(weights)}")
    names = [v.name for v in weights]
    by_name = {name: a for name, a in arrays}
    if len(set(names)) == len(names) == len(by_name) and set(names) == set(by_name):
        arrays = [(name, by_name[name]) for name in names]
    for v, (name, a) in zip(weights, arrays):
        if tuple(a.shape) != tuple(v.shape):
            raise ValueError(f"{path}: weight {name!r} has shape {list(a.shape)}, model variable "
                             f"{v.name!r} expects {list(v.shape)}")
    for v, (_, a) in zip(weights, arrays):
        v.assign(a.astype(v.dtype.as_numpy_dtype))
