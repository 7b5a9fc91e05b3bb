"""Every case of the op table (tests/reference), in every mode, equals eager on the CPU: forward and gradient.

A mode is a device the op is placed on, with the tolerance it is held to. In each one the op runs eagerly, a
traced function of it runs (traced on the CPU, then its graph on the device: the executor on "cpu", compiled
whole by jax.jit on "xla"), and its gradient is taken eagerly, inside a traced function and through a traced
function from a tape outside it. An op whose card gives the device no kernel runs on the CPU there (the XLA
device: the ops marked no_xla). "cuda" runs where CuPy and a GPU exist and elsewhere skips with the reason
(hardware("cuda"), the only skips strict CI allows); a missing JAX fails under TENSORLITE_STRICT=1.
A new device is one more entry in MODES."""
from typing import NamedTuple

import numpy as np
import pytest
from tensorlite.training.devices import get_device
from tensorlite.training.dispatch import apply
from tensorlite.training.ops.registry import OPS

import tensorlite as tl
from tests.conftest import skip_or_fail
from tests.reference import all_cases

CASES, _ = all_cases()
CUDA_OK, CUDA_REASON = get_device("cuda").available()


class Mode(NamedTuple):
    device: str
    rtol: float
    atol: float
    atol_scales: bool  # atol times max(1, the largest |value|): sums that cancel, added in another order


MODES = {
    "cpu": Mode("cpu", rtol=1e-6, atol=1e-7, atol_scales=False),
    "xla": Mode("xla", rtol=1e-5, atol=1e-6, atol_scales=True),
    "cuda": Mode("cuda", rtol=1e-5, atol=1e-6, atol_scales=True),
}
MODE_PARAMS = [pytest.param("cuda", marks=[pytest.mark.hardware("cuda"), pytest.mark.skipif(
    not CUDA_OK, reason=f"CUDA device unavailable: {CUDA_REASON}")]) if name == "cuda" else name for name in MODES]


def _mode(name: str) -> Mode:
    ok, reason = get_device(name).available()
    if not ok:
        skip_or_fail(reason)
    return MODES[name]


def _tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _runs_on(op: str, device: str) -> str:
    """Where an op placed on `device` runs, as its card says."""
    if device == "xla":
        return "cpu" if OPS[op].no_xla else "xla"
    return device if device in OPS[op].kernels else "cpu"


def _close(got, want, mode: Mode):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape and got.dtype == want.dtype
    if want.dtype.kind in "biu":
        np.testing.assert_array_equal(got, want)
    else:
        scale = max(1.0, float(np.max(np.abs(want), initial=0.0))) if mode.atol_scales else 1.0
        np.testing.assert_allclose(got, want, rtol=mode.rtol, atol=mode.atol * scale)


# ops constant folding computes at trace time when their input's shape is fully known (symbolic dimensions
# keep them in the graph: tests/graph/test_symbolic_dims.py)
FOLDED_WHEN_STATIC = {"shape"}


@pytest.mark.parametrize("mode", MODE_PARAMS)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_forward_equals_eager_cpu(case, mode):
    mode = _mode(mode)
    want = _tuple(apply(case.op, *case.inputs, **case.attrs))
    f = tl.function(lambda *xs: apply(case.op, *xs, **case.attrs))
    tracing = _tuple(f(*case.inputs))          # the tracing call runs eagerly, on the CPU
    cf = f.get_concrete_function(*case.inputs)
    cf.graph.verify()
    assert [n.op for n in cf.graph.nodes] == [case.op] or OPS[case.op].decompose is not None \
        or case.op in FOLDED_WHEN_STATIC
    with tl.device(mode.device):
        eager = _tuple(apply(case.op, *case.inputs, **case.attrs))
        traced = _tuple(f(*case.inputs))       # the graph, run on the device
    assert len(tracing) == len(eager) == len(traced) == len(want)
    for w, t, e, g in zip(want, tracing, eager, traced):
        assert e.device == _runs_on(case.op, mode.device)
        for got in (t, e, g):
            _close(got.numpy(), w.numpy(), mode)


def _grad_cases():
    return [c for c in CASES if c.grad and not OPS[c.op].nondifferentiable
            and any(x.dtype.kind == "f" for x in c.inputs)]


def _loss(case, xs):
    total = None
    for o in _tuple(apply(case.op, *xs, **case.attrs)):
        if o.dtype.is_floating:
            term = tl.reduce_sum(o * o)
            total = term if total is None else total + term
    return total


@pytest.mark.parametrize("mode", MODE_PARAMS)
@pytest.mark.parametrize("case", _grad_cases(), ids=lambda c: c.id)
def test_gradient_equals_eager_cpu(case, mode):
    mode = _mode(mode)
    fl = [i for i, x in enumerate(case.inputs) if x.dtype.kind == "f"]

    def grads(*args):
        with tl.GradientTape() as tape:
            for i in fl:
                tape.watch(args[i])
            loss = _loss(case, args)
        return [g for g in tape.gradient(loss, [args[i] for i in fl]) if g is not None]

    xs = [tl.constant(x) for x in case.inputs]
    want = grads(*xs)
    inside = tl.function(grads)                # the tape runs inside the trace: its ops are graph nodes
    inside(*xs)
    outer = tl.function(lambda *args: _loss(case, args))
    outer(*xs)                                 # traced; the next call under a tape replays it
    with tl.device(mode.device):
        eager = grads(*[tl.constant(x) for x in case.inputs])
        got_inside = inside(*xs)
        with tl.GradientTape() as tape:
            for i in fl:
                tape.watch(xs[i])
            loss = outer(*xs)
        got_outside = [g for g in tape.gradient(loss, [xs[i] for i in fl]) if g is not None]
    for got in (eager, got_inside, got_outside):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _close(g.numpy(), w.numpy(), mode)
