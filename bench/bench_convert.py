"""Converter benchmark: tensorlite's converter on a MobileNetV2-size ONNX model against TensorFlow's
TFLiteConverter on Keras's MobileNetV2 (the same architecture and size, 3.5 M weights), each in a
fresh process: wall time (import + load + convert + write), the conversion alone, peak memory
(max RSS), the .tflite size, and the installed size of what each converter needs.

TensorFlow is a bench-only anchor: give its interpreter with --tf-python (a venv with
`pip install tensorflow-cpu`); without it only tensorlite's column is measured.

    python3 bench/bench_convert.py [--tf-python /path/to/venv/bin/python] [--repeats 3] [--json out.json]

The ONNX model is MobileNetV2 1.0 / 224 built with onnx.helper (Conv + BatchNormalization + Clip
as exported from PyTorch, inverted residual blocks, global pool, Gemm) with random weights.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap

import numpy as np

# (expansion t, channels c, repeats n, first stride s): MobileNetV2's inverted residual stages
STAGES = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]


def mobilenet_v2_onnx(path: str, seed: int = 0) -> int:
    """Writes MobileNetV2 (NCHW, 1x3x224x224 -> 1x1000) to `path`; returns its weight count."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(seed)
    nodes, inits, count = [], [], [0]

    def const(name, a):
        a = np.asarray(a, np.float32)
        inits.append(numpy_helper.from_array(a, name))
        count[0] += a.size
        return name

    def conv_bn(x, cin, cout, k, stride, groups, relu6, name):
        w = const(f"{name}.w", rng.normal(0, (2 / (k * k * cin / groups)) ** 0.5, (cout, cin // groups, k, k)))
        nodes.append(helper.make_node("Conv", [x, w], [f"{name}.conv"], kernel_shape=[k, k], strides=[stride] * 2,
                                      pads=[k // 2] * 4, group=groups))
        bn = [const(f"{name}.{p}", v) for p, v in (("gamma", rng.uniform(0.5, 1.5, cout)),
                                                  ("beta", rng.normal(0, 0.1, cout)),
                                                  ("mean", rng.normal(0, 0.1, cout)),
                                                  ("var", rng.uniform(0.5, 1.5, cout)))]
        nodes.append(helper.make_node("BatchNormalization", [f"{name}.conv", *bn], [f"{name}.bn"], epsilon=1e-5))
        if not relu6:
            return f"{name}.bn"
        nodes.append(helper.make_node("Clip", [f"{name}.bn", "zero", "six"], [f"{name}.out"]))
        return f"{name}.out"

    inits += [numpy_helper.from_array(np.float32(0), "zero"), numpy_helper.from_array(np.float32(6), "six")]
    x, cin = conv_bn("input", 3, 32, 3, 2, 1, True, "stem"), 32
    for si, (t, c, n, s) in enumerate(STAGES):
        for i in range(n):
            name, stride, hidden = f"b{si}_{i}", s if i == 0 else 1, cin * t
            h = conv_bn(x, cin, hidden, 1, 1, 1, True, f"{name}.expand") if t != 1 else x
            h = conv_bn(h, hidden, hidden, 3, stride, hidden, True, f"{name}.dw")
            h = conv_bn(h, hidden, c, 1, 1, 1, False, f"{name}.project")
            if stride == 1 and cin == c:
                nodes.append(helper.make_node("Add", [x, h], [f"{name}.res"]))
                h = f"{name}.res"
            x, cin = h, c
    x = conv_bn(x, cin, 1280, 1, 1, 1, True, "head")
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["pool"]))
    nodes.append(helper.make_node("Flatten", ["pool"], ["flat"]))
    w, b = const("fc.w", rng.normal(0, 0.03, (1000, 1280))), const("fc.b", np.zeros(1000))
    nodes.append(helper.make_node("Gemm", ["flat", w, b], ["logits"], transB=1))
    graph = helper.make_graph(nodes, "mobilenet_v2", [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                                                                   [1, 3, 224, 224])],
                              [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 1000])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return count[0] - 2   # the two Clip bounds are not weights


# Each runs in a fresh interpreter and prints one JSON line.
OURS = textwrap.dedent("""
    import json, resource, sys, time
    t0 = time.perf_counter()
    from tensorlite.converter import Converter
    t1 = time.perf_counter()
    data = Converter.from_onnx(sys.argv[1]).convert()
    t2 = time.perf_counter()
    open(sys.argv[2], "wb").write(data)
    print(json.dumps({"import s": t1 - t0, "convert s": t2 - t1, "total s": time.perf_counter() - t0,
                      "peak RSS MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "bytes": len(data)}))
""")
THEIRS = textwrap.dedent("""
    import json, os, resource, sys, time
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    t0 = time.perf_counter()
    import tensorflow as tf
    t1 = time.perf_counter()
    model = tf.keras.applications.MobileNetV2(weights=None, input_shape=(224, 224, 3))
    t2 = time.perf_counter()
    data = tf.lite.TFLiteConverter.from_keras_model(model).convert()
    t3 = time.perf_counter()
    open(sys.argv[2], "wb").write(data)
    print(json.dumps({"import s": t1 - t0, "convert s": t3 - t2, "total s": time.perf_counter() - t0,
                      "peak RSS MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "bytes": len(data),
                      "weights": int(model.count_params())}))
""")

# Installed size of a distribution and everything it requires (no extras), from its RECORD files.
SIZE = textwrap.dedent("""
    import json, re, sys
    from importlib import metadata
    roots, seen, total = sys.argv[1:], set(), 0
    todo = list(roots)
    while todo:
        name = re.split(r"[ ;<>=!~\\[]", todo.pop(), maxsplit=1)[0].lower().replace("_", "-")
        if name in seen:
            continue
        seen.add(name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        for f in dist.files or []:
            try:
                total += f.locate().stat().st_size
            except OSError:
                pass
        todo += [r for r in (dist.requires or []) if "extra ==" not in r]
    print(json.dumps({"MB": total / 1e6, "packages": len(seen)}))
""")


def _run(python: str, code: str, *args: str) -> dict:
    r = subprocess.run([python, "-c", code, *args], capture_output=True, text=True, timeout=1800)
    if r.returncode:
        raise RuntimeError(f"{python} failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def _median(runs: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in runs) if isinstance(runs[0][k], float) else runs[0][k] for k in runs[0]}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--tf-python", help="a Python that has tensorflow(-cpu) installed")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--json")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        onnx_path = os.path.join(work, "mobilenet_v2.onnx")
        weights = mobilenet_v2_onnx(onnx_path)
        ours = _median([_run(sys.executable, OURS, onnx_path, os.path.join(work, "ours.tflite"))
                        for _ in range(args.repeats)])
        ours["weights"] = weights
        ours["installed MB"] = _run(sys.executable, SIZE, "numpy", "flatbuffers", "onnx", "rich", "cffi")["MB"]
        agree = _agreement(onnx_path, os.path.join(work, "ours.tflite"))
        results = {"tensorlite (ONNX MobileNetV2)": ours}
        if args.tf_python:
            theirs = _median([_run(args.tf_python, THEIRS, "", os.path.join(work, "tf.tflite"))
                              for _ in range(args.repeats)])
            theirs["installed MB"] = _run(args.tf_python, SIZE, "tensorflow-cpu")["MB"]
            results["TensorFlow TFLiteConverter (Keras MobileNetV2)"] = theirs
    cols = ["weights", "import s", "convert s", "total s", "peak RSS MB", "bytes", "installed MB"]
    print("| converter | " + " | ".join(cols) + " |")
    print("| --- | " + " | ".join("---:" for _ in cols) + " |")
    for name, r in results.items():
        print(f"| {name} | " + " | ".join(f"{r[c]:,.2f}" if isinstance(r[c], float) else f"{r[c]:,}" for c in cols)
              + " |")
    if len(results) == 2:
        a, b = results.values()
        print(f"\nratios tensorlite / TensorFlow: total time {a['total s'] / b['total s']:.3f}, convert "
              f"{a['convert s'] / b['convert s']:.3f}, peak memory {a['peak RSS MB'] / b['peak RSS MB']:.3f}, "
              f"installed size {a['installed MB'] / b['installed MB']:.3f}")
    if agree is not None:
        print(f"tensorlite's .tflite in LiteRT vs onnxruntime on one random image: max |diff| {agree:.2e}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"results": results, "litert_vs_onnxruntime_max_abs": agree}, f, indent=1)
    return 0


def _agreement(onnx_path: str, tflite_path: str) -> float | None:
    """Max |LiteRT(ours) - onnxruntime| on one random input (None when either is missing)."""
    try:
        import onnxruntime as ort
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        return None
    x = np.random.default_rng(1).normal(size=(1, 3, 224, 224)).astype(np.float32)
    want = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"]).run(None, {"input": x})[0]
    it = Interpreter(model_path=tflite_path)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    return float(np.max(np.abs(it.get_tensor(it.get_output_details()[0]["index"]) - want)))


if __name__ == "__main__":
    sys.exit(main())
