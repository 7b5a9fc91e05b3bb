"""One parametrized test over the whole op table (DESIGN contract 1; STYLE 3.7).

For every op: the forward equals its independent NumPy/SciPy reference, and every gradient
agrees with central finite differences in float64, to first and second order. An op in the
table without a case, or without a gradient rule, fails tests/ops/test_cards_complete.py; a wrong
shape or dtype must raise TypeError/ValueError naming the op (`BAD` cases).
"""
import numpy as np
import pytest
from tensorlite.training.dispatch import apply
from tensorlite.training.ops.registry import OPS

import tensorlite as tl
from tests.reference import all_cases

CASES, BAD = all_cases()


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_forward_matches_reference(case):
    got = _as_tuple(apply(case.op, *case.inputs, **case.attrs))
    want = _as_tuple(case.ref(*case.inputs, **case.attrs))
    assert len(got) == len(want), f"{case.op}: {len(got)} outputs, reference has {len(want)}"
    for g, w in zip(got, want):
        w = np.asarray(w)
        assert tuple(g.shape) == w.shape, f"{case.op}: shape {list(g.shape)} != reference {list(w.shape)}"
        assert g.dtype.as_numpy_dtype == w.dtype or w.dtype == np.float64, \
            f"{case.op}: dtype {g.dtype.name} != reference {w.dtype}"
        if w.dtype.kind in "biu":
            np.testing.assert_array_equal(g.numpy(), w.astype(g.numpy().dtype))
        else:
            np.testing.assert_allclose(g.numpy().astype(np.float64), w, rtol=case.rtol, atol=case.atol)


def _float64_inputs(case):
    return [x.astype(np.float64) if x.dtype.kind == "f" else x for x in case.inputs]


def _loss(case, xs, cotangents):
    """Scalar sum_j <u_j, f(x)_j> over the floating outputs, with tl ops (so the tape sees it)."""
    outs = _as_tuple(apply(case.op, *xs, **case.attrs))
    total = None
    for o, u in zip(outs, cotangents):
        if u is None:
            continue
        term = tl.reduce_sum(o * tl.constant(u))
        total = term if total is None else total + term
    return total


def _grad_cases():
    return [c for c in CASES if c.grad and not OPS[c.op].nondifferentiable
            and any(x.dtype.kind == "f" for x in c.inputs)]


def _central_difference(f, xs, i, v, eps):
    """The derivative of f at xs along v in input i: (f(.., x_i + eps v, ..) - f(.., x_i - eps v, ..)) / 2 eps."""
    plus, minus = list(xs), list(xs)
    plus[i], minus[i] = xs[i] + eps * v, xs[i] - eps * v
    return (f(plus) - f(minus)) / (2 * eps)


@pytest.mark.parametrize("case", _grad_cases(), ids=lambda c: c.id)
def test_gradient_matches_finite_differences(case):
    r = np.random.default_rng(1)
    x0 = _float64_inputs(case)
    outs = _as_tuple(apply(case.op, *x0, **case.attrs))
    us = [r.standard_normal(o.shape) if o.dtype.is_floating else None for o in outs]
    diff = [i for i, x in enumerate(x0) if x.dtype.kind == "f"]

    def loss_np(xs):
        return float(_loss(case, [tl.constant(x) for x in xs], us).numpy())

    def grads_at(xs):
        ts = [tl.constant(x) for x in xs]
        with tl.GradientTape() as tape:
            tape.watch([ts[i] for i in diff])
            loss = _loss(case, ts, us)
        return tape.gradient(loss, [ts[i] for i in diff])

    analytic = grads_at(x0)
    eps = 1e-6
    for k, i in enumerate(diff):
        for _ in range(3):  # random directions: <grad, v> vs central difference along v
            v = r.standard_normal(x0[i].shape)
            numeric = _central_difference(loss_np, x0, i, v, eps)
            g = 0.0 if analytic[k] is None else float(np.sum(analytic[k].numpy() * v))
            assert np.isclose(g, numeric, rtol=case.grad_rtol, atol=case.grad_atol), \
                f"{case.id}: d/dx{i} along v: tape {g:.8g} vs finite difference {numeric:.8g}"

    if not case.order2:
        return
    # Second order: h(x) = <grad L(x), w>; its tape gradient vs finite differences of h.
    ws = [r.standard_normal(x0[i].shape) for i in diff]

    def h(xs):
        gs = grads_at(xs)
        return sum(float(np.sum(g.numpy() * w)) for g, w in zip(gs, ws) if g is not None)

    ts = [tl.constant(x) for x in x0]
    with tl.GradientTape() as outer:
        outer.watch([ts[i] for i in diff])
        with tl.GradientTape() as inner:
            inner.watch([ts[i] for i in diff])
            loss = _loss(case, ts, us)
        gs = inner.gradient(loss, [ts[i] for i in diff])
        terms = [tl.reduce_sum(g * tl.constant(w)) for g, w in zip(gs, ws) if g is not None]
        if not terms:
            return
        hval = terms[0]
        for t in terms[1:]:
            hval = hval + t
    second = outer.gradient(hval, [ts[i] for i in diff], unconnected_gradients="zero")
    eps2 = 1e-5
    for k, i in enumerate(diff):
        v = r.standard_normal(x0[i].shape)
        numeric = _central_difference(h, x0, i, v, eps2)
        g = float(np.sum(second[k].numpy() * v))
        assert np.isclose(g, numeric, rtol=1e-3, atol=1e-5), \
            f"{case.id}: second order wrt x{i}: tape {g:.8g} vs finite difference {numeric:.8g}"


@pytest.mark.parametrize("bad", BAD, ids=lambda b: b.op)
def test_bad_input_names_the_op(bad):
    with pytest.raises(bad.error) as info:
        apply(bad.op, *bad.inputs, **bad.attrs)
    msg = str(info.value)
    for m in (bad.op,) + tuple(bad.match):
        assert m in msg, f"error message {msg!r} lacks {m!r}"
