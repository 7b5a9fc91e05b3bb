"""The optimized kernel tier against the reference one (runtimes/c/kernels/opt vs kernels/*.c), in every
instruction set this machine runs (portable C, AVX2, AVX-512): every deployable op case of the op table,
every corpus/TF-converted model (TensorFlow's MobileNetV3Small 96 among them), a sweep of convolution
geometries, sweeps of the elementwise ops (byte-to-byte unary tables on every int8 value; ADD/SUB/MUL over
their broadcasts, fused activations and int8/int16 parameter sets; MEAN's axes; float HARD_SWISH) with
channel counts that leave tails, and a MobileNetV3-style network written here in float32 and int8. Integer
outputs must be equal, floats within 1e-5 of the reference's magnitude (the tiers sum in other orders and
may fuse multiply-adds), or bit for bit where the arithmetic is the same (`exact`). On 2 and 3 threads each
tier's outputs are bit-identical to its one-thread outputs (threads split whole output rows, pixels,
channel panels or element ranges, never a sum)."""
import itertools

import numpy as np
import pytest
from tensorlite.converter.model import Model, Operator, Quantization, Signature, Subgraph, Tensor
from tensorlite.converter.writer import write
from tensorlite.runtime import Interpreter, OpResolverType, available_instruction_sets

from tests.converter.test_op_lowering import CASES, c_runtime_gaps, convert, deployable
from tests.litert import run
from tests.paths import CORPUS, TF_CONVERTED

ISAS = available_instruction_sets()


def _feeds(it, seed):
    rng = np.random.default_rng(seed)
    out = []
    for d in it.get_input_details():
        if np.issubdtype(d["dtype"], np.integer):
            info = np.iinfo(d["dtype"])
            out.append(rng.integers(max(info.min, -1000), min(info.max, 1000), d["shape"], endpoint=True)
                       .astype(d["dtype"]))
        else:
            out.append(rng.uniform(-1, 1, d["shape"]).astype(d["dtype"]))
    return out


def _same(data: bytes, feeds=None, seed=0, exact=False):
    """Outputs of the reference kernels and of each instruction set on the same inputs agree (`exact`:
    floats too, bit for bit)."""
    ref_it = Interpreter(model_content=data, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    ref_it.allocate_tensors()
    feeds = feeds if feeds is not None else _feeds(ref_it, seed)
    want = run(ref_it, feeds)
    for isa in ISAS:
        got = run(Interpreter(model_content=data, instruction_set=isa), feeds)
        for threads in (2, 3):
            threaded = run(Interpreter(model_content=data, instruction_set=isa, num_threads=threads), feeds)
            for t, g in zip(threaded, got):
                np.testing.assert_array_equal(t, g, err_msg=f"{isa}, {threads} threads")
        for g, w in zip(got, want):
            if exact:
                np.testing.assert_array_equal(g.view(np.uint8), w.view(np.uint8), err_msg=isa)
            elif w.dtype.kind in "biu":
                np.testing.assert_array_equal(g, w, err_msg=isa)
            else:
                scale = max(1.0, float(np.max(np.abs(w)))) if w.size else 1.0
                np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5 * scale, err_msg=isa)


def test_this_machine_runs_an_optimized_tier():
    assert ISAS[0] == "portable" and len(ISAS) >= 1


@pytest.mark.parametrize("case", [c for c in CASES if deployable(c)], ids=lambda c: c.id)
def test_op_case_in_every_tier(case):
    data = convert(case)
    if c_runtime_gaps(data):        # declared on the op's card and checked by test_op_lowering
        return
    _same(data, [np.asarray(case.inputs[0])])


MODELS = sorted(p for p in [*CORPUS.glob("*.tflite"), *CORPUS.glob("seanet/*.tflite"), *TF_CONVERTED.glob("*.tflite")]
                if p.stem != "person_detect_vela")


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_model_in_every_tier(path):
    golden = path.with_name(path.stem + ".golden.npz")
    feeds = None
    if golden.exists():   # the corpus's own inputs (some inputs are shapes a random draw would break)
        g = np.load(golden)
        feeds = [g[k] for k in sorted((k for k in g.files if k.startswith("in_0_")), key=lambda k: int(k[5:]))]
    _same(path.read_bytes(), feeds, seed=1)


def _q(scale, zero, axis=0):
    return Quantization(np.asarray(scale, np.float32).ravel(), np.asarray(zero, np.int64).ravel(), axis)


