"""8-bit SOFTMAX where 512 or more classes tie at the maximum (a saturated classifier: MobileNet's 1000 logits
all at the top of their range): the exponentials then sum to 2^9 or more and the reference arithmetic's last
rounding shift is 32 or more. LiteRT's reference kernel aborts there (checked in a subprocess); the C runtime's
rounding division returns the quotient's true rounding, 0, in both tiers, so every class reads probability 0 (each
true share, below 1/512, is under half an output step of 1/256). Below 512 ties it stays equal to LiteRT."""
import subprocess
import sys

import numpy as np
import pytest

from tests.runtime_c.test_optimized_kernels import _one_op, _q, _same
from tests.runtime_c.tflite_graph import check_against_litert


def _model(n: int, ties: int):
    x = np.full((1, n), -100, np.int8)
    x[0, :ties] = 7
    data = _one_op("SOFTMAX", [("int8", (1, n), _q(0.1, 0))], ("int8", (1, n), _q(1 / 256, -128)), {"beta": 1.0})
    return data, x


def _float_softmax_quantized(x):
    z = x.astype(np.float64) * 0.1
    p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    return np.clip(np.round(p * 256) - 128, -128, 127).astype(np.int8)


@pytest.mark.parametrize("n,ties", [(1000, 1000), (1000, 600), (600, 512), (2048, 2048)])
def test_int8_softmax_with_512_or_more_ties_gives_the_true_rounding(n, ties):
    data, x = _model(n, ties)
    want = _float_softmax_quantized(x)
    assert (want == -128).all()
    from tensorlite.runtime import Interpreter, OpResolverType
    it = Interpreter(model_content=data, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    np.testing.assert_array_equal(it.get_tensor(it.get_output_details()[0]["index"]), want)
    _same(data, [x])  # the optimized tier in every instruction set and thread count agrees


def test_litert_reference_aborts_where_the_shift_passes_31():
    probe = ("import sys, numpy as np; sys.path.insert(0, '.');"
             "from tests.runtime_c.test_softmax_ties import _model;"
             "from tests.runtime_c.tflite_graph import litert_interpreter;"
             "data, x = _model(1000, 1000); it = litert_interpreter(data); it.allocate_tensors();"
             "it.set_tensor(it.get_input_details()[0]['index'], x); it.invoke()")
    assert subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode != 0


@pytest.mark.parametrize("n,ties", [(1000, 511), (600, 300)])
def test_int8_softmax_below_512_ties_equals_litert(n, ties):
    data, x = _model(n, ties)
    check_against_litert(data, [x])
    _same(data, [x])
