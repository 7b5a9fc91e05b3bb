"""Quantizer benchmark, side by side with TensorFlow's converter in one run:

1. the main job's digits CNN (trained here, 12 epochs): accuracy on the 360 held-out digits and file size
   for float32, float16, dynamic range, full int8 (calibrated on 100 training images) and quantization-aware
   int8 (2 epochs of fine-tuning), all run by LiteRT's reference kernels; TensorFlow's converter gets the
   same weights in the same Keras architecture and the same calibration images;
2. MobileNetV2 1.0/224 (3.5 M weights): the time to make the int8 model from scratch, each in a fresh
   process: tensorlite from the ONNX model of bench_convert.py, TensorFlow from Keras's MobileNetV2, both
   calibrated on the same number of random images.

TensorFlow is a bench-only anchor: give its interpreter with --tf-python (a venv with
`pip install tensorflow-cpu`); without it only tensorlite's columns are measured.

    python3 bench/bench_quantize.py [--tf-python /path/to/venv/bin/python] [--calibration-images 10] [--epochs 12]
                                   [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap

import numpy as np

TF_DIGITS = textwrap.dedent("""
    import json, os, sys
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import numpy as np
    import tensorflow as tf
    folder = sys.argv[1]
    saved = np.load(os.path.join(folder, "weights.npz"))
    cal = np.load(os.path.join(folder, "calibration.npy"))
    L = tf.keras.layers
    model = tf.keras.Sequential([L.Input((8, 8, 1)), L.Conv2D(16, 3, padding="same", use_bias=False),
                                 L.BatchNormalization(momentum=0.9), L.ReLU(), L.MaxPooling2D(2),
                                 L.Conv2D(32, 3, padding="same", use_bias=False), L.BatchNormalization(momentum=0.9),
                                 L.ReLU(), L.MaxPooling2D(2), L.Flatten(), L.Dense(10), L.Softmax()])
    with_weights = [layer for layer in model.layers if layer.weights]
    for k, layer in enumerate(with_weights):
        layer.set_weights([saved[f"{k}_{j}"] for j in range(len(layer.weights))])
    def convert(mode):
        c = tf.lite.TFLiteConverter.from_keras_model(model)
        if mode != "float32":
            c.optimizations = [tf.lite.Optimize.DEFAULT]
        if mode == "float16":
            c.target_spec.supported_types = [tf.float16]
        if mode == "int8":
            c.representative_dataset = lambda: ([x[None]] for x in cal)
            c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            c.inference_input_type = tf.int8
            c.inference_output_type = tf.int8
        return c.convert()
    for mode in ("float32", "float16", "dynamic", "int8"):
        open(os.path.join(folder, f"tf_{mode}.tflite"), "wb").write(convert(mode))
    print(json.dumps({"tensorflow": tf.__version__}))
""")

OURS_MOBILENET = textwrap.dedent("""
    import json, sys, time
    import numpy as np
    t0 = time.perf_counter()
    from tensorlite.converter import Converter
    from tensorlite.converter.writer import write
    from tensorlite.quantize import from_arrays, quantize
    model = Converter.from_onnx(sys.argv[1]).convert_model()
    t1 = time.perf_counter()
    images = np.random.default_rng(0).uniform(-1, 1, (int(sys.argv[2]), 1, 3, 224, 224)).astype(np.float32)
    result = quantize(model, "int8", from_arrays([images], model.subgraphs[0]))
    data = write(result.model)
    t2 = time.perf_counter()
    print(json.dumps({"convert s": t1 - t0, "quantize s": t2 - t1, "total s": t2 - t0, "bytes": len(data),
                      "float operators": len(result.float_ops)}))
""")

TF_MOBILENET = textwrap.dedent("""
    import json, os, sys, time
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    import numpy as np
    t0 = time.perf_counter()
    import tensorflow as tf
    model = tf.keras.applications.MobileNetV2(weights=None, input_shape=(224, 224, 3))
    images = np.random.default_rng(0).uniform(-1, 1, (int(sys.argv[2]), 1, 224, 224, 3)).astype(np.float32)
    c = tf.lite.TFLiteConverter.from_keras_model(model)
    c.optimizations = [tf.lite.Optimize.DEFAULT]
    c.representative_dataset = lambda: ([x] for x in images)
    t1 = time.perf_counter()
    data = c.convert()
    t2 = time.perf_counter()
    print(json.dumps({"quantize s": t2 - t1, "total s": t2 - t0, "bytes": len(data)}))