def _conv(kind, batch, h, w, c, out_c, k, stride, padding, dilation, act, seed, dtype="float32", mult=1,
          out_scale=None):
    """One CONV_2D or DEPTHWISE_CONV_2D (depth multiplier `mult`), a k x k window or k = (kh, kw); int8: asymmetric
    input and output, per-channel weights, int32 bias, the output's scale `out_scale` (default 0.1 per window
    side: multipliers below one)."""
    rng = np.random.default_rng(seed)
    kh, kw = (k, k) if isinstance(k, int) else k
    sg = Subgraph("m")
    x = sg.add_tensor(Tensor("x", dtype, (batch, h, w, c)))
    if kind == "CONV_2D":
        f = rng.normal(0, 1, (out_c, kh, kw, c))
        opts, axis = {}, 0
    else:
        out_c = c * mult
        f = rng.normal(0, 1, (1, kh, kw, out_c))
        opts, axis = {"depth_multiplier": mult}, 3
    if dtype == "float32":
        fi = sg.add_tensor(Tensor("f", "float32", f.shape, f.astype(np.float32)))
        bi = sg.add_tensor(Tensor("b", "float32", (out_c,), rng.normal(0, 1, out_c).astype(np.float32)))
    else:
        scales = rng.uniform(0.002, 0.02, out_c)
        sg.tensors[x].quantization = _q(0.05, rng.integers(-20, 20))
        fi = sg.add_tensor(Tensor("f", "int8", f.shape, rng.integers(-127, 128, f.shape).astype(np.int8),
                                  quantization=_q(scales, np.zeros(out_c), axis)))
        bi = sg.add_tensor(Tensor("b", "int32", (out_c,), rng.integers(-3000, 3000, out_c).astype(np.int32),
                                  quantization=_q(0.05 * scales, np.zeros(out_c))))
    if padding == 0:
        oh, ow = -(-h // stride), -(-w // stride)
    else:
        oh, ow = (h - (kh - 1) * dilation - 1) // stride + 1, (w - (kw - 1) * dilation - 1) // stride + 1
    y = sg.add_tensor(Tensor("y", dtype, (batch, oh, ow, out_c)))
    if dtype == "int8":
        sg.tensors[y].quantization = _q(out_scale or 0.1 * max(kh, kw), rng.integers(-10, 10))
    sg.operators.append(Operator(kind, [x, fi, bi], [y], dict(padding=padding, stride_w=stride, stride_h=stride,
                                                               dilation_w_factor=dilation, dilation_h_factor=dilation,
                                                               fused_activation_function=act, **opts)))
    sg.inputs, sg.outputs = [x], [y]
    return write(Model([sg], [Signature("s", {"x": x}, {"y": y})]))


GEOMETRIES = [(kind, *g) for kind in ("CONV_2D", "DEPTHWISE_CONV_2D") for g in itertools.product(
    [(1, 9, 7, 3), (2, 6, 6, 17), (1, 5, 11, 33)],   # batch, h, w, channels (tails of 16- and 8-wide blocks)
    [1, 3, 5],                                        # kernel size
    [1, 2],                                           # stride
    [0, 1],                                           # SAME, VALID
    [1, 2])                                           # dilation
    if g[3] == 0 or min(g[0][1:3]) >= (g[1] - 1) * g[4] + 1]   # VALID windows fit the input


@pytest.mark.parametrize("dtype", ["float32", "int8"])
@pytest.mark.parametrize("kind,shape,k,stride,padding,dilation", GEOMETRIES,
                         ids=lambda v: str(v) if not isinstance(v, tuple) else "x".join(map(str, v)))
def test_convolution_geometry_in_every_tier(kind, shape, k, stride, padding, dilation, dtype):
    batch, h, w, c = shape
    _same(_conv(kind, batch, h, w, c, 19, k, stride, padding, dilation, act=3, seed=k + stride, dtype=dtype), seed=2)


# int8 CONV_2D with at most 8 output channels runs as a GEMM over groups of 4, 8 or 16 neighbouring pixels
# (opt/conv_2d_s8_narrow.c) where the output width is a multiple of 4: id_model's first layers, windows
# over every border, strides, dilations, oblong windows, batch > 1, and widths no group divides (the plain path).
NARROW = [((1, 10, 16, 1), 3, 1, 0, 1), ((2, 9, 33, 2), 3, 2, 0, 1), ((1, 8, 24, 3), (3, 5), 1, 1, 1),
          ((1, 12, 17, 5), 3, 2, 0, 1), ((2, 7, 32, 4), 5, 2, 0, 1), ((1, 9, 20, 2), 3, 1, 0, 2),
          ((1, 9, 20, 3), 3, 1, 1, 2), ((1, 6, 48, 2), (1, 3), 1, 0, 1), ((1, 5, 40, 6), (5, 1), 1, 0, 1)]


@pytest.mark.parametrize("out_c", [1, 2, 3, 4, 8])
@pytest.mark.parametrize("shape,k,stride,padding,dilation", NARROW,
                         ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v))
def test_conv_few_output_channels_in_every_tier(shape, k, stride, padding, dilation, out_c):
    batch, h, w, c = shape
    _same(_conv("CONV_2D", batch, h, w, c, out_c, k, stride, padding, dilation, act=out_c % 2, seed=out_c + h,
                dtype="int8", out_scale=0.5), seed=3)


@pytest.mark.parametrize("mult", [2, 3, 8])
@pytest.mark.parametrize("shape,k,stride,padding,dilation", [
    ((1, 12, 32, 1), 3, 2, 0, 1), ((2, 9, 16, 1), 3, 1, 1, 1), ((1, 10, 20, 1), 5, 1, 0, 1),
    ((1, 9, 20, 1), 3, 1, 0, 2), ((1, 8, 16, 1), (3, 5), 1, 0, 1)],
    ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v))
def test_depthwise_one_channel_few_outputs_in_every_tier(shape, k, stride, padding, dilation, mult):
    """DEPTHWISE_CONV_2D over one input channel with multiplier <= 8 (person_detect's first layer) runs as the
    few-channel CONV_2D (opt/conv_2d_s8_narrow.c, filter [1, kh, kw, m]) where its pixel groups divide the width."""
    batch, h, w, c = shape
    _same(_conv("DEPTHWISE_CONV_2D", batch, h, w, c, None, k, stride, padding, dilation, act=1, seed=h + mult,
                dtype="int8", mult=mult, out_scale=0.5), seed=4)


