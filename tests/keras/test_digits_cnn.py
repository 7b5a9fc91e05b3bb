"""Acceptance: the main job's digits CNN (Conv2D, BatchNormalization, ReLU, MaxPooling2D, Dense,
Softmax), trained by fit() on a tl.data pipeline, reaches >= 97% test accuracy, and two seeded
runs end with bit-identical weights."""
import numpy as np
from tensorlite.tools import pipeline


def test_digits_cnn_accuracy_and_bitwise_reproducibility():
    (x, y), (x_test, y_test) = pipeline.digits_arrays()
    model, history = pipeline.train_digits_cnn(x, y)
    assert len(history.history["loss"]) == pipeline.EPOCHS
    assert history.history["loss"][-1] < history.history["loss"][0]

    probs = np.asarray(model.predict(x_test, batch_size=256, verbose=0))
    assert probs.shape == (360, 10)
    np.testing.assert_allclose(probs.sum(-1), 1.0, rtol=1e-5)
    accuracy = float(np.mean(probs.argmax(-1) == y_test))
    assert accuracy >= 0.97, f"test accuracy {accuracy:.4f} < 0.97"
    _, evaluated = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
    assert abs(float(evaluated) - accuracy) < 1e-6

    again, _ = pipeline.train_digits_cnn(x, y)
    assert len(model.weights) == len(again.weights) == 12  # 2 conv kernels + 2 x 4 BatchNorm + dense kernel, bias
    for a, b in zip(model.weights, again.weights, strict=True):
        assert np.array_equal(a.numpy(), b.numpy()), a.name
