"""TFLite Micro's signal-library CUSTOM ops (runtimes/c/kernels/signal_*.c), each alone in a one-op
model (custom options written by `flatbuffers.flexbuffers`), against the `tflite_micro` Python
interpreter running the same model: every output bit-exact, over full-range random data and the
edge values of each op's arithmetic (int16 -32768, zero frames, 64-bit energies, wrap-arounds).
SignalFilterBankSpectralSubtraction keeps state, so it is compared over a sequence of invokes and
after reset_all_variables. Hostile options (missing keys, shifts out of range, unsupported FFT
lengths, channel tables pointing outside the spectrum) are refused at allocation, naming the node."""
import numpy as np
import pytest

import tensorlite as tl
from tests.conftest import skip_or_fail

from .tflite_graph import Model

RNG = np.random.default_rng(20261202)


def _flex(options: dict) -> bytes:
    from flatbuffers import flexbuffers
    return bytes(flexbuffers.Dumps(options))


def _model(code, inputs, outputs, options: dict | None, consts=()) -> bytes:
    """inputs: (shape, dtype) graph inputs, or constants by position in `consts`; outputs: (shape, dtype)."""
    consts = dict(consts)
    m = Model()
    g = m.subgraph()
    ins = [g.const(f"c{k}", consts[k]) if k in consts else g.input(f"x{k}", *spec) for k, spec in enumerate(inputs)]
    outs = [g.tensor(f"y{k}", *spec) for k, spec in enumerate(outputs)]
    g.custom(code, ins, outs, _flex(options) if options is not None else b"")
    g.output(*outs)
    return m.build()


def _tflm_runtime():
    try:
        from tflite_micro.python.tflite_micro import runtime
    except ImportError:
        skip_or_fail("tflite-micro (the TFLM Python interpreter) is not installed")
    return runtime


def _run(content: bytes, feeds_per_invoke: list[list[np.ndarray]]):
    """Outputs of each invoke, in tensorlite's C runtime and in TFLM (one interpreter each, invoked in turn)."""
    runtime = _tflm_runtime()
    ours = tl.lite.Interpreter(model_content=content)
    ours.allocate_tensors()
    theirs = runtime.Interpreter.from_bytes(content, arena_size=1 << 20)
    got, want = [], []
    for feeds in feeds_per_invoke:
        for d, v in zip(ours.get_input_details(), feeds):
            ours.set_tensor(d["index"], v)
        ours.invoke()
        got.append([ours.get_tensor(d["index"]).copy() for d in ours.get_output_details()])
        for k, v in enumerate(feeds):
            theirs.set_input(v, k)
        theirs.invoke()
        want.append([np.array(theirs.get_output(j)) for j in range(len(got[-1]))])
    return got, want


def _assert_same(got, want, select=None):
    for step, (g_outs, w_outs) in enumerate(zip(got, want)):
        for j, (g, w) in enumerate(zip(g_outs, w_outs)):
            assert g.dtype == w.dtype and g.shape == w.shape, \
                f"invoke {step} output {j}: {g.dtype}{g.shape} vs {w.dtype}{w.shape}"
            if select is not None:
                g, w = g[select], w[select]
            diff = np.flatnonzero(g != w)
            assert diff.size == 0, f"invoke {step} output {j}: {diff.size} of {g.size} differ, first at {diff[0]}: " \
                f"{g.flat[diff[0]]} vs {w.flat[diff[0]]}"


def _i16(shape, lo=-32768, hi=32767):
    return RNG.integers(lo, hi, shape, endpoint=True).astype(np.int16)


def _u32(shape, hi=2**32 - 1):
    return RNG.integers(0, hi, shape, endpoint=True, dtype=np.uint64).astype(np.uint32)


@pytest.mark.parametrize("shift", [0, 1, 8, 12, 15, 31])
def test_window(shift):
    w = _i16([64])
    w[:3] = [-32768, 32767, 0]
    content = _model("SignalWindow", [([3, 64], "int16"), None], [([3, 64], "int16")], {"shift": shift}, {1: w})
    x = _i16([3, 64])
    x[0, :4] = [-32768, -32768, 32767, 0]
    _assert_same(*_run(content, [[x], [_i16([3, 64], -100, 100)]]))


@pytest.mark.parametrize("case", ["random", "small", "zeros", "min_first", "min_last", "max"])
def test_fft_auto_scale(case):
    n = 96
    x = {"random": _i16([n]), "small": _i16([n], -300, 300), "zeros": np.zeros(n, np.int16),
         "min_first": np.r_[np.int16(-32768), _i16([n - 1], -50, 50)].astype(np.int16),
         "min_last": np.r_[_i16([n - 1], -50, 50), np.int16(-32768)].astype(np.int16),
         "max": np.full(n, 32767, np.int16)}[case]
    content = _model("SignalFftAutoScale", [([n], "int16")], [([n], "int16"), ([], "int32")], None)
    _assert_same(*_run(content, [[x]]))