@pytest.mark.parametrize("shape,stride,padding", [
    ((1, 12, 13, 32), 1, 0), ((2, 9, 10, 19), 1, 1), ((1, 14, 15, 48), 2, 0), ((1, 11, 17, 16), 2, 1),
    ((1, 3, 3, 16), 1, 1), ((1, 7, 4, 24), 1, 0)],
    ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v))
def test_depthwise_3x3_float_equals_the_reference_bit_for_bit(shape, stride, padding):
    """The 3x3 micro-kernels' interior path (taps in registers, four outputs sharing input columns at stride
    1) adds the products in the reference kernel's order: float outputs equal it exactly, over widths whose
    interior is a multiple of 4, has a tail, or is empty, and channel counts with a partial vector."""
    batch, h, w, c = shape
    _same(_conv("DEPTHWISE_CONV_2D", batch, h, w, c, None, 3, stride, padding, 1, act=3, seed=w, dtype="float32"),
          seed=5, exact=True)


@pytest.mark.parametrize("shape,out_c,k,stride,padding", [
    ((1, 7, 9, 5), 8, 1, 1, 1), ((2, 5, 13, 7), 16, 3, 1, 0), ((1, 9, 9, 6), 24, 3, 2, 0),
    ((1, 6, 11, 10), 32, 1, 1, 1),
    ((1, 17, 19, 3), 40, 3, 2, 0), ((1, 13, 11, 33), 56, 3, 1, 1), ((2, 20, 20, 64), 96, 3, 1, 0),
    ((1, 9, 26, 3), 32, 3, 2, 0)],
    ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v))
def test_float_conv_gemm_tiles_in_every_tier(shape, out_c, k, stride, padding):
    """Float CONV_2D over output channel counts that take each GEMM tile (16, 16 + 8, 32 wide, with tails), pixel
    counts that leave bottom rows, windows read in place or gathered at the borders, and weights (k = 576, n = 96)
    past the size where rows are taken in chunks."""
    batch, h, w, c = shape
    _same(_conv("CONV_2D", batch, h, w, c, out_c, k, stride, padding, 1, act=3, seed=out_c, dtype="float32"), seed=3)


# int8 3x3 depthwise (the AVX-512 kernel on int16 pairs, packed weights, zero-point taps at the border): widths 1..20,
# channel counts leaving every tail of its 32-channel blocks, strides 1 to 3, SAME / VALID, batches of 2
DW3_INT8 = [((2 if i % 3 == 0 else 1, 3 + i % 5, w, (1, 5, 16, 17, 31, 32, 33, 47)[i % 8]), 1 + i % 3 if i % 7 else 3,
             (i // 2) % 2 if w >= 3 and 3 + i % 5 >= 3 else 0, (0, 1, 3)[i % 3]) for i, w in enumerate(range(1, 21))]


@pytest.mark.parametrize("shape,stride,padding,act", DW3_INT8,
                         ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v))
def test_depthwise_3x3_int8_in_every_tier(shape, stride, padding, act):
    """The 3x3 int8 depthwise kernels over widths whose interior is empty, short or a run of four-output groups,
    with every channel tail: equal to the reference bit for bit in every tier and thread count."""
    batch, h, w, c = shape
    _same(_conv("DEPTHWISE_CONV_2D", batch, h, w, c, None, 3, stride, padding, 1, act=act, seed=w, dtype="int8"),
          seed=w)


@pytest.mark.parametrize("shape,k,stride,padding", [
    ((1, 12, 14, 40), 5, 1, 0), ((2, 9, 13, 17), 5, 2, 0), ((1, 11, 20, 33), 5, 1, 1), ((1, 6, 9, 64), 5, 2, 1),
    ((1, 10, 16, 31), 7, 1, 0), ((1, 9, 12, 8), 7, 2, 1), ((1, 7, 11, 48), (3, 5), 1, 0), ((2, 8, 7, 5), (5, 3), 2, 0),
    ((1, 5, 10, 47), (2, 2), 1, 0), ((1, 6, 19, 32), (4, 6), 3, 1), ((1, 5, 9, 20), 1, 1, 0), ((1, 4, 6, 3), 6, 1, 0)],
    ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v))
def test_depthwise_int8_windows_in_every_tier(shape, k, stride, padding):
    """Other int8 depthwise windows (MobileNetV3's 5x5; even, wide, tall, 1x1 and 7x7 ones) through the same
    int16-pair kernel's general loops: equal to the reference bit for bit."""
    batch, h, w, c = shape
    _same(_conv("DEPTHWISE_CONV_2D", batch, h, w, c, None, k, stride, padding, 1, act=3, seed=c, dtype="int8"),
          seed=c)


@pytest.mark.parametrize("shape,k,padding", [
    ((1, 10, 13, 4), 3, 1), ((2, 7, 20, 8), 3, 1), ((1, 6, 9, 1), 3, 1), ((1, 9, 11, 2), 5, 1), ((1, 8, 12, 16), 3, 1),
    ((1, 9, 14, 8), (3, 1), 0), ((2, 6, 5, 4), (5, 1), 0), ((1, 5, 40, 1), (2, 7), 1), ((1, 7, 33, 16), 1, 0)],
    ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v))