""")


def _accuracy(data: bytes, x: np.ndarray, y: np.ndarray) -> float:
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    it = Interpreter(model_content=data, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    inp, out = it.get_input_details()[0], it.get_output_details()[0]
    hits = 0
    for image, label in zip(x, y):
        feed = image[None]
        if inp["dtype"] == np.int8:
            scale, zero = inp["quantization"]
            feed = np.clip(np.round(feed / scale) + zero, -128, 127).astype(np.int8)
        it.set_tensor(inp["index"], feed)
        it.invoke()
        hits += int(it.get_tensor(out["index"]).argmax() == label)
    return 100.0 * hits / len(y)


def digits(tf_python: str | None, folder: str, epochs: int) -> dict:
    from tensorlite.tools import pipeline

    import tensorlite as tl

    (x_train, y_train), (x_test, y_test) = pipeline.digits_arrays()
    model, _ = pipeline.train_digits_cnn(x_train, y_train, epochs)
    cal = x_train[:100]
    files = {}
    for mode in ("float32", "float16", "dynamic", "int8"):
        c = tl.lite.Converter.from_keras_model(model)
        if mode != "float32":
            c.optimizations = [tl.lite.Optimize.DEFAULT]
        if mode == "float16":
            c.target_spec.supported_types = [tl.float16]
        if mode == "int8":
            c.representative_dataset = lambda: ([x[None]] for x in cal)
            c.target_spec.supported_ops = [tl.lite.OpsSet.TFLITE_BUILTINS_INT8]
            c.inference_input_type = c.inference_output_type = tl.int8
        files[f"tensorlite {mode}"] = c.convert()
    qat = tl.quantize.quantize_model(model)
    qat.compile(optimizer=tl.keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    qat.fit(pipeline.train_dataset(x_train, y_train), epochs=2, verbose=0)
    c = tl.lite.Converter.from_keras_model(qat)
    c.optimizations = [tl.lite.Optimize.DEFAULT]
    c.inference_input_type = c.inference_output_type = tl.int8
    files["tensorlite QAT int8"] = c.convert()
    info = {}
    if tf_python:
        layers = [layer for layer in model.layers if layer.weights]
        np.savez(os.path.join(folder, "weights.npz"),
                 **{f"{k}_{j}": w.numpy() for k, layer in enumerate(layers) for j, w in enumerate(layer.weights)})
        np.save(os.path.join(folder, "calibration.npy"), cal)
        done = subprocess.run([tf_python, "-c", TF_DIGITS, folder], capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"bench_quantize: TensorFlow failed:\n{done.stderr[-3000:]}")
        info = json.loads(done.stdout.strip().splitlines()[-1])
        for mode in ("float32", "float16", "dynamic", "int8"):
            with open(os.path.join(folder, f"tf_{mode}.tflite"), "rb") as f:
                files[f"TensorFlow {info['tensorflow']} {mode}"] = f.read()
    rows = {name: {"test accuracy %": _accuracy(data, x_test, y_test), "bytes": len(data)}
            for name, data in files.items()}
    base = rows["tensorlite float32"]
    for row in rows.values():
        row["size / tensorlite float32"] = row["bytes"] / base["bytes"]
    return rows


def mobilenet(tf_python: str | None, folder: str, images: int) -> dict:
    from bench.bench_convert import mobilenet_v2_onnx
    path = os.path.join(folder, "mobilenet_v2.onnx")
    mobilenet_v2_onnx(path)
    runs = {"tensorlite (ONNX MobileNetV2)": [sys.executable, "-c", OURS_MOBILENET, path, str(images)]}
    if tf_python:
        runs["TensorFlow (Keras MobileNetV2)"] = [tf_python, "-c", TF_MOBILENET, path, str(images)]
    out = {}
    for name, cmd in runs.items():
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
        if done.returncode:
            raise SystemExit(f"bench_quantize: {name} failed:\n{done.stderr[-3000:]}")
        out[name] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tf-python", help="python of a venv with tensorflow-cpu (the anchor)")
    p.add_argument("--calibration-images", type=int, default=10, help="MobileNetV2 calibration images (default 10)")
    p.add_argument("--epochs", type=int, default=12, help="digits CNN training epochs (default 12, the main job's)")
    p.add_argument("--json", help="also write the results as JSON")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_quantize_") as folder:
        result = {"digits": digits(args.tf_python, folder, args.epochs),
                  "mobilenet_v2": mobilenet(args.tf_python, folder, args.calibration_images),
                  "calibration_images": args.calibration_images}
    print("| digits CNN | test accuracy % | bytes | size / tensorlite float32 |\n| --- | ---: | ---: | ---: |")
    for name, row in result["digits"].items():
        print(f"| {name} | {row['test accuracy %']:.2f} | {row['bytes']:,} | {row['size / tensorlite float32']:.2f} |")
    print(f"\n| MobileNetV2 int8 ({args.calibration_images} calibration images) | quantize s | total s | bytes |")
    print("| --- | ---: | ---: | ---: |")
    for name, row in result["mobilenet_v2"].items():
        print(f"| {name} | {row['quantize s']:.2f} | {row['total s']:.2f} | {row['bytes']:,} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == "__main__":
    if __package__ in (None, ""):
        sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.exit(main())
