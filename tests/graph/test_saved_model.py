"""tl.Module tracking and tl.saved_model: save a module's tl.functions, load them in a fresh
Python process without the class, identical outputs; variables restored and assigned; bad folders
give clear errors and a failed save leaves nothing behind."""
import json
import subprocess
import sys

import numpy as np
import pytest

import tensorlite as tl


class Dense(tl.Module):
    def __init__(self, n_in, n_out, seed):
        super().__init__()
        rng = np.random.default_rng(seed)
        self.w = tl.Variable(rng.standard_normal((n_in, n_out)).astype(np.float32), name="w")
        self.b = tl.Variable(np.zeros(n_out, np.float32), name="b")

    def __call__(self, x):
        return tl.matmul(x, self.w) + self.b


class MLP(tl.Module):
    def __init__(self):
        super().__init__()
        self.layers = [Dense(4, 8, 0), Dense(8, 3, 1)]
        self.calls = tl.Variable(np.int32(0), trainable=False, name="calls")

    @tl.function(input_signature=[tl.TensorSpec([2, 4], tl.float32)])
    def __call__(self, x):
        self.calls.assign_add(np.int32(1))
        return tl.nn.softmax(self.layers[1](tl.nn.relu(self.layers[0](x))))

    @tl.function(input_signature=[tl.TensorSpec([2, 4], tl.float32), tl.TensorSpec([2, 3], tl.float32)])
    def loss(self, x, y):
        p = self(x)
        return {"loss": tl.reduce_mean(tl.square(p - y)), "probs": p}


def test_module_tracks_variables_and_submodules():
    m = MLP()
    assert len(m.variables) == 5 and len(m.trainable_variables) == 4
    assert len(m.submodules) == 2 and all(isinstance(s, Dense) for s in m.submodules)


LOAD_AND_RUN = """
import json, sys
import numpy as np
import tensorlite as tl
m = tl.saved_model.load(sys.argv[1])
x = np.load(sys.argv[2])
p = m(x).numpy()
d = m.loss(x=x, y=np.full((2, 3), 1 / 3, np.float32))
calls = [v for v in m.variables if v.name == "calls"][0]
print(json.dumps({"p": p.tolist(), "loss": float(d["loss"].numpy()), "calls": int(calls.numpy()),
                  "sigs": sorted(m.signatures)}))
"""


def test_round_trip_in_a_fresh_process(tmp_path):
    m = MLP()
    x = np.random.default_rng(2).standard_normal((2, 4)).astype(np.float32)
    want = m(tl.constant(x)).numpy()
    want_loss = float(m.loss(tl.constant(x), tl.constant(np.full((2, 3), 1 / 3, np.float32)))["loss"].numpy())
    calls = int(m.calls.numpy())
    tl.saved_model.save(m, str(tmp_path / "sm"))
    np.save(tmp_path / "x.npy", x)
    out = subprocess.run([sys.executable, "-c", LOAD_AND_RUN, str(tmp_path / "sm"), str(tmp_path / "x.npy")],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    np.testing.assert_array_equal(np.float32(got["p"]), want)  # bit-identical: same kernels, same order
    assert got["loss"] == pytest.approx(want_loss, rel=1e-7)
    assert got["sigs"] == ["loss", "serving_default"]
    assert got["calls"] == calls + 2  # the saved variable value, advanced by both loaded calls


def test_bad_inputs_and_folders(tmp_path):
    m = MLP()
    tl.saved_model.save(m, str(tmp_path / "sm"))
    loaded = tl.saved_model.load(str(tmp_path / "sm"))
    with pytest.raises(TypeError, match=r"expects float32\[2, 4\], got float32\[3, 4\]"):
        loaded(np.zeros((3, 4), np.float32))
    with pytest.raises(ValueError, match="not a tensorlite saved model"):
        tl.saved_model.load(str(tmp_path))
    (tmp_path / "sm" / "saved_model.json").write_text("{")
    with pytest.raises(ValueError, match="not valid JSON"):
        tl.saved_model.load(str(tmp_path / "sm"))

    class NoSig(tl.Module):
        @tl.function
        def f(self, x):
            return x

    with pytest.raises(ValueError, match="without input_signature"):
        tl.saved_model.save(NoSig(), str(tmp_path / "bad"))
    assert not (tmp_path / "bad").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]


