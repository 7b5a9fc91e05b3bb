"""The quantizer tests' shared model: the main job's digits CNN, trained 6 epochs (once per test process)."""
import pytest
from tensorlite.tools import pipeline


@pytest.fixture(scope="session")
def digits_cnn():
    """(model, x_train, y_train, x_test, y_test); tests convert or copy the model, never change it."""
    (x_train, y_train), (x_test, y_test) = pipeline.digits_arrays()
    model, _ = pipeline.train_digits_cnn(x_train, y_train, epochs=6)
    return model, x_train, y_train, x_test, y_test
