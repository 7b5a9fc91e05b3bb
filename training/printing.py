"""`tl.print`: TensorFlow's tf.print for eager code. Tensors print as TensorFlow prints them
(nested brackets, 6 significant digits, each axis longer than 2 * summarize shortened to its first
and last `summarize` entries around "..."), to stderr by default.

Inside tl.function it refuses: a traced graph keeps only nodes that reach an output or an
assignment, so a print node would be dropped without a word. Keeping it needs the graph IR to
record side-effecting nodes (as it records `assigns`) and the executor and dead-code elimination to
keep them; TFLite itself has no print builtin (TensorFlow's converter needs Flex ops for PrintV2).
"""
from __future__ import annotations

import sys

import numpy as np


def _scalar(v) -> str:
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (float, np.floating)):
        return f"{float(v):g}"
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(v)


def format_array(a: np.ndarray, summarize: int = 3, indent: int = 0) -> str:
    """One array as tf.print writes it."""
    if a.ndim == 0:
        return _scalar(a[()])
    n = a.shape[0]
    rows = list(range(n)) if summarize < 0 or n <= 2 * summarize else \
        list(range(summarize)) + [None] + list(range(n - summarize, n))
    if a.ndim == 1:
        return "[" + " ".join("..." if i is None else _scalar(a[i]) for i in rows) + "]"
    sep = "\n" + " " * (indent + 1)
    return "[" + sep.join("..." if i is None else format_array(a[i], summarize, indent + 1) for i in rows) + "]"


def _format(value, summarize: int) -> str:
    from .tensor import Tensor, Variable
    if isinstance(value, (Tensor, Variable)):
        return format_array(value.numpy(), summarize)
    if isinstance(value, np.ndarray):
        return format_array(value, summarize)
    if isinstance(value, list):
        return "[" + ", ".join(_format(v, summarize) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + ", ".join(_format(v, summarize) for v in value) + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_format(v, summarize)}" for k, v in value.items()) + "}"
    return str(value)


def print(*inputs, output_stream=None, summarize=3, sep=" ", end="\n", name=None):  # noqa: A001  (tf.print)
    """`tf.print(*inputs, output_stream=sys.stderr, summarize=3, sep=" ", end="\\n")`: tensors,
    arrays and Python values (nested in lists, tuples and dicts too). `output_stream` is a file
    object (sys.stdout, sys.stderr) or "file://PATH" (appended to)."""
    from .graph.trace import active
    if active() is not None:
        raise NotImplementedError("tl.print inside tl.function is not supported yet: a traced graph drops nodes "
                                  "that reach no output or assignment; print outside the function, or run it "
                                  "eagerly")
    text = sep.join(_format(v, int(summarize)) for v in inputs) + end
    stream = sys.stderr if output_stream is None else output_stream
    if isinstance(stream, str):
        if not stream.startswith("file://"):
            raise ValueError(f"tl.print: output_stream must be a file object or 'file://PATH', got {stream!r}")
        with open(stream[len("file://"):], "a") as f:
            f.write(text)
        return
    stream.write(text)
    if hasattr(stream, "flush"):
        stream.flush()