def keras_cnn(seed=0):
    """A small functional CNN with trained-looking BatchNormalization statistics."""
    tl.random.set_seed(seed)
    layers = tl.keras.layers
    image = tl.keras.Input((8, 8, 3), name="image")
    x = layers.Conv2D(4, 3, padding="same", activation="relu")(image)
    x = layers.BatchNormalization()(x)
    x = layers.MaxPooling2D()(layers.DepthwiseConv2D(3, padding="same")(x))
    x = layers.Dropout(0.5)(layers.Flatten()(x))
    model = tl.keras.Model(image, layers.Dense(5, activation="softmax", name="probs")(x))
    rng = np.random.default_rng(seed)
    bn = model.get_layer(index=2)
    bn.set_weights([rng.uniform(0.5, 2, 4).astype(np.float32), rng.normal(size=4).astype(np.float32),
                    rng.normal(size=4).astype(np.float32), rng.uniform(0.5, 2, 4).astype(np.float32)])
    return model


def test_keras_model_saves_serving_default(tmp_path):
    """tl.saved_model.save(keras_model) makes serving_default from the model's inputs, as TensorFlow does:
    inputs named after the Input layers with the None batch kept in the signature, outputs keyed by the
    output layers' names; it loads without the model and computes its inference outputs."""
    model = keras_cnn()
    tl.saved_model.save(model, str(tmp_path / "sm"))
    loaded = tl.saved_model.load(str(tmp_path / "sm"))
    assert sorted(loaded.signatures) == ["serving_default"]
    fn = loaded.signatures["serving_default"]
    assert fn.input_names == ["image"]
    assert [(list(s.shape), s.dtype.name) for s in fn.input_signature] == [([None, 8, 8, 3], "float32")]
    x = np.random.default_rng(1).standard_normal((1, 8, 8, 3)).astype(np.float32)
    out = loaded(image=x)
    assert list(out) == ["probs"]
    np.testing.assert_allclose(out["probs"].numpy(), model.predict(x, verbose=0), rtol=1e-6, atol=1e-7)


def test_keras_export_and_convert_end_to_end(tmp_path):
    """model.export(dir) (Keras 3's call) writes the saved model; `tensorlite convert` turns the folder into a
    .tflite whose input keeps the dynamic batch (-1), and LiteRT runs it at batch 3 with the model's outputs;
    export(format="litert") writes such a file directly."""
    from tests.litert import litert_interpreter, run
    model = keras_cnn(seed=4)
    model.export(tmp_path / "exported")
    reloaded = tl.saved_model.load(str(tmp_path / "exported"))
    x = np.random.default_rng(2).standard_normal((3, 8, 8, 3)).astype(np.float32)
    want = model.predict(x, verbose=0)
    np.testing.assert_allclose(reloaded.serve(x[:1])["probs"].numpy(), want[:1], rtol=1e-6, atol=1e-7)
    out = tmp_path / "model.tflite"
    done = subprocess.run([sys.executable, "-m", "tensorlite", "convert", str(tmp_path / "exported"), "-o",
                           str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    model.export(tmp_path / "direct.tflite", format="litert")
    for path in (out, tmp_path / "direct.tflite"):
        interpreter = litert_interpreter(path.read_bytes())
        (detail,) = interpreter.get_input_details()
        assert list(detail["shape_signature"]) == [-1, 8, 8, 3]
        interpreter.resize_tensor_input(detail["index"], [3, 8, 8, 3])
        (got,) = run(interpreter, [x])
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="format 'onnx' is not supported"):
        model.export(tmp_path / "m.onnx", format="onnx")