# fft_length / 2 factors: 256 = 4^4 (the corpus), 32 = 4*4*2, 12 = 4*3, 20 = 4*5, 15 = 3*5, 45 = 3*3*5, 2
@pytest.mark.parametrize("fft_length,in_len,frames", [(512, 480, 1), (512, 512, 1), (64, 40, 2), (24, 24, 1),
                                                      (40, 33, 1), (30, 30, 3), (90, 90, 1), (4, 4, 1)])
@pytest.mark.parametrize("amplitude", [32767, 2000])
def test_rfft(fft_length, in_len, frames, amplitude):
    content = _model("SignalRfft", [([frames, in_len], "int16")], [([frames, fft_length + 2], "int16")],
                     {"T": 7, "fft_length": fft_length})
    x = _i16([frames, in_len], -amplitude - (amplitude == 32767), amplitude)
    _assert_same(*_run(content, [[x], [np.full([frames, in_len], -32768, np.int16)],
                                 [np.zeros([frames, in_len], np.int16)]]))


@pytest.mark.parametrize("start,end", [(5, 241), (0, 257), (10, 10)])
def test_energy(start, end):
    content = _model("SignalEnergy", [([514], "int16")], [([257], "uint32")], {"end_index": end, "start_index": start})
    x = _i16([514])
    x[2 * start:2 * start + 4] = -32768  # re = im = -32768: the sum wraps to 2^31
    _assert_same(*_run(content, [[x]]), select=slice(start, end))  # TFLM leaves the other bins unwritten


def test_filter_bank():
    channels, bins = 12, 80
    starts = np.sort(RNG.integers(0, bins - 10, channels + 1)).astype(np.int16)
    widths = RNG.integers(0, 10, channels + 1).astype(np.int16)
    wstarts = np.r_[0, np.cumsum(widths)[:-1]].astype(np.int16)
    total = int(widths.sum())
    weights, unweights = _i16([total]), _i16([total])
    content = _model("SignalFilterBank", [([bins], "uint32"), None, None, None, None, None], [([channels], "uint64")],
                     {"num_channels": channels}, {1: weights, 2: unweights, 3: starts, 4: wstarts, 5: widths})
    _assert_same(*_run(content, [[_u32([bins])], [_u32([bins], 1 << 20)]]))


@pytest.mark.parametrize("shift", [0, 3, 15])
def test_filter_bank_square_root(shift):
    x = RNG.integers(0, 2**64 - 1, 64, endpoint=True, dtype=np.uint64)
    x[:12] = [0, 1, 2, 3, 2**32 - 1, 2**32, 2**32 + 1, 2**64 - 1, 2**62, 65535**2, 65535**2 + 65535, 65536**2 - 1]
    x[12:24] >>= np.uint64(34)  # the 32-bit path
    content = _model("SignalFilterBankSquareRoot", [([64], "uint64"), ([], "int32")], [([64], "uint32")], None)
    _assert_same(*_run(content, [[x, np.array(shift, np.int32)]]))


SPECTRAL = {"alternate_one_minus_smoothing": 15401, "alternate_smoothing": 983, "clamping": False,
            "min_signal_remaining": 819, "num_channels": 40, "one_minus_smoothing": 15975, "smoothing": 409,
            "smoothing_bits": 10, "spectral_subtraction_bits": 14}


@pytest.mark.parametrize("variant", ["corpus", "clamping", "wide"])
def test_filter_bank_spectral_subtraction(variant):
    opts = dict(SPECTRAL)
    hi = 1 << 22
    if variant == "clamping":
        opts["clamping"] = True
    if variant == "wide":  # signal << smoothing_bits wraps; other coefficients
        opts.update(smoothing=7000, one_minus_smoothing=9384, alternate_smoothing=0,
                    alternate_one_minus_smoothing=16384, min_signal_remaining=20000, smoothing_bits=5,
                    spectral_subtraction_bits=15)
        hi = 2**32 - 1
    content = _model("SignalFilterBankSpectralSubtraction", [([40], "uint32")], [([40], "uint32"), ([40], "uint32")],
                     opts)
    steps = [[_u32([40], hi)] for _ in range(6)]
    steps[3][0][:20] = 0  # the signal dropping below the estimate
    _assert_same(*_run(content, steps))
    # the estimate is state: reset_all_variables starts over as a fresh TFLM interpreter does
    it = tl.lite.Interpreter(model_content=content)
    it.allocate_tensors()
    runs = []
    for _ in range(2):
        it.reset_all_variables()
        for s in steps[:3]:
            it.set_tensor(it.get_input_details()[0]["index"], s[0])
            it.invoke()
        runs.append(it.get_tensor(it.get_output_details()[1]["index"]).copy())
    np.testing.assert_array_equal(runs[0], runs[1])


def _corpus_gain_lut():
    from tensorlite.converter.reader import read

    from .cbuild import CORPUS
    model = read((CORPUS / "audio_preprocessor_int8.tflite").read_bytes())
    g = model.subgraphs[0]
    op = next(o for o in g.operators if o.opcode == "SignalPCAN")
    return g.tensors[op.inputs[2]].data


