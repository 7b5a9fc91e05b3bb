"""Writes TensorFlow-converted models with a dynamic batch (shape_signature -1) into
tests/data/tf_converted/dynamic_batch/ (apart from the models test_tf_converted.py runs at their own shapes), for
tests/runtime_c/test_resize.py: a full-int8 CNN (int8 input and output, so results compare bit for bit) and a float
function whose shapes are computed at run time (tf.shape feeding tf.fill, tf.tile, tf.broadcast_to and
tf.reshape: TensorFlow's converter writes SHAPE, STRIDED_SLICE, PACK, FILL, TILE, BROADCAST_TO and RESHAPE, which
LiteRT sizes at invoke). Needs TensorFlow, which is not a tensorlite dependency:

    tfenv/bin/python scripts/make_tf_dynamic_batch_models.py tests/data/tf_converted/dynamic_batch

Weights are random (seeded): the tests compare runtimes, not accuracy. Made with TensorFlow 2.21."""
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402

L = tf.keras.layers


def save(out_dir, name, data):
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(data)
    print(f"{name}: {len(data):,} bytes")


def cnn_int8():
    model = tf.keras.Sequential([
        L.Input((12, 12, 3)), L.Conv2D(8, 3, activation="relu"), L.MaxPooling2D(), L.Conv2D(8, 3, strides=2,
                                                                                           padding="same"),
        L.Flatten(), L.Dense(5), L.Softmax()])
    rng = np.random.default_rng(0)

    def calibration():
        for _ in range(16):
            yield [rng.standard_normal((1, 12, 12, 3)).astype(np.float32)]
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = calibration
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return converter.convert()


def runtime_shapes():
    row = tf.constant(np.linspace(-1, 1, 6, dtype=np.float32))
    w = tf.constant(np.random.default_rng(1).standard_normal((6, 4)).astype(np.float32))

    @tf.function(input_signature=[tf.TensorSpec([None, 6], tf.float32)])
    def f(x):
        n = tf.shape(x)[0]
        filled = tf.fill(tf.stack([n, 6]), 0.5)
        tiled = tf.tile(row[None, :], tf.stack([n, 1]))
        broadcast = tf.broadcast_to(row, tf.shape(x))
        h = x * filled + tiled - broadcast * x
        pairs = tf.reshape(h, tf.stack([n, 3, 2]))
        return tf.matmul(tf.reshape(pairs, [n, 6]), w), tf.reduce_sum(pairs, axis=2)
    converter = tf.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()], f)
    return converter.convert()


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    tf.random.set_seed(0)
    np.random.seed(0)
    save(out_dir, "cnn_batch_int8.tflite", cnn_int8())
    save(out_dir, "runtime_shapes_float.tflite", runtime_shapes())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/tf_converted/dynamic_batch")
