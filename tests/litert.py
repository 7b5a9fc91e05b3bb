"""LiteRT (Google's TFLite interpreter, the ai-edge-litert package), the independent reference the tests
compare with: its Interpreter, its generated FlatBuffer schema module, and `run`, one invoke of any
interpreter with LiteRT's API (LiteRT's own or tl.lite.Interpreter)."""
from __future__ import annotations

import numpy as np

from tests.conftest import skip_or_fail


def litert_interpreter(data: bytes | None = None, *, model_path=None, reference: bool = True, **kwargs):
    """LiteRT's Interpreter on model bytes `data` or on `model_path`, with its reference kernels (BUILTIN_REF,
    what the C runtime's kernels are compared with) unless reference=False (the default resolver users run,
    XNNPACK included). `kwargs` go to the Interpreter (experimental_preserve_all_tensors=True, ...)."""
    try:
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
    except ImportError:
        skip_or_fail("ai-edge-litert is not installed (pip install -e '.[dev]')")
    resolver = OpResolverType.BUILTIN_REF if reference else OpResolverType.AUTO
    return Interpreter(model_path=model_path, model_content=data, experimental_op_resolver_type=resolver, **kwargs)


def litert_schema():
    """LiteRT's generated FlatBuffer schema module (ai_edge_litert.schema_py_generated, an object API for
    reading and writing .tflite files independently of ours) and the flatbuffers package it needs."""
    try:
        import flatbuffers
        from ai_edge_litert import schema_py_generated
    except ImportError:
        skip_or_fail("ai-edge-litert (and flatbuffers) are not installed (pip install -e '.[dev]')")
    return schema_py_generated, flatbuffers


def run(interpreter, feeds) -> list[np.ndarray]:
    """Allocates, sets the graph inputs to `feeds` (one array per input, in order), invokes once;
    returns copies of the outputs, in order."""
    interpreter.allocate_tensors()
    for d, x in zip(interpreter.get_input_details(), feeds):
        interpreter.set_tensor(d["index"], x)
    interpreter.invoke()
    return [interpreter.get_tensor(d["index"]).copy() for d in interpreter.get_output_details()]
