"""Writes tests/data/keras3/: what real Keras 3 computes, for the Keras-parity tests in tests/keras/
(which never import Keras). Needs Keras 3 with the JAX backend, which are not tensorlite
dependencies: run it with a separate venv's Python,

    python3 -m venv kerasenv && kerasenv/bin/pip install keras jax jaxlib
    KERAS_BACKEND=jax kerasenv/bin/python scripts/make_keras3_expectations.py tests/data/keras3

It writes:
- layer_names.txt: Keras 3's public names in keras.layers (classes and functions);
- layers.npz + layers.json: per case, the input(s), the layer's weights (seeded values set with
  set_weights, in Keras's order, with their paths in layers.json) and Keras's output;
- regularizers.npz: L1/L2/L1L2 penalties and MaxNorm/NonNeg/UnitNorm/MinMaxNorm projections of
  seeded weights, and three SGD steps of a Dense model with a regularized, constrained kernel;
- layer_losses.npz: layer losses as Keras 3 counts them (a weight penalty, an activity penalty, an
  ActivityRegularization layer, a layer's add_loss): `model.losses` after a call, evaluate's loss, and
  fit's logged losses and weights after three epochs of SGD;
- callbacks.json: ReduceLROnPlateau's learning rate after each epoch of given monitored values;
- applications.json: MobileNetV2 and MobileNetV3Small/Large (weights=None) layer names, classes,
  weight shapes and parameter counts; applications.npz: a small MobileNetV2/V3Small's output for seeded
  weights and images (made from the weight shapes by `seeded_weights` and by `app_input`, which
  the tests repeat).
Each file's provenance (Keras and JAX versions) is in PROVENANCE.md. A second argument names the
parts to write (e.g. `layer_losses`), leaving the other files as they are; the versions must then be
the ones PROVENANCE.md names."""
import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

L = keras.layers


def seeded_weights(shapes_and_names, seed=0):
    """Weights from their shapes alone (the tests rebuild them): uniform in [-0.5, 0.5), except
    moving variances in [0.5, 1.5) and integer counters left at 0."""
    out = []
    for i, (shape, name) in enumerate(shapes_and_names):
        g = np.random.default_rng(seed * 100003 + i)
        if name.endswith("count"):
            out.append(np.zeros(shape, np.int32))
        elif name.endswith("moving_variance"):
            out.append(g.uniform(0.5, 1.5, shape).astype(np.float32))
        else:
            out.append(g.uniform(-0.5, 0.5, shape).astype(np.float32))
    return out


def app_input(seed):
    """The applications' input images (the tests rebuild them)."""
    return np.random.default_rng(seed).uniform(0, 255, (2, 96, 96, 3)).astype(np.float32)


