"""Every op of the table that deploys, lowered alone and run in LiteRT: one traced function per
reference case (tests/reference/), its first input a graph input and the others constants, the
.tflite's output compared with the case's independent NumPy reference.

Ops whose card declares `no_tflite` (gradient ops, erf) must refuse with ConversionError naming
the op; tests/ops/test_cards_complete.py checks that every other op has a deployable case here and
that the C runtime runs its lowering or the card declares the gap (`c_runtime_gaps`)."""
import numpy as np
import pytest
from tensorlite.training.dispatch import apply
from tensorlite.training.ops.registry import OPS

import tensorlite as tl
from tests.litert import litert_interpreter, run
from tests.reference import all_cases

CASES, _ = all_cases()

# Cases whose attributes TFLite cannot express: refused with a message naming the attribute.
REFUSED = {"conv2d_backprop_input-dilation2": "dilations", "conv2d_backprop_input-groups2": "groups",
           "strided_slice-empty": "empty"}
# Training-only behaviour: an inference graph passes the input through.
PASS_THROUGH = {"dropout"}
# TFLite tensor types LiteRT's kernels take for these cases
DEPLOYED_DTYPES = {"float32", "int32", "int64", "bool", "int8", "uint8", "int16"}


def deployable(case) -> bool:
    op = OPS.get(case.op)  # a case naming no op fails tests/ops/test_cards_complete.py
    return op is not None and not op.no_tflite and case.id not in REFUSED and bool(case.inputs) and all(
        np.asarray(x).dtype.name in DEPLOYED_DTYPES for x in case.inputs)


def convert(case) -> bytes:
    first, *rest = case.inputs
    rest = [np.asarray(r) for r in rest]
    fn = tl.function(lambda x: apply(OPS[case.op], x, *rest, **case.attrs))
    cf = fn.get_concrete_function(tl.TensorSpec(np.shape(first), tl.as_dtype(np.asarray(first).dtype)))
    return tl.lite.Converter.from_concrete_functions([cf]).convert()


def assert_equals_reference(got, case) -> None:
    """`got`, the outputs of a lowered case, against the case's NumPy reference: as many outputs, the same
    shapes, integers exactly, floats within the case's tolerances (at least 1e-5)."""
    want = case.inputs[0] if case.op in PASS_THROUGH else case.ref(*case.inputs, **case.attrs)
    want = list(want) if isinstance(want, (tuple, list)) else [want]
    assert len(got) == len(want)
    for g, w in zip(got, want):
        w = np.asarray(w)
        assert g.shape == w.shape, (g.shape, w.shape)
        if w.dtype.kind in "biu":
            np.testing.assert_array_equal(g, w.astype(g.dtype))
        else:
            np.testing.assert_allclose(g.astype(np.float64), w, rtol=max(case.rtol, 1e-5), atol=max(case.atol, 1e-5))


@pytest.mark.parametrize("case", [c for c in CASES if deployable(c)], ids=lambda c: c.id)
def test_lowered_op_matches_reference_in_litert(case):
    got = run(litert_interpreter(convert(case), reference=False), [np.asarray(case.inputs[0])])
    assert_equals_reference(got, case)


@pytest.mark.parametrize("op", sorted(name for name, op in OPS.items() if op.no_tflite))
def test_training_only_op_refuses_by_name(op):
    case = next(c for c in CASES if c.op == op)
    with pytest.raises(tl.lite.ConversionError, match=rf"\({op} .*no TFLite lowering"):
        convert(case)


@pytest.mark.parametrize("case_id", sorted(REFUSED))
def test_inexpressible_attributes_refuse_by_name(case_id):
    case = next(c for c in CASES if c.id == case_id)
    with pytest.raises(tl.lite.ConversionError, match=REFUSED[case_id]):
        convert(case)


def c_runtime_gaps(data: bytes) -> set[str]:
    """The builtins of a .tflite that the C runtime has no kernel for, or no kernel for these tensor
    types ("CAST (for these tensor types)" is CAST)."""
    return {name.split(" (")[0] for name in tl.lite.Interpreter(model_content=data).unsupported_ops()}


@pytest.mark.parametrize("case", [c for c in CASES if deployable(c)], ids=lambda c: c.id)
def test_lowered_op_in_c_runtime(case):
    data = convert(case)
    it = tl.lite.Interpreter(model_content=data)
    missing = c_runtime_gaps(data)
    if missing:
        undeclared = sorted(missing - set(OPS[case.op].c_runtime_gaps))
        assert not undeclared, f"{case.op}: C runtime gaps not declared in its card's c_runtime_gaps: {undeclared}"
        with pytest.raises(ValueError):
            it.allocate_tensors()
        return
    assert_equals_reference(run(it, [np.asarray(case.inputs[0])]), case)
