"""Model.fit runs its train step as a traced tl.function by default: the digits CNN trained for two
epochs in graph mode ends with the weights eager training gives (float tolerance), the step is
traced once per batch shape, and run_eagerly=True opts out."""
import numpy as np
from tensorlite.tools import pipeline


def test_digits_cnn_graph_mode_equals_eager():
    (x, y), _ = pipeline.digits_arrays()
    graph, h_graph = pipeline.train_digits_cnn(x, y, epochs=2)
    eager, h_eager = pipeline.train_digits_cnn(x, y, epochs=2, run_eagerly=True)
    assert graph._train_function.trace_count == 2   # full batches, then the last partial batch
    assert eager._train_function.trace_count == 0
    np.testing.assert_allclose(h_graph.history["loss"], h_eager.history["loss"], rtol=1e-5)
    for a, b in zip(graph.weights, eager.weights, strict=True):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-4, atol=1e-6, err_msg=a.name)
    assert graph.optimizer.iterations == eager.optimizer.iterations == 2 * int(np.ceil(len(x) / pipeline.BATCH_SIZE))