def test_depthwise_int8_few_channels_as_runs_in_every_tier(shape, k, padding):
    """1, 2, 4, 8 or 16 channels at stride 1 without column padding (id_model's 98x98x4 and x8, VALID): output rows
    taken as runs of bytes, 32 / channels pixels a vector, rows above and below read as the zero point (SAME with
    one-column windows); run lengths leaving every tail. Equal to the reference bit for bit."""
    batch, h, w, c = shape
    _same(_conv("DEPTHWISE_CONV_2D", batch, h, w, c, None, k, 1, padding, 1, act=1, seed=w, dtype="int8"), seed=w)


@pytest.mark.parametrize("shape,stride,padding", [((2, 9, 11, 40), 1, 0), ((1, 8, 13, 19), 2, 1)],
                         ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v))
def test_depthwise_3x3_int8_left_shifts_in_every_tier(shape, stride, padding):
    """Multipliers above one (a small output scale) shift left before the multiply, in some channels or all."""
    batch, h, w, c = shape
    for out_scale in (0.0005, 0.00005):
        _same(_conv("DEPTHWISE_CONV_2D", batch, h, w, c, None, 3, stride, padding, 1, act=0, seed=c,
                    dtype="int8", out_scale=out_scale), seed=1)


@pytest.mark.parametrize("dtype", ["float32", "int8"])
@pytest.mark.parametrize("shape,mult,stride,padding,k", [
    ((1, 96, 96, 1), 8, 2, 0, 3), ((2, 7, 9, 3), 2, 1, 0, 3), ((1, 10, 6, 5), 3, 2, 1, 3), ((1, 6, 6, 2), 17, 1, 0, 3),
    ((1, 25, 20, 1), 8, 2, 0, 9), ((1, 12, 12, 16), 1, 1, 0, 8)],   # 81 and 64 taps: more than the registers hold
    ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v))
def test_depthwise_multiplier_in_every_tier(shape, mult, stride, padding, k, dtype):
    """Depth multipliers above 1 (person_detect's first layer: 1 channel to 8) and windows larger than the SIMD
    kernels keep in registers (micro_speech: 10 x 8): the optimized tier repeats each input channel into scratch and
    runs its micro-kernels, or its portable loop for big windows (over one input channel a GEMM instead, as
    test_depthwise_over_one_input_channel_in_every_tier checks)."""
    batch, h, w, c = shape
    _same(_conv("DEPTHWISE_CONV_2D", batch, h, w, c, None, k, stride, padding, 1, act=1, seed=mult, dtype=dtype,
                mult=mult), seed=4)


ONE_CHANNEL = [   # batch, h, w, 1; window; stride; SAME 0 / VALID 1; dilation; multiplier
    ((1, 49, 40, 1), (10, 8), 2, 0, 1, 8), ((1, 49, 40, 1), (10, 8), 2, 1, 1, 8),      # micro_speech's layer
    *[((2, 13, 12, 1), (7, 8), 2, 0, 1, m) for m in range(1, 18)],                      # every multiplier 1..17
    *[((1, 9, 11, 1), 3, s, p, 1, m) for s in (1, 2) for p in (0, 1) for m in (3, 16)],
    *[((1, 16, 18, 1), k, 1, p, 2, m) for k in (3, (7, 8)) for p in (0, 1) for m in (5, 17)]]   # dilation 2


@pytest.mark.parametrize("dtype", ["float32", "int8"])
@pytest.mark.parametrize("shape,k,stride,padding,dilation,mult", ONE_CHANNEL,
                         ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v))
def test_depthwise_over_one_input_channel_in_every_tier(shape, k, stride, padding, dilation, mult, dtype):
    """A depthwise convolution of one input channel to m > 1 channels is a CONV_2D with m output channels, and the
    optimized tier runs it as one (im2col rows of the window's taps times the filter read as [taps, m], in the
    GEMMs) where its depthwise micro-kernels cannot: windows over 49 taps (7 x 8, micro_speech's 10 x 8) in every
    instruction set, any window in portable C. int8 outputs equal the reference's, float within tolerance, at any
    stride, padding, dilation and batch. Multiplier 1 (one channel in and out) stays on the depthwise kernels."""
    batch, h, w, c = shape
    _same(_conv("DEPTHWISE_CONV_2D", batch, h, w, c, None, k, stride, padding, dilation, act=1, seed=mult, dtype=dtype,
                mult=mult), seed=6)


def _one_op(opcode, inputs, out, options=None, consts=()):
    """One operator: `inputs` are (dtype, shape, quantization or None) model inputs, `consts` (index,
    array, quantization) constants put in at those input positions, `out` the output's (dtype, shape, quant)."""
    sg = Subgraph("m")
    ins = [sg.add_tensor(Tensor(f"x{k}", dt, shape, quantization=q)) for k, (dt, shape, q) in enumerate(inputs)]
    args = list(ins)
    for k, array, q in consts:
        array = np.asarray(array)
        args.insert(k, sg.add_tensor(Tensor(f"c{k}", array.dtype.name, array.shape, array, quantization=q)))
    y = sg.add_tensor(Tensor("y", out[0], out[1], quantization=out[2]))
    sg.operators.append(Operator(opcode, args, [y], options or {}))
    sg.inputs, sg.outputs = ins, [y]
    return write(Model([sg], [Signature("s", {f"x{k}": i for k, i in enumerate(ins)}, {"y": y})]))


