"""tensorlite: train with TensorFlow's API, deploy TFLite models everywhere.

    import tensorlite as tl

Public names are TensorFlow's, re-exported explicitly here from their card and module files.
"""
from tensorlite import config as config  # noqa: E402
from tensorlite import distribute as distribute  # noqa: E402
from tensorlite import image as image  # noqa: E402
from tensorlite import io as io  # noqa: E402
from tensorlite import math as math  # noqa: E402
from tensorlite import nn as nn  # noqa: E402
from tensorlite import profiler as profiler  # noqa: E402
from tensorlite import quantization as quantization  # noqa: E402
from tensorlite import random as random  # noqa: E402
from tensorlite import saved_model as saved_model  # noqa: E402
from tensorlite import train as train  # noqa: E402
from tensorlite.training import data as data  # noqa: E402
from tensorlite.training import ops as _ops  # noqa: F401  (op table + operators)
from tensorlite.training.devices import device as device
from tensorlite.training.dtypes import DType as DType
from tensorlite.training.dtypes import as_dtype as as_dtype
from tensorlite.training.dtypes import bool_ as bool  # noqa: F401  (tl.bool, TF's name)
from tensorlite.training.dtypes import float16 as float16
from tensorlite.training.dtypes import float32 as float32
from tensorlite.training.dtypes import float64 as float64
from tensorlite.training.dtypes import int8 as int8
from tensorlite.training.dtypes import int16 as int16
from tensorlite.training.dtypes import int32 as int32
from tensorlite.training.dtypes import int64 as int64
from tensorlite.training.dtypes import uint8 as uint8
from tensorlite.training.function import function as function
from tensorlite.training.graph.trace import name_scope as name_scope
from tensorlite.training.module import Module as Module
from tensorlite.training.ops.activations import sigmoid as sigmoid
from tensorlite.training.ops.activations import tanh as tanh
from tensorlite.training.ops.binary import add as add
from tensorlite.training.ops.binary import divide as divide
from tensorlite.training.ops.binary import equal as equal
from tensorlite.training.ops.binary import greater as greater
from tensorlite.training.ops.binary import greater_equal as greater_equal
from tensorlite.training.ops.binary import less as less
from tensorlite.training.ops.binary import less_equal as less_equal
from tensorlite.training.ops.binary import logical_and as logical_and
from tensorlite.training.ops.binary import logical_or as logical_or
from tensorlite.training.ops.binary import maximum as maximum
from tensorlite.training.ops.binary import minimum as minimum
from tensorlite.training.ops.binary import multiply as multiply
from tensorlite.training.ops.binary import negative as negative
from tensorlite.training.ops.binary import not_equal as not_equal
from tensorlite.training.ops.binary import pow as pow
from tensorlite.training.ops.binary import squared_difference as squared_difference
from tensorlite.training.ops.binary import subtract as subtract
from tensorlite.training.ops.clip import clip_by_value as clip_by_value
from tensorlite.training.ops.concat import concat as concat
from tensorlite.training.ops.control_flow import cond as cond
from tensorlite.training.ops.control_flow import while_loop as while_loop
from tensorlite.training.ops.creation import cast as cast
from tensorlite.training.ops.creation import eye as eye
from tensorlite.training.ops.creation import fill as fill
from tensorlite.training.ops.creation import identity as identity
from tensorlite.training.ops.creation import ones as ones
from tensorlite.training.ops.creation import ones_like as ones_like
from tensorlite.training.ops.creation import range as range
from tensorlite.training.ops.creation import zeros as zeros
from tensorlite.training.ops.creation import zeros_like as zeros_like
from tensorlite.training.ops.einsum import einsum as einsum
from tensorlite.training.ops.gather import gather as gather
from tensorlite.training.ops.matmul import matmul as matmul
from tensorlite.training.ops.one_hot import one_hot as one_hot
from tensorlite.training.ops.pad import pad as pad
from tensorlite.training.ops.reduce import argmax as argmax
from tensorlite.training.ops.reduce import argmin as argmin
from tensorlite.training.ops.reduce import reduce_max as reduce_max
from tensorlite.training.ops.reduce import reduce_mean as reduce_mean
from tensorlite.training.ops.reduce import reduce_min as reduce_min
from tensorlite.training.ops.reduce import reduce_sum as reduce_sum
from tensorlite.training.ops.reshape import reshape as reshape
from tensorlite.training.ops.shape_ops import broadcast_to as broadcast_to
from tensorlite.training.ops.shape_ops import expand_dims as expand_dims
from tensorlite.training.ops.shape_ops import shape as shape
from tensorlite.training.ops.shape_ops import squeeze as squeeze
from tensorlite.training.ops.shape_ops import tile as tile
from tensorlite.training.ops.slice import slice as slice
from tensorlite.training.ops.split import split as split
from tensorlite.training.ops.stack import stack as stack
from tensorlite.training.ops.stack import unstack as unstack
from tensorlite.training.ops.strided_slice import newaxis as newaxis
from tensorlite.training.ops.strided_slice import strided_slice as strided_slice
from tensorlite.training.ops.top_k import argsort as argsort
from tensorlite.training.ops.top_k import sort as sort
from tensorlite.training.ops.transpose import transpose as transpose
from tensorlite.training.ops.unary import abs as abs
from tensorlite.training.ops.unary import cos as cos
from tensorlite.training.ops.unary import exp as exp
from tensorlite.training.ops.unary import floor as floor
from tensorlite.training.ops.unary import log as log
from tensorlite.training.ops.unary import rsqrt as rsqrt
from tensorlite.training.ops.unary import sign as sign
from tensorlite.training.ops.unary import sin as sin
from tensorlite.training.ops.unary import sqrt as sqrt
from tensorlite.training.ops.unary import square as square
from tensorlite.training.ops.where import where as where
from tensorlite.training.printing import print as print  # noqa: A004  (tf.print)
from tensorlite.training.spec import TensorSpec as TensorSpec
from tensorlite.training.tape import GradientTape as GradientTape
from tensorlite.training.tape import custom_gradient as custom_gradient
from tensorlite.training.tape import stop_gradient as stop_gradient
from tensorlite.training.tensor import Tensor as Tensor
from tensorlite.training.tensor import TensorShape as TensorShape
from tensorlite.training.tensor import Variable as Variable
from tensorlite.training.tensor import constant as constant
from tensorlite.training.tensor import convert_to_tensor as convert_to_tensor


def _version() -> str:
    """The installed package's version; from a source tree that is not installed, pyproject.toml's."""
    import importlib.metadata
    try:
        return importlib.metadata.version("tensorlite")
    except importlib.metadata.PackageNotFoundError:
        import os
        import re
        with open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pyproject.toml")) as f:
            return re.search(r'^version = "([^"]+)"', f.read(), re.M).group(1)


__version__ = _version()
from tensorlite import keras as keras  # noqa: E402


def __getattr__(name: str):
    # `tl.lite` (the C runtime's extension) and `tl.quantize` (the quantizer) load on first use, keeping
    # `import tensorlite` light.
    if name in ("lite", "quantize"):
        import importlib

        return importlib.import_module(f"tensorlite.{name}")
    raise AttributeError(f"module 'tensorlite' has no attribute {name!r}")

