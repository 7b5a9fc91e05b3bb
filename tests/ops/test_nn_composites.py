"""tl.nn / tl.image functions built from op cards (not ops themselves): cross-entropies, log_sigmoid,
silu, moments, batch_normalization, dropout's seeding, tl.image.resize.

Each is checked against NumPy written here, and its gradients against central finite differences
in float64 (first order everywhere, second order where the function is smooth).
"""
import math

import numpy as np
import pytest
from scipy.special import erf as scipy_erf
from tensorlite.training.ops.activations import erf_pure

import tensorlite as tl
from tests.reference.dropout import keep as reference_keep

R = np.random.default_rng(7)


def _np_log_softmax(x, axis):
    z = x - x.max(axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis, keepdims=True))


def _grads(f, xs, wrt):
    ts = [tl.constant(x) for x in xs]
    with tl.GradientTape() as tape:
        tape.watch([ts[i] for i in wrt])
        y = f(*ts)
    return y, tape.gradient(y, [ts[i] for i in wrt], unconnected_gradients="zero")


def check_grads(f, xs, wrt=(0,), order2=True, rtol=1e-5, atol=1e-7):
    """Tape gradients of <f(x), u> (and of <grad, w> for order 2) vs central differences along random v."""
    xs = [np.asarray(x, np.float64) if np.asarray(x).dtype.kind == "f" else np.asarray(x) for x in xs]
    u = R.standard_normal(np.shape(f(*[tl.constant(x) for x in xs]).numpy()))

    def loss(*ts):
        return tl.reduce_sum(f(*ts) * tl.constant(u))

    def value(g, xs_):
        return float(g(*[tl.constant(x) for x in xs_]).numpy())

    def along(g, grads, eps, rtol, atol):
        for k, i in enumerate(wrt):
            v = R.standard_normal(xs[i].shape)
            plus = [x.copy() for x in xs]
            minus = [x.copy() for x in xs]
            plus[i] += eps * v
            minus[i] -= eps * v
            numeric = (value(g, plus) - value(g, minus)) / (2 * eps)
            got = float(np.sum(grads[k].numpy() * v))
            assert np.isclose(got, numeric, rtol=rtol, atol=atol), f"d/dx{i}: tape {got:.8g} vs fd {numeric:.8g}"

    _, g1 = _grads(loss, xs, wrt)
    along(loss, g1, 1e-6, rtol, atol)
    if not order2:
        return
    ws = [R.standard_normal(xs[i].shape) for i in wrt]

    def h(*ts):
        with tl.GradientTape() as tape:
            tape.watch([ts[i] for i in wrt])
            y = loss(*ts)
        gs = tape.gradient(y, [ts[i] for i in wrt])
        total = tl.reduce_sum(gs[0] * tl.constant(ws[0]))
        for g, w in zip(gs[1:], ws[1:]):
            total = total + tl.reduce_sum(g * tl.constant(w))
        return total

    _, g2 = _grads(h, xs, wrt)
    along(h, g2, 1e-5, 100 * rtol, 100 * atol)  # differences of gradients: looser


# --- cross-entropies ---------------------------------------------------------------------------

def test_softmax_cross_entropy_matches_numpy_on_either_axis():
    logits = R.standard_normal((4, 5)) * 3
    labels = R.dirichlet(np.ones(5), 4)
    got = tl.nn.softmax_cross_entropy_with_logits(labels, logits).numpy()
    np.testing.assert_allclose(got, -(labels * _np_log_softmax(logits, -1)).sum(-1), rtol=1e-12)
    got0 = tl.nn.softmax_cross_entropy_with_logits(labels.T, logits.T, axis=0).numpy()
    np.testing.assert_allclose(got0, -(labels * _np_log_softmax(logits, -1)).sum(-1), rtol=1e-12)


def test_softmax_cross_entropy_is_stable_for_large_logits():
    logits = np.array([[1000.0, 0.0, -1000.0]], np.float32)
    got = tl.nn.softmax_cross_entropy_with_logits(np.array([[0.0, 1.0, 0.0]], np.float32), logits).numpy()
    np.testing.assert_allclose(got, [1000.0], rtol=1e-6)


def test_softmax_cross_entropy_gradients_wrt_logits_and_labels():
    logits = R.standard_normal((3, 4))
    labels = R.dirichlet(np.ones(4), 3)
    check_grads(lambda y, x: tl.nn.softmax_cross_entropy_with_logits(y, x), [labels, logits], wrt=(0, 1))
    # d/dlogits = softmax - labels (labels summing to one)
    _, (g,) = _grads(lambda x: tl.reduce_sum(tl.nn.softmax_cross_entropy_with_logits(labels, x)), [logits], (0,))
    sm = np.exp(_np_log_softmax(logits, -1))
    np.testing.assert_allclose(g.numpy(), sm - labels, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape", [(4,), (2, 3)])
def test_sparse_softmax_cross_entropy(shape):
    logits = R.standard_normal(shape + (5,))
    labels = R.integers(0, 5, shape)
    want = -np.take_along_axis(_np_log_softmax(logits, -1), labels[..., None], -1)[..., 0]
    got = tl.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)
    assert tuple(got.shape) == shape
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)
    check_grads(lambda y, x: tl.nn.sparse_softmax_cross_entropy_with_logits(y, x), [labels, logits], wrt=(1,))