def f32(seed, *shape):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def cases():
    """name -> (layer factory, inputs (one array or a list), call kwargs)."""
    img = f32(1, 2, 4, 6, 3)
    seq = f32(2, 2, 9, 3)
    yield "leaky_relu", L.LeakyReLU, f32(3, 2, 5), {}
    yield "leaky_relu_slope", lambda: L.LeakyReLU(negative_slope=0.1), f32(3, 2, 5), {}
    yield "prelu_shared", lambda: L.PReLU(shared_axes=[1, 2]), img, {}
    yield "prelu", L.PReLU, f32(4, 3, 4), {}
    yield "elu", lambda: L.ELU(alpha=0.7), f32(5, 2, 6), {}
    yield "rescaling_uint8", lambda: L.Rescaling(1 / 255.0, offset=-0.5), \
        np.random.default_rng(6).integers(0, 256, (2, 3, 3, 3)).astype(np.uint8), {}
    yield "rescaling_channels", lambda: L.Rescaling([1.0, 2.0, 3.0], offset=[0.0, 1.0, -1.0]), img, {}
    yield "normalization_given", lambda: L.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 9.0, 0.0]), img, {}
    yield "normalization_invert", lambda: L.Normalization(mean=2.0, variance=4.0, invert=True), f32(7, 3, 4), {}
    yield "resizing_up", lambda: L.Resizing(7, 9), img, {}
    yield "resizing_down", lambda: L.Resizing(3, 4), f32(8, 2, 7, 9, 2), {}
    yield "resizing_nearest", lambda: L.Resizing(5, 13, interpolation="nearest"), img, {}
    yield "resizing_crop", lambda: L.Resizing(4, 4, crop_to_aspect_ratio=True), f32(9, 1, 6, 9, 2), {}
    yield "zero_padding1d", lambda: L.ZeroPadding1D((1, 2)), seq, {}
    yield "cropping1d", lambda: L.Cropping1D((1, 3)), seq, {}
    yield "cropping2d", lambda: L.Cropping2D(((1, 0), (2, 1))), img, {}
    yield "upsampling1d", lambda: L.UpSampling1D(3), seq, {}
    yield "global_max_pooling1d", L.GlobalMaxPooling1D, seq, {}
    yield "global_max_pooling2d_keepdims", lambda: L.GlobalMaxPooling2D(keepdims=True), img, {}
    yield "global_average_pooling1d", L.GlobalAveragePooling1D, seq, {}
    yield "max_pooling1d_same", lambda: L.MaxPooling1D(3, strides=2, padding="same"), seq, {}
    yield "average_pooling1d", lambda: L.AveragePooling1D(2), seq, {}
    yield "conv1d_same_stride", lambda: L.Conv1D(4, 3, strides=2, padding="same", activation="relu"), seq, {}
    yield "conv1d_causal_dilated", lambda: L.Conv1D(2, 3, padding="causal", dilation_rate=2), seq, {}
    yield "conv1d_groups", lambda: L.Conv1D(4, 2, groups=2), f32(10, 2, 6, 4), {}
    yield "conv1d_transpose_same", lambda: L.Conv1DTranspose(3, 3, strides=2, padding="same"), seq, {}
    yield "conv1d_transpose_valid", lambda: L.Conv1DTranspose(2, 4, strides=3), seq, {}
    yield "conv1d_transpose_output_padding", lambda: L.Conv1DTranspose(2, 3, strides=2, output_padding=1), seq, {}
    yield "separable_conv1d", lambda: L.SeparableConv1D(5, 3, depth_multiplier=2, padding="same"), seq, {}
    yield "time_distributed_dense", lambda: L.TimeDistributed(L.Dense(3)), f32(11, 2, 4, 5), {}
    yield "time_distributed_conv", lambda: L.TimeDistributed(L.Conv2D(2, 2)), f32(12, 2, 3, 4, 4, 2), {}
    yield "bidirectional_lstm_concat", lambda: L.Bidirectional(L.LSTM(3, return_sequences=True)), f32(13, 2, 5, 4), {}
    yield "bidirectional_gru_sum", lambda: L.Bidirectional(L.GRU(3), merge_mode="sum"), f32(14, 2, 5, 4), {}
    yield "einsum_dense", lambda: L.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c"), f32(15, 3, 5), {}
    yield "einsum_dense_3d", lambda: L.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de"), \
        f32(16, 2, 4, 5), {}
    vol = f32(21, 2, 3, 4, 5, 2)
    yield "identity", L.Identity, seq, {}
    yield "permute", lambda: L.Permute((2, 1)), seq, {}
    yield "repeat_vector", lambda: L.RepeatVector(3), f32(22, 2, 5), {}
    yield "unit_normalization", lambda: L.UnitNormalization(axis=[1, 2]), img, {}
    yield "group_normalization", lambda: L.GroupNormalization(groups=3), f32(23, 2, 4, 5, 6), {}
    yield "rms_normalization", L.RMSNormalization, seq, {}
    yield "center_crop", lambda: L.CenterCrop(3, 4), f32(24, 2, 6, 7, 2), {}
    yield "center_crop_resize", lambda: L.CenterCrop(5, 5), img, {}
    yield "global_average_pooling3d", L.GlobalAveragePooling3D, vol, {}
    yield "global_max_pooling3d_keepdims", lambda: L.GlobalMaxPooling3D(keepdims=True), vol, {}
    yield "zero_padding3d", lambda: L.ZeroPadding3D(((1, 0), (0, 2), (1, 1))), vol, {}
    yield "cropping3d", lambda: L.Cropping3D(((1, 0), (1, 1), (0, 2))), vol, {}
    yield "upsampling3d", lambda: L.UpSampling3D((2, 1, 3)), vol, {}
    yield "depthwise_conv1d", lambda: L.DepthwiseConv1D(3, depth_multiplier=2, padding="same"), seq, {}
    yield "dot_vectors", lambda: L.Dot(axes=1), [[f32(25, 3, 4), f32(26, 3, 4)]], {}
    yield "dot_sequences_normalize", lambda: L.Dot(axes=(2, 2), normalize=True), [[f32(27, 2, 3, 4),
                                                                                    f32(28, 2, 5, 4)]], {}
    yield "simple_rnn", lambda: L.SimpleRNN(4, return_sequences=True), f32(29, 2, 5, 3), {}
    q, v = f32(17, 2, 4, 5), f32(18, 2, 6, 5)
    mask = np.random.default_rng(19).random((2, 4, 6)) > 0.3
    mask[..., 0] = True
    yield "mha_self", lambda: L.MultiHeadAttention(num_heads=2, key_dim=3), [q], {"value": q}
    yield "mha_cross_mask", lambda: L.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=4, output_shape=7), \
        [q], {"value": v, "attention_mask": mask, "return_attention_scores": True}
    yield "mha_causal_scores", lambda: L.MultiHeadAttention(num_heads=2, key_dim=4, use_bias=False), [q], \
        {"value": q, "use_causal_mask": True, "return_attention_scores": True}
    vmask = np.array([[True] * 6, [True, True, True, False, False, False]])
    qmask = np.array([[True, True, False, True], [True] * 4])
    yield "attention_dot", lambda: L.Attention(), [[q, v]], {}
    yield "attention_scale_masks", lambda: L.Attention(use_scale=True), [[q, v, f32(20, 2, 6, 5)]], \
        {"mask": [qmask, vmask]}
    yield "attention_concat_causal", lambda: L.Attention(score_mode="concat", use_scale=True), [[q, q]], \
        {"use_causal_mask": True, "return_attention_scores": True}
    yield "additive_attention", L.AdditiveAttention, [[q, v]], {"mask": [qmask, vmask]}