def _every_byte(shape, dtype="int8"):
    """Every value of the byte type, repeated to fill `shape`."""
    info = np.iinfo(dtype)
    return np.resize(np.arange(info.min, info.max + 1), shape).astype(dtype)


# Byte-to-byte unary ops, run by the optimized tier through a table of the reference's own per-element
# arithmetic: every input value, shapes with tails and one big enough to split between threads.
# (opcode, options, input (scale, zp), output (scale, zp); None: the spec's fixed output parameters).
UNARY_S8 = [
    ("HARD_SWISH", {}, (0.05, 0), (0.05, 0)),
    ("HARD_SWISH", {}, (0.1, -10), (0.03, -128)),
    ("HARD_SWISH", {}, (0.5, 100), (0.06, -60)),
    ("HARD_SWISH", {}, (2.0, 0), (0.7, -1)),             # saturates
    ("HARD_SWISH", {}, (0.007336, 12), (0.003438, -30)),  # MobileNetV3Small's first
    ("LOGISTIC", {}, (0.1, 3), (1 / 256, -128)),
    ("LOGISTIC", {}, (0.01, -100), (1 / 256, -128)),
    ("TANH", {}, (0.05, 0), (1 / 128, 0)),
    ("TANH", {}, (0.3, -20), (1 / 128, 0)),
    ("GELU", {"approximate": False}, (0.04, 10), (0.03, -40)),
    ("GELU", {"approximate": True}, (0.2, -5), (0.1, 0)),
    ("LEAKY_RELU", {"alpha": 0.2}, (0.05, 4), (0.04, -9)),
    ("LEAKY_RELU", {"alpha": 1.5}, (0.5, -128), (0.01, 127)),  # saturates both ways
    ("RELU", {}, (0.05, -20), (0.02, -128)),
    ("RELU6", {}, (0.1, 7), (6 / 255, -128)),
    ("RELU6", {}, (0.01, 0), (0.001, 0)),
    ("RELU_N1_TO_1", {}, (0.02, -3), (2 / 255, 0)),
    ("QUANTIZE", {}, (0.05, 10), (0.02, -7)),
    ("QUANTIZE", {}, (0.5, -128), (0.01, 100)),
]


@pytest.mark.parametrize("opcode,options,qin,qout", UNARY_S8, ids=lambda v: str(v))
@pytest.mark.parametrize("shape", [(1, 4, 8, 1), (1, 3, 5, 3), (2, 3, 17), (1, 5, 33), (1, 33, 40, 17)],
                         ids=lambda s: "x".join(map(str, s)))
def test_byte_unary_table_in_every_tier(opcode, options, qin, qout, shape):
    data = _one_op(opcode, [("int8", shape, _q(*qin))], ("int8", shape, _q(*qout)), options)
    _same(data, [_every_byte(shape)])


@pytest.mark.parametrize("in_dtype,out_dtype", [("uint8", "int8"), ("int8", "uint8"), ("uint8", "uint8")])
def test_byte_requantize_table_in_every_tier(in_dtype, out_dtype):
    shape = (3, 300)
    data = _one_op("QUANTIZE", [(in_dtype, shape, _q(0.03, 128 if in_dtype == "uint8" else -5))],
                   (out_dtype, shape, _q(0.07, 120 if out_dtype == "uint8" else 3)))
    _same(data, [_every_byte(shape, in_dtype)])


def _quantize_inputs(shape, scale, seed):
    """Floats for QUANTIZE: halves of the step exactly (ties, rounded away from zero), their neighbours one ulp
    off, values past int32 and the type's range, NaN, both infinities and both zeros, then random ones."""
    rng = np.random.default_rng(seed)
    k = rng.integers(-300, 300, 64).astype(np.float32) + np.float32(0.5)
    ties = k * np.float32(scale)
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 3e9, -3e9, 2.0 ** 31, -(2.0 ** 31), 1e30, -1e-30],
                       np.float32)
    head = np.concatenate([ties, np.nextafter(ties, np.float32(np.inf)), np.nextafter(ties, np.float32(-np.inf)),
                           special])
    x = rng.uniform(-200 * scale, 200 * scale, int(np.prod(shape))).astype(np.float32)
    x[:min(x.size, head.size)] = head[:x.size]
    return x.reshape(shape)


@pytest.mark.parametrize("out_dtype,scale,zp", [("int8", 0.05, 3), ("int8", 0.7, -128), ("uint8", 0.1, 128),
                                                ("uint8", 0.003, 0), ("int8", 1.0, 127)])
@pytest.mark.parametrize("shape", [(1, 7), (1, 3, 5, 3), (2, 17, 9), (1, 3, 120, 160)],
                         ids=lambda s: "x".join(map(str, s)))
def test_quantize_float_in_every_tier(out_dtype, scale, zp, shape):
    """QUANTIZE float32 -> int8 / uint8 (opt/quantize_f32.c: AVX-512 and AVX2 loops), bit for bit: ties, NaN,
    infinities and values outside int32 (the reference's x86 conversion), tails of every length."""
    data = _one_op("QUANTIZE", [("float32", shape, None)], (out_dtype, shape, _q(scale, zp)))
    _same(data, [_quantize_inputs(shape, scale, len(shape))])


