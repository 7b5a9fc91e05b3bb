"""The CUDA device (CuPy). Where a GPU and CuPy exist: a dense layer trains as on the CPU (the whole op table,
eager and traced on "cuda", is in tests/graph/test_op_table_modes.py). Elsewhere those tests skip with the
reason (hardware("cuda"), the only skips strict CI allows), and asking for the device fails clearly."""
import numpy as np
import pytest
from tensorlite.training.devices import cuda as cuda_device

import tensorlite as tl

OK, REASON = cuda_device.available()


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