def run_layers(out_dir):
    arrays, meta = {}, {}
    for idx, (name, make, x, kwargs) in enumerate(cases()):
        keras.utils.clear_session()
        layer = make()
        args = x if isinstance(x, list) else [x]
        y = layer(*args, **kwargs)  # builds
        weights = seeded_weights([(tuple(w.shape), w.path) for w in layer.weights], seed=idx + 1)
        layer.set_weights(weights)
        y = layer(*args, **kwargs)
        ys = list(y) if isinstance(y, (list, tuple)) else [y]
        flat_in = args[0] if isinstance(args[0], list) else args
        for i, a in enumerate(flat_in):
            arrays[f"{name}/x{i}"] = np.asarray(a)
        for k, v in kwargs.items():
            if isinstance(v, np.ndarray):
                arrays[f"{name}/kw_{k}"] = v
            elif isinstance(v, list):
                for i, a in enumerate(v):
                    arrays[f"{name}/kw_{k}{i}"] = np.asarray(a)
        for i, w in enumerate(weights):
            arrays[f"{name}/w{i}"] = w
        for i, o in enumerate(ys):
            arrays[f"{name}/y{i}"] = np.asarray(o)
        meta[name] = {"weights": [w.path for w in layer.weights], "outputs": len(ys),
                      "kwargs": {k: v for k, v in kwargs.items() if not isinstance(v, (np.ndarray, list))},
                      "count_params": int(layer.count_params())}
    # Normalization.adapt on an array and on batches
    data = f32(30, 20, 4) * 3 + 1
    for name, make, adapt_data in [("normalization_adapt", lambda: L.Normalization(), data),
                                   ("normalization_adapt_none", lambda: L.Normalization(axis=None), data),
                                   ("normalization_adapt_axis", lambda: L.Normalization(axis=(1, 2)),
                                    f32(31, 10, 3, 2) * 2 - 1)]:
        layer = make()
        layer.adapt(adapt_data)
        x = adapt_data[:3]
        arrays[f"{name}/data"] = adapt_data
        arrays[f"{name}/x0"] = x
        arrays[f"{name}/y0"] = np.asarray(layer(x))
        for i, w in enumerate(layer.get_weights()):
            arrays[f"{name}/w{i}"] = np.asarray(w)
        meta[name] = {"weights": [w.path for w in layer.weights], "outputs": 1}
    np.savez_compressed(os.path.join(out_dir, "layers.npz"), **arrays)
    with open(os.path.join(out_dir, "layers.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)


def run_regularizers(out_dir):
    w = f32(40, 5, 3)
    r = keras.regularizers
    c = keras.constraints
    out = {"w": w,
           "l1": np.asarray(r.L1(0.01)(w)), "l2": np.asarray(r.L2(0.02)(w)),
           "l1l2": np.asarray(r.L1L2(l1=0.01, l2=0.03)(w)),
           "max_norm": np.asarray(c.MaxNorm(1.5)(w)), "max_norm_axis1": np.asarray(c.MaxNorm(1.0, axis=1)(w)),
           "non_neg": np.asarray(c.NonNeg()(w)), "unit_norm": np.asarray(c.UnitNorm()(w)),
           "min_max_norm": np.asarray(c.MinMaxNorm(0.5, 1.2, rate=0.7)(w))}
    # three full-batch SGD steps of Dense(3) with an L1L2 kernel penalty and a MaxNorm constraint
    keras.utils.clear_session()
    x, y = f32(41, 8, 5), f32(42, 8, 3)
    model = keras.Sequential([keras.Input((5,)), L.Dense(3, kernel_regularizer=r.L1L2(0.01, 0.05),
                                                         bias_regularizer=r.L2(0.1),
                                                         kernel_constraint=c.MaxNorm(0.9))])
    w0 = seeded_weights([(tuple(v.shape), v.path) for v in model.weights], seed=43)
    model.set_weights(w0)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    hist = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    out.update({"fit_x": x, "fit_y": y, "fit_w0_kernel": w0[0], "fit_w0_bias": w0[1],
                "fit_kernel": np.asarray(model.weights[0]), "fit_bias": np.asarray(model.weights[1]),
                "fit_loss": np.asarray(hist.history["loss"], np.float64)})
    np.savez_compressed(os.path.join(out_dir, "regularizers.npz"), **out)


class MeanSquarePenalty(keras.layers.Layer):
    """The identity, adding rate * mean(x^2) with add_loss (the tests define the same layer)."""

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, x):
        self.add_loss(self.rate * keras.ops.mean(keras.ops.square(x)))
        return x


def run_layer_losses(out_dir):
    r = keras.regularizers
    keras.utils.clear_session()
    x, y = f32(60, 8, 5), f32(61, 8, 3)
    model = keras.Sequential([keras.Input((5,)),
                              L.Dense(4, activation="tanh", kernel_regularizer=r.L2(0.01),
                                      activity_regularizer=r.L2(0.05)),
                              MeanSquarePenalty(0.3), L.ActivityRegularization(l1=0.02),
                              L.Dense(3, bias_regularizer=r.L1(0.1))])
    w0 = seeded_weights([(tuple(v.shape), v.path) for v in model.weights], seed=62)
    model.set_weights(w0)
    model(x[:5], training=False)
    out = {"x": x, "y": y, "losses_after_call": np.asarray([np.asarray(v) for v in model.losses], np.float64)}
    out.update({f"w0_{i}": w for i, w in enumerate(w0)})
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    out["evaluate_before"] = np.float64(model.evaluate(x, y, batch_size=8, verbose=0))
    hist = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    out["fit_loss"] = np.asarray(hist.history["loss"], np.float64)
    out.update({f"fit_w_{i}": np.asarray(w) for i, w in enumerate(model.weights)})
    out["evaluate_after"] = np.float64(model.evaluate(x, y, batch_size=8, verbose=0))
    np.savez_compressed(os.path.join(out_dir, "layer_losses.npz"), **out)


def run_callbacks(out_dir):
    values = [1.0, 0.9, 0.9, 0.95, 0.91, 0.9, 0.89995, 0.7, 0.71, 0.72, 0.73, 0.74, 0.75, 0.76]
    runs = {}
    for name, kwargs in {"default_patience2": {"patience": 2},
                         "factor_cooldown_minlr": {"patience": 1, "factor": 0.5, "cooldown": 2, "min_lr": 0.03},
                         "max_mode_min_delta": {"patience": 1, "mode": "max", "min_delta": 0.05},
                         "rel_min_delta": {"patience": 1, "min_delta": 0.01}}.items():
        keras.utils.clear_session()
        model = keras.Sequential([keras.Input((1,)), L.Dense(1)])
        model.compile(optimizer=keras.optimizers.SGD(0.2), loss="mse")
        cb = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", **kwargs)
        cb.set_model(model)
        cb.on_train_begin()
        lrs = []
        for epoch, v in enumerate(values):
            cb.on_epoch_end(epoch, {"val_loss": v})
            lrs.append(float(np.asarray(model.optimizer.learning_rate)))
        runs[name] = {"kwargs": kwargs, "values": values, "learning_rates": lrs}
    with open(os.path.join(out_dir, "callbacks.json"), "w") as f:
        json.dump(runs, f, indent=1, sort_keys=True)


def describe(model) -> dict:
    layers = [[la.name, type(la).__name__, [list(w.shape) for w in la.weights]] for la in model.layers]
    return {"count_params": int(model.count_params()), "layers": layers,
            "trainable": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
            "weights": [list(w.shape) for w in model.weights]}


def run_applications(out_dir):
    apps = keras.applications
    info, arrays = {}, {}
    for key, make in [("MobileNetV2", lambda: apps.MobileNetV2(weights=None)),
                      ("MobileNetV3Small", lambda: apps.MobileNetV3Small(weights=None)),
                      ("MobileNetV3Large", lambda: apps.MobileNetV3Large(weights=None)),
                      ("MobileNetV3Small_minimalistic_headless", lambda: apps.MobileNetV3Small(
                          weights=None, minimalistic=True, include_top=False, pooling="avg"))]:
        keras.utils.clear_session()
        info[key] = describe(make())
    small = [("mobilenet_v2_035_96", lambda: apps.MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None)),
             ("mobilenet_v3_small_075_96", lambda: apps.MobileNetV3Small(input_shape=(96, 96, 3), alpha=0.75,
                                                                         weights=None))]
    for seed, (key, make) in enumerate(small, 50):
        keras.utils.clear_session()
        model = make()
        model.set_weights(seeded_weights([(tuple(w.shape), w.path) for w in model.weights], seed=seed))
        x = app_input(seed)
        arrays[f"{key}/y"] = np.asarray(model(x, training=False))
        info[key] = describe(model) | {"seed": seed}
    with open(os.path.join(out_dir, "applications.json"), "w") as f:
        json.dump(info, f, indent=0, sort_keys=True)
    np.savez_compressed(os.path.join(out_dir, "applications.npz"), **arrays)