def _special_floats(shape, seed):
    """Values in [-4, 4] with NaN, infinities and both zeros among them."""
    x = np.random.default_rng(seed).uniform(-4, 4, shape).astype(np.float32)
    x.flat[:min(x.size, 6)] = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1.0][:min(x.size, 6)]
    return x


# Broadcasts of the binary elementwise ops: (a's shape, b's shape, b constant). The optimized kernels take
# same shapes, a row of the output's trailing dims repeated ([1, 1, 1, C] against [1, H, W, C], either
# side) and a single value; the last ones ([1, H, 1, C], [H, 1, C]) stay on the reference kernels.
def _broadcasts(c):
    return [((1, 5, 7, c), (1, 5, 7, c), False), ((1, 5, 7, c), (1, 1, 1, c), False),
            ((1, 1, 1, c), (1, 5, 7, c), False), ((2, 3, 4, c), (c,), True), ((1, 4, 3, c), (3, c), False),
            ((1, 5, 7, c), (), True), ((1, 5, 7, c), (1,), False), ((1,), (1, 5, 7, c), False),
            ((1, 5, 7, c), (1, 5, 1, c), False), ((5, 1, c), (1, 7, 1), False)]


BROADCASTS = [b for c in (1, 3, 17, 33, 64) for b in _broadcasts(c)] + [((1, 56, 56, 16), (1, 1, 1, 16), False)]
ACTIVATIONS = [0, 1, 2, 3]   # NONE, RELU, RELU_N1_TO_1, RELU6


def _binary(opcode, dtype, a_shape, b_shape, b_const, act, quants=None, seed=0):
    """One ADD / SUB / MUL and its inputs: a, and b unless it is a constant."""
    rng = np.random.default_rng(seed)
    qa, qb, qo = (None, None, None) if quants is None else (_q(*quants[0]), _q(*quants[1]), _q(*quants[2]))
    out_shape = np.broadcast_shapes(a_shape, b_shape)
    if dtype == "float32":
        xa, xb = _special_floats(a_shape, seed), _special_floats(b_shape, seed + 1)
    else:
        info = np.iinfo(dtype)
        xa, xb = (rng.integers(info.min, info.max, s, endpoint=True).astype(dtype) for s in (a_shape, b_shape))
    inputs = [(dtype, a_shape, qa)] + ([] if b_const else [(dtype, b_shape, qb)])
    data = _one_op(opcode, inputs, (dtype, out_shape, qo), {"fused_activation_function": act},
                   consts=[(1, xb, qb)] if b_const else ())
    return data, [xa] if b_const else [xa, xb]


