"""Writes tests/data/sparse/: models with sparse constant weights (TFLite's SparsityParameters: CSR
dimensions with uint8/uint16/int32 index vectors, block maps) made by TensorFlow's converter from pruned Keras
models with tf.lite.Optimize.EXPERIMENTAL_SPARSITY, and goldens from TensorFlow's own TFLite interpreter with
its reference kernels (OpResolverType.BUILTIN_REF) on seeded inputs. tests/runtime_c/test_sparse.py runs them.
Needs TensorFlow (not a tensorlite dependency):

    tfenv/bin/python scripts/make_sparse_models.py tests/data/sparse

Made with TensorFlow 2.21. Weights are random and pruned by a seeded mask, elementwise or in whole 1x4 / 4x1
blocks; the converter keeps a block map (4x1) only for the float model with 4x1 blocks, which FULLY_CONNECTED
then reads without a DENSIFY, and stores the others as CSR behind DENSIFY."""
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402

L = tf.keras.layers


def prune(model, rng, keep=0.2, block=(1, 1)):
    """Zeroes all but `keep` of every kernel, in blocks of `block` over its last two axes."""
    for layer in model.layers:
        weights = layer.get_weights()
        if not weights or weights[0].ndim < 2:
            continue
        w = weights[0]
        rows, cols = w.shape[-2] // block[0], w.shape[-1] // block[1]
        mask = rng.random(w.shape[:-2] + (rows, cols)) < keep
        mask = np.repeat(np.repeat(mask, block[0], axis=-2), block[1], axis=-1)
        layer.set_weights([(w * mask).astype(np.float32)] + [b + 0.05 for b in weights[1:]])
    return model


def mlp(rng, block=(1, 1)):
    inp = tf.keras.Input((48,))
    x = L.Dense(64, activation="relu")(inp)
    return prune(tf.keras.Model(inp, L.Dense(12)(x)), rng, block=block)


def cnn(rng):
    inp = tf.keras.Input((12, 12, 8))
    x = L.Conv2D(16, 3, activation="relu")(inp)
    x = L.Flatten()(x)
    return prune(tf.keras.Model(inp, L.Dense(10)(x)), rng)


def convert(model, mode, rng):
    c = tf.lite.TFLiteConverter.from_keras_model(model)
    c.optimizations = [tf.lite.Optimize.EXPERIMENTAL_SPARSITY]
    if mode in ("int8", "dynamic"):
        c.optimizations.append(tf.lite.Optimize.DEFAULT)
    if mode == "int8":
        shape = (1,) + tuple(model.input_shape[1:])
        c.representative_dataset = lambda: ([rng.standard_normal(shape).astype(np.float32)] for _ in range(20))
        c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        c.inference_input_type = c.inference_output_type = tf.int8
    return c.convert()


def golden(data, rng):
    it = tf.lite.Interpreter(model_content=data,
                             experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    feeds = {}
    for d in it.get_input_details():
        if d["dtype"] == np.float32:
            x = rng.standard_normal(d["shape"]).astype(np.float32)
        else:
            info = np.iinfo(d["dtype"])
            x = rng.integers(info.min, info.max, d["shape"], endpoint=True).astype(d["dtype"])
        it.set_tensor(d["index"], x)
        feeds[f"input_{len(feeds)}"] = x
    it.invoke()
    outs = {f"output_{k}": it.get_tensor(d["index"]) for k, d in enumerate(it.get_output_details())}
    return {**feeds, **outs}


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    tf.random.set_seed(0)
    rng = np.random.default_rng(0)
    models = {"mlp": mlp(rng), "mlp_block4x1": mlp(rng, block=(4, 1)), "mlp_block1x4": mlp(rng, block=(1, 4)),
              "cnn": cnn(rng)}
    for name, model in models.items():
        for mode in ("float", "int8", "dynamic"):
            data = convert(model, mode, rng)
            path = os.path.join(out_dir, f"{name}_{mode}")
            with open(path + ".tflite", "wb") as f:
                f.write(data)
            np.savez(path + ".npz", **golden(data, rng))
            print(f"{name}_{mode}.tflite: {len(data):,} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/sparse")
