"""Keras 3 model files for tests/keras/test_keras3_saving.py, and the check that tensorlite's files
load in Keras 3. Run in a separate venv with Keras (never by the tests):

    python3 -m venv /tmp/kerasenv && /tmp/kerasenv/bin/pip install keras jax jaxlib h5py
    KERAS_BACKEND=jax /tmp/kerasenv/bin/python scripts/make_keras3_models.py make

writes tests/data/keras3/saving/: for each model NAME, NAME.keras (model.save), NAME.npz (inputs x<i>,
Keras's predictions y<i>, Keras's get_weights() list w<i>) and, for some, NAME.weights.h5
(model.save_weights); plus files using what tensorlite lacks (for its error messages). Compiled models
also record one more training step after saving (bx<i>, by<i> -> weights t<i>). Seeded, so a
re-run gives the same numbers.

The other direction (tensorlite's files in Keras):

    python3 scripts/make_keras3_models.py ours /tmp/ours          # tensorlite writes models and outputs
    KERAS_BACKEND=jax /tmp/kerasenv/bin/python scripts/make_keras3_models.py check /tmp/ours
    python3 scripts/make_keras3_models.py back /tmp/ours          # tensorlite reads Keras's re-saved files

`ours` also writes one small model per tensorlite layer class (layer_<Class>, LAYER_CASES), so `check` and
`back` say which layer classes cross in each direction.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "keras3" / "saving"


def _models(keras):
    """name -> (model, input arrays, compile/fit settings or None)."""
    L = keras.layers  # noqa: N806
    rng = np.random.default_rng(0)

    def f32(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    @keras.saving.register_keras_serializable(package="tltest")
    class Scale(L.Layer):
        """A user layer: own weights (trainable scale, non-trainable offset) and a nested Dense."""

        def __init__(self, units=3, factor=2.0, **kwargs):
            super().__init__(**kwargs)
            self.units, self.factor = units, factor
            self.proj = L.Dense(units, activation="tanh")

        def build(self, input_shape):
            self.offset = self.add_weight(shape=(self.units,), initializer="ones", trainable=False, name="offset")
            self.scale = self.add_weight(shape=(self.units,), initializer="random_normal", name="scale")

        def call(self, x):
            return self.proj(x) * self.scale * self.factor + self.offset

        def get_config(self):
            return {**super().get_config(), "units": self.units, "factor": self.factor}

    out = {}

    seq = keras.Sequential([
        keras.Input((12, 12, 3)),
        L.Conv2D(6, 3, activation="relu"),
        L.BatchNormalization(),
        L.DepthwiseConv2D(3, depth_multiplier=2, padding="same"),
        L.ReLU(max_value=6.0),
        L.MaxPooling2D(),
        L.AveragePooling2D(2, padding="same"),
        L.Conv2D(4, 1, use_bias=False),
        L.Flatten(),
        L.Dropout(0.3),
        L.Dense(10),
        L.Softmax(),
    ], name="seq_cnn")
    fit = dict(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"],
               x=f32(16, 12, 12, 3), y=rng.integers(0, 10, 16))
    out["seq_cnn"] = (seq, [f32(5, 12, 12, 3)], fit)

    a = keras.Input((10, 10, 2), name="image")
    b = keras.Input((5,), name="vector")
    x = L.ZeroPadding2D(1)(a)
    x = L.Conv2D(4, 3, strides=2, name="stem")(x)
    x = L.BatchNormalization(momentum=0.5)(x)
    x = L.Activation("relu")(x)
    left = L.Conv2D(4, 3, padding="same", activation="sigmoid")(x)
    right = L.SeparableConv2D(4, 3, padding="same")(x)
    x = L.Add()([left, right, L.DepthwiseConv2D(1)(x)])
    x = L.Conv2DTranspose(3, 2, strides=2)(x)
    x = L.UpSampling2D(2)(L.MaxPooling2D(pool_size=4)(x))
    x = L.GlobalAveragePooling2D()(x)
    shared = L.Dense(4, activation="relu", name="shared")
    v1 = shared(b)
    v2 = shared(L.Dense(5)(b))
    x = L.Concatenate()([x, v1, v2])
    x = L.LayerNormalization()(x)
    head = L.Dense(3, activation="softmax", name="probs")(x)
    value = L.Dense(1, name="value")(L.Reshape((2, 2))(v2))
    func = keras.Model([a, b], [head, value], name="func_branches")
    fit = dict(optimizer=keras.optimizers.SGD(0.05, momentum=0.9), loss=["categorical_crossentropy", "mse"],
               x=[f32(8, 10, 10, 2), f32(8, 5)], y=[np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)],
                                                   f32(8, 2, 1)])
    out["func_branches"] = (func, [f32(4, 10, 10, 2), f32(4, 5)], fit)

    rnn = keras.Sequential([keras.Input((7, 4)), L.LSTM(5, return_sequences=True), L.GRU(3), L.Dense(2)],
                           name="rnn")
    fit = dict(optimizer=keras.optimizers.RMSprop(0.01), loss="mse", metrics=["mae"], x=f32(6, 7, 4), y=f32(6, 2))
    out["rnn"] = (rnn, [f32(3, 7, 4)], fit)

    ids = keras.Input((6,), dtype="int32", name="ids")
    t = L.Embedding(20, 4)(ids)
    t = L.GRU(3, return_sequences=True, go_backwards=True)(t)
    t = L.Flatten()(t)
    text = keras.Model(ids, L.Dense(2, activation="sigmoid")(t), name="text")
    fit = dict(optimizer=keras.optimizers.Adam(0.02), loss="binary_crossentropy",
               x=rng.integers(0, 20, (8, 6)).astype(np.int32), y=rng.integers(0, 2, (8, 2)).astype(np.float32))
    out["text"] = (text, [rng.integers(0, 20, (4, 6)).astype(np.int32)], fit)

    inp = keras.Input((4,))
    custom = keras.Model(inp, L.Dense(2)(Scale(units=3, factor=0.5)(inp)), name="custom")
    out["custom"] = (custom, [f32(5, 4)], None)

    i = keras.Input((3,))
    inner = keras.Model(i, L.Dense(4, activation="relu")(L.Dense(5)(i)), name="inner")
    o = keras.Input((3,))
    nested = keras.Model(o, L.Dense(2)(inner(o)), name="nested")
    out["nested"] = (nested, [f32(3, 3)], None)
    return out


def _unsupported(keras):
    L = keras.layers  # noqa: N806
    return {
        "unsupported_layer": keras.Sequential([keras.Input((3, 4, 4, 2)), L.ConvLSTM2D(2, 3), L.Flatten()]),
        "unsupported_argument": keras.Sequential([keras.Input((4,)), L.BatchNormalization(renorm=True)]),
    }


def make() -> None:
    import keras
    keras.utils.set_random_seed(0)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (model, xs, fit) in _models(keras).items():
        if fit is not None:
            model.compile(optimizer=fit["optimizer"], loss=fit["loss"], metrics=fit.get("metrics"))
            model.fit(fit["x"], fit["y"], epochs=2, batch_size=4, verbose=0)
        ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        ys = ys if isinstance(ys, list) else [ys]
        model.save(OUT / f"{name}.keras")
        if name in ("seq_cnn", "func_branches", "rnn"):
            model.save_weights(OUT / f"{name}.weights.h5")
        arrays = {f"x{i}": x for i, x in enumerate(xs)}
        arrays.update({f"y{i}": np.asarray(y) for i, y in enumerate(ys)})
        arrays.update({f"w{i}": w for i, w in enumerate(model.get_weights())})
        if fit is not None and name != "seq_cnn":  # (seq_cnn's Dropout makes a training step random)
            # one more training step after saving, on the first batch: the loaded model's optimizer state
            # must give the same weights
            bx = [x[:4] for x in fit["x"]] if isinstance(fit["x"], list) else [fit["x"][:4]]
            by = [y[:4] for y in fit["y"]] if isinstance(fit["y"], list) else [fit["y"][:4]]
            model.train_on_batch(bx if len(bx) > 1 else bx[0], by if len(by) > 1 else by[0])
            arrays.update({f"bx{i}": x for i, x in enumerate(bx)})
            arrays.update({f"by{i}": y for i, y in enumerate(by)})
            arrays.update({f"t{i}": w for i, w in enumerate(model.get_weights())})
        np.savez_compressed(OUT / f"{name}.npz", **arrays)
        print(f"{name}: {len(model.get_weights())} weights, outputs {[np.shape(y) for y in ys]}")
    for name, model in _unsupported(keras).items():
        model.save(OUT / f"{name}.keras")
    (OUT / "PROVENANCE.md").write_text(
        "# Provenance of tests/data/keras3/saving\n\n"
        f"Written by scripts/make_keras3_models.py (`make`) running Keras {keras.__version__} on the "
        f"{keras.backend.backend()} backend: `model.save` (.keras), `model.save_weights` (.weights.h5) and, in "
        "NAME.npz, the seeded inputs (x<i>), Keras's predictions for them (y<i>) and Keras's `get_weights()` "
        "(w<i>). Compiled models were fitted 2 epochs on seeded data first (so batch-normalization statistics "
        "and optimizer state are not their initial values); after saving, all but seq_cnn took one more "
        "train_on_batch step on the batch bx<i>/by<i>, giving the weights t<i>. unsupported_*.keras use a "
        "Keras layer (ConvLSTM2D) and an argument (BatchNormalization(renorm=True)) tensorlite does not "
        "have. No Keras code is copied; the tests read these files without Keras.\n")


# -- the other direction -------------------------------------------------------------------------------
def ours(folder: str) -> None:
    """tensorlite writes models like make()'s (trained a little) with their predictions."""
    import tensorlite as tl
    L = tl.keras.layers  # noqa: N806
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    tl.random.set_seed(1)

    def f32(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    seq = tl.keras.Sequential([tl.keras.Input((12, 12, 3)), L.Conv2D(6, 3, activation="relu"), L.BatchNormalization(),
                               L.DepthwiseConv2D(3, depth_multiplier=2, padding="same"), L.ReLU(max_value=6.0),
                               L.MaxPooling2D(), L.AveragePooling2D(2, padding="same"), L.Conv2D(4, 1, use_bias=False),
                               L.Flatten(), L.Dropout(0.3), L.Dense(10), L.Softmax()], name="seq_cnn")
    seq.compile(optimizer=tl.keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    seq.fit(f32(16, 12, 12, 3), rng.integers(0, 10, 16), epochs=2, batch_size=4, verbose=0)

    a, b = tl.keras.Input((10, 10, 2), name="image"), tl.keras.Input((5,), name="vector")
    x = L.Activation("relu")(L.BatchNormalization(momentum=0.5)(L.Conv2D(4, 3, strides=2)(L.ZeroPadding2D(1)(a))))
    x = L.Add()([L.Conv2D(4, 3, padding="same", activation="sigmoid")(x), L.SeparableConv2D(4, 3, padding="same")(x),
                 L.DepthwiseConv2D(1)(x)])
    x = L.GlobalAveragePooling2D()(L.UpSampling2D(2)(L.MaxPooling2D(4)(L.Conv2DTranspose(3, 2, strides=2)(x))))
    shared = L.Dense(4, activation="relu", name="shared")
    v2 = shared(L.Dense(5)(b))
    x = L.LayerNormalization()(L.Concatenate()([x, shared(b), v2]))
    func = tl.keras.Model([a, b], [L.Dense(3, activation="softmax")(x), L.Dense(1)(L.Reshape((2, 2))(v2))],
                          name="func_branches")
    func.compile(optimizer=tl.keras.optimizers.SGD(0.05, momentum=0.9), loss=["categorical_crossentropy", "mse"])
    func.fit([f32(8, 10, 10, 2), f32(8, 5)], [np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)], f32(8, 2, 1)],
             epochs=2, batch_size=4, verbose=0)

    rnn = tl.keras.Sequential([tl.keras.Input((7, 4)), L.LSTM(5, return_sequences=True), L.GRU(3), L.Dense(2)],
                              name="rnn")
    rnn.compile(optimizer=tl.keras.optimizers.RMSprop(0.01), loss="mse", metrics=["mae"])
    rnn.fit(f32(6, 7, 4), f32(6, 2), epochs=2, batch_size=4, verbose=0)

    ids = tl.keras.Input((6,), dtype="int32", name="ids")
    t = L.Flatten()(L.GRU(3, return_sequences=True, go_backwards=True)(L.Embedding(20, 4)(ids)))
    text = tl.keras.Model(ids, L.Dense(2, activation="sigmoid")(t), name="text")

    i, o = tl.keras.Input((3,)), tl.keras.Input((3,))
    inner = tl.keras.Model(i, L.Dense(4, activation="relu")(L.Dense(5)(i)), name="inner")
    nested = tl.keras.Model(o, L.Dense(2)(inner(o)), name="nested")

    cases = {"seq_cnn": (seq, [f32(5, 12, 12, 3)]), "func_branches": (func, [f32(4, 10, 10, 2), f32(4, 5)]),
             "rnn": (rnn, [f32(3, 7, 4)]), "text": (text, [rng.integers(0, 20, (4, 6)).astype(np.int32)]),
             "nested": (nested, [f32(3, 3)])}
    for cls_name, (make_layer, shapes) in LAYER_CASES.items():
        factory = getattr(L, cls_name, None)
        if factory is None:
            continue
        try:
            ins = [tl.keras.Input(s, dtype="int32" if cls_name == "Embedding" else "float32") for s in shapes]
            layer = make_layer(L)
            y = layer(ins if len(ins) > 1 else ins[0])
            model = tl.keras.Model(ins if len(ins) > 1 else ins[0], y, name=f"layer_{cls_name}")
            model.set_weights([_random_weight(v, rng) for v in model.weights])
            xs = [rng.integers(0, 10, (2, *s)).astype(np.int32) if cls_name == "Embedding" else f32(2, *s)
                  for s in shapes]
        except Exception as e:  # noqa: BLE001  (reported, the sweep goes on)
            print(f"layer_{cls_name}: cannot build here: {type(e).__name__}: {e}")
            continue
        cases[f"layer_{cls_name}"] = (model, xs)
    for name, (model, xs) in cases.items():
        ys = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        ys = ys if isinstance(ys, list) else [ys]
        try:
            model.save(out / f"{name}.keras")
            model.save_weights(out / f"{name}.weights.h5")
        except Exception as e:  # noqa: BLE001
            print(f"{name}: cannot save: {type(e).__name__}: {e}")
            continue
        np.savez(out / f"{name}.npz", **{f"x{i}": x for i, x in enumerate(xs)},
                 **{f"y{i}": y for i, y in enumerate(ys)}, **{f"w{i}": w for i, w in enumerate(model.get_weights())})
        print(f"{name}: written")