def test_sparse_softmax_cross_entropy_rejects_bad_labels():
    logits = np.zeros((2, 3), np.float32)
    with pytest.raises(ValueError, match=r"sparse_softmax_cross_entropy_with_logits: labels must be in \[0, 3\)"):
        tl.nn.sparse_softmax_cross_entropy_with_logits(np.array([0, 3]), logits)
    with pytest.raises(ValueError, match=r"labels must have shape \[2\].*got \[2, 1\]"):
        tl.nn.sparse_softmax_cross_entropy_with_logits(np.array([[0], [1]]), logits)


def test_sigmoid_cross_entropy_matches_numpy_and_is_stable():
    x = np.array([-200.0, -3.0, -0.5, 0.7, 4.0, 200.0])
    z = np.array([0.0, 1.0, 0.3, 1.0, 0.0, 1.0])
    want = [-(zz * math.log(1 / (1 + math.exp(-xx))) + (1 - zz) * math.log(1 / (1 + math.exp(xx))))
            if abs(xx) < 50 else max(xx, 0) - xx * zz for xx, zz in zip(x, z)]
    got = tl.nn.sigmoid_cross_entropy_with_logits(z, x).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert np.isfinite(tl.nn.sigmoid_cross_entropy_with_logits(z.astype(np.float32), x.astype(np.float32))).all()
    # away from the kink of max/abs at 0
    check_grads(lambda y, t: tl.nn.sigmoid_cross_entropy_with_logits(y, t), [z, x], wrt=(0, 1))


def test_sigmoid_cross_entropy_rejects_shape_mismatch():
    with pytest.raises(ValueError, match=r"sigmoid_cross_entropy_with_logits.*\[2, 3\].*\[3\]"):
        tl.nn.sigmoid_cross_entropy_with_logits(np.ones((2, 3), np.float32), np.ones(3, np.float32))


def test_log_sigmoid():
    x = np.array([-100.0, -2.0, -0.3, 0.4, 3.0, 100.0])
    # absolute accuracy (log(1 + e) with no log1p op: log_sigmoid(100) is -0.0, not -3.7e-44)
    np.testing.assert_allclose(tl.math.log_sigmoid(x).numpy(), -np.logaddexp(0, -x), rtol=1e-12, atol=1e-15)
    assert tl.nn.log_sigmoid is tl.math.log_sigmoid
    check_grads(tl.math.log_sigmoid, [x[1:-1]])


# --- activations that are composites, and aliases ---------------------------------------------------

def test_silu_and_swish():
    x = R.standard_normal((3, 4))
    np.testing.assert_allclose(tl.nn.silu(x).numpy(), x / (1 + np.exp(-x)), rtol=1e-12)
    np.testing.assert_allclose(tl.nn.swish(x, beta=2.0).numpy(), x / (1 + np.exp(-2 * x)), rtol=1e-12)
    check_grads(tl.nn.silu, [x])


def test_public_aliases():
    assert tl.sigmoid is tl.nn.sigmoid is tl.math.sigmoid
    assert tl.tanh is tl.nn.tanh is tl.math.tanh
    x = np.array([-1.0, 0.5], np.float32)
    np.testing.assert_allclose(tl.nn.hard_swish(x).numpy(), x * np.clip(x + 3, 0, 6) / 6, rtol=1e-6)


def test_erf_fallback_without_scipy_matches_scipy():
    x = np.linspace(-6, 6, 101)
    np.testing.assert_allclose(erf_pure(np, x), scipy_erf(x), rtol=1e-15, atol=1e-16)
    assert erf_pure(np, x.astype(np.float32)).dtype == np.float32


# --- moments and batch_normalization ------------------------------------------------------------

@pytest.mark.parametrize("axes,keepdims", [([0], False), ([0, 1, 2], False), ([0, 1, 2], True), (-1, False)])
def test_moments(axes, keepdims):
    x = R.standard_normal((2, 3, 2, 4))
    mean, var = tl.nn.moments(x, axes, keepdims=keepdims)
    ax = tuple(axes) if isinstance(axes, list) else axes
    np.testing.assert_allclose(mean.numpy(), x.mean(ax, keepdims=keepdims), rtol=1e-12)
    np.testing.assert_allclose(var.numpy(), x.var(ax, keepdims=keepdims), rtol=1e-12)
    check_grads(lambda t: tl.nn.moments(t, axes, keepdims=keepdims)[1], [x])


