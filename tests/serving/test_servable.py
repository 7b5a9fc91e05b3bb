"""One loaded version in-process (serving/servable.py): a request of any batch on a -1-batch model gives LiteRT's
rows, through resize_tensor_input where the runtime resizes and through one invoke per row where it refuses
(forced here), and the interpreters prepared for allowed batch sizes are used without changing the results."""
import numpy as np
import pytest
from tensorlite.runtime import Interpreter
from tensorlite.serving.servable import Servable

from tests.serving.server import FLOAT_MODEL, litert_outputs


@pytest.mark.parametrize("refuse_resize", [False, True])
def test_any_batch_equals_litert(monkeypatch, refuse_resize):
    if refuse_resize:
        def refuse(self, input_index, tensor_size, strict=False):
            raise NotImplementedError("static shapes only")
        monkeypatch.setattr(Interpreter, "resize_tensor_input", refuse)
    s = Servable("m", 1, str(FLOAT_MODEL), threads=1, batch_sizes=(1, 2, 4))
    if refuse_resize:
        assert not s.resizable
    sig = s.default_signature
    for n in (1, 3, 2, 7, 4, 1):
        x = np.linspace(-1, 6, n, dtype=np.float32).reshape(n, 1)
        (want,) = litert_outputs(FLOAT_MODEL, [x])
        (got,) = s.run(sig, [x])
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
        (got,) = s.run(sig, [x], s.loop_slot)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