@pytest.mark.parametrize("lut", ["corpus", "random"])
@pytest.mark.parametrize("snr_shift", [6, 0, 20])
def test_pcan(lut, snr_shift):
    table = _corpus_gain_lut() if lut == "corpus" else _i16([125])
    n = 64
    noise = _u32([n])
    noise[:8] = [0, 1, 2, 3, 4, 2047, 2048, 2**32 - 1]
    noise[8:32] = _u32([24], 5000)
    content = _model("SignalPCAN", [([n], "uint32"), ([n], "uint32"), None], [([n], "uint32")],
                     {"snr_shift": snr_shift}, {2: table})
    _assert_same(*_run(content, [[_u32([n], 1 << 20), noise], [_u32([n]), noise]]))


@pytest.mark.parametrize("bits,scale", [(3, 64), (0, 1), (0, 1000), (7, 64)])
def test_filter_bank_log(bits, scale):
    x = _u32([96])
    x[:10] = [0, 1, 2, 3, 4, 65535, 65536, 2**31, 2**32 - 1, 1 << (31 - bits)]
    x[10:50] = _u32([40], 5000)
    content = _model("SignalFilterBankLog", [([96], "uint32")], [([96], "int16")],
                     {"input_correction_bits": bits, "output_scale": scale})
    _assert_same(*_run(content, [[x]]))


@pytest.mark.parametrize("code,inputs,outputs,options,consts,match", [
    ("SignalWindow", [([8], "int16"), None], [([8], "int16")], {"shift": 32}, {1: np.ones(8, np.int16)}, "shift"),
    ("SignalWindow", [([8], "int16"), None], [([8], "int16")], {"shft": 1}, {1: np.ones(8, np.int16)}, "shift"),
    ("SignalWindow", [([8], "int16"), None], [([8], "int16")], None, {1: np.ones(8, np.int16)}, "FlexBuffer"),
    ("SignalWindow", [([9], "int16"), None], [([9], "int16")], {"shift": 1}, {1: np.ones(8, np.int16)}, "frames"),
    ("SignalRfft", [([14], "int16")], [([16], "int16")], {"T": 7, "fft_length": 14}, {}, "factor"),
    ("SignalRfft", [([16], "int16")], [([18], "int16")], {"T": 1, "fft_length": 16}, {}, "int16"),
    ("SignalRfft", [([20], "int16")], [([18], "int16")], {"T": 7, "fft_length": 16}, {}, "frames"),
    ("SignalEnergy", [([20], "int16")], [([10], "uint32")], {"start_index": 0, "end_index": 11}, {}, "start_index"),
    ("SignalFilterBank", [([8], "uint32"), None, None, None, None, None], [([1], "uint64")], {"num_channels": 1},
     {1: np.ones(4, np.int16), 2: np.ones(4, np.int16), 3: np.array([0, 6], np.int16),
      4: np.array([0, 0], np.int16), 5: np.array([2, 3], np.int16)}, "outside"),
    ("SignalPCAN", [([4], "uint32"), ([4], "uint32"), None], [([4], "uint32")], {"snr_shift": 6},
     {2: np.ones(124, np.int16)}, "125"),
    ("SignalFilterBankLog", [([4], "uint32")], [([4], "int16")], {"input_correction_bits": 40, "output_scale": 1}, {},
     "input_correction_bits"),
    ("SignalFilterBankSpectralSubtraction", [([4], "uint32")], [([4], "uint32"), ([4], "uint32")],
     {**SPECTRAL, "num_channels": 4, "spectral_subtraction_bits": 64}, {}, "spectral_subtraction_bits"),
    ("SignalUnknown", [([4], "uint32")], [([4], "int16")], None, {}, "no kernel"),
])
def test_bad_options_are_refused(code, inputs, outputs, options, consts, match):
    content = _model(code, inputs, outputs, options, consts)
    with pytest.raises(ValueError, match=rf"node 0 \(CUSTOM {code}\).*{match}"):
        tl.lite.Interpreter(model_content=content).allocate_tensors()


@pytest.mark.parametrize("model", ["audio_preprocessor_int8", "audio_preprocessor_float"])
def test_corpus_audio_preprocessor_over_a_stream(model):
    """The whole corpus front end over 25 consecutive 30 ms frames of structured audio (silence, a
    chirp, a loud clipped tone, quiet noise), so the noise estimate evolves as in use: every frame's
    output equal to TFLM's (the goldens only hold single frames of full-range noise)."""
    from .cbuild import CORPUS
    content = (CORPUS / f"{model}.tflite").read_bytes()
    t = np.arange(25 * 480) / 16000.0
    signal = np.concatenate([np.zeros(3 * 480), 8000 * np.sin(2 * np.pi * (200 + 2000 * t[:10 * 480]) * t[:10 * 480]),
                             np.clip(60000 * np.sin(2 * np.pi * 1000 * t[:6 * 480]), -32768, 32767),
                             RNG.normal(0, 30, 6 * 480)])
    frames = [[np.round(signal[k * 480:(k + 1) * 480]).astype(np.int16).reshape(1, 480)] for k in range(25)]
    _assert_same(*_run(content, frames))
