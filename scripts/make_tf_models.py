"""Writes tests/data/tf_converted/: small models made by TensorFlow's own converter, the files users
bring to tensorlite's C runtime (tests/runtime_c/test_tf_converted.py runs each against LiteRT).
Needs TensorFlow, which is not a tensorlite dependency: run it with a separate venv's Python,

    python3 -m venv tfenv && tfenv/bin/pip install tensorflow-cpu
    tfenv/bin/python scripts/make_tf_models.py tests/data/tf_converted

Weights are random (seeded): the tests compare runtimes, not accuracy. Made with TensorFlow 2.21."""
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402

L = tf.keras.layers


def write(out_dir, name, converter, mode="float"):
    if mode == "float16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    elif mode == "dynamic":   # dynamic-range: int8 weights, float activations (hybrid kernels)
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    data = converter.convert()
    with open(os.path.join(out_dir, f"{name}_{mode}.tflite"), "wb") as f:
        f.write(data)
    print(f"{name}_{mode}.tflite: {len(data):,} bytes")


def keras(model):
    return tf.lite.TFLiteConverter.from_keras_model(model)


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    tf.random.set_seed(0)
    np.random.seed(0)
    mnv2 = tf.keras.applications.MobileNetV2(alpha=0.35, input_shape=(96, 96, 3), weights=None, classes=10)
    write(out_dir, "mobilenet_v2_035_96", keras(mnv2), "float16")
    write(out_dir, "mobilenet_v2_035_96", keras(mnv2), "dynamic")
    mnv3 = tf.keras.applications.MobileNetV3Small(alpha=0.75, input_shape=(96, 96, 3), weights=None, classes=10,
                                                  include_preprocessing=False)
    write(out_dir, "mobilenet_v3_small_96", keras(mnv3), "dynamic")
    ds_cnn = tf.keras.Sequential([
        L.Input((49, 10, 1)), L.Conv2D(64, (10, 4), strides=(2, 2), padding="same"), L.BatchNormalization(),
        L.ReLU(), L.DepthwiseConv2D(3, padding="same"), L.BatchNormalization(), L.ReLU(), L.Conv2D(64, 1),
        L.BatchNormalization(), L.ReLU(), L.GlobalAveragePooling2D(), L.Dense(12), L.Softmax()])
    write(out_dir, "ds_cnn", keras(ds_cnn))
    write(out_dir, "ds_cnn", keras(ds_cnn), "dynamic")
    mlp = tf.keras.Sequential([L.Input((20,)), L.Dense(64, activation="relu"), L.Dense(32, activation="tanh"),
                               L.Dense(5)])
    write(out_dir, "mlp", keras(mlp), "dynamic")
    lstm = tf.keras.Sequential([L.Input((8, 6), batch_size=1), L.LSTM(16), L.Dense(4)])
    write(out_dir, "lstm", keras(lstm))
    write(out_dir, "lstm", keras(lstm), "dynamic")
    write(out_dir, "gru", keras(tf.keras.Sequential([L.Input((5, 3), batch_size=1), L.GRU(8)])))
    flat = tf.keras.Sequential([L.Input((6, 6, 2)), L.Conv2D(4, 3), L.Flatten(), L.Dense(3)])
    write(out_dir, "flatten", keras(flat))

    @tf.function(input_signature=[tf.TensorSpec([4], tf.float32), tf.TensorSpec([], tf.int32)])
    def loop(x, n):
        i, acc = tf.constant(0), tf.zeros_like(x)
        while i < n:
            acc = acc * 0.5 + tf.gather(x, i % 4) + x
            i += 1
        return acc
    write(out_dir, "while_loop", tf.lite.TFLiteConverter.from_concrete_functions([loop.get_concrete_function()]))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/tf_converted")