def _random_weight(v, rng) -> np.ndarray:
    a = rng.standard_normal(tuple(v.shape)).astype(np.float32) * 0.5
    return np.abs(a) + 0.5 if "variance" in v.name else a


# one tiny model per tensorlite layer class (ours -> Keras -> ours): the layer and its input shapes
LAYER_CASES = {
    "Dense": (lambda L: L.Dense(3, activation="relu"), [(4,)]),
    "Conv2D": (lambda L: L.Conv2D(3, 3, strides=2, padding="same", dilation_rate=1), [(6, 6, 2)]),
    "DepthwiseConv2D": (lambda L: L.DepthwiseConv2D(3, depth_multiplier=2), [(6, 6, 2)]),
    "SeparableConv2D": (lambda L: L.SeparableConv2D(3, 3, padding="same"), [(6, 6, 2)]),
    "Conv2DTranspose": (lambda L: L.Conv2DTranspose(3, 3, strides=2), [(4, 4, 2)]),
    "BatchNormalization": (lambda L: L.BatchNormalization(epsilon=0.01), [(5, 3)]),
    "LayerNormalization": (lambda L: L.LayerNormalization(), [(5, 3)]),
    "MaxPooling2D": (lambda L: L.MaxPooling2D(3, strides=2, padding="same"), [(6, 6, 2)]),
    "AveragePooling2D": (lambda L: L.AveragePooling2D(2), [(6, 6, 2)]),
    "GlobalAveragePooling2D": (lambda L: L.GlobalAveragePooling2D(keepdims=True), [(6, 6, 2)]),
    "GlobalMaxPooling2D": (lambda L: L.GlobalMaxPooling2D(), [(6, 6, 2)]),
    "Flatten": (lambda L: L.Flatten(), [(3, 2, 2)]),
    "Dropout": (lambda L: L.Dropout(0.4, seed=3), [(4,)]),
    "Activation": (lambda L: L.Activation("gelu"), [(4,)]),
    "ReLU": (lambda L: L.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2), [(4,)]),
    "Softmax": (lambda L: L.Softmax(axis=1), [(3, 4)]),
    "Reshape": (lambda L: L.Reshape((2, -1)), [(3, 4)]),
    "Embedding": (lambda L: L.Embedding(10, 3), [(5,)]),
    "Add": (lambda L: L.Add(), [(4,), (4,)]),
    "Subtract": (lambda L: L.Subtract(), [(4,), (4,)]),
    "Multiply": (lambda L: L.Multiply(), [(4,), (4,)]),
    "Average": (lambda L: L.Average(), [(4,), (4,)]),
    "Maximum": (lambda L: L.Maximum(), [(4,), (4,)]),
    "Minimum": (lambda L: L.Minimum(), [(4,), (4,)]),
    "Concatenate": (lambda L: L.Concatenate(axis=1), [(2, 4), (3, 4)]),
    "LSTM": (lambda L: L.LSTM(3, return_sequences=True, go_backwards=True), [(5, 4)]),
    "GRU": (lambda L: L.GRU(3), [(5, 4)]),
    "ZeroPadding2D": (lambda L: L.ZeroPadding2D(((1, 0), (2, 1))), [(4, 4, 2)]),
    "UpSampling2D": (lambda L: L.UpSampling2D((2, 3), interpolation="bilinear"), [(3, 3, 2)]),
    "LeakyReLU": (lambda L: L.LeakyReLU(negative_slope=0.2), [(4,)]),
    "PReLU": (lambda L: L.PReLU(), [(3, 4)]),
    "ELU": (lambda L: L.ELU(alpha=0.5), [(4,)]),
    "Conv1D": (lambda L: L.Conv1D(3, 3, padding="causal"), [(6, 2)]),
    "SeparableConv1D": (lambda L: L.SeparableConv1D(3, 3), [(6, 2)]),
    "Conv1DTranspose": (lambda L: L.Conv1DTranspose(3, 3, strides=2), [(4, 2)]),
    "MaxPooling1D": (lambda L: L.MaxPooling1D(2), [(6, 2)]),
    "AveragePooling1D": (lambda L: L.AveragePooling1D(2), [(6, 2)]),
    "GlobalAveragePooling1D": (lambda L: L.GlobalAveragePooling1D(), [(6, 2)]),
    "GlobalMaxPooling1D": (lambda L: L.GlobalMaxPooling1D(), [(6, 2)]),
    "Rescaling": (lambda L: L.Rescaling(0.5, offset=-1.0), [(4,)]),
    "Normalization": (lambda L: L.Normalization(mean=[1.0, 2.0, 3.0, 4.0], variance=[1.0, 4.0, 9.0, 16.0]),
                      [(4,)]),
    "Resizing": (lambda L: L.Resizing(5, 7), [(4, 4, 2)]),
    "SpatialDropout1D": (lambda L: L.SpatialDropout1D(0.3), [(5, 4)]),
    "SpatialDropout2D": (lambda L: L.SpatialDropout2D(0.3), [(4, 4, 2)]),
    "GaussianNoise": (lambda L: L.GaussianNoise(0.1), [(4,)]),
    "ZeroPadding1D": (lambda L: L.ZeroPadding1D(2), [(5, 2)]),
    "Cropping1D": (lambda L: L.Cropping1D((1, 2)), [(6, 2)]),
    "Cropping2D": (lambda L: L.Cropping2D(((1, 0), (0, 2))), [(5, 5, 2)]),
    "UpSampling1D": (lambda L: L.UpSampling1D(2), [(4, 2)]),
    "TimeDistributed": (lambda L: L.TimeDistributed(L.Dense(3)), [(5, 4)]),
    "Bidirectional": (lambda L: L.Bidirectional(L.LSTM(3, return_sequences=True)), [(5, 4)]),
    "EinsumDense": (lambda L: L.EinsumDense("ab,bc->ac", output_shape=3, bias_axes="c"), [(4,)]),
    "MultiHeadAttention": (lambda L: _SelfAttention(L), [(5, 4)]),
    "SimpleRNN": (lambda L: L.SimpleRNN(3, return_sequences=True), [(5, 4)]),
    "Identity": (lambda L: L.Identity(), [(4,)]),
    "Permute": (lambda L: L.Permute((2, 1)), [(3, 4)]),
    "RepeatVector": (lambda L: L.RepeatVector(3), [(4,)]),
    "UnitNormalization": (lambda L: L.UnitNormalization(), [(4,)]),
    "GroupNormalization": (lambda L: L.GroupNormalization(groups=2), [(3, 4)]),
    "RMSNormalization": (lambda L: L.RMSNormalization(), [(3, 4)]),
    "CenterCrop": (lambda L: L.CenterCrop(3, 2), [(5, 5, 2)]),
    "GaussianDropout": (lambda L: L.GaussianDropout(0.2), [(4,)]),
    "SpatialDropout3D": (lambda L: L.SpatialDropout3D(0.2), [(3, 3, 3, 2)]),
    "ZeroPadding3D": (lambda L: L.ZeroPadding3D(1), [(2, 2, 2, 2)]),
    "Cropping3D": (lambda L: L.Cropping3D(1), [(4, 4, 4, 2)]),
    "UpSampling3D": (lambda L: L.UpSampling3D(2), [(2, 2, 2, 2)]),
    "GlobalAveragePooling3D": (lambda L: L.GlobalAveragePooling3D(), [(2, 2, 2, 2)]),
    "GlobalMaxPooling3D": (lambda L: L.GlobalMaxPooling3D(), [(2, 2, 2, 2)]),
    "DepthwiseConv1D": (lambda L: L.DepthwiseConv1D(3, depth_multiplier=2), [(6, 2)]),
    "Dot": (lambda L: L.Dot(axes=1), [(4,), (4,)]),
    "AdditiveAttention": (lambda L: L.AdditiveAttention(), [(5, 4), (5, 4)]),
    "Attention": (lambda L: L.Attention(use_scale=True), [(5, 4), (5, 4)]),
}


