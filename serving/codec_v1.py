"""TF Serving's REST predict format (v1): requests in the row format ({"instances": [...]}, one entry per batch
item, named {"input": value, ...} or bare values for one-input signatures) or the columnar format ({"inputs": value
or {"input": value, ...}}, batch dimension included); the reply mirrors it ({"predictions": [...]}: one value per
item, or one {"output": value} object per item with several outputs; {"outputs": ...} for columnar)."""
from __future__ import annotations

import numpy as np
import orjson

from .errors import ServingError
from .servable import Servable, Signature
from .tensors import check_shapes, to_array

_OPTS = orjson.OPT_SERIALIZE_NUMPY
_REQUEST_KEYS = ("signature_name", "instances", "inputs")


def parse_json(body: bytes):
    if not body:
        raise ServingError("INVALID_ARGUMENT", "JSON Parse error: The document is empty. (expected a JSON object)")
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise ServingError("INVALID_ARGUMENT", f"JSON Parse error: {exc}") from None
    if not isinstance(doc, dict):
        raise ServingError("INVALID_ARGUMENT", "JSON Parse error: the request must be a JSON object")
    return doc


def _is_named(value) -> bool:
    return isinstance(value, dict) and set(value) != {"b64"}


def decode_predict(doc: dict, servable: Servable) -> tuple[Signature, list[np.ndarray], int, bool]:
    """(signature, input arrays in signature order, batch size, row format?) from a parsed request."""
    if len(doc) == 1:  # fast path: {"instances": [[...], ...]} for the default signature's one batched input
        instances = doc.get("instances")
        sig = servable.default_signature
        if instances.__class__ is list and instances and instances[0].__class__ is list and sig.batched \
                and len(sig.inputs) == 1:
            arrays = [to_array(instances, sig.inputs[0])]
            return sig, arrays, check_shapes(sig, arrays), True
    unknown = [k for k in doc if k not in _REQUEST_KEYS]
    if unknown:
        raise ServingError("INVALID_ARGUMENT", f"unknown key(s) {sorted(unknown)} in the request; expected "
                           "'signature_name' and one of 'instances' or 'inputs'")
    name = doc.get("signature_name")
    if name is not None and not isinstance(name, str):
        raise ServingError("INVALID_ARGUMENT", "'signature_name' must be a string")
    sig = servable.signature(name)
    if ("instances" in doc) == ("inputs" in doc):
        raise ServingError("INVALID_ARGUMENT", "Missing 'inputs' or 'instances' key" if "inputs" not in doc else
                           "Not formatted correctly expecting only one of 'inputs' or 'instances' keys exists")
    keys = sig.input_keys
    row = "instances" in doc
    if row:
        instances = doc["instances"]
        if not isinstance(instances, list) or not instances:
            raise ServingError("INVALID_ARGUMENT", "'instances' must be a non-empty JSON list")
        if _is_named(instances[0]):
            for i, inst in enumerate(instances):
                if not _is_named(inst) or set(inst) != set(keys):
                    raise ServingError("INVALID_ARGUMENT", f"instance {i}: expected an object with the inputs "
                                       f"{sorted(keys)}, got {sorted(inst) if _is_named(inst) else 'a bare value'}")
            columns = [[inst[k] for inst in instances] for k in keys]
        else:
            if len(keys) != 1:
                raise ServingError("INVALID_ARGUMENT", f"the signature has {len(keys)} inputs {sorted(keys)}: each "
                                   "instance must be an object naming them")
            if len(instances) > 1 and any(_is_named(inst) for inst in instances):
                raise ServingError("INVALID_ARGUMENT", "instances mix objects and bare values")
            columns = [instances]
        if not sig.batched:  # a model without a batch dimension of -1: each instance is the whole input
            if len(instances) != 1:
                raise ServingError("INVALID_ARGUMENT", f"the model's inputs have a fixed shape "
                                   f"({', '.join(str(list(s.shape)) for s in sig.inputs)}): send one instance, "
                                   f"got {len(instances)}")
    else:
        inputs = doc["inputs"]
        if _is_named(inputs):
            if set(inputs) != set(keys):
                raise ServingError("INVALID_ARGUMENT", f"'inputs' names {sorted(inputs)}; the signature's inputs "
                                   f"are {sorted(keys)}")
            columns = [inputs[k] for k in keys]
        else:
            if len(keys) != 1:
                raise ServingError("INVALID_ARGUMENT", f"the signature has {len(keys)} inputs {sorted(keys)}: "
                                   "'inputs' must be an object naming them")
            columns = [inputs]
    arrays = [to_array(c, s) for c, s in zip(columns, sig.inputs)]
    if row and not sig.batched:  # one instance stacked; an input without a batch dimension is that instance
        arrays = [a[0] if a.shape != s.shape and a.shape[1:] == s.shape else a for a, s in zip(arrays, sig.inputs)]
    batch = check_shapes(sig, arrays)
    return sig, arrays, batch, row


def encode_predict(sig: Signature, outputs: list[np.ndarray], row: bool) -> bytes:
    keys = [s.key for s in sig.outputs]
    if row:
        # one prediction per instance: the outputs' first dimension, or the whole output of a model without one
        items = [o if sig.batched or (o.ndim and o.shape[0] == 1) else o[None] for o in outputs]
        if len(items) == 1:
            body = {"predictions": items[0]}
        else:
            body = {"predictions": [{k: o[i] for k, o in zip(keys, items)} for i in range(items[0].shape[0])]}
    elif len(outputs) == 1:
        body = {"outputs": outputs[0]}
    else:
        body = {"outputs": dict(zip(keys, outputs))}
    return orjson.dumps(body, option=_OPTS)


_DT = {"float32": "DT_FLOAT", "float16": "DT_HALF", "float64": "DT_DOUBLE", "int8": "DT_INT8", "uint8": "DT_UINT8",
       "int16": "DT_INT16", "uint16": "DT_UINT16", "int32": "DT_INT32", "uint32": "DT_UINT32", "int64": "DT_INT64",
       "uint64": "DT_UINT64", "bool": "DT_BOOL"}


def _tensor_info(spec) -> dict:
    return {"dtype": _DT[spec.dtype.name], "tensor_shape": {"dim": [{"size": str(d), "name": ""}
                                                                    for d in spec.signature],
                                                            "unknown_rank": False},
            "name": spec.tensor_name}


def metadata(servable: Servable) -> dict:
    """GetModelMetadata's reply as TF Serving's REST API writes it (signature_def map)."""
    defs = {key: {"inputs": {s.key: _tensor_info(s) for s in sig.inputs},
                  "outputs": {s.key: _tensor_info(s) for s in sig.outputs},
                  "method_name": "tensorflow/serving/predict", "defaults": {}}
            for key, sig in servable.signatures.items()}
    return {"model_spec": {"name": servable.name, "signature_name": "", "version": str(servable.version)},
            "metadata": {"signature_def": {"signature_def": defs}}}
