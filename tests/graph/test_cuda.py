"""The CUDA device (CuPy). Where a GPU and CuPy exist: over the whole op table, ops placed on "cuda"
equal the CPU (rtol 1e-5), eager and inside a traced function. Elsewhere those tests skip with the
reason (hardware("cuda"), the only skips strict CI allows), and asking for the device fails clearly."""
import numpy as np
import pytest
from tensorlite.training.devices import cuda as cuda_device
from tensorlite.training.dispatch import apply

import tensorlite as tl
from tests.reference import all_cases

CASES, _ = all_cases()
OK, REASON = cuda_device.available()


def _tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


@pytest.mark.hardware("cuda")
@pytest.mark.skipif(not OK, reason=f"CUDA device unavailable: {REASON}")
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_cuda_equals_cpu_forward(case):
    want = _tuple(apply(case.op, *case.inputs, **case.attrs))
    f = tl.function(lambda *xs: apply(case.op, *xs, **case.attrs))
    f(*case.inputs)
    with tl.device("cuda"):
        eager = _tuple(apply(case.op, *case.inputs, **case.attrs))
        traced = _tuple(f(*case.inputs))
    for w, e, t in zip(want, eager, traced):
        for got in (e, t):
            g, ref = got.numpy(), w.numpy()
            assert g.shape == ref.shape and g.dtype == ref.dtype
            if ref.dtype.kind in "biu":
                np.testing.assert_array_equal(g, ref)
            else:
                np.testing.assert_allclose(g, ref, rtol=1e-5, atol=1e-6 * max(1.0, float(np.max(np.abs(ref),
                                                                                            initial=0.0))))


@pytest.mark.hardware("cuda")
@pytest.mark.skipif(not OK, reason=f"CUDA device unavailable: {REASON}")
def test_cuda_trains_a_dense_layer_like_the_cpu():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 4)).astype(np.float32), rng.normal(size=(16, 1)).astype(np.float32)

    def train(device):
        w = tl.Variable(np.full((4, 1), 0.1, np.float32))
        with tl.device(device):
            for _ in range(5):
                with tl.GradientTape() as tape:
                    loss = tl.reduce_mean(tl.square(tl.matmul(tl.constant(x), w) - y))
                w.assign_sub(0.1 * tape.gradient(loss, w))
        return w.numpy()
    np.testing.assert_allclose(train("cuda"), train("cpu"), rtol=1e-5)


def test_cuda_unavailable_is_a_clear_error():
    if OK:
        assert "cuda" in tl.config.list_physical_devices()
        return
    assert "cuda" not in tl.config.list_physical_devices()
    with pytest.raises(RuntimeError, match="device 'cuda' is not available: .*(CuPy|GPU)"):
        with tl.device("cuda"):
            pass