def _SelfAttention(L):  # noqa: N802  (MultiHeadAttention takes query and value as two arguments)
    mha = L.MultiHeadAttention(num_heads=2, key_dim=3)
    return lambda x: mha(x, value=x)


def _arrays(npz):
    data = np.load(npz)
    return [[data[f"{p}{i}"] for i in range(sum(k.startswith(p) and k[len(p):].isdigit() for k in data.files))]
            for p in ("x", "y", "w")]


def check(folder: str) -> None:
    """Keras loads tensorlite's files and predicts tensorlite's numbers (one line per model), then saves each
    model again as keras_<name>.keras for `back`; check.json records the results."""
    import keras
    results = {}
    for npz in sorted(Path(folder).glob("*.npz")):
        name = npz.stem
        xs, ys, ws = _arrays(npz)
        try:
            model = keras.models.load_model(npz.with_suffix(".keras"))
        except Exception as e:  # noqa: BLE001  (reported per model)
            results[name] = {"error": f"{type(e).__name__}: {str(e).splitlines()[-1][:300]}"}
            print(name, json.dumps(results[name]))
            continue
        got = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
        got = got if isinstance(got, list) else [got]
        err = max(float(np.max(np.abs(np.asarray(g) - y) / (np.abs(y) + 1e-6))) for g, y in zip(got, ys))
        weights_equal = all(np.array_equal(a, b) for a, b in zip(model.get_weights(), ws)) and \
            len(model.get_weights()) == len(ws)
        model.load_weights(npz.with_suffix("").with_suffix(".weights.h5"))
        opt = getattr(model, "optimizer", None)
        results[name] = {"max_rel_err": err, "get_weights_equal": weights_equal,
                         "optimizer": None if opt is None else f"{type(opt).__name__} iterations="
                         f"{int(opt.iterations.numpy())} variables={len(opt.variables)}"}
        model.save(Path(folder) / f"keras_{name}.keras")
        print(name, json.dumps(results[name]))
    (Path(folder) / "check.json").write_text(json.dumps(results, indent=1))
    bad = [n for n, r in results.items() if "error" in r or r["max_rel_err"] > 1e-4 or not r["get_weights_equal"]]
    print(f"{len(results) - len(bad)} of {len(results)} load in Keras {keras.__version__} with tensorlite's "
          f"numbers; not: {bad}")
    sys.exit(1 if bad else 0)


