"""Keras 3's files, both ways. tests/data/keras3/saving/ holds models, weights and predictions written by
real Keras 3 (scripts/make_keras3_models.py; these tests never import Keras): they load here and predict
Keras's numbers, give Keras's get_weights() list in Keras's order, restore the optimizer state (one more
training step lands on Keras's weights), and files written here have Keras's layout. That Keras 3 loads
tensorlite's files and predicts tensorlite's numbers is checked by the same script's `check` command."""
import io
import json
import zipfile

import h5py
import numpy as np
import pytest

import tensorlite as tl
from tensorlite.keras import layers as L
from tests.paths import DATA

FOLDER = DATA / "keras3" / "saving"
MODELS = ["seq_cnn", "func_branches", "rnn", "text", "custom", "nested"]


class Scale(L.Layer):
    """tensorlite's twin of the Keras file's custom layer "tltest>Scale" (same weights, same maths)."""

    def __init__(self, units=3, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.factor = units, factor
        self.proj = L.Dense(units, activation="tanh")

    def build(self, input_shape):
        self.offset = self.add_weight(shape=(self.units,), initializer="ones", trainable=False, name="offset")
        self.scale = self.add_weight(shape=(self.units,), initializer="random_normal", name="scale")

    def call(self, x):
        return self.proj(x) * self.scale * self.factor + self.offset


CUSTOM = {"tltest>Scale": Scale}


def arrays(name: str, prefix: str) -> list:
    data = np.load(FOLDER / f"{name}.npz")
    keys = sorted((k for k in data.files if k.startswith(prefix) and k[len(prefix):].isdigit()),
                  key=lambda k: int(k[len(prefix):]))
    return [data[k] for k in keys]


def predict(model, xs):
    out = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    return out if isinstance(out, list) else [out]


def h5_layout(blob_or_path) -> dict:
    """{dataset path: shape} of a weights file."""
    out = {}
    with h5py.File(io.BytesIO(blob_or_path) if isinstance(blob_or_path, bytes) else blob_or_path, "r") as f:
        f.visititems(lambda name, obj: out.__setitem__(name, obj.shape) if isinstance(obj, h5py.Dataset) else None)
    return out


@pytest.mark.parametrize("name", MODELS)
def test_keras_file_predicts_keras_numbers(name):
    model = tl.keras.models.load_model(FOLDER / f"{name}.keras", custom_objects=CUSTOM)
    for got, want in zip(predict(model, arrays(name, "x")), arrays(name, "y"), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
    # weight lists in Keras's order: each layer's trainable then non-trainable weights, layer by layer
    keras_weights = arrays(name, "w")
    assert len(model.get_weights()) == len(keras_weights)
    for ours, theirs in zip(model.get_weights(), keras_weights):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("name, optimizer, steps", [("func_branches", "SGD", 4), ("rnn", "RMSprop", 4),
                                                    ("text", "Adam", 4), ("seq_cnn", "Adam", 8)])
def test_keras_file_restores_compile_and_optimizer_state(name, optimizer, steps):
    model = tl.keras.models.load_model(FOLDER / f"{name}.keras")
    assert type(model.optimizer).__name__ == optimizer and model.optimizer.iterations == steps
    with zipfile.ZipFile(FOLDER / f"{name}.keras") as z:
        config = json.loads(z.read("config.json"))
        stored = h5py.File(io.BytesIO(z.read("model.weights.h5")), "r")["optimizer/vars"]
        stored = [stored[str(i)][()] for i in range(len(stored))]
    assert model.optimizer.learning_rate == pytest.approx(float(stored[1]))
    assert float(stored[1]) == pytest.approx(config["compile_config"]["optimizer"]["config"]["learning_rate"])
    bx, by = arrays(name, "bx"), arrays(name, "by")
    if not bx:
        return
    # one more step from the restored state lands where Keras's step did (slots, step count, update rule)
    model.train_on_batch(bx if len(bx) > 1 else bx[0], by if len(by) > 1 else by[0])
    after = arrays(name, "t")
    for v, want in zip(model.weights, after, strict=True):
        np.testing.assert_allclose(v.numpy(), want, rtol=1e-4, atol=2e-6, err_msg=v.name)


def build_seq_cnn():
    return tl.keras.Sequential([
        tl.keras.Input((12, 12, 3)), L.Conv2D(6, 3, activation="relu"), L.BatchNormalization(),
        L.DepthwiseConv2D(3, depth_multiplier=2, padding="same"), L.ReLU(max_value=6.0), L.MaxPooling2D(),
        L.AveragePooling2D(2, padding="same"), L.Conv2D(4, 1, use_bias=False), L.Flatten(), L.Dropout(0.3),
        L.Dense(10), L.Softmax()])


def build_rnn():
    return tl.keras.Sequential([tl.keras.Input((7, 4)), L.LSTM(5, return_sequences=True), L.GRU(3), L.Dense(2)])


@pytest.mark.parametrize("name, build", [("seq_cnn", build_seq_cnn), ("rnn", build_rnn)])
def test_keras_weights_load_into_models_built_here(name, build):
    """x.weights.h5 from Keras, and Keras's get_weights() list, into the same architecture written here."""
    xs, want = arrays(name, "x"), arrays(name, "y")[0]
    model = build()
    model.load_weights(FOLDER / f"{name}.weights.h5")
    np.testing.assert_allclose(predict(model, xs)[0], want, rtol=1e-4, atol=1e-6)
    fresh = build()
    fresh.set_weights(arrays(name, "w"))
    np.testing.assert_allclose(predict(fresh, xs)[0], want, rtol=1e-4, atol=1e-6)
    other = build()
    other.load_weights(FOLDER / f"{name}.keras")  # the weights inside a .keras file
    np.testing.assert_allclose(predict(other, xs)[0], want, rtol=1e-4, atol=1e-6)


def test_weight_order_is_keras_layer_by_layer():
    model = build_seq_cnn()
    names = [v.name.split("/", 1)[1] for v in model.weights]
    assert names[:8] == ["kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance", "depthwise_kernel",
                         "bias"]
    assert [v.name for v in model.trainable_weights] == [v.name for v in model.weights if v.trainable]
    assert [v.name.split("/")[1] for v in model.non_trainable_weights] == ["moving_mean", "moving_variance"]
    bn = model.layers[1]
    bn.trainable = False  # a frozen layer keeps its place: all four of its weights are non-trainable now
    assert [v.name.split("/")[1] for v in model.weights][2:6] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert len(model.non_trainable_weights) == 4


def our_twin_of_seq_cnn():
    tl.random.set_seed(3)
    model = build_seq_cnn()
    model.compile(optimizer=tl.keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    rng = np.random.default_rng(0)
    model.fit(rng.standard_normal((8, 12, 12, 3)).astype(np.float32), rng.integers(0, 10, 8), batch_size=4,
              epochs=1, verbose=0)
    return model


def test_files_written_here_have_keras_layout(tmp_path):
    """Same architecture and training setup as Keras's seq_cnn: the same weight-file groups, datasets and
    shapes (optimizer included), and layer configs that use only arguments Keras writes too."""
    model = our_twin_of_seq_cnn()
    model.save(tmp_path / "m.keras")
    model.save_weights(tmp_path / "m.weights.h5")
    with zipfile.ZipFile(tmp_path / "m.keras") as ours, zipfile.ZipFile(FOLDER / "seq_cnn.keras") as theirs:
        assert sorted(ours.namelist()) == sorted(theirs.namelist()) == ["config.json", "metadata.json",
                                                                       "model.weights.h5"]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in ours.infolist())
        assert h5_layout(ours.read("model.weights.h5")) == h5_layout(theirs.read("model.weights.h5"))
        mine, keras = json.loads(ours.read("config.json")), json.loads(theirs.read("config.json"))
        assert "keras_version" in json.loads(ours.read("metadata.json"))
    assert h5_layout(str(tmp_path / "m.weights.h5")) == h5_layout(str(FOLDER / "seq_cnn.weights.h5"))
    assert (mine["class_name"], mine["module"]) == (keras["class_name"], keras["module"]) == ("Sequential", "keras")
    assert mine["build_config"] == keras["build_config"]
    assert set(mine["compile_config"]) == set(keras["compile_config"])
    assert mine["compile_config"]["loss"] == keras["compile_config"]["loss"]
    assert mine["compile_config"]["optimizer"]["class_name"] == "Adam"
    ours_layers, keras_layers = mine["config"]["layers"], keras["config"]["layers"]
    assert [e["class_name"] for e in ours_layers] == [e["class_name"] for e in keras_layers]
    for a, b in zip(ours_layers, keras_layers):
        # every key must be one Keras's class takes: those Keras writes, and activity_regularizer, which
        # every Keras 3 layer takes (Keras's own Dense.get_config leaves it out)
        extra = set(a["config"]) - set(b["config"]) - {"activity_regularizer"}
        assert not extra, f"{a['class_name']}: keys Keras does not write: {extra}"
        for key in ("filters", "kernel_size", "strides", "padding", "activation", "units", "depth_multiplier",
                    "max_value", "pool_size", "rate", "axis", "momentum", "epsilon", "use_bias", "batch_shape",
                    "kernel_initializer", "bias_initializer", "gamma_initializer", "moving_variance_initializer"):
            if key in b["config"]:
                value, want = a["config"][key], b["config"][key]
                if key in ("kernel_size", "strides", "pool_size") and isinstance(value, int):
                    value = [value, value]  # Keras writes the pair; both load
                if key == "strides" and value is None and "pool_size" in b["config"]:
                    value = b["config"]["pool_size"]  # pooling's strides=None: the pool size, in both
                if key.endswith("_initializer"):  # Keras 3.15 adds input_axes/output_axes (None) to some
                    assert value["config"].items() <= want["config"].items()
                    value, want = value["class_name"], want["class_name"]
                assert value == want, f"{a['class_name']}.{key}: {value} != {want}"


def test_round_trip_here(tmp_path):
    """save -> load_model: same predictions, config, weight names order and optimizer state; a custom
    layer round-trips by its recorded constructor arguments."""
    inp = tl.keras.Input((4,), name="features")
    x = Scale(units=3, factor=0.25, name="scale")(inp)
    a = L.Dense(5, activation="gelu", kernel_initializer="he_normal")(x)
    b = L.Dense(5, activation=tl.nn.relu6)(inp)
    out = L.Softmax()(L.Concatenate()([L.Add()([a, b]), L.Activation("swish")(a)]))
    model = tl.keras.Model(inp, out, name="here")
    model.compile(optimizer=tl.keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True), loss="mse")
    rng = np.random.default_rng(2)
    xs, ys = rng.standard_normal((6, 4)).astype(np.float32), rng.random((6, 10)).astype(np.float32)
    model.fit(xs, ys, batch_size=3, epochs=2, verbose=0)
    model.save(tmp_path / "here.keras")
    with pytest.raises(ValueError, match=r"custom class 'Scale'.*custom_objects=\{'Scale'"):
        tl.keras.models.load_model(tmp_path / "here.keras")
    again = tl.keras.models.load_model(tmp_path / "here.keras", custom_objects={"Scale": Scale})
    np.testing.assert_array_equal(again.predict(xs, verbose=0), model.predict(xs, verbose=0))
    assert again.get_config() == model.get_config()
    # (names of sublayers a custom layer makes itself are not in any config: compare the rest)
    assert [(v.name.split("/")[-1], tuple(v.shape)) for v in again.weights] == \
        [(v.name.split("/")[-1], tuple(v.shape)) for v in model.weights]
    assert again.get_layer("scale").factor == 0.25 and again.optimizer.centered
    assert again.optimizer.iterations == model.optimizer.iterations == 4
    model.fit(xs, ys, batch_size=6, epochs=1, verbose=0, shuffle=False)
    again.fit(xs, ys, batch_size=6, epochs=1, verbose=0, shuffle=False)
    for u, v in zip(model.weights, again.weights, strict=True):
        np.testing.assert_allclose(u.numpy(), v.numpy(), rtol=1e-6, atol=1e-7, err_msg=u.name)
    copy = tl.keras.models.model_from_json(model.to_json(), custom_objects={"Scale": Scale})
    assert copy.get_config() == model.get_config() and not copy.optimizer
    layer = Scale.from_config(model.get_layer("scale").get_config())
    assert (layer.units, layer.factor, layer.name) == (3, 0.25, "scale")


def test_get_config_of_layers():
    conv = L.Conv2D(8, 3, strides=2, padding="same", activation="relu", kernel_initializer="he_uniform")
    config = conv.get_config()
    assert config["filters"] == 8 and config["kernel_size"] == 3 and config["activation"] == "relu"
    assert config["kernel_initializer"] == {"module": "keras.initializers", "class_name": "HeUniform",
                                            "config": {"seed": None}, "registered_name": None}
    assert config["dtype"]["class_name"] == "DTypePolicy" and config["name"] == conv.name
    again = L.Conv2D.from_config(config)
    assert again.get_config() == config
    assert L.Dense(3).get_config()["activation"] == "linear"
    assert L.LSTM(4, return_sequences=True).get_config()["recurrent_activation"] == "sigmoid"
    with pytest.raises(NotImplementedError, match=r"Lambda 'fn': argument 'function' cannot be written"):
        L.Lambda(lambda t: t * 2, name="fn").get_config()

    class Plain(L.LSTM):  # a class can leave out a shared base's argument its Keras twin does not take
        _not_in_config = ("recurrent_activation",)

    assert "recurrent_activation" not in Plain(2).get_config() and "activation" in Plain(2).get_config()


def test_clear_errors_for_what_tensorlite_lacks(tmp_path):
    with pytest.raises(ValueError, match=r"Keras layer class 'ConvLSTM2D'.*custom_objects"):
        tl.keras.models.load_model(FOLDER / "unsupported_layer.keras")
    with pytest.raises(ValueError, match=r"BatchNormalization 'batch_normalization.*': the Keras argument "
                                         r"renorm=True is not supported"):
        tl.keras.models.load_model(FOLDER / "unsupported_argument.keras")
    with pytest.raises(ValueError, match=r"custom class 'tltest>Scale'.*custom_objects=\{'tltest>Scale'"):
        tl.keras.models.load_model(FOLDER / "custom.keras")
    with pytest.raises(ValueError, match="mixed-precision dtype policy 'mixed_float16'"):
        L.Dense.from_config({"units": 2, "dtype": {"module": "keras", "class_name": "DTypePolicy",
                                                   "config": {"name": "mixed_float16"}}})
    legacy = tmp_path / "legacy.h5"
    with h5py.File(legacy, "w") as f:
        f.create_group("model_weights")
        f.attrs["keras_version"] = "2.15.0"
    with pytest.raises(ValueError, match="Keras 2's legacy format"):
        tl.keras.models.load_model(legacy)
    model = build_rnn()
    with pytest.raises(ValueError, match="Keras 2 .legacy. HDF5"):
        model.load_weights(legacy)
    with pytest.raises(ValueError, match=r"no weights for layer 'lstm.*' \(LSTM, group 'layers/lstm/cell'\)"):
        model.load_weights(FOLDER / "seq_cnn.weights.h5")
    wider = tl.keras.Sequential([tl.keras.Input((7, 4)), L.LSTM(5, return_sequences=True), L.GRU(3), L.Dense(7)])
    before = wider.get_weights()
    with pytest.raises(ValueError, match=r"layer 'dense.*' \(Dense, group 'layers/dense'\).*has shape \[3, 7\], "
                                         r"the file holds \[3, 2\]"):
        wider.load_weights(FOLDER / "rnn.weights.h5")
    for a, b in zip(before, wider.get_weights()):  # nothing half loaded
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match=r"must end in '.keras'"):
        model.save(tmp_path / "model")
    with pytest.raises(ValueError, match="legacy Keras 2 HDF5 model format"):
        model.save(tmp_path / "model.h5")
    assert not list(tmp_path.glob("model*"))


