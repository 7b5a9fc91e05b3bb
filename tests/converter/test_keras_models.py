"""Every Keras-layer model converts, and the .tflite runs in the real LiteRT interpreter with the
outputs of our eager model (rtol 1e-5). The same file runs in tensorlite's C runtime: it matches
too, or the runtime names the builtins it still lacks, each declared as a gap on an op card
(`c_runtime_gaps`; never a silent pass)."""
import numpy as np
import pytest
from tensorlite.training.ops.registry import OPS

import tensorlite as tl
from tests.converter.test_op_lowering import c_runtime_gaps
from tests.litert import litert_interpreter

L = tl.keras.layers


def _seq(input_shape, *layers):
    return tl.keras.Sequential([L.Input(shape=input_shape), *layers])


def _two_inputs(merge):
    a, b = L.Input(shape=(6,)), L.Input(shape=(6,))
    return tl.keras.Model([a, b], merge([L.Dense(5)(a), L.Dense(5)(b)]))


def _digits():
    from tensorlite.tools.pipeline import build_digits_cnn
    return build_digits_cnn()


MODELS = {
    "mlp": lambda: _seq((12,), L.Dense(16, activation="relu"), L.Dense(8, activation="tanh"),
                        L.Dense(4, activation="softmax")),
    "dense_activations": lambda: _seq((10,), L.Dense(8, activation="sigmoid"), L.Dense(8, activation="relu6"),
                                      L.Dense(8, activation="gelu"), L.Dense(8, activation="hard_swish"),
                                      L.Dense(8, activation="leaky_relu"), L.Dense(8, activation="swish"),
                                      L.Dense(8, activation="elu"), L.Dense(6, activation="log_softmax")),
    "dense_no_bias_3d": lambda: _seq((5, 7), L.Dense(4, use_bias=False), L.Dense(3)),
    "conv_relu": lambda: _seq((9, 9, 3), L.Conv2D(8, 3, padding="same", activation="relu"),
                              L.Conv2D(4, 3, strides=2, activation="relu6")),
    "conv_dilated": lambda: _seq((10, 10, 2), L.Conv2D(4, 3, dilation_rate=2, activation="tanh")),
    "depthwise_separable": lambda: _seq((8, 8, 3), L.DepthwiseConv2D(3, depth_multiplier=2, padding="same",
                                                                     activation="relu"),
                                        L.SeparableConv2D(5, 3, activation="relu")),
    "conv_transpose": lambda: _seq((5, 5, 3), L.Conv2DTranspose(4, 3, strides=2, padding="same")),
    "conv_batchnorm": lambda: _seq((8, 8, 2), L.Conv2D(6, 3, use_bias=False), L.BatchNormalization(), L.ReLU()),
    "batchnorm_alone": lambda: _seq((7,), L.BatchNormalization()),
    "pools": lambda: _seq((8, 8, 3), L.MaxPooling2D(2), L.AveragePooling2D(2, padding="same"),
                          L.Conv2D(4, 1), L.GlobalAveragePooling2D()),
    "global_max_pool": lambda: _seq((6, 6, 3), L.GlobalMaxPooling2D()),
    "flatten_reshape": lambda: _seq((4, 4, 2), L.Flatten(), L.Reshape((8, 4)), L.Dense(3)),
    "padding_upsampling": lambda: _seq((4, 4, 2), L.ZeroPadding2D(1), L.UpSampling2D(2), L.Conv2D(2, 3)),
    "layer_norm": lambda: _seq((5, 8), L.LayerNormalization()),
    "dropout_softmax": lambda: _seq((6,), L.Dense(6), L.Dropout(0.5), L.Softmax()),
    "add": lambda: _two_inputs(L.Add()),
    "subtract": lambda: _two_inputs(L.Subtract()),
    "multiply": lambda: _two_inputs(L.Multiply()),
    "maximum": lambda: _two_inputs(L.Maximum()),
    "minimum": lambda: _two_inputs(L.Minimum()),
    "average": lambda: _two_inputs(L.Average()),
    "concatenate": lambda: _two_inputs(L.Concatenate()),
    "lstm": lambda: _seq((4, 3), L.LSTM(5)),
    "gru": lambda: _seq((4, 3), L.GRU(5, return_sequences=True)),
    "digits_cnn": _digits,
}


def _randomize(model, seed=0):
    """Random weights everywhere, including BatchNormalization's statistics (a fresh model's zero
    biases and unit statistics would hide lowering mistakes); variances stay positive."""
    rng = np.random.default_rng(seed)
    for w in model.weights:
        a = rng.uniform(0.5, 1.5, w.shape) if "variance" in w.name else rng.normal(0, 0.5, w.shape)
        w.assign(a.astype(np.float32))


def _inputs(model, seed=1):
    rng = np.random.default_rng(seed)
    return [rng.normal(0, 1, (2,) + tuple(s.shape[1:])).astype(np.float32) for s in model.inputs]


def _convert(name):
    model = MODELS[name]()
    _randomize(model)
    data = tl.lite.Converter.from_keras_model(model).convert()
    xs = _inputs(model)
    want = model(xs if len(xs) > 1 else xs[0], training=False)
    want = [w.numpy() for w in want] if isinstance(want, (list, tuple)) else [want.numpy()]
    return data, xs, want


def _run(interpreter, xs):
    """Runs a batch of 2 through an interpreter built for batch 1, one sample at a time."""
    interpreter.allocate_tensors()
    outs = []
    for b in range(xs[0].shape[0]):
        for d, x in zip(interpreter.get_input_details(), xs):
            interpreter.set_tensor(d["index"], x[b:b + 1])
        interpreter.invoke()
        outs.append([interpreter.get_tensor(d["index"]).copy() for d in interpreter.get_output_details()])
    return [np.concatenate([o[i] for o in outs]) for i in range(len(outs[0]))]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_litert_runs_converted_model(name):
    data, xs, want = _convert(name)
    got = _run(litert_interpreter(data, reference=False), xs)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_c_runtime_runs_converted_model(name):
    data, xs, want = _convert(name)
    it = tl.lite.Interpreter(model_content=data)
    missing = c_runtime_gaps(data)
    if missing:
        declared = {builtin for op in OPS.values() for builtin in op.c_runtime_gaps}
        assert missing <= declared, f"C runtime gaps no op card declares: {sorted(missing - declared)}"
        with pytest.raises(ValueError):
            it.allocate_tensors()
        return
    got = _run(it, xs)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
