"""FLOOR_MOD (TensorFlow's `%` on tensors; tf.while_loop counters convert to it): int32, int64 and
float32 with broadcasting, bit-exact against LiteRT's reference kernels, and against Python's %
(the sign of the divisor). A constant zero divisor is refused at prepare."""
import numpy as np
import pytest

import tensorlite as tl
from tests.runtime_c.tflite_graph import one_op, refused, run_both

SHAPES = [((6,), (6,)), ((2, 3), (3,)), ((4, 1, 3), (1, 2, 1)), ((5,), ())]


@pytest.mark.parametrize("dtype", ["int32", "int64", "float32"])
@pytest.mark.parametrize("shapes", SHAPES)
def test_floor_mod_matches_litert(dtype, shapes):
    sa, sb = shapes
    rng = np.random.default_rng(7)
    if dtype == "float32":
        a = rng.normal(0, 20, sa).astype(np.float32)
        b = rng.uniform(0.5, 7, sb).astype(np.float32) * rng.choice(np.array([-1, 1], np.float32), sb)
    else:
        a = rng.integers(-1000, 1000, sa).astype(dtype)
        b = rng.integers(1, 13, sb).astype(dtype) * rng.choice(np.array([-1, 1], dtype), sb)
    content = one_op("FLOOR_MOD", [(sa, dtype), (sb, dtype)], [(np.broadcast_shapes(sa, sb), dtype)])
    ours, ref = run_both(content, [a, b])
    np.testing.assert_array_equal(ours[0], ref[0])
    want = np.mod(a, b)            # NumPy's mod has Python's sign rule
    if dtype == "float32":
        np.testing.assert_allclose(ours[0], want, rtol=1e-5, atol=1e-4)
    else:
        np.testing.assert_array_equal(ours[0], want)


def test_constant_zero_divisor_is_refused():
    content = one_op("FLOOR_MOD", [((3,), "int32"), ((3,), "int32")], [((3,), "int32")],
                     consts={1: np.array([2, 0, 3], np.int32)})
    refused(content, "FLOOR_MOD", "divisor holds 0")


def test_mixed_or_unsupported_types_are_refused():
    content = one_op("FLOOR_MOD", [((3,), "uint8"), ((3,), "uint8")], [((3,), "uint8")])
    with pytest.raises(ValueError, match=r"FLOOR_MOD supports int8, int16, int32, int64 and float32"):
        tl.lite.Interpreter(model_content=content).allocate_tensors()
