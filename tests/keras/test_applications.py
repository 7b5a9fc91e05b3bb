"""tl.keras.applications against Keras 3 (tests/data/keras3/applications.json/.npz, made by
scripts/make_keras3_expectations.py): MobileNetV2 and MobileNetV3Small have Keras's layers, names,
weight shapes and parameter counts (MobileNetV2 alpha 1.0 224: 3,538,984); with the same seeded
weights and images they compute Keras's outputs; converted to TFLite they run in LiteRT and in
tensorlite's C runtime with the Keras model's outputs."""
import json

import numpy as np
import pytest

import tensorlite as tl
from tests.paths import DATA

INFO = json.loads((DATA / "keras3" / "applications.json").read_text())
OUTPUTS = np.load(DATA / "keras3" / "applications.npz")
APPS = tl.keras.applications
EXTRA = ("squeeze_excite_plus3", "squeeze_excite_div6")  # Keras's tensor arithmetic, layers here


def seeded_weights(shapes_and_names, seed):
    """As scripts/make_keras3_expectations.py makes them."""
    out = []
    for i, (shape, name) in enumerate(shapes_and_names):
        g = np.random.default_rng(seed * 100003 + i)
        if name.endswith("moving_variance"):
            out.append(g.uniform(0.5, 1.5, shape).astype(np.float32))
        else:
            out.append(g.uniform(-0.5, 0.5, shape).astype(np.float32))
    return out


def app_input(seed):
    return np.random.default_rng(seed).uniform(0, 255, (2, 96, 96, 3)).astype(np.float32)


def describe(model) -> dict:
    layers = [[la.name, type(la).__name__, [list(w.shape) for w in la.weights]] for la in model.layers
              if not la.name.endswith(EXTRA)]
    return {"count_params": model.count_params(), "layers": layers,
            "trainable": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
            "weights": [list(w.shape) for w in model.weights]}


BUILDERS = {
    "MobileNetV2": lambda: APPS.MobileNetV2(weights=None),
    "MobileNetV3Small": lambda: APPS.MobileNetV3Small(weights=None),
    "MobileNetV3Large": lambda: APPS.MobileNetV3Large(weights=None),
    "MobileNetV3Small_minimalistic_headless": lambda: APPS.MobileNetV3Small(weights=None, minimalistic=True,
                                                                            include_top=False, pooling="avg"),
    "mobilenet_v2_035_96": lambda: APPS.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None),
    "mobilenet_v3_small_075_96": lambda: APPS.MobileNetV3Small(input_shape=(96, 96, 3), alpha=0.75, weights=None),
}


def build(key):
    tl.keras.backend.clear_session()  # Keras's names of unnamed layers (re_lu_3, activation_7) count from 0
    return BUILDERS[key]()


@pytest.mark.parametrize("key", sorted(BUILDERS))
def test_architecture_equals_keras3(key):
    ours, theirs = describe(build(key)), INFO[key]
    assert ours["count_params"] == theirs["count_params"]
    assert ours["trainable"] == theirs["trainable"]
    assert ours["weights"] == theirs["weights"]
    assert ours["layers"] == theirs["layers"]


def test_mobilenet_v2_has_keras_parameter_count():
    assert build("MobileNetV2").count_params() == 3_538_984


@pytest.mark.parametrize("key", ["mobilenet_v2_035_96", "mobilenet_v3_small_075_96"])
def test_outputs_equal_keras3(key):
    model = build(key)
    model.set_weights(seeded_weights([(tuple(w.shape), w.name) for w in model.weights], INFO[key]["seed"]))
    got = model.predict(app_input(INFO[key]["seed"]), verbose=0)
    np.testing.assert_allclose(got, OUTPUTS[f"{key}/y"], rtol=2e-4, atol=2e-6)


@pytest.mark.parametrize("key", ["mobilenet_v2_035_96", "mobilenet_v3_small_075_96"])
def test_converts_to_tflite_and_runs(key):
    from tests.litert import litert_interpreter, run
    model = build(key)
    model.set_weights(seeded_weights([(tuple(w.shape), w.name) for w in model.weights], INFO[key]["seed"]))
    x = app_input(INFO[key]["seed"])[:1]
    want = model.predict(x, verbose=0)
    data = tl.lite.Converter.from_keras_model(model).convert()
    np.testing.assert_allclose(run(litert_interpreter(data), [x])[0], want, rtol=1e-3, atol=1e-5)
    np.testing.assert_allclose(run(tl.lite.Interpreter(model_content=data), [x])[0], want, rtol=1e-3, atol=1e-5)


def test_weights_arguments():
    with pytest.raises(ValueError, match="ImageNet weights are not available"):
        APPS.MobileNetV2()
    headless = APPS.MobileNetV2(input_shape=(64, 64, 3), alpha=0.5, include_top=False, pooling="avg", weights=None)
    assert headless.output_shape == (None, 1280)
    with pytest.raises(ValueError, match="at least 32x32"):
        APPS.MobileNetV3Small(input_shape=(16, 16, 3), weights=None)
