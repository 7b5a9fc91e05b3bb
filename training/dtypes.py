"""DType objects with TensorFlow's names (`tl.float32`, ...), mapped to NumPy and TFLite types."""
from __future__ import annotations

import numpy as np


class DType:
    """A tensor element type. Compare with `==`; `as_numpy_dtype` gives the NumPy type."""

    __slots__ = ("name", "as_numpy_dtype", "tflite_type")

    def __init__(self, name: str, np_dtype, tflite_type: int):
        self.name = name
        self.as_numpy_dtype = np.dtype(np_dtype)
        self.tflite_type = tflite_type  # TensorType enum value in the TFLite schema

    @property
    def is_floating(self) -> bool:
        return self.as_numpy_dtype.kind == "f"

    @property
    def is_integer(self) -> bool:
        return self.as_numpy_dtype.kind in "iu"

    @property
    def is_bool(self) -> bool:
        return self.as_numpy_dtype.kind == "b"

    @property
    def size(self) -> int:
        return self.as_numpy_dtype.itemsize

    @property
    def min(self):
        return np.finfo(self.as_numpy_dtype).min if self.is_floating else np.iinfo(self.as_numpy_dtype).min

    @property
    def max(self):
        return np.finfo(self.as_numpy_dtype).max if self.is_floating else np.iinfo(self.as_numpy_dtype).max

    def __repr__(self) -> str:
        return f"tl.{self.name}"

    def __reduce__(self):
        return (as_dtype, (self.name,))


float32 = DType("float32", np.float32, 0)
float16 = DType("float16", np.float16, 1)
int32 = DType("int32", np.int32, 2)
uint8 = DType("uint8", np.uint8, 3)
int64 = DType("int64", np.int64, 4)
bool_ = DType("bool", np.bool_, 6)
int16 = DType("int16", np.int16, 7)
int8 = DType("int8", np.int8, 9)
float64 = DType("float64", np.float64, 10)

ALL = (float32, float16, float64, int8, uint8, int16, int32, int64, bool_)
_BY_NAME = {d.name: d for d in ALL}
_BY_NUMPY = {d.as_numpy_dtype: d for d in ALL}


def as_dtype(x) -> DType:
    """Accepts a DType, its name, a NumPy dtype or a Python type; raises TypeError otherwise."""
    if isinstance(x, DType):
        return x
    if isinstance(x, str) and x in _BY_NAME:
        return _BY_NAME[x]
    if x is bool:
        return bool_
    if x is int:
        return int32
    if x is float:
        return float32
    try:
        return _BY_NUMPY[np.dtype(x)]
    except (TypeError, KeyError):
        raise TypeError(f"unsupported dtype {x!r}; expected one of {', '.join(_BY_NAME)}") from None
