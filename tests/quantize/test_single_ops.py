"""Every builtin the quantizer quantizes, alone, in int8 and int16x8: the quantized model loads in LiteRT,
tensorlite's C runtime (and, for int8, TFLite Micro) gives exactly LiteRT's reference kernels' output on it
(LiteRT's builtin kernels' where its reference kernel is broken: LITERT_REF_BROKEN), and that output is the
float model's within the quantization error (a few output steps)."""
import numpy as np
import pytest
from tensorlite.converter.writer import write
from tensorlite.quantize import quantize
from tensorlite.quantize.rules import RULES
from tensorlite.runtime import Interpreter

from tests.quantize.helpers import litert_interpreter, run, tflm_run
from tests.quantize.single_ops import CASES

MODES = {"int8": "int8", "int16x8": "int16"}
# builtins TFLite Micro has no kernel for
NOT_IN_TFLM = {"RELU_N1_TO_1", "TILE"}
# TFLite Micro's integer LSTM is its own implementation: up to 1 step from LiteRT's (and ours, which equals LiteRT);
# its SUM requantizes with a multiplier and shift where LiteRT rounds in float
TFLM_LSB = {"UNIDIRECTIONAL_SEQUENCE_LSTM": 1, "SUM": 1}
# LiteRT's reference SUM reads int8 and int16 tensors as uint8: there the oracle is LiteRT's builtin kernels, whose
# DEQUANTIZE rounds in float (ours and the reference in double): equal within 1e-6 relative, far below one step
LITERT_REF_BROKEN = {"SUM"}
PARAMS = [(case, mode) for case in CASES for mode in MODES if MODES[mode] in RULES[case.opcode].types]


def test_every_rule_has_a_case():
    assert {c.opcode for c in CASES} == set(RULES)


@pytest.mark.parametrize("case,mode", PARAMS, ids=[f"{c.id}-{m}" for c, m in PARAMS])
def test_quantized_op_matches_litert_and_tracks_float(case, mode):
    float_model = case.model()
    result = quantize(float_model, mode, case.samples(16, seed=1), strict=True)
    data = write(result.model)
    float_data = write(float_model)
    qsg = result.model.subgraphs[0]
    integer = {t.dtype for t in qsg.tensors if t.data is None and t.dtype != "float32"}
    assert MODES[mode] in integer, "no activation was quantized"
    for sample in case.samples(16, seed=1)[:3]:   # inside the calibrated ranges: no clipping
        ref = run(_litert(data, reference=case.opcode not in LITERT_REF_BROKEN), sample)
        ours = run(Interpreter(model_content=data), sample)
        want = run(Interpreter(model_content=float_data), sample)
        micro = tflm_run(data, sample, len(ref)) if mode == "int8" and case.opcode not in NOT_IN_TFLM else ref
        for r, o, m, f, index in zip(ref, ours, micro, want, qsg.outputs):
            if case.opcode in LITERT_REF_BROKEN:
                np.testing.assert_allclose(o, r, rtol=1e-6, atol=0)
            else:
                np.testing.assert_array_equal(o, r)
            lsb = _output_step(result.model, index) * TFLM_LSB.get(case.opcode, 0)
            np.testing.assert_allclose(m, r, rtol=0, atol=lsb * 1.001)
            q = _output_step(result.model, index)
            bound = 4 * q + 0.02 * float(np.max(np.abs(f)))
            assert float(np.max(np.abs(r - f))) <= bound, f"{case.id}: quantized output strays from float"


def _litert(data: bytes, reference: bool):
    """LiteRT's reference kernels, or its builtin kernels without the XNNPACK delegate."""
    if reference:
        return litert_interpreter(data, reference=True)
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    builtin = OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    return Interpreter(model_content=data, experimental_op_resolver_type=builtin)


def _output_step(model, output_index) -> float:
    """The quantization step of the integer tensor a float output was dequantized from."""
    sg = model.subgraphs[0]
    for op in sg.operators:
        if output_index in op.outputs and op.opcode == "DEQUANTIZE":
            return float(sg.tensors[op.inputs[0]].quantization.scale[0])
    return 0.0