def back(folder: str) -> None:
    """tensorlite loads the files Keras saved again in `check` (keras_<name>.keras) and predicts its numbers."""
    import tensorlite as tl
    bad = []
    for npz in sorted(Path(folder).glob("*.npz")):
        path = Path(folder) / f"keras_{npz.stem}.keras"
        if not path.exists():
            continue
        xs, ys, _ = _arrays(npz)
        try:
            model = tl.keras.models.load_model(path)
            got = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
            got = got if isinstance(got, list) else [got]
            err = max(float(np.max(np.abs(np.asarray(g) - y) / (np.abs(y) + 1e-6))) for g, y in zip(got, ys))
            print(npz.stem, f"max_rel_err={err:.2e}")
            if err > 1e-4:
                bad.append(npz.stem)
        except Exception as e:  # noqa: BLE001
            print(npz.stem, f"error: {type(e).__name__}: {str(e)[:300]}")
            bad.append(npz.stem)
    print(f"not read back: {bad}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    os.environ.setdefault("KERAS_BACKEND", "jax")
    command = sys.argv[1] if len(sys.argv) > 1 else "make"
    if command == "make":
        make()
    elif command in ("ours", "check", "back") and len(sys.argv) == 3:
        {"ours": ours, "check": check, "back": back}[command](sys.argv[2])
    else:
        sys.exit(__doc__)
