"""Shared pieces of the quantizer's tests: TFLite Micro as a second runtime for integer models (LiteRT and
`run` come from tests/litert.py)."""
from __future__ import annotations

import numpy as np

from tests.conftest import skip_or_fail
from tests.litert import litert_interpreter, run  # noqa: F401  (re-exported for the quantizer's tests)


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
