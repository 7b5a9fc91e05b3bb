"""The OpenCL GPU delegate (runtimes/gpu) on PoCL, the CPU OpenCL driver bootstrap.sh installs: every op it takes
matches the C runtime on the CPU (float32 storage: rtol 1e-4, with an absolute floor of 1e-4 of the output's
magnitude for sums that cancel; half storage: 1e-2 of the output's magnitude, see the README), corpus and
TensorFlow-made float models and MobileNet-class networks run through it, graphs with CPU-only ops in the middle
are split into partitions with the right boundary tensors, quantized nodes stay on the CPU, a missing OpenCL
library or device is a clear error naming the Debian package (or a CPU run when fallback is asked for), and
oclgrind finds no out-of-bounds access or data race in the kernels of a network using each of them.

Kernels compile once per process (the delegate's program cache), so the tests share two delegates."""
import glob
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from tensorlite.converter.model import Operator, Tensor
from tensorlite.runtime import Interpreter, load_delegate

from tests.conftest import skip_or_fail
from tests.litert import run
from tests.paths import CORPUS, REPO, TF_CONVERTED
from tests.runtime_c.test_optimized_kernels import _conv, _mobilenet_v3_like, _Net, _one_op

POCL = {"platform": "Portable"}
NO_POCL = "PoCL (Debian's pocl-opencl-icd, with ocl-icd-opencl-dev) is not installed: run bash bootstrap.sh"


def _delegate(precision):
    try:
        return load_delegate("gpu", {**POCL, "precision": precision})
    except ValueError as e:
        skip_or_fail(f"{NO_POCL} ({e})")


@pytest.fixture(scope="module")
def gpu():
    return _delegate("fp32")


@pytest.fixture(scope="module")
def gpu16():
    return _delegate("fp16")


def _feeds(it, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-1, 1, d["shape"]).astype(d["dtype"]) if d["dtype"] == np.float32
            else np.zeros(d["shape"], d["dtype"]) for d in it.get_input_details()]


def _compare(data, delegate, feeds=None, on_gpu=None, rel=1e-4):
    """Runs `data` on the CPU and through `delegate`; returns the delegate's report. on_gpu: how many nodes must
    run on the GPU (None: all of them)."""
    cpu = Interpreter(model_content=data)
    cpu.allocate_tensors()
    feeds = feeds if feeds is not None else _feeds(cpu)
    it = Interpreter(model_content=data, experimental_delegates=[delegate])
    it.allocate_tensors()
    report = it.get_delegate_report()
    taken = sum(r["delegate"] == "gpu" for r in report)
    assert taken == (len(report) if on_gpu is None else on_gpu), report
    want, got = run(cpu, feeds), run(it, feeds)
    for g, w in zip(got, want):
        scale = float(np.max(np.abs(w))) if w.size else 1.0
        np.testing.assert_allclose(g, w, rtol=rel, atol=rel * max(scale, 1e-6))
    return report


# ---- one op at a time ------------------------------------------------------------------------------------------

F = "float32"


