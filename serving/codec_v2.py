"""The Open Inference Protocol (KServe v2, Triton's HTTP API): JSON tensors {name, shape, datatype, data}, and
Triton's binary tensor extension that tritonclient uses by default (the JSON header's length in the
Inference-Header-Content-Length header, raw little-endian tensors after it, sized by parameters.binary_data_size;
outputs come back binary when the request asks with parameters.binary_data / binary_data_output)."""
from __future__ import annotations

import numpy as np
import orjson

from .errors import ServingError
from .servable import Servable, Signature
from .tensors import check_shapes, to_array

DATATYPES = {"float32": "FP32", "float16": "FP16", "float64": "FP64", "int8": "INT8", "int16": "INT16",
             "int32": "INT32", "int64": "INT64", "uint8": "UINT8", "uint16": "UINT16", "uint32": "UINT32",
             "uint64": "UINT64", "bool": "BOOL"}
HEADER = "inference-header-content-length"


def _tensor_meta(spec) -> dict:
    return {"name": spec.key, "datatype": DATATYPES[spec.dtype.name], "shape": list(spec.signature)}


def model_metadata(servable: Servable, versions: list[int]) -> dict:
    sig = servable.signature(None)
    return {"name": servable.name, "versions": [str(v) for v in versions], "platform": "tensorflow_lite",
            "inputs": [_tensor_meta(s) for s in sig.inputs], "outputs": [_tensor_meta(s) for s in sig.outputs]}


def model_config(servable: Servable, max_batch_size: int) -> dict:
    """Triton's model configuration (GET .../config, tritonclient's get_model_config): with server batching on a
    signature whose batch is -1, max_batch_size is the batcher's and dims leave the batch dimension out."""
    sig = servable.signature(None)
    batch = max_batch_size if sig.batched else 0

    def tensors(specs):
        return [{"name": s.key, "data_type": "TYPE_" + DATATYPES[s.dtype.name],
                 "dims": list(s.signature[1:] if batch else s.signature)} for s in specs]
    return {"name": servable.name, "platform": "tensorflow_lite", "backend": "tensorlite", "max_batch_size": batch,
            "input": tensors(sig.inputs), "output": tensors(sig.outputs)}


def decode_infer(body: bytes, header_length: int | None, servable: Servable):
    """(signature, input arrays, batch, request document, binary outputs wanted {name: bool}, default binary)."""
    if header_length is not None:
        if not 0 <= header_length <= len(body):
            raise ServingError("INVALID_ARGUMENT", f"Inference-Header-Content-Length {header_length} is outside the "
                               f"body's {len(body)} bytes")
        head, blob = body[:header_length], memoryview(body)[header_length:]
    else:
        head, blob = body, memoryview(b"")
    try:
        doc = orjson.loads(head)
    except orjson.JSONDecodeError as exc:
        raise ServingError("INVALID_ARGUMENT", f"failed to parse the request JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("inputs"), list):
        raise ServingError("INVALID_ARGUMENT", "the request must be a JSON object with an 'inputs' list")
    sig = servable.signature(None)
    by_name = {}
    offset = 0
    for t in doc["inputs"]:
        if not isinstance(t, dict) or not isinstance(t.get("name"), str):
            raise ServingError("INVALID_ARGUMENT", "each input must be an object with a 'name'")
        spec = sig.input(t["name"])
        if spec is None:
            raise ServingError("INVALID_ARGUMENT", f"unexpected inference input {t['name']!r} for model "
                               f"{servable.name!r}; its inputs are {[s.key for s in sig.inputs]}")
        shape, dtype = t.get("shape"), t.get("datatype")
        if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
            raise ServingError("INVALID_ARGUMENT", f"input {t['name']!r}: 'shape' must be a list of sizes")
        want = DATATYPES[spec.dtype.name]
        if dtype != want:
            raise ServingError("INVALID_ARGUMENT", f"input {t['name']!r}: datatype {dtype!r} does not match the "
                               f"model's {want!r}")
        params = t.get("parameters") or {}
        size = params.get("binary_data_size")
        count = int(np.prod(shape, dtype=np.int64))
        if size is not None:
            if size != count * spec.dtype.itemsize or offset + size > len(blob):
                raise ServingError("INVALID_ARGUMENT", f"input {t['name']!r}: binary_data_size {size} does not hold "
                                   f"{count} {want} values, or runs past the body")
            arr = np.frombuffer(blob[offset:offset + size], spec.dtype).reshape(shape)
            offset += size
        else:
            if "data" not in t:
                raise ServingError("INVALID_ARGUMENT", f"input {t['name']!r} has neither 'data' nor binary data")
            arr = to_array(t["data"], spec)
            if arr.size != count:
                raise ServingError("INVALID_ARGUMENT", f"input {t['name']!r}: {arr.size} values for shape {shape}")
            arr = arr.reshape(shape)
        by_name[spec.key] = arr
    missing = [s.key for s in sig.inputs if s.key not in by_name]
    if missing:
        raise ServingError("INVALID_ARGUMENT", f"expected {len(sig.inputs)} inputs but got {len(by_name)}; missing "
                           f"{missing}")
    arrays = [by_name[s.key] for s in sig.inputs]
    batch = check_shapes(sig, arrays)
    default_binary = bool((doc.get("parameters") or {}).get("binary_data_output", False))
    wanted = {}
    for o in doc.get("outputs") or []:
        name = o.get("name") if isinstance(o, dict) else None
        if name not in [s.key for s in sig.outputs]:
            raise ServingError("INVALID_ARGUMENT", f"unexpected inference output {name!r}; the model's outputs are "
                               f"{[s.key for s in sig.outputs]}")
        wanted[name] = bool((o.get("parameters") or {}).get("binary_data", default_binary))
    return sig, arrays, batch, doc, wanted, default_binary


def encode_infer(servable: Servable, sig: Signature, outputs: list[np.ndarray], doc: dict, wanted: dict,
                 default_binary: bool) -> tuple[bytes, int | None]:
    """(body, JSON header length when binary tensors follow it)."""
    names = list(wanted) or [s.key for s in sig.outputs]
    by_key = {s.key: (s, o) for s, o in zip(sig.outputs, outputs)}
    tensors, blobs = [], []
    for name in names:
        spec, arr = by_key[name]
        entry = {"name": name, "datatype": DATATYPES[spec.dtype.name], "shape": list(arr.shape)}
        if wanted.get(name, default_binary):
            raw = np.ascontiguousarray(arr).tobytes()
            entry["parameters"] = {"binary_data_size": len(raw)}
            blobs.append(raw)
        else:
            entry["data"] = arr.reshape(-1)
        tensors.append(entry)
    reply = {"model_name": servable.name, "model_version": str(servable.version), "outputs": tensors}
    if "id" in doc:
        reply["id"] = doc["id"]
    head = orjson.dumps(reply, option=orjson.OPT_SERIALIZE_NUMPY)
    if not blobs:
        return head, None
    return head + b"".join(blobs), len(head)
