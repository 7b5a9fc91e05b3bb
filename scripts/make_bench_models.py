"""Writes the models bench/bench_runtime.py times besides the corpus, made by TensorFlow's own converter
(too big to keep in the repository): MobileNetV2 1.0 at 224x224 in float32 and in full int8 (int8
input and output, calibrated on 20 seeded random images), and MobileNetV3Small 1.0 at 224x224 in
float32 and int8, the models users bring; with tf2onnx (PyPI) in the same venv, the float32 ones also
as .onnx (tf2onnx's converter reading the .tflite, opset 13: the same graph and weights), which
bench/bench_wasm.py gives onnxruntime-web. Weights are Keras's seeded random initialisation: speed
does not depend on them. Needs TensorFlow, which is not a tensorlite dependency:

    python3 -m venv tfenv && tfenv/bin/pip install tensorflow-cpu
    tfenv/bin/python scripts/make_bench_models.py OUT_DIR
    python3 bench/bench_runtime.py --extra OUT_DIR

Made with TensorFlow 2.21."""
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402


def convert(model, int8: bool) -> bytes:
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if int8:
        rng = np.random.default_rng(0)

        def samples():
            for _ in range(20):
                yield [rng.uniform(-1, 1, (1, 224, 224, 3)).astype(np.float32)]
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = samples
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()


def main(out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    tf.random.set_seed(0)
    apps = tf.keras.applications
    for name, make in (("mobilenet_v2_224", apps.MobileNetV2), ("mobilenet_v3_small_224", apps.MobileNetV3Small)):
        model = make(input_shape=(224, 224, 3), weights=None)   # an explicit shape: else V3's is [None, None]
        for mode in ("float32", "int8"):
            data = convert(model, mode == "int8")
            path = os.path.join(out_dir, f"{name}_{mode}.tflite")
            with open(path, "wb") as f:
                f.write(data)
            print(f"{path}: {len(data):,} bytes")
            if mode == "float32":
                export_onnx(path)


def export_onnx(tflite_path: str) -> None:
    """The .tflite as .onnx beside it, when tf2onnx is installed (1.17.0 was used)."""
    try:
        import tf2onnx
    except ImportError:
        print(f"{tflite_path}: no .onnx (pip install tf2onnx for bench/bench_wasm.py's onnxruntime-web)")
        return
    out = tflite_path[:-len(".tflite")] + ".onnx"
    tf2onnx.convert.from_tflite(tflite_path, opset=13, output_path=out)
    print(f"{out}: {os.path.getsize(out):,} bytes")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: make_bench_models.py OUT_DIR")
    main(sys.argv[1])
