"""Writes tests/data/tf_lstm/: fused LSTM models made by TensorFlow's converter from Keras 2 (tf_keras) LSTM
layers, which the converter turns into UNIDIRECTIONAL_SEQUENCE_LSTM (Keras 3 layers become WHILE loops instead);
tests/runtime_c/test_tf_lstm.py runs each against LiteRT. Needs TensorFlow and tf_keras, which are not tensorlite
dependencies: run it with a separate venv's Python,

    python3 -m venv tfenv && tfenv/bin/pip install tensorflow-cpu tf-keras
    tfenv/bin/python scripts/make_tf_lstm_models.py tests/data/tf_lstm

Files, each named for its quantization:
  lstm_dynamic        dynamic-range quantization: int8 weights, float32 activations (the hybrid LSTM)
  lstm_int8           full-integer quantization: LiteRT's 8x8->16 LSTM (int8 activations, int16 cell state)
  bidi_lstm_dynamic   a Keras Bidirectional LSTM, dynamic-range: the converter writes two hybrid
                      UNIDIRECTIONAL_SEQUENCE_LSTMs with REVERSE_V2, not BIDIRECTIONAL_SEQUENCE_LSTM
The layers are wide enough (40 inputs, 48 units) that every weight matrix passes the converter's 1024-element
threshold for dynamic-range quantization. Keras has no CIFG, peephole, projection or layer-norm LSTM layer that
the converter fuses, so those variants are tested on models written with tests/runtime_c/tflite_graph.py.
Weights are random (seeded): the tests compare runtimes, not accuracy. Made with TensorFlow 2.21, tf_keras 2.21."""
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ["TF_USE_LEGACY_KERAS"] = "1"
import tensorflow as tf  # noqa: E402
import tf_keras  # noqa: E402

L = tf_keras.layers


def convert(model, mode):
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if mode == "int8":
        shape = [1, *model.input_shape[1:]]
        rng = np.random.default_rng(1)

        def representative():
            for _ in range(32):
                yield [rng.uniform(-1, 1, shape).astype(np.float32)]
        converter.representative_dataset = representative
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = converter.inference_output_type = tf.int8
    return converter.convert()


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    tf.random.set_seed(0)
    uni = tf_keras.Sequential([L.Input((6, 40), batch_size=1), L.LSTM(48, return_sequences=True), L.Dense(4)])
    bidi = tf_keras.Sequential([L.Input((5, 40), batch_size=1),
                                L.Bidirectional(L.LSTM(48, return_sequences=True)), L.Dense(4)])
    for name, model, mode in (("lstm", uni, "dynamic"), ("lstm", uni, "int8"), ("bidi_lstm", bidi, "dynamic")):
        data = convert(model, mode)
        with open(os.path.join(out_dir, f"{name}_{mode}.tflite"), "wb") as f:
            f.write(data)
        print(f"{name}_{mode}.tflite: {len(data):,} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/tf_lstm")