PARTS = {"layers": run_layers, "regularizers": run_regularizers, "layer_losses": run_layer_losses,
         "callbacks": run_callbacks, "applications": run_applications}


def main(out_dir, parts=None):
    os.makedirs(out_dir, exist_ok=True)
    if parts:  # only these files: the rest keep the provenance they have, which must be this one
        with open(os.path.join(out_dir, "PROVENANCE.md")) as f:
            provenance = f.read()
        for want in (f"Keras {keras.__version__} ", f"jax {jax.__version__},", f"numpy {np.__version__},"):
            if want not in provenance:
                sys.exit(f"PROVENANCE.md names other versions than this venv's ({want.strip(' ,')}): "
                         "write every part instead")
        for name in parts:
            PARTS[name](out_dir)
        print("wrote", parts)
        return
    names = sorted(n for n in dir(keras.layers) if not n.startswith("_"))
    with open(os.path.join(out_dir, "layer_names.txt"), "w") as f:
        f.write(f"# dir(keras.layers) of Keras {keras.__version__} (public names), made by "
                "scripts/make_keras3_expectations.py\n")
        f.write("\n".join(names) + "\n")
    for run in PARTS.values():
        run(out_dir)
    with open(os.path.join(out_dir, "PROVENANCE.md"), "w") as f:
        f.write(f"# Provenance of tests/data/keras3\n\nPROVENANCE: every file here was written by "
                f"scripts/make_keras3_expectations.py running Keras {keras.__version__} on the JAX backend "
                f"(jax {jax.__version__}, numpy {np.__version__}, CPU), from seeded inputs and weights; no Keras "
                "code or weights are copied. The tests in tests/keras/ read these files and never import Keras.\n")
    print("wrote", sorted(os.listdir(out_dir)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/keras3", sys.argv[2:])
