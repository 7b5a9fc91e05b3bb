"""The Cortex-M4 firmware's DSP-extension int8 kernels (runtimes/c/ports/cortex-m/dsp: SMLAD convolution and
fully connected, SMLABB/SMLATT depthwise), chosen in prepare when the firmware targets a core with the extension
(the port's default -mcpu=cortex-m4; `make DSP=0` builds without them). The firmware reports how many nodes run
a DSP kernel and the SysTick ticks of its first invoke; QEMU's -icount shift=0 makes one instruction one
nanosecond of its clock, and SysTick counts the 25 MHz core clock, so instructions = ticks * 40 (checked on a
loop of known length when this was written).

- One model holding 15 int8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED nodes side by side (odd channel
  counts, 1x1 to 5x5 windows, strides, dilations, SAME and VALID, batches, depthwise multipliers 1, 2, 4 and 8,
  per-tensor and per-channel fully connected weights, a weight zero point, fused activations): the firmware's
  outputs equal the host's reference kernels bit for bit, and the DSP kernels take every node they support.
- Corpus models on the DSP firmware and the DSP=0 firmware: both equal the host runtime, the DSP one reports its
  nodes, and person_detect and micro_speech execute fewer instructions with it (the counts are printed)."""
import subprocess

import numpy as np
import pytest
from tensorlite.converter.model import Model, Operator, Quantization, Signature, Subgraph, Tensor
from tensorlite.converter.writer import write
from tensorlite.runtime import Interpreter, OpResolverType
from tensorlite.tools import mcu

from tests.conftest import skip_or_fail
from tests.paths import CORPUS

TICK_INSTRUCTIONS = 40   # 1 ns per instruction (-icount shift=0) at SysTick's 25 MHz core clock


@pytest.fixture(scope="module", autouse=True)
def _toolchain():
    missing = mcu.missing_tools()
    if missing:
        skip_or_fail(f"{', '.join(missing)} not found: bash bootstrap.sh installs gcc-arm-none-eabi, "
                     "libnewlib-arm-none-eabi and qemu-system-arm")


