"""Python indexing on tensors (`x[1:, ::-1, None, ...]`): one strided_slice per key, checked against
NumPy's basic indexing, forward and gradient, plus the errors a bad key must raise."""
import numpy as np
import pytest

import tensorlite as tl

X = np.random.default_rng(30).standard_normal((4, 5, 6))

KEYS = [
    1,
    -1,
    (1, 2),
    (slice(None), 1),
    (Ellipsis, slice(None, None, -1)),
    None,
    (None, Ellipsis, None),
    (-1, slice(1, 3), slice(None, None, 2)),
    (slice(None), None, Ellipsis, 0),
    slice(5, -10, -2),
    (slice(-2, None), slice(None, -1), slice(10, 20)),
    (Ellipsis, 1),
    (1, Ellipsis, 2),
    (slice(None, None, 3), None, slice(4, 0, -2)),
    (slice(3, 1),),
    (),
    Ellipsis,
    (np.int64(2), slice(np.int32(-3), None)),
    (slice(None, None, -2), -5, slice(-1, -7, -3)),
]


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_getitem_matches_numpy(key):
    got = tl.constant(X)[key]
    want = X[key]
    assert tuple(got.shape) == want.shape
    np.testing.assert_array_equal(got.numpy(), want)


@pytest.mark.parametrize("key", KEYS, ids=repr)
def test_getitem_gradient_scatters_back(key):
    x = tl.constant(X)
    u = np.random.default_rng(31).standard_normal(X[key].shape)
    with tl.GradientTape() as tape:
        tape.watch(x)
        loss = tl.reduce_sum(x[key] * tl.constant(u))
    want = np.zeros_like(X)
    want[key] = u
    np.testing.assert_allclose(tape.gradient(loss, x).numpy(), want)


def test_scalar_tensor_indices():
    x = tl.constant(X)
    got = x[tl.constant(2), tl.constant(-1, tl.int64):, slice(tl.constant(1), None, tl.constant(2))]
    np.testing.assert_array_equal(got.numpy(), X[2, -1:, 1::2])


def test_variable_indexing_is_watched():
    v = tl.Variable(X)
    with tl.GradientTape() as tape:
        loss = tl.reduce_sum(v[1:3, ::-1] * 2.0)
    want = np.zeros_like(X)
    want[1:3] = 2.0
    np.testing.assert_allclose(tape.gradient(loss, v).numpy(), want)


def test_second_order_through_indexing():
    x = tl.constant(X)
    with tl.GradientTape() as outer:
        outer.watch(x)
        with tl.GradientTape() as inner:
            inner.watch(x)
            y = tl.reduce_sum(x[1, ::2] ** 3.0)
        g = inner.gradient(y, x)
    h = outer.gradient(g, x)  # d/dx sum(3 x^2) on the selected elements = 6 x there
    want = np.zeros_like(X)
    want[1, ::2] = 6 * X[1, ::2]
    np.testing.assert_allclose(h.numpy(), want)


def test_newaxis_and_public_strided_slice():
    x = tl.constant(X)
    assert x[tl.newaxis, ..., tl.newaxis].shape == (1, 4, 5, 6, 1)
    got = tl.strided_slice(x, [1, -1], [3, 0], [1, -2], end_mask=0b10)
    np.testing.assert_array_equal(got.numpy(), X[1:3, -1::-2])
    with pytest.raises(NotImplementedError, match="strided_slice: `var`"):
        tl.strided_slice(x, [0], [1], var=x)


@pytest.mark.parametrize("key, error, words", [
    (4, ValueError, ("strided_slice", "index 4", "out of bounds", "size 4")),
    ((0, 0, 0, 0), ValueError, ("strided_slice", "4 dimensions", "rank 3")),
    (slice(None, None, 0), ValueError, ("strided_slice", "step cannot be zero")),
    ((Ellipsis, 0, Ellipsis), ValueError, ("strided_slice", "at most one ellipsis")),
    (1.5, TypeError, ("strided_slice", "valid indices", "1.5")),
    (True, TypeError, ("strided_slice", "valid indices", "True")),
    ([0, 1], TypeError, ("strided_slice", "valid indices", "[0, 1]")),
], ids=repr)
def test_bad_keys_raise_naming_strided_slice(key, error, words):
    with pytest.raises(error) as info:
        tl.constant(X)[key]
    for w in words:
        assert w in str(info.value)


def test_tensor_keys_must_be_integer_scalars():
    x = tl.constant(X)
    with pytest.raises(TypeError, match="valid indices"):
        x[tl.constant([0, 1])]
    with pytest.raises(TypeError, match="float32"):
        x[tl.constant(1.0)]


# The public functions' TensorFlow conventions (the table test calls the ops directly).
def test_public_wrappers_follow_tensorflow():
    x = tl.constant(X.astype(np.float32))
    parts = tl.split(x, [2, -1], axis=1)
    assert isinstance(parts, list) and [p.shape for p in parts] == [(4, 2, 6), (4, 3, 6)]
    assert len(tl.split(x, tl.constant(3), axis=2)) == 3
    assert [p.shape for p in tl.unstack(x, axis=-1)] == [(4, 5)] * 6
    idx = tl.constant([[1, 0], [2, 2], [0, 1], [4, 3]])
    assert tl.gather(x, idx, batch_dims=1).shape == (4, 2, 6)  # axis defaults to batch_dims
    np.testing.assert_array_equal(tl.pad(x, [[0, 0], [1, 1], [2, 0]], mode="reflect").numpy(),
                                  np.pad(X.astype(np.float32), [[0, 0], [1, 1], [2, 0]], mode="reflect"))
    padded = tl.pad(x, tl.constant([[1, 0], [0, 0], [0, 0]]), constant_values=tl.constant(2.0))
    assert padded.numpy()[0].min() == 2
    with pytest.raises(ValueError, match="pad: `mode` must be one of CONSTANT, REFLECT, SYMMETRIC"):
        tl.pad(x, [[0, 0]] * 3, mode="edge")
    assert tl.one_hot([0, 1], 3).dtype == tl.float32
    assert tl.one_hot([0, 1], 3, on_value=5, off_value=-1).dtype == tl.int32
    clipped = tl.clip_by_value(x, -0.5, 0.5).numpy()
    assert clipped.min() == -0.5 and clipped.max() == 0.5
    assert tl.shape(x, out_type=tl.int64).numpy().tolist() == [4, 5, 6]
    assert tl.transpose(x, perm=tl.constant([2, 0, 1])).shape == (6, 4, 5)