def test_batch_normalization_training_step_matches_numpy():
    x = R.standard_normal((4, 2, 2, 3))
    gamma, beta = R.uniform(0.5, 2, 3), R.standard_normal(3)

    def bn(t, g, b):
        mean, var = tl.nn.moments(t, [0, 1, 2])
        return tl.nn.batch_normalization(t, mean, var, b, g, 1e-3)

    want = (x - x.mean((0, 1, 2))) / np.sqrt(x.var((0, 1, 2)) + 1e-3) * gamma + beta
    np.testing.assert_allclose(bn(x, gamma, beta).numpy(), want, rtol=1e-10, atol=1e-12)
    check_grads(bn, [x, gamma, beta], wrt=(0, 1, 2))


def test_batch_normalization_without_offset_or_scale():
    x = R.standard_normal((3, 2)).astype(np.float32)
    got = tl.nn.batch_normalization(x, np.zeros(2, np.float32), np.ones(2, np.float32), None, None, 0.0)
    np.testing.assert_allclose(got.numpy(), x, rtol=1e-6)


# --- dropout -------------------------------------------------------------------------------------

def test_dropout_reproducible_after_set_seed_and_scaled():
    x = np.ones((50, 40), np.float32)
    tl.random.set_seed(3)
    a = tl.nn.dropout(x, 0.25).numpy()
    b = tl.nn.dropout(x, 0.25).numpy()
    tl.random.set_seed(3)
    np.testing.assert_array_equal(tl.nn.dropout(x, 0.25).numpy(), a)
    assert not np.array_equal(a, b), "successive calls must draw new masks"
    assert set(np.unique(a)) <= {0.0, np.float32(1 / 0.75)}
    assert abs((a == 0).mean() - 0.25) < 0.03


def test_dropout_noise_shape_and_seed_and_gradient():
    x = R.standard_normal((6, 5))
    counts = tl.random.SeedGenerator()  # counts 0, 1, ...: the masks of tests/reference/dropout.py
    y = tl.nn.dropout(x, 0.5, noise_shape=[6, 1], seed=11, generator=counts).numpy()
    keep = reference_keep(11, 0, (6, 1), 0.5)
    assert 0 < keep.sum() < 6
    np.testing.assert_allclose(y, x * keep * 2.0, rtol=1e-12)
    y, (g,) = _grads(lambda t: tl.reduce_sum(tl.nn.dropout(t, 0.5, noise_shape=[6, 1], seed=11, generator=counts)),
                     [x], (0,))
    keep = reference_keep(11, 1, (6, 1), 0.5)  # the next count: another mask, and its gradient with it
    np.testing.assert_allclose(y.numpy(), (x * keep * 2.0).sum(), rtol=1e-12)
    np.testing.assert_allclose(g.numpy(), np.broadcast_to(keep * 2.0, x.shape))
    np.testing.assert_array_equal(tl.nn.dropout(x, 0.0, seed=1).numpy(), x)


def test_dropout_noise_shape_none_takes_x_dims():
    x = R.standard_normal((4, 3))
    got = tl.nn.dropout(x, 0.5, noise_shape=[None, 1], seed=5, generator=tl.random.SeedGenerator()).numpy()
    want = tl.nn.dropout(x, 0.5, noise_shape=[4, 1], seed=5, generator=tl.random.SeedGenerator()).numpy()
    np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match=r"dropout: noise_shape must have rank 2.*\[4\]"):
        tl.nn.dropout(x, 0.5, noise_shape=[4], seed=5)


# --- tl.image.resize ------------------------------------------------------------------------------

def test_image_resize_half_pixel_values():
    img = np.array([0.0, 1.0], np.float32).reshape(1, 2, 1)      # 3-D: one row, two pixels
    up = tl.image.resize(img, (1, 4)).numpy().ravel()
    np.testing.assert_allclose(up, [0.0, 0.25, 0.75, 1.0], rtol=1e-6)
    near = tl.image.resize(img, (1, 4), method="nearest").numpy().ravel()
    np.testing.assert_array_equal(near, [0.0, 0.0, 1.0, 1.0])


def test_image_resize_batch_and_gradient():
    x = R.standard_normal((2, 3, 3, 2))
    assert tuple(tl.image.resize(x, (5, 4)).shape) == (2, 5, 4, 2)
    check_grads(lambda t: tl.image.resize(t, (5, 4)), [x])
    check_grads(lambda t: tl.image.resize(t, (2, 5), method="nearest"), [x])


def test_image_resize_unknown_method():
    with pytest.raises(NotImplementedError, match="bicubic"):
        tl.image.resize(np.zeros((1, 2, 2, 1), np.float32), (4, 4), method="bicubic")