def _firmware(model: bytes, input_bytes: bytes, work, dsp: int):
    from tensorlite.tools.codegen_cmd import generate
    gen = work / "gen"
    if not gen.exists():
        (work / "model.tflite").write_bytes(model)
        (work / "input.bin").write_bytes(input_bytes)
        generate(str(work / "model.tflite"), str(gen), input_path=str(work / "input.bin"))
    build = work / f"fw-dsp{dsp}"
    with mcu._port_lock():   # the runtime's objects are shared by every firmware build
        r = subprocess.run(["make", "-s", "-C", mcu.PORT, f"GEN={gen}", f"BUILD={build}", f"DSP={dsp}"],
                           capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, f"firmware build failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return build / "firmware.elf"


def _run(elf):
    """The firmware's report (ports/cortex-m/main.c) under QEMU with instruction counting."""
    r = subprocess.run(["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none",
                        "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-kernel", str(elf)],
                       capture_output=True, text=True, timeout=900)
    lines = [line.strip() for line in r.stderr.splitlines()]
    assert r.returncode == 0 and "done" in lines, r.stdout + r.stderr
    info, outputs = {}, []
    for line in lines:
        head = line.split()
        if head and head[0] in ("dsp", "ticks", "arena") and not outputs:
            info[head[0]] = int(head[1])
        elif head and head[0] == "output":
            outputs.append(bytearray())
        elif line == "done":
            break
        elif outputs:
            outputs[-1].extend(bytes.fromhex(line))
    info["instructions"] = info["ticks"] * TICK_INSTRUCTIONS
    return info, [bytes(o) for o in outputs]


def _host(model: bytes, xs, reference: bool):
    it = Interpreter(model_content=model,
                     experimental_op_resolver_type=OpResolverType.BUILTIN_REF if reference else OpResolverType.AUTO)
    it.allocate_tensors()
    for d, x in zip(it.get_input_details(), xs):
        it.set_tensor(d["index"], x)
    it.invoke()
    return [it.get_tensor(d["index"]).tobytes() for d in it.get_output_details()]


def _q(scale, zero, axis=0):
    return Quantization(np.asarray(scale, np.float32).ravel(), np.asarray(zero, np.int64).ravel(), axis)


CONVS = [  # batch, h, w, in_c, out_c, k, stride, padding (0 SAME, 1 VALID), dilation
    (1, 6, 6, 4, 6, 3, 1, 0, 1), (2, 5, 7, 3, 5, 3, 2, 0, 1), (1, 7, 5, 17, 3, 1, 1, 1, 1),
    (1, 8, 8, 8, 9, 5, 1, 0, 2), (1, 9, 9, 2, 1, 3, 2, 1, 1)]
DEPTHWISE = [  # batch, h, w, in_c, multiplier, k, stride, padding, dilation
    (1, 7, 7, 8, 1, 3, 1, 0, 1), (2, 6, 5, 19, 1, 3, 2, 0, 1), (1, 9, 9, 1, 8, 5, 2, 0, 1),
    (1, 6, 6, 2, 4, 3, 1, 1, 2), (1, 5, 5, 3, 2, 3, 1, 0, 1)]
FULLY = [  # batch, depth, units, per-channel weights, weight zero point
    (1, 16, 10, True, 0), (3, 37, 7, True, 0), (1, 5, 1, False, 0), (2, 64, 33, False, 3), (1, 250, 4, False, 0)]
DSP_NODES = len(CONVS) + sum(1 for g in DEPTHWISE if g[4] == 1 or g[4] % 4 == 0) + len(FULLY)


def _out_size(n, k, stride, padding, dilation):
    eff = (k - 1) * dilation + 1
    return -(-n // stride) if padding == 0 else (n - eff) // stride + 1


def _sweep_model(seed=0):
    rng = np.random.default_rng(seed)
    sg = Subgraph("sweep")
    ins, outs = {}, {}

    def tensor(name, shape, scale, zero, dtype="int8"):
        return sg.add_tensor(Tensor(name, dtype, shape, quantization=_q(scale, zero)))

    def weights(name, shape, axis, count, zero=0):
        scales = rng.uniform(0.002, 0.02, count)
        data = rng.integers(-127, 128, shape).astype(np.int8)
        q = _q(scales, np.full(count, zero), axis)
        return sg.add_tensor(Tensor(name, "int8", shape, data, quantization=q)), scales

    def bias(name, count, scales, in_scale):
        return sg.add_tensor(Tensor(name, "int32", (count,), rng.integers(-3000, 3000, count).astype(np.int32),
                                    quantization=_q(in_scale * scales, np.zeros(count))))

    for i, (b, h, w, c, oc, k, s, pad, dil) in enumerate(CONVS):
        x = tensor(f"conv{i}_x", (b, h, w, c), 0.05, rng.integers(-20, 20))
        f, scales = weights(f"conv{i}_f", (oc, k, k, c), 0, oc)
        y = tensor(f"conv{i}_y", (b, _out_size(h, k, s, pad, dil), _out_size(w, k, s, pad, dil), oc), 0.1 * k,
                   rng.integers(-10, 10))
        sg.operators.append(Operator("CONV_2D", [x, f, bias(f"conv{i}_b", oc, scales, 0.05)], [y], dict(
            padding=pad, stride_w=s, stride_h=s, dilation_w_factor=dil, dilation_h_factor=dil,
            fused_activation_function=i % 2)))
        ins[f"conv{i}_x"], outs[f"conv{i}_y"] = x, y
    for i, (b, h, w, c, m, k, s, pad, dil) in enumerate(DEPTHWISE):
        oc = c * m
        x = tensor(f"dw{i}_x", (b, h, w, c), 0.05, rng.integers(-20, 20))
        f, scales = weights(f"dw{i}_f", (1, k, k, oc), 3, oc)
        y = tensor(f"dw{i}_y", (b, _out_size(h, k, s, pad, dil), _out_size(w, k, s, pad, dil), oc), 0.05 * k,
                   rng.integers(-10, 10))
        sg.operators.append(Operator("DEPTHWISE_CONV_2D", [x, f, bias(f"dw{i}_b", oc, scales, 0.05)], [y], dict(
            padding=pad, stride_w=s, stride_h=s, dilation_w_factor=dil, dilation_h_factor=dil, depth_multiplier=m,
            fused_activation_function=3 if i % 2 else 0)))
        ins[f"dw{i}_x"], outs[f"dw{i}_y"] = x, y
    for i, (b, depth, units, per_channel, wzp) in enumerate(FULLY):
        x = tensor(f"fc{i}_x", (b, depth), 0.05, rng.integers(-20, 20))
        f, scales = weights(f"fc{i}_f", (units, depth), 0, units if per_channel else 1, wzp)
        scales = scales if per_channel else np.full(units, scales[0])
        y = tensor(f"fc{i}_y", (b, units), 0.02 * np.sqrt(depth), rng.integers(-10, 10))
        sg.operators.append(Operator("FULLY_CONNECTED", [x, f, bias(f"fc{i}_b", units, scales, 0.05)], [y],
                                     dict(fused_activation_function=i % 2)))
        ins[f"fc{i}_x"], outs[f"fc{i}_y"] = x, y
    sg.inputs, sg.outputs = list(ins.values()), list(outs.values())
    model = write(Model([sg], [Signature("serving_default", ins, outs)]))
    xs = [rng.integers(-128, 128, sg.tensors[t].shape).astype(np.int8) for t in sg.inputs]
    return model, xs


def test_dsp_kernels_equal_the_reference_on_a_sweep(tmp_path):
    model, xs = _sweep_model()
    want = _host(model, xs, reference=True)
    info, got = _run(_firmware(model, b"".join(x.tobytes() for x in xs), tmp_path, dsp=1))
    assert info["dsp"] == DSP_NODES
    assert len(got) == len(want)
    for k, (g, w) in enumerate(zip(got, want)):
        np.testing.assert_array_equal(np.frombuffer(g, np.int8), np.frombuffer(w, np.int8), err_msg=f"output {k}")


@pytest.mark.parametrize("name,dsp_nodes,faster", [
    ("person_detect", 28, True), ("micro_speech_quantized", 2, True), ("keyword_scrambled_8bit", 5, False),
    ("hello_world_int8", 3, False), ("mnist_lstm_int8", 1, False)])
def test_corpus_model_with_and_without_dsp(name, dsp_nodes, faster, tmp_path):
    model = (CORPUS / f"{name}.tflite").read_bytes()
    rng = np.random.default_rng(0)
    it = Interpreter(model_content=model)
    it.allocate_tensors()
    xs = [rng.integers(np.iinfo(d["dtype"]).min, np.iinfo(d["dtype"]).max, d["shape"], endpoint=True).astype(d["dtype"])
          for d in it.get_input_details()]
    want = _host(model, xs, reference=False)
    assert want == _host(model, xs, reference=True)
    runs = {dsp: _run(_firmware(model, b"".join(x.tobytes() for x in xs), tmp_path, dsp)) for dsp in (1, 0)}
    for dsp, (_, got) in runs.items():
        assert got == want, f"DSP={dsp}"
    assert runs[1][0]["dsp"] == dsp_nodes and runs[0][0]["dsp"] == 0
    with_dsp, without = runs[1][0]["instructions"], runs[0][0]["instructions"]
    print(f"{name}: {with_dsp:,} instructions with the DSP kernels, {without:,} without ({without / with_dsp:.2f}x); "
          f"arena {runs[1][0]['arena']:,} vs {runs[0][0]['arena']:,} bytes")
    if faster:
        assert with_dsp < 0.75 * without
    else:
        assert with_dsp <= without * 1.01