@pytest.mark.parametrize("opcode", ["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("a_shape,b_shape,b_const", BROADCASTS, ids=lambda v: "x".join(map(str, v))
                         if isinstance(v, tuple) else str(v))
def test_binary_float32_in_every_tier(opcode, a_shape, b_shape, b_const):
    for act in ACTIVATIONS:
        data, feeds = _binary(opcode, "float32", a_shape, b_shape, b_const, act, seed=act)
        _same(data, feeds, exact=True)


# int8 (input a, input b, output) quantizations: (scale, zero point); the last ones saturate.
QUANTS_S8 = [((0.05, 0), (0.05, 0), (0.05, 0)), ((0.02, -7), (0.1, 30), (0.07, -128)),
             ((0.0005267, -128), (0.002002, -128), (0.0002633, -128)),   # MobileNetV3's squeeze-excite scale
             ((0.5, 127), (0.3, -128), (0.001, 5)), ((0.001, -100), (0.2, 90), (0.5, -3))]
QUANTS_S16 = [((0.001, 0), (0.002, 0), (0.003, 0)), ((0.05, 0), (0.01, 0), (0.0001, 0))]


@pytest.mark.parametrize("opcode", ["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("a_shape,b_shape,b_const", BROADCASTS, ids=lambda v: "x".join(map(str, v))
                         if isinstance(v, tuple) else str(v))
def test_binary_int8_in_every_tier(opcode, a_shape, b_shape, b_const):
    for k, quants in enumerate(QUANTS_S8):
        data, feeds = _binary(opcode, "int8", a_shape, b_shape, b_const, ACTIVATIONS[k % 4], quants, seed=k)
        _same(data, feeds)


@pytest.mark.parametrize("opcode", ["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("a_shape,b_shape,b_const", _broadcasts(17), ids=lambda v: "x".join(map(str, v))
                         if isinstance(v, tuple) else str(v))
def test_binary_int16_in_every_tier(opcode, a_shape, b_shape, b_const):
    for k, quants in enumerate(QUANTS_S16):
        data, feeds = _binary(opcode, "int16", a_shape, b_shape, b_const, ACTIVATIONS[k + 1], quants, seed=k)
        _same(data, feeds)


# MEAN: NHWC's spatial axes in every spelling, keep_dims either way, channels with tails of the 64-channel
# blocks and 32-channel (AVX2) groups; other blocks of adjacent axes, and a non-adjacent pair ([0, 2]) the
# reference keeps. (input shape, axes, keep_dims)
MEANS = ([((1, 5, 7, c), [1, 2], keep) for c in (1, 3, 17, 33, 64, 100) for keep in (True, False)]
         + [((2, 6, 5, 33), [2, 1], True), ((2, 4, 4, 576), [-3, -2], False), ((1, 56, 56, 16), [1, 2], True),
            ((3, 4, 5, 6), [1], False), ((3, 4, 5, 6), [2], True), ((3, 4, 5, 6), [1, 2, 3], False),
            ((3, 4, 5, 6), [0, 1], True), ((3, 4, 5, 6), [3], False), ((3, 4, 5, 6), [0, 2], True)])


def _mean(dtype, shape, axes, keep, quants=None):
    out_shape = tuple(1 if i in [a % len(shape) for a in axes] else d for i, d in enumerate(shape)
                      if keep or i not in [a % len(shape) for a in axes])
    qi, qo = (None, None) if quants is None else (_q(*quants[0]), _q(*quants[1]))
    return _one_op("MEAN", [(dtype, shape, qi)], (dtype, out_shape, qo), {"keep_dims": keep},
                   consts=[(1, np.asarray(axes, np.int32), None)])


@pytest.mark.parametrize("shape,axes,keep", MEANS, ids=lambda v: "x".join(map(str, v)) if isinstance(v, (tuple, list))
                         else str(v))
def test_mean_in_every_tier(shape, axes, keep):
    _same(_mean("float32", shape, axes, keep), [_special_floats(shape, 3)], exact=True)
    _same(_mean("float32", shape, axes, keep), [np.random.default_rng(4).normal(0, 100, shape).astype(np.float32)],
          exact=True)
    for quants in [((0.05, -3), (0.04, 7)), ((0.0005267, -128), (0.0005006, -128)), ((0.5, 100), (0.01, -20))]:
        _same(_mean("int8", shape, axes, keep, quants), seed=5)
    _same(_mean("int16", shape, axes, keep, ((0.002, 0), (0.0005, 0))), seed=6)


@pytest.mark.parametrize("shape", [(1, 4, 8, 1), (1, 3, 5, 3), (2, 3, 17), (1, 5, 33), (1, 6, 64), (1, 33, 40, 17)],
                         ids=lambda s: "x".join(map(str, s)))
def test_hard_swish_float32_in_every_tier(shape):
    x = _special_floats(shape, 7) * 2
    x.flat[6:14] = [-3.0, 3.0, -6.0, 6.0, -3.0000002, 2.9999998, 1e30, -1e30]   # every shape has 15 elements or more
    _same(_one_op("HARD_SWISH", [("float32", shape, None)], ("float32", shape, None)), [x], exact=True)


class _Net:
    """A model written operator by operator, float32 or int8 (random activation parameters, per-channel
    int8 weights, int32 biases), for whole-network comparisons of the tiers."""

    def __init__(self, dtype, seed):
        self.dtype, self.rng, self.sg = dtype, np.random.default_rng(seed), Subgraph("m")

    def tensor(self, shape, q=None):
        if self.dtype == "int8" and q is None:
            q = _q(self.rng.uniform(0.01, 0.1), self.rng.integers(-20, 20))
        return self.sg.add_tensor(Tensor(f"t{len(self.sg.tensors)}", self.dtype, tuple(shape), quantization=q))

    def shape(self, t):
        return self.sg.tensors[t].shape

    def const(self, value):
        """A one-value constant of the model's type (int8: the value quantized on its own scale)."""
        if self.dtype == "float32":
            data, q = np.asarray(value, np.float32), None
        else:
            data, q = np.asarray(100 if value > 0 else -100, np.int8), _q(abs(value) / 100 + 1e-6, 0)
        return self.sg.add_tensor(Tensor(f"t{len(self.sg.tensors)}", self.dtype, (), data, quantization=q))

    def op(self, opcode, ins, out_shape, **options):
        y = self.tensor(out_shape)
        self.sg.operators.append(Operator(opcode, list(ins), [y], options))
        return y

    def conv(self, x, out_c, k=1, stride=1, act=0, depthwise=False):
        n, h, w, c = self.shape(x)
        out_c = c if depthwise else out_c
        f = self.rng.normal(0, 1, (1, k, k, c) if depthwise else (out_c, k, k, c))
        axis = 3 if depthwise else 0
        if self.dtype == "float32":
            fi = self.sg.add_tensor(Tensor(f"f{len(self.sg.tensors)}", "float32", f.shape,
                                           (f / k / 3).astype(np.float32)))
            bi = self.sg.add_tensor(Tensor(f"b{len(self.sg.tensors)}", "float32", (out_c,),
                                           self.rng.normal(0, 0.5, out_c).astype(np.float32)))
        else:
            scales, s_in = self.rng.uniform(0.002, 0.02, out_c), float(self.sg.tensors[x].quantization.scale[0])
            fi = self.sg.add_tensor(Tensor(f"f{len(self.sg.tensors)}", "int8", f.shape,
                                           self.rng.integers(-127, 128, f.shape).astype(np.int8),
                                           quantization=_q(scales, np.zeros(out_c), axis)))
            bi = self.sg.add_tensor(Tensor(f"b{len(self.sg.tensors)}", "int32", (out_c,),
                                           self.rng.integers(-3000, 3000, out_c).astype(np.int32),
                                           quantization=_q(s_in * scales, np.zeros(out_c))))
        opts = dict(padding=0, stride_w=stride, stride_h=stride, dilation_w_factor=1, dilation_h_factor=1,
                    fused_activation_function=act)
        if depthwise:
            opts["depth_multiplier"] = 1
        return self.op("DEPTHWISE_CONV_2D" if depthwise else "CONV_2D", [x, fi, bi],
                       (n, -(-h // stride), -(-w // stride), out_c), **opts)

    def squeeze_excite(self, x, mid):
        """MobileNetV3's: global mean, 1x1 convs (RELU, then RELU6), times 1/6, times the input."""
        n, _, _, c = self.shape(x)
        axes = self.sg.add_tensor(Tensor(f"a{len(self.sg.tensors)}", "int32", (2,), np.asarray([1, 2], np.int32)))
        s = self.op("MEAN", [x, axes], (n, 1, 1, c), keep_dims=True)
        s = self.conv(self.conv(s, mid, act=1), c, act=3)
        s = self.op("MUL", [s, self.const(1 / 6)], (n, 1, 1, c), fused_activation_function=0)
        return self.op("MUL", [x, s], self.shape(x), fused_activation_function=0)

    def write(self, x, y):
        self.sg.inputs, self.sg.outputs = [x], [y]
        return write(Model([self.sg], [Signature("s", {"x": x}, {"y": y})]))


def _mobilenet_v3_like(dtype, seed=0):
    """MobileNetV3Small's patterns at 32x32: input rescaling (MUL and ADD by values), hard-swish, depthwise
    convolutions, squeeze-excite, a residual ADD, the head's global MEAN without kept dims."""
    net = _Net(dtype, seed)
    x = net.tensor((1, 32, 32, 3), _q(1 / 128, 0) if dtype == "int8" else None)
    t = net.op("MUL", [x, net.const(0.5)], (1, 32, 32, 3), fused_activation_function=0)
    t = net.op("ADD", [t, net.const(-0.25)], (1, 32, 32, 3), fused_activation_function=0)
    t = net.op("HARD_SWISH", [net.conv(t, 16, k=3, stride=2)], (1, 16, 16, 16))
    t = net.squeeze_excite(net.conv(t, 0, k=3, stride=2, act=1, depthwise=True), 8)
    r = net.conv(net.conv(t, 24), 40)
    t = net.op("HARD_SWISH", [r], net.shape(r))
    t = net.op("HARD_SWISH", [net.conv(t, 0, k=5, depthwise=True)], net.shape(t))
    t = net.squeeze_excite(t, 16)
    t = net.op("SUB", [net.conv(t, 40), r], net.shape(r), fused_activation_function=1)
    t = net.op("ADD", [net.conv(t, 40), r], net.shape(r), fused_activation_function=0)
    axes = net.sg.add_tensor(Tensor("head_axes", "int32", (2,), np.asarray([1, 2], np.int32)))
    return net.write(x, net.op("MEAN", [t, axes], (1, 40), keep_dims=False))


@pytest.mark.parametrize("dtype", ["float32", "int8"])
def test_mobilenet_v3_like_model_in_every_tier(dtype):
    _same(_mobilenet_v3_like(dtype), seed=8)


# TRANSPOSE: retinaface's NHWC <-> NCHW permutations, size-1 axes that vanish, axes that merge, the identity,
# ranks 1 to 6, tiles with tails (33 x 70), and every element size (bool/int8 1 byte ... int64 8).
TRANSPOSES = [((1, 8, 10, 128), (0, 3, 1, 2)), ((1, 64, 17, 22), (0, 2, 3, 1)), ((2, 3, 4, 5), (0, 1, 2, 3)),
              ((33, 70), (1, 0)), ((5,), (0,)), ((2, 3, 4), (2, 0, 1)), ((3, 1, 4, 2), (3, 2, 1, 0)),
              ((2, 3, 4, 5, 6), (4, 0, 3, 1, 2)), ((2, 1, 3, 2, 2, 3), (5, 3, 4, 0, 2, 1)), ((4, 5, 6), (0, 2, 1)),
              # byte blocks: 8 channels either way (whole 16s and tails), 16 x 16 with tails, batch > 1
              ((1, 8, 40, 20), (0, 2, 3, 1)), ((2, 8, 7, 11), (0, 2, 3, 1)), ((1, 6, 35, 8), (0, 3, 1, 2)),
              ((2, 4, 8, 8), (0, 3, 1, 2)), ((1, 35, 33, 17), (0, 3, 1, 2)), ((2, 17, 3, 35), (0, 2, 3, 1))]


@pytest.mark.parametrize("shape,perm", TRANSPOSES, ids=lambda v: "x".join(map(str, v)))
@pytest.mark.parametrize("dtype", ["int8", "int16", "float32", "int64", "bool"])
def test_transpose_in_every_tier(shape, perm, dtype):
    rng = np.random.default_rng(len(shape))
    x = (rng.integers(-100, 100, shape) if dtype != "bool" else rng.integers(0, 2, shape)).astype(dtype)
    data = _one_op("TRANSPOSE", [(dtype, shape, None)], (dtype, tuple(shape[p] for p in perm), None),
                   consts=[(1, np.asarray(perm, np.int32), None)])
    _same(data, [x], exact=True)
    np.testing.assert_array_equal(run(Interpreter(model_content=data), [x])[0], np.transpose(x, perm))