@tl.keras.saving.register_keras_serializable(package="tltest")
class Net(tl.keras.Model):
    """A subclassed model: its layers are attributes, its config its constructor arguments."""

    def __init__(self, hidden=8, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.d1 = L.Dense(hidden, activation="relu")
        self.bn = L.BatchNormalization()
        self.head = L.Dense(2)

    def call(self, x, training=None):
        return self.head(self.bn(self.d1(x), training=training))


def test_subclassed_model_round_trip(tmp_path):
    rng = np.random.default_rng(5)
    x, y = rng.random((4, 3)).astype(np.float32), rng.random((4, 2)).astype(np.float32)
    model = Net(hidden=5, name="net")
    model.compile("adam", "mse")
    model.fit(x, y, verbose=0)
    model.save(tmp_path / "net.keras")
    with zipfile.ZipFile(tmp_path / "net.keras") as z:
        # Keras's layout for attributes: the attribute's name is the group
        assert {k.rsplit("/vars", 1)[0] for k in h5_layout(z.read("model.weights.h5"))} == \
            {"d1", "bn", "head", "optimizer"}
        config = json.loads(z.read("config.json"))
    assert (config["class_name"], config["registered_name"], config["config"]["hidden"]) == ("Net", "tltest>Net", 5)
    again = tl.keras.models.load_model(tmp_path / "net.keras")  # found through the registration
    assert isinstance(again, Net) and again.hidden == 5 and again.optimizer.iterations == 1
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    assert tl.keras.models.load_model(tmp_path / "net.keras", compile=False).optimizer is None
