"""Model.fit runs its train step as a traced tl.function by default: the digits CNN trained for two
epochs in graph mode ends with the weights eager training gives (float tolerance), the step is
traced once per batch shape, and run_eagerly=True opts out. The metrics update inside that graph."""
import numpy as np
from tensorlite.tools import pipeline

import tensorlite as tl


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


def test_metrics_update_inside_the_traced_step():
    """The loss tracker and compiled metrics are assigned by the train step's graph (no eager update after
    it); their logs equal NumPy's batch-weighted means of the data the step saw."""
    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((10, 3)).astype(np.float32), rng.integers(0, 2, (10, 1)).astype(np.float32)
    model = tl.keras.Sequential([tl.keras.Input((3,)), tl.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=tl.keras.optimizers.SGD(0.0), loss="mse", metrics=["mae"])  # weights stay put
    hist = model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
    graphs = [cf.graph for cf in model._train_function._cache.values()]
    assert len(graphs) == 2  # batches of 4, then the last of 2
    for g in graphs:
        assigned = {name.split(":")[0] for name, _ in g.assigns}
        assert {"loss/total", "loss/count", "mae/total", "mae/count"} <= assigned
    k, b = (w.astype(np.float64) for w in model.get_weights())
    p = 1 / (1 + np.exp(-(x @ k + b)))
    batches = [slice(0, 4), slice(4, 8), slice(8, 10)]
    mse = sum(np.mean((p[s] - y[s]) ** 2) * (s.stop - s.start) for s in batches) / 10
    np.testing.assert_allclose(hist.history["loss"][0], mse, rtol=1e-5)
    np.testing.assert_allclose(hist.history["mae"][0], np.mean(np.abs(p - y)), rtol=1e-5)
