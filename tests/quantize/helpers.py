"""Shared pieces of the quantizer's tests: LiteRT as the reference interpreter, and running a model."""
from __future__ import annotations

import numpy as np

from tests.conftest import skip_or_fail


def litert_interpreter(data: bytes, reference: bool = True):
    """LiteRT's Interpreter on `data`; its reference kernels (BUILTIN_REF) unless reference=False."""
    try:
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
    except ImportError:
        skip_or_fail("ai-edge-litert is not installed (pip install -e '.[dev]')")
    kind = OpResolverType.BUILTIN_REF if reference else OpResolverType.AUTO
    return Interpreter(model_content=data, experimental_op_resolver_type=kind)


def run(interpreter, sample: list[np.ndarray]) -> list[np.ndarray]:
    """Allocates, feeds the inputs in order, invokes; the outputs in order."""
    interpreter.allocate_tensors()
    for d, x in zip(interpreter.get_input_details(), sample):
        interpreter.set_tensor(d["index"], x)
    interpreter.invoke()
    return [interpreter.get_tensor(d["index"]).copy() for d in interpreter.get_output_details()]


def tflm_run(data: bytes, sample: list[np.ndarray], outputs: int) -> list[np.ndarray]:
    """The first `outputs` outputs of TFLite Micro's Python interpreter (the `tflite-micro` package) on one sample."""
    try:
        from tflite_micro.python.tflite_micro import runtime
    except ImportError:
        skip_or_fail("tflite-micro (the TFLM Python interpreter) is not installed (pip install -e '.[dev]')")
    it = runtime.Interpreter.from_bytes(data, arena_size=1 << 20)
    for k, x in enumerate(sample):
        it.set_input(x, k)
    it.invoke()
    return [np.array(it.get_output(j)) for j in range(outputs)]
