"""JSON values to input arrays, checked against a signature: element types (no silent float -> int truncation, no
out-of-range integers, no strings or objects in numeric tensors) and shapes (the static shape, or any batch where
the signature's first dimension is -1). Shared by the v1 and v2 codecs; every failure is an INVALID_ARGUMENT
ServingError naming the input."""
from __future__ import annotations

import base64
import binascii

import numpy as np

from .errors import ServingError
from .servable import Signature, TensorSpec


def _b64_bytes(value, spec: TensorSpec):
    """{"b64": "..."} objects decoded. The server does not feed the runtime's STRING tensors yet, so bytes go to
    uint8/int8 inputs as their raw elements (an encoded row of pixels fills that row); other types refuse them."""
    if isinstance(value, dict):
        if set(value) != {"b64"} or not isinstance(value["b64"], str):
            raise ServingError("INVALID_ARGUMENT", f"input {spec.key!r}: JSON object {_short(value)} is not a "
                               'value; the only object allowed is {"b64": "<base64>"}')
        if spec.dtype not in (np.uint8, np.int8):
            raise ServingError("INVALID_ARGUMENT", f"input {spec.key!r}: base64 bytes need a uint8 or int8 tensor; "
                               f"this one is {spec.dtype.name}")
        try:
            raw = base64.b64decode(value["b64"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ServingError("INVALID_ARGUMENT", f"input {spec.key!r}: JSON Value: {_short(value)} not formatted "
                               f"correctly for base64 data: {exc}") from None
        return np.frombuffer(raw, spec.dtype).tolist()
    if isinstance(value, list):
        return [_b64_bytes(v, spec) for v in value]
    return value


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def to_array(value, spec: TensorSpec) -> np.ndarray:
    if spec.dtype.kind == "f":  # the common case in one NumPy call; anything odd gets the checks below
        try:
            arr = np.asarray(value, spec.dtype)
            if arr.dtype == spec.dtype:
                return arr
        except (ValueError, TypeError):
            pass
    try:
        arr = np.asarray(value)
    except ValueError as exc:  # ragged nesting
        raise ServingError("INVALID_ARGUMENT", f"input {spec.key!r}: the nested lists are not rectangular "
                           f"({str(exc).split(' The ')[0]})") from None
    if arr.dtype == object and _has_object(value):
        arr = np.asarray(_b64_bytes(value, spec))
    kind = arr.dtype.kind
    want = spec.dtype
    if kind in "OUS" or (kind == "b" and want.kind != "b"):
        raise ServingError("INVALID_ARGUMENT", f"input {spec.key!r}: expected {want.name} values, got "
                           f"{'strings' if kind in 'US' else 'booleans' if kind == 'b' else 'mixed values'}")
    if want.kind in "iu":
        if kind == "f":
            raise ServingError("INVALID_ARGUMENT", f"input {spec.key!r}: expected {want.name} values, got "
                               "non-integer numbers")
        info = np.iinfo(want)
        if arr.size and (arr.min() < info.min or arr.max() > info.max):
            raise ServingError("INVALID_ARGUMENT", f"input {spec.key!r}: values must lie in [{info.min}, "
                               f"{info.max}] for {want.name}; got {arr.min()} .. {arr.max()}")
    elif want.kind == "b" and kind != "b":
        raise ServingError("INVALID_ARGUMENT", f"input {spec.key!r}: expected true/false values")
    return arr.astype(want, copy=False)


def _has_object(value) -> bool:
    if isinstance(value, dict):
        return True
    if isinstance(value, list):
        return any(_has_object(v) for v in value)
    return False


def _shape_text(shape) -> str:
    return "[" + ", ".join(str(int(d)) for d in shape) + "]"


def check_shapes(sig: Signature, arrays: list[np.ndarray]) -> int:
    """The request's batch size, after checking each input's shape against the signature."""
    batch = None
    for spec, a in zip(sig.inputs, arrays):
        shape = a.shape
        if sig.batched:
            ok = len(shape) == len(spec.shape) and shape[1:] == spec.shape[1:] and shape[0] >= 1
        else:
            ok = shape == spec.shape
        if not ok:
            want = _shape_text(spec.signature if sig.batched else spec.shape)
            raise ServingError("INVALID_ARGUMENT", f"input {spec.key!r}: expected shape {want}"
                               f"{' (-1: any batch size)' if sig.batched else ''}, got {_shape_text(shape)}")
        if sig.batched:
            if batch is not None and shape[0] != batch:
                raise ServingError("INVALID_ARGUMENT", f"inputs disagree on the batch size: {batch} and "
                                   f"{shape[0]} ({spec.key!r})")
            batch = shape[0]
    if not sig.batched:
        return 1
    if batch % sig.inputs[0].shape[0]:
        raise ServingError("INVALID_ARGUMENT", f"batch size {batch} is not a multiple of the model's "
                           f"{sig.inputs[0].shape[0]}")
    return batch
