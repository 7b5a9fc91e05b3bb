"""A TFLite model as plain Python data: what the writer serializes, the reader produces, `inspect`
prints and the quantizer rewrites. It mirrors the schema's tables (Model, SubGraph, Tensor,
Operator, SignatureDef) but holds constants as NumPy arrays in their tensors instead of a shared
buffer list, and names each operator by its builtin (or custom) code instead of an index into
operator_codes; the writer builds those tables.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .schema import TENSOR_TYPES

# NumPy dtype name <-> TensorType name
_DTYPE_TO_TYPE = {"float32": "FLOAT32", "float16": "FLOAT16", "float64": "FLOAT64", "int8": "INT8", "uint8": "UINT8",
                  "int16": "INT16", "uint16": "UINT16", "int32": "INT32", "uint32": "UINT32", "int64": "INT64",
                  "uint64": "UINT64", "bool": "BOOL", "complex64": "COMPLEX64", "complex128": "COMPLEX128",
                  "string": "STRING"}
_TYPE_TO_DTYPE = {v: k for k, v in _DTYPE_TO_TYPE.items()}


def tensor_type(dtype: str) -> int:
    """TensorType enum value of a NumPy dtype name ("float32" -> 0)."""
    try:
        return TENSOR_TYPES[_DTYPE_TO_TYPE[dtype]]
    except KeyError:
        raise ValueError(f"dtype {dtype!r} has no TFLite tensor type") from None


def dtype_of(type_value: int) -> str:
    """NumPy dtype name of a TensorType enum value (0 -> "float32"); 'resource', 'variant' or
    'type<N>' for types that hold no array."""
    for name, v in TENSOR_TYPES.items():
        if v == type_value:
            return _TYPE_TO_DTYPE.get(name, name.lower())
    return f"type{type_value}"


@dataclass
class Quantization:
    """real = scale * (q - zero_point), per tensor (one entry) or per channel along `dimension`."""
    scale: np.ndarray
    zero_point: np.ndarray
    dimension: int = 0
    min: np.ndarray | None = None
    max: np.ndarray | None = None


@dataclass(eq=False)
class Tensor:
    name: str
    dtype: str                          # NumPy dtype name, e.g. "float32"
    shape: tuple                        # static shape (1 where the signature says -1)
    data: np.ndarray | None = None      # constant contents; None for activations and inputs
    shape_signature: tuple | None = None  # -1 marks a dynamic dimension; None: same as shape
    quantization: Quantization | None = None
    is_variable: bool = False


@dataclass(eq=False)
class Operator:
    opcode: str                         # builtin name ("CONV_2D") or, with custom=True, the custom code
    inputs: list[int]                   # tensor indices; -1 for an omitted optional input
    outputs: list[int]
    options: dict[str, Any] = field(default_factory=dict)  # fields of the builtin options table
    custom: bool = False
    custom_options: bytes | None = None
    version: int = 1
    intermediates: list[int] = field(default_factory=list)  # e.g. a quantized LSTM's gate outputs


@dataclass(eq=False)
class Subgraph:
    name: str = ""
    tensors: list[Tensor] = field(default_factory=list)
    operators: list[Operator] = field(default_factory=list)
    inputs: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)

    def add_tensor(self, t: Tensor) -> int:
        self.tensors.append(t)
        return len(self.tensors) - 1


@dataclass
class Signature:
    key: str
    inputs: dict[str, int]              # name -> tensor index in its subgraph
    outputs: dict[str, int]
    subgraph: int = 0


@dataclass(eq=False)
class Model:
    subgraphs: list[Subgraph] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)
    description: str = ""
    metadata: dict[str, bytes] = field(default_factory=dict)  # name -> buffer bytes
    version: int = 3
