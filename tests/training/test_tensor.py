"""Tensor, Variable and conversion behaviour (TensorFlow's rules), checked against NumPy."""
import numpy as np
import pytest

import tensorlite as tl


def test_conversion_defaults_follow_tensorflow():
    assert tl.constant(1.0).dtype == tl.float32
    assert tl.constant(1).dtype == tl.int32
    assert tl.constant([True, False]).dtype == tl.bool
    assert tl.constant(np.zeros(2, np.float64)).dtype == tl.float64
    assert tl.constant(np.zeros(2, np.int8)).dtype == tl.int8
    assert tl.constant(1, dtype=tl.float16).dtype == tl.float16
    for dt in (tl.float32, tl.float16, tl.float64, tl.int8, tl.uint8, tl.int16, tl.int32, tl.int64, tl.bool):
        assert tl.zeros([2], dtype=dt).numpy().dtype == dt.as_numpy_dtype


def test_constant_shape_broadcasts_scalar_and_reshapes():
    np.testing.assert_array_equal(tl.constant(7, shape=[2, 2]).numpy(), np.full((2, 2), 7))
    np.testing.assert_array_equal(tl.constant([1, 2, 3, 4], shape=[2, 2]).numpy(), [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="constant"):
        tl.constant([1, 2, 3], shape=[2, 2])


def test_operators_broadcast_like_numpy():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.array([1.0, 2.0, 3.0], np.float32)
    ta, tb = tl.constant(a), tl.constant(b)
    np.testing.assert_allclose((ta + tb).numpy(), a + b)
    np.testing.assert_allclose((ta - 1.0).numpy(), a - 1)
    np.testing.assert_allclose((2.0 * ta).numpy(), 2 * a)
    np.testing.assert_allclose((ta / tb).numpy(), a / b)
    np.testing.assert_allclose((ta ** 2).numpy(), a ** 2)
    np.testing.assert_allclose((-ta).numpy(), -a)
    np.testing.assert_allclose((ta @ tl.constant(a.T)).numpy(), a @ a.T, rtol=1e-6)
    np.testing.assert_array_equal((ta > 2.0).numpy(), a > 2)
    np.testing.assert_array_equal((ta == ta).numpy(), np.ones((2, 3), bool))
    np.testing.assert_allclose((a + tb).numpy(), a + b)  # ndarray on the left defers to Tensor


def test_mixed_dtypes_are_an_error_not_a_promotion():
    with pytest.raises(TypeError, match="add"):
        tl.constant([1.0]) + tl.constant([1])


def test_array_protocol_and_scalars():
    t = tl.constant([[1.5, 2.5]])
    assert np.asarray(t).shape == (1, 2)
    assert float(tl.constant(2.5)) == 2.5 and int(tl.constant(3)) == 3
    assert len(t) == 1 and t.shape == (1, 2) and t.shape.as_list() == [1, 2] and t.ndim == 2
    with pytest.raises(ValueError, match="ambiguous"):
        bool(t)


def test_variable_assign_and_errors():
    v = tl.Variable([1.0, 2.0], name="w")
    v.assign([3.0, 4.0])
    v.assign_add([1.0, 1.0])
    v.assign_sub([0.5, 0.5])
    np.testing.assert_allclose(v.numpy(), [3.5, 4.5])
    with pytest.raises(ValueError, match="'w'.*expected shape \\[2\\]"):
        v.assign([1.0, 2.0, 3.0])
    assert v.trainable and not tl.Variable(1.0, trainable=False).trainable
    np.testing.assert_allclose((v * 2.0).numpy(), [7.0, 9.0])


def test_tensors_are_immutable_after_variable_update():
    v = tl.Variable([1.0])
    t = v.read_value()
    v.assign([5.0])
    assert float(t.numpy()[0]) == 1.0


def test_seeded_random_is_reproducible():
    tl.random.set_seed(42)
    a = tl.random.normal([3]).numpy()
    tl.random.set_seed(42)
    b = tl.random.normal([3]).numpy()
    np.testing.assert_array_equal(a, b)
