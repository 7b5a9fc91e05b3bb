"""Sequential, functional (multiple inputs/outputs, multi-output layers, shared and nested
models) and subclassed models; summary; gradients reach every trainable weight."""
import numpy as np
import pytest

import tensorlite as tl
from tensorlite.keras import layers

r = np.random.default_rng(11)


def f32(*shape):
    return r.standard_normal(shape).astype(np.float32)


def assert_all_gradients(model, x):
    with tl.GradientTape() as tape:
        out = model(x, training=True)
        outs = out if isinstance(out, (list, tuple)) else [out]
        loss = tl.reduce_sum(tl.square(outs[0]))
        for o in outs[1:]:
            loss = loss + tl.reduce_sum(tl.square(o))
    grads = tape.gradient(loss, model.trainable_variables)
    missing = [v.name for v, g in zip(model.trainable_variables, grads) if g is None]
    assert model.trainable_variables and not missing, f"no gradient for {missing}"


def test_sequential_deferred_build_and_summary():
    tl.keras.backend.clear_session()
    tl.random.set_seed(0)
    model = tl.keras.Sequential([layers.Dense(4, activation="relu"), layers.Dense(2)])
    assert not model.weights and not model.built and model.inputs is None
    assert "0 (unbuilt)" in model.summary(print_fn=None)
    model(np.zeros((1, 3), np.float32))
    assert model.built and [tuple(w.shape) for w in model.weights] == [(3, 4), (4,), (4, 2), (2,)]
    assert model.inputs[0].shape == (None, 3) and model.outputs[0].shape == (None, 2)
    lines = model.summary(print_fn=None).splitlines()
    assert lines[0] == 'Model: "sequential"'
    assert lines[2].split() == ["Layer", "(type)", "Output", "Shape", "Param", "#"]
    assert lines[4].split() == ["dense", "(Dense)", "(None,", "4)", "16"]
    assert lines[6].split() == ["dense_1", "(Dense)", "(None,", "2)", "10"]
    assert "Total params: 26 (104.00 B)" in lines and "Non-trainable params: 0 (0.00 B)" in lines
    assert_all_gradients(model, f32(5, 3))


def test_sequential_build_add_pop():
    model = tl.keras.Sequential([tl.keras.Input((8, 8, 1)), layers.Conv2D(2, 3), layers.Flatten()])
    assert model.built and len(model.weights) == 2 and len(model.layers) == 2  # Input is not a layer
    assert model.layers[-1].output_shape == (None, 72) and model.outputs[0].shape == (None, 72)
    model.add(layers.Dense(3))  # builds just the new layer
    assert len(model.weights) == 4 and model.outputs[0].shape == (None, 3)
    assert isinstance(model.pop(), layers.Dense) and model.outputs[0].shape == (None, 72)
    assert model(np.ones((2, 8, 8, 1), np.float32)).shape == (2, 72)
    built = tl.keras.Sequential([layers.Dense(2, input_shape=(5,))])
    assert built.built and built.inputs[0].shape == (None, 5)
    later = tl.keras.Sequential([layers.Dense(2)])
    later.build((None, 7))
    assert later.weights[0].shape == (7, 2)
    with pytest.raises(TypeError, match="expected a Layer, got int"):
        later.add(3)
    with pytest.raises(ValueError, match="returns several tensors"):
        tl.keras.Sequential([tl.keras.Input((3, 2)), layers.LSTM(2, return_state=True)])


def test_sequential_batch_norm_moving_statistics_update_in_training_only():
    model = tl.keras.Sequential([tl.keras.Input((3,)), layers.BatchNormalization()])
    bn = model.layers[0]
    x = f32(16, 3) + 5
    model(x, training=False)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), 0)
    model(x, training=True)
    np.testing.assert_allclose(bn.moving_mean.numpy(), 0.01 * x.mean(0), rtol=1e-5)