def _pool(opcode, shape, k, stride, padding, act):
    n, h, w, c = shape
    oh, ow = ((-(-h // stride), -(-w // stride)) if padding == 0 else ((h - k) // stride + 1, (w - k) // stride + 1))
    return _one_op(opcode, [(F, shape, None)], (F, (n, oh, ow, c), None),
                   dict(padding=padding, stride_w=stride, stride_h=stride, filter_width=k, filter_height=k,
                        fused_activation_function=act))


def _fc(batch, depth, units, bias, act, keep):
    rng = np.random.default_rng(units)
    consts = [(1, rng.normal(0, 1, (units, depth)).astype(np.float32), None)]
    if bias:
        consts.append((2, rng.normal(0, 1, units).astype(np.float32), None))
    return _one_op("FULLY_CONNECTED", [(F, (batch, 2, depth) if keep else (batch, depth), None)],
                   (F, (batch, 2, units) if keep else (batch, units), None),
                   dict(fused_activation_function=act, keep_num_dims=keep), consts=consts)


def _binary(opcode, a, b, b_const, act=0):
    rng = np.random.default_rng(len(a) + len(b))
    out = np.broadcast_shapes(a, b)
    options = {} if opcode == "PRELU" else {"fused_activation_function": act}
    if b_const:
        return _one_op(opcode, [(F, a, None)], (F, out, None), options,
                       consts=[(1, rng.normal(0, 1, b).astype(np.float32), None)])
    return _one_op(opcode, [(F, a, None), (F, b, None)], (F, out, None), options)


def _concat(shapes, axis, act):
    out = list(shapes[0])
    out[axis] = sum(s[axis] for s in shapes)
    return _one_op("CONCATENATION", [(F, s, None) for s in shapes], (F, tuple(out), None),
                   dict(axis=axis, fused_activation_function=act))


def _pad(opcode, shape, pads, value=None):
    out = tuple(d + a + b for d, (a, b) in zip(shape, pads))
    consts = [(1, np.asarray(pads, np.int32), None)]
    if value is not None:
        consts.append((2, np.asarray([value], np.float32), None))
    return _one_op(opcode, [(F, shape, None)], (F, out, None), consts=consts)


def _resize(opcode, shape, size, align, half):
    n, _, _, c = shape
    return _one_op(opcode, [(F, shape, None)], (F, (n, *size, c), None),
                   dict(align_corners=align, half_pixel_centers=half), consts=[(1, np.asarray(size, np.int32), None)])


def _mean(shape, axes, keep):
    red = [a % len(shape) for a in axes]
    out = tuple(1 if i in red else d for i, d in enumerate(shape) if keep or i not in red)
    return _one_op("MEAN", [(F, shape, None)], (F, out, None), {"keep_dims": keep},
                   consts=[(1, np.asarray(axes, np.int32), None)])


OPS = {
    **{f"conv_{kind}_{k}x{k}_s{s}_{'same' if p == 0 else 'valid'}_d{d}": (kind, k, s, p, d)
       for kind in ("CONV_2D", "DEPTHWISE_CONV_2D") for k in (1, 3, 5) for s in (1, 2) for p in (0, 1) for d in (1, 2)
       if not (p == 1 and (k - 1) * d + 1 > 6)},
    "max_pool_same_relu": lambda: _pool("MAX_POOL_2D", (2, 7, 6, 5), 3, 2, 0, 1),
    "max_pool_valid": lambda: _pool("MAX_POOL_2D", (1, 8, 8, 3), 2, 2, 1, 0),
    "avg_pool_same": lambda: _pool("AVERAGE_POOL_2D", (1, 7, 7, 9), 3, 1, 0, 0),
    "avg_pool_valid_relu6": lambda: _pool("AVERAGE_POOL_2D", (2, 6, 5, 4), 2, 1, 1, 3),
    "fc_bias_relu": lambda: _fc(3, 20, 7, True, 1, False),
    "fc_no_bias": lambda: _fc(1, 33, 17, False, 0, False),
    "fc_keep_num_dims": lambda: _fc(2, 10, 5, True, 0, True),
    "add_same": lambda: _binary("ADD", (2, 3, 4, 5), (2, 3, 4, 5), False, 3),
    "add_row": lambda: _binary("ADD", (1, 4, 4, 6), (6,), True),
    "sub_channel_block": lambda: _binary("SUB", (1, 1, 1, 6), (1, 4, 4, 6), False, 1),
    "mul_scalar": lambda: _binary("MUL", (2, 5, 3), (), True),
    "mul_middle": lambda: _binary("MUL", (2, 1, 5), (1, 3, 1), False),
    "prelu_channels": lambda: _binary("PRELU", (1, 4, 4, 6), (1, 1, 6), True),
    **{f"unary_{op.lower()}": (lambda op=op: _one_op(op, [(F, (2, 5, 7), None)], (F, (2, 5, 7), None)))
       for op in ("RELU", "RELU6", "RELU_N1_TO_1", "LOGISTIC", "TANH", "HARD_SWISH")},
    "softmax": lambda: _one_op("SOFTMAX", [(F, (3, 10), None)], (F, (3, 10), None), {"beta": 1.0}),
    "softmax_beta_4d": lambda: _one_op("SOFTMAX", [(F, (1, 2, 3, 17), None)], (F, (1, 2, 3, 17), None),
                                       {"beta": 0.5}),
    "concat_channels": lambda: _concat([(1, 4, 4, 3), (1, 4, 4, 5)], 3, 0),
    "concat_rows_relu": lambda: _concat([(2, 3, 4), (2, 1, 4), (2, 2, 4)], 1, 1),
    "reshape": lambda: _one_op("RESHAPE", [(F, (2, 3, 4), None)], (F, (6, 4), None), {"new_shape": [6, 4]},
                               consts=[(1, np.asarray([6, 4], np.int32), None)]),
    "squeeze": lambda: _one_op("SQUEEZE", [(F, (1, 5, 1, 3), None)], (F, (5, 3), None), {"squeeze_dims": [0, 2]}),
    "pad": lambda: _pad("PAD", (1, 3, 4, 2), [[0, 0], [1, 2], [2, 0], [0, 1]]),
    "padv2": lambda: _pad("PADV2", (2, 3, 3), [[0, 1], [1, 1], [0, 2]], -1.5),
    "mean_spatial_keep": lambda: _mean((2, 5, 4, 6), [1, 2], True),
    "mean_last": lambda: _mean((3, 4, 7), [-1], False),
    **{f"resize_{'bilinear' if op == 'RESIZE_BILINEAR' else 'nearest'}_{tag}": (
        lambda op=op, size=size, align=align, half=half: _resize(op, (1, 5, 4, 3), size, align, half))
       for op in ("RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR")
       for tag, size, align, half in (("up", (9, 7), False, False), ("align", (9, 7), True, False),
                                      ("half_pixel", (10, 8), False, True), ("down", (3, 2), False, True))},
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_op_on_gpu_matches_cpu(name, gpu):
    spec = OPS[name]
    if isinstance(spec, tuple):
        kind, k, s, p, d = spec
        data = _conv(kind, 2, 6, 7, 8 if kind == "CONV_2D" else 6, 8 if k != 1 else 5, k, s, p, d, 3 if k == 3 else 0,
                     seed=k + s)
    else:
        data = spec()
    _compare(data, gpu)


def test_mean_over_separate_axes_stays_on_cpu(gpu):
    report = _compare(_mean((2, 3, 4, 5), [0, 2], True), gpu, on_gpu=0)
    assert report[0]["reason"] == "reduced axes are not adjacent"


# ---- networks ------------------------------------------------------------------------------------------------------

def _golden_feeds(path):
    golden = path.with_name(path.stem + ".golden.npz")
    if not golden.exists():
        return None
    g = np.load(golden)
    return [g[k] for k in sorted((k for k in g.files if k.startswith("in_0_")), key=lambda k: int(k[5:]))]


FLOAT_MODELS = sorted(p for p in [*CORPUS.glob("*float*.tflite"), *TF_CONVERTED.glob("*float*.tflite")])


@pytest.mark.parametrize("path", FLOAT_MODELS, ids=lambda p: p.stem)
def test_float_model_matches_cpu(path, gpu):
    """The corpus's and TensorFlow's float models (MobileNetV2 0.35 96 with float16 weights among them): whatever
    the delegate takes matches the CPU; the report gives every other node a reason."""
    cpu = Interpreter(str(path))
    cpu.allocate_tensors()
    it = Interpreter(str(path), experimental_delegates=[gpu])
    it.allocate_tensors()
    report = it.get_delegate_report()
    assert all(r["reason"] for r in report)
    report = _compare(path.read_bytes(), gpu, _golden_feeds(path), on_gpu=sum(r["delegate"] == "gpu" for r in report))
    if path.stem.startswith("mobilenet"):
        assert sum(r["delegate"] == "gpu" for r in report) == sum(r["op_name"] != "DEQUANTIZE" for r in report)


def test_mobilenet_v3_like_network_on_gpu(gpu):
    report = _compare(_mobilenet_v3_like("float32"), gpu)
    assert {r["partition"] for r in report} == {0}


def test_half_storage_tolerance(gpu16):
    """fp16 storage: every tensor is rounded to half (11-bit significand) between kernels; outputs stay within
    1e-2 of their magnitude (the documented tolerance) on the MobileNet-class networks."""
    assert not gpu16.device_has_fp16          # PoCL has no cl_khr_fp16: vload_half/vstore_half carry it
    _compare(_mobilenet_v3_like("float32"), gpu16, rel=1e-2)
    path = TF_CONVERTED / "mobilenet_v2_035_96_float16.tflite"
    _compare(path.read_bytes(), gpu16, on_gpu=65, rel=1e-2)


def test_quantized_nodes_stay_on_cpu(gpu):
    report = _compare(_mobilenet_v3_like("int8"), gpu, on_gpu=0)
    assert {r["reason"] for r in report} == {"quantized tensors stay on the CPU (the GPU delegate runs float32)"}


# ---- partitions ----------------------------------------------------------------------------------------------------

def _split_network():
    """conv -> ABS (no GPU kernel) -> ADD(conv output, ABS output) -> conv -> SQUARED_DIFFERENCE (none) -> softmax:
    the first conv's output crosses the CPU node to the second partition."""
    net = _Net("float32", 3)
    x = net.tensor((1, 8, 8, 4))
    a = net.conv(x, 8, k=3, act=0)
    b = net.op("ABS", [a], net.shape(a))
    c = net.op("ADD", [a, b], net.shape(a), fused_activation_function=0)
    d = net.conv(c, 6, k=1)
    e = net.op("SQUARED_DIFFERENCE", [d, net.const(0.25)], net.shape(d))
    r = net.op("RESHAPE", [e], (1, 384), new_shape=[1, 384])
    return net, net.write(x, net.op("SOFTMAX", [r], (1, 384), beta=1.0)), (a, b, c, d, e)


def test_unsupported_ops_split_the_graph(gpu):
    """Partitions and their boundaries: the first takes the model input and gives the conv output, which ABS
    (CPU) and the next partition's ADD both read; the second gives the 1x1 conv's output to SQUARED_DIFFERENCE;
    the third takes that and gives the model's output."""
    net, data, (a, b, c, d, e) = _split_network()
    report = _compare(data, gpu, on_gpu=5)
    assert [r["partition"] for r in report] == [0, -1, 1, 1, -1, 2, 2]
    assert [r["reason"] for r in report if r["delegate"] is None] == ["no GPU kernel for ABS",
                                                                      "no GPU kernel for SQUARED_DIFFERENCE"]
    it = Interpreter(model_content=data, experimental_delegates=[gpu])
    it.allocate_tensors()
    x, y = it.get_input_details()[0]["index"], it.get_output_details()[0]["index"]
    assert it.get_delegate_partitions() == [
        {"index": 0, "nodes": [0], "inputs": [x], "outputs": [a]},
        {"index": 1, "nodes": [2, 3], "inputs": [a, b], "outputs": [d]},
        {"index": 2, "nodes": [5, 6], "inputs": [e], "outputs": [y]}]


# ---- missing OpenCL ------------------------------------------------------------------------------------------------

def test_missing_library_names_the_package():
    with pytest.raises(ValueError, match="ocl-icd-libopencl1.*pocl-opencl-icd"):
        load_delegate("gpu", {"library": "/nonexistent/libOpenCL.so.1"})


def test_missing_device_names_the_package(gpu):
    with pytest.raises(ValueError, match="no device on a platform named like NoSuchPlatform.*pocl-opencl-icd"):
        load_delegate("gpu", {"platform": "NoSuchPlatform"})


def test_no_driver_names_the_package(tmp_path, gpu):
    """An ICD loader that finds no driver (an empty vendors directory): no platform, with the package to install."""
    script = "import tensorlite as tl\ntry:\n    tl.lite.load_delegate('gpu')\nexcept ValueError as e:\n    print(e)\n"
    env = {**os.environ, "OCL_ICD_VENDORS": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert "OpenCL found no platform" in out.stdout and "pocl-opencl-icd" in out.stdout, out


def test_fallback_runs_on_cpu():
    with pytest.warns(RuntimeWarning, match="running on the CPU"):
        d = load_delegate("gpu", {"library": "/nonexistent/libOpenCL.so.1", "fallback": "cpu"})
    assert not d.available and "ocl-icd-libopencl1" in d.error
    data = _mobilenet_v3_like("float32")
    report = _compare(data, d, on_gpu=0, rel=0)
    assert report[0]["reason"].startswith("GPU delegate unavailable: cannot load the OpenCL library")


def test_bad_arguments():
    with pytest.raises(ValueError, match="precision"):
        load_delegate("gpu", {"precision": "int4"})
    with pytest.raises(ValueError, match="unknown options"):
        load_delegate("gpu", {"colour": "blue"})
    with pytest.raises(ValueError, match="built-in delegate 'gpu'"):
        load_delegate("libedgetpu.so.1")
    with pytest.raises(ValueError, match="experimental_delegates"):
        Interpreter(model_content=_mobilenet_v3_like("float32"), experimental_delegates=["gpu"])


def test_tl_lite_names(gpu):
    import tensorlite as tl
    assert tl.lite.load_delegate is load_delegate and tl.lite.experimental.load_delegate is load_delegate
    assert "Portable Computing Language" in gpu.device


def test_embedded_kernels_are_current():
    sys.path.insert(0, str(REPO / "runtimes" / "gpu"))
    try:
        import embed_cl
    finally:
        sys.path.pop(0)
    assert (REPO / "runtimes" / "gpu" / "cl_source.c").read_text() == embed_cl.render(), \
        "kernels.cl changed: run python3 runtimes/gpu/embed_cl.py"


# ---- oclgrind --------------------------------------------------------------------------------------------------

def _oclgrind_runtime():
    found = glob.glob("/usr/lib/oclgrind/liboclgrind-rt.so") + glob.glob("/usr/lib/*/oclgrind/liboclgrind-rt.so")
    if not found:
        skip_or_fail("oclgrind (Debian's oclgrind) is not installed: run bash bootstrap.sh")
    return found[0]


def _every_kernel_network():
    """Small shapes, every kernel of kernels.cl at least once: 3x3 (4-channel), generic and 1x1 convolutions,
    depthwise, pools, broadcast ADD/MUL/PRELU, activations, PAD, RESIZE, CONCATENATION, MEAN, FC, SOFTMAX."""
    net = _Net("float32", 5)
    x = net.tensor((1, 6, 6, 3))
    t = net.op("PAD", [x, net.sg.add_tensor(Tensor("p", "int32", (4, 2),
                                                       np.asarray([[0, 0], [1, 1], [1, 1], [0, 0]], np.int32)))],
               (1, 8, 8, 3))
    t = net.conv(t, 8, k=3, stride=2, act=3)
    u = net.op("HARD_SWISH", [net.conv(t, 0, k=3, depthwise=True)], (1, 4, 4, 8))
    v = net.op("LOGISTIC", [net.conv(t, 5, k=5)], (1, 4, 4, 5))
    w = net.op("MAX_POOL_2D", [net.conv(u, 3)], (1, 2, 2, 3), padding=0, stride_w=2, stride_h=2, filter_width=2,
               filter_height=2, fused_activation_function=0)
    w = net.op("RESIZE_BILINEAR", [w, net.sg.add_tensor(Tensor("s", "int32", (2,), np.asarray([4, 4], np.int32)))],
               (1, 4, 4, 3), align_corners=False, half_pixel_centers=True)
    c = net.op("CONCATENATION", [v, w], (1, 4, 4, 8), axis=3, fused_activation_function=0)
    c = net.op("MUL", [net.op("ADD", [c, u], (1, 4, 4, 8), fused_activation_function=1), net.const(0.5)],
               (1, 4, 4, 8), fused_activation_function=0)
    alpha = net.sg.add_tensor(Tensor("alpha", "float32", (8,), np.linspace(0.1, 0.8, 8).astype(np.float32)))
    c = net.op("PRELU", [net.op("TANH", [c], (1, 4, 4, 8)), alpha], (1, 4, 4, 8))
    c = net.op("AVERAGE_POOL_2D", [c], (1, 4, 4, 8), padding=0, stride_w=1, stride_h=1, filter_width=3,
               filter_height=3, fused_activation_function=0)
    m = net.op("MEAN", [c, net.sg.add_tensor(Tensor("ax", "int32", (2,), np.asarray([1, 2], np.int32)))],
               (1, 8), keep_dims=False)
    wf = net.sg.add_tensor(Tensor("wf", "float32", (4, 8), np.random.default_rng(0).normal(0, 1, (4, 8))
                                  .astype(np.float32)))
    fc = net.tensor((1, 4))
    net.sg.operators.append(Operator("FULLY_CONNECTED", [m, wf, -1], [fc], {"fused_activation_function": 0}))
    return net.write(x, net.op("SOFTMAX", [fc], (1, 4), beta=1.0))


@pytest.mark.parametrize("precision", ["fp32", "fp16"])
def test_oclgrind_finds_no_invalid_access_or_race(precision, tmp_path):
    runtime = _oclgrind_runtime()
    model = tmp_path / "every_kernel.tflite"
    model.write_bytes(_every_kernel_network())
    script = textwrap.dedent(f"""
        import numpy as np, tensorlite as tl
        d = tl.lite.load_delegate("gpu", {{"library": {runtime!r}, "precision": {precision!r}}})
        print("DEVICE", d.device)
        it = tl.lite.Interpreter({str(model)!r}, experimental_delegates=[d])
        it.allocate_tensors()
        print("ON_GPU", sum(r["delegate"] == "gpu" for r in it.get_delegate_report()), len(it.get_delegate_report()))
        x = it.get_input_details()[0]
        it.set_tensor(x["index"], np.random.default_rng(0).uniform(-1, 1, x["shape"]).astype(np.float32))
        it.invoke()
        print("OUT", it.get_tensor(it.get_output_details()[0]["index"]).tolist())
    """)
    # (oclgrind's uninitialized-value plugin is left off: the Debian build aborts on LLVM's freeze instruction)
    env = {**os.environ, "OCLGRIND_DATA_RACES": "1", "OCLGRIND_CHECK_API": "1"}
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "DEVICE Oclgrind" in out.stdout, out.stdout
    on_gpu = [line.split()[1:] for line in out.stdout.splitlines() if line.startswith("ON_GPU")][0]
    assert on_gpu[0] == on_gpu[1], out.stdout
    for bad in ("Invalid read", "Invalid write", "data race", "Uninitialized", "Oclgrind"):
        assert bad not in out.stderr, out.stderr[-3000:]
    cpu = Interpreter(str(model))
    cpu.allocate_tensors()
    x = cpu.get_input_details()[0]
    (want,) = run(cpu, [np.random.default_rng(0).uniform(-1, 1, x["shape"]).astype(np.float32)])
    got = np.asarray(eval([line for line in out.stdout.splitlines() if line.startswith("OUT")][0][4:]))
    np.testing.assert_allclose(got, want[0] if got.ndim == 1 else want, rtol=1e-2 if precision == "fp16" else 1e-4,
                               atol=1e-5)


def test_bench_with_gpu_delegate(capsys, gpu):
    import json

    from tensorlite.tools import cli
    model = TF_CONVERTED / "mobilenet_v2_035_96_float16.tflite"
    assert cli.main(["bench", str(model), "--runs", "2", "--delegate", "gpu", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)["engines"]["tensorlite + GPU delegate"]
    assert r["delegated_nodes"] == "65/130" and r["median_us"] > 0 and r["max_abs_diff_vs_tensorlite"] < 1e-4


def test_sanitized_runtime_with_gpu_delegate(tmp_path, gpu):
    """ASan + UBSan over the delegate interface and the OpenCL delegate (tl_run's gpu option): MobileNetV2 and a
    graph split into three partitions, in float32 and half storage, run clean and print the CPU's outputs' size.
    Leaks inside PoCL's compiler (LLVM) are suppressed; the delegate's and the runtime's are not."""
    from .cbuild import make
    out = make(tmp_path, mode="sanitize", target="tl_run")
    suppressions = tmp_path / "lsan.supp"
    suppressions.write_text("leak:libLLVM\nleak:libpocl\nleak:libOpenCL\nleak:libclang\n")
    split = tmp_path / "split.tflite"
    split.write_bytes(_split_network()[1])
    env = {**os.environ, "LSAN_OPTIONS": f"suppressions={suppressions}:print_suppressions=0"}
    for model, taken in ((TF_CONVERTED / "mobilenet_v2_035_96_float16.tflite", "65 of 130 nodes in 1 partitions"),
                         (split, "5 of 7 nodes in 3 partitions")):
        for option in ("gpu", "gpu=fp16"):
            r = subprocess.run([str(out / "tl_run"), str(model), "8192", "1", option], capture_output=True, text=True,
                               timeout=600, env=env)
            assert r.returncode == 0 and "runtime error" not in r.stderr, (model, option, r.stdout, r.stderr[-3000:])
            assert f"gpu: {taken}" in r.stdout, r.stdout