def test_functional_two_inputs_two_outputs():
    tl.random.set_seed(1)
    a, b = tl.keras.Input((4,), name="a"), tl.keras.Input((3,), name="b")
    h = layers.Concatenate()([layers.Dense(5)(a), layers.Dense(5)(b)])
    out1, out2 = layers.Dense(1, name="score")(h), layers.Dense(2, activation="softmax", name="cls")(h)
    assert out1.shape == (None, 1) and out2.shape == (None, 2)
    model = tl.keras.Model([a, b], [out1, out2])
    xa, xb = f32(6, 4), f32(6, 3)
    y1, y2 = model([xa, xb])
    assert y1.shape == (6, 1) and y2.shape == (6, 2)
    assert [type(la).__name__ for la in model.layers] == ["InputLayer", "InputLayer", "Dense", "Dense",
                                                          "Concatenate", "Dense", "Dense"]
    assert len(model.weights) == 8 and model.get_layer(index=-1).name == "cls"
    ka, ba, kb, bb = (w.numpy() for w in model.layers[2].weights + model.layers[3].weights)
    h_np = np.concatenate([xa @ ka + ba, xb @ kb + bb], -1)
    k1, b1 = (w.numpy() for w in model.get_layer("score").weights)
    np.testing.assert_allclose(y1.numpy(), h_np @ k1 + b1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(y2.numpy().sum(-1), 1, rtol=1e-6)
    assert_all_gradients(model, [xa, xb])
    text = model.summary(print_fn=None)
    assert "Connected to" in text
    row = next(line for line in text.splitlines() if line.startswith(" concatenate"))
    assert row.split()[-2:] == [f"{model.layers[2].name}[0][0],", f"{model.layers[3].name}[0][0]"]
    model.compile("adam", ["mse", "sparse_categorical_crossentropy"])
    hist = model.fit([xa, xb], [np.zeros((6, 1)), np.zeros(6)], epochs=2, verbose=0)
    assert len(hist.history["loss"]) == 2


def test_functional_multi_output_layer_and_state_passing():
    """An encoder LSTM's states feed a decoder LSTM (KerasTensors inside kwargs); outputs pick
    tensors from the middle of a layer's output list."""
    enc_in, dec_in = tl.keras.Input((5, 3)), tl.keras.Input((None, 2))
    _, h, c = layers.LSTM(4, return_state=True)(enc_in)
    dec_seq = layers.LSTM(4, return_sequences=True)(dec_in, initial_state=[h, c])
    assert dec_seq.shape == (None, None, 4)
    model = tl.keras.Model([enc_in, dec_in], [dec_seq, c])
    xe, xd = f32(2, 5, 3), f32(2, 6, 2)
    seq, cell = model([xe, xd])
    enc, dec = model.layers[2], model.layers[3]
    _, h_ref, c_ref = enc(xe)
    np.testing.assert_allclose(cell.numpy(), c_ref.numpy(), rtol=1e-6)
    np.testing.assert_allclose(seq.numpy(), dec(xd, initial_state=[h_ref, c_ref]).numpy(), rtol=1e-6)
    assert seq.shape == (2, 6, 4)
    assert_all_gradients(model, [xe, xd])


def test_shared_layers_nested_models_and_fixed_training():
    shared = layers.Dense(3, name="shared")
    a, b = tl.keras.Input((2,)), tl.keras.Input((2,))
    inner = tl.keras.Model(a, layers.Dense(2)(shared(a)), name="inner")
    dropped = layers.Dropout(0.5)(shared(b), training=True)  # training fixed at the call
    zero = layers.Lambda(lambda t: t[:, :2] * 0.0)(dropped)
    model = tl.keras.Model(b, layers.Add()([inner(b), zero]))
    x = f32(4, 2)
    np.testing.assert_allclose(model(x).numpy(), inner(x).numpy(), rtol=1e-6)
    assert len(model.weights) == 4  # the shared layer's weights counted once
    # Keras 3's order (by depth from the outputs, deepest first; Keras itself gives these names)
    assert [la.name for la in model.layers][1:] == ["shared", "dropout", "inner", "lambda", "add"]
    row = next(line for line in model.summary(print_fn=None).splitlines() if line.startswith(" shared"))
    assert row.split()[2:5] == ["(None,", "3)", "9"]  # its node in this graph (the other is inside `inner`)
    probe = tl.keras.Model(b, dropped)
    y = probe(np.ones((50, 2), np.float32)).numpy()  # dropout runs although training is not set
    assert (y == 0).mean() > 0.2


def test_functional_errors():
    a, other = tl.keras.Input((2,), name="a"), tl.keras.Input((2,), name="other")
    with pytest.raises(ValueError, match="'other'.*not among the model inputs"):
        tl.keras.Model(a, layers.Dense(1)(other))
    with pytest.raises(ValueError, match="both `inputs` and `outputs`"):
        tl.keras.Model(inputs=a)
    with pytest.raises(TypeError, match="must be KerasTensors.*got ndarray"):
        tl.keras.Model(a, np.zeros(2))
    model = tl.keras.Model(a, layers.Dense(1)(a))
    with pytest.raises(ValueError, match=r"input 'a' expects shape \(None, 2\), got \(3, 5\)"):
        model(np.ones((3, 5), np.float32))
    with pytest.raises(ValueError, match="expected 1 inputs"):
        model([np.ones((3, 2)), np.ones((3, 2))])
    with pytest.raises(ValueError, match="no layer named 'x'"):
        model.get_layer("x")


def test_functional_input_dtypes():
    ids = tl.keras.Input((3,), dtype="int32")
    vectors = layers.Reshape((3, 1, 4))(layers.Embedding(10, 4)(ids))
    model = tl.keras.Model(ids, layers.GlobalAveragePooling2D()(vectors))
    assert model(np.array([[1, 2, 3]], np.int64)).shape == (1, 4)
    x = tl.keras.Input((2,), batch_size=4)
    assert x.shape == (4, 2) and layers.Dense(3)(x).shape == (4, 3)


def test_subclassed_model_builds_and_trains():
    class Tiny(tl.keras.Model):
        def __init__(self):
            super().__init__()
            self.d1 = layers.Dense(8, activation="tanh")
            self.d2 = layers.Dense(1)

        def call(self, x, training=None):
            return self.d2(self.d1(x))

    tl.random.set_seed(2)
    x = f32(64, 2)
    y = (x[:, :1] * 2 - x[:, 1:]).astype(np.float32)
    m = Tiny()
    assert m.name == "tiny" and not m.weights
    m.build((None, 2))
    assert len(m.trainable_variables) == 4 and [la.name for la in m.layers] == [m.d1.name, m.d2.name]
    assert "(None, 8)" in m.summary(print_fn=None)
    assert_all_gradients(m, x)
    m.compile(tl.keras.optimizers.Adam(0.05), "mse")
    hist = m.fit(x, y, epochs=20, batch_size=16, verbose=0)
    assert hist.history["loss"][-1] < 0.1 * hist.history["loss"][0]
