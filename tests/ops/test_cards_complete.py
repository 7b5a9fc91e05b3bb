"""Tripwires (STYLE 3.7): every card file is imported by training/ops/__init__.py, and every op's
card holds the facts the style promises, or declares why not:

- reference: an independent reference case in tests/reference/;
- grad: a gradient rule, or nondifferentiable=True;
- tflite: a lowering the converter runs on a deployable reference case, or a `no_tflite` reason;
- c_runtime_gaps: exactly the builtins of that lowering the C runtime cannot run yet;
- vjp_of: when declared, a forward op with a CPU kernel and the attribute holding its input's shape.

A missing fact fails naming the op and the field."""
import ast
import pathlib

import pytest
import tensorlite.training.ops as ops_pkg
from tensorlite.training.ops.registry import OPS

import tensorlite as tl
from tests.converter.test_op_lowering import c_runtime_gaps, convert, deployable
from tests.reference import all_cases

NOT_CARDS = {"__init__", "registry", "infer", "common", "lower_util", "fusion"}
CASES, _ = all_cases()


def test_every_card_file_is_listed():
    folder = pathlib.Path(ops_pkg.__file__).parent
    cards = {p.stem for p in folder.glob("*.py")} - NOT_CARDS
    tree = ast.parse((folder / "__init__.py").read_text())
    listed = {a.name for node in tree.body if isinstance(node, ast.ImportFrom) and node.level == 1
              and node.module is None for a in node.names}
    missing = sorted(cards - listed)
    assert not missing, f"card files not imported in training/ops/__init__.py: {missing}"


def test_every_case_names_an_op_of_the_table():
    unknown = sorted({c.op for c in CASES} - set(OPS))
    assert not unknown, f"cases in tests/reference/ for ops not in the table: {unknown}"


def _gradient_facts(op) -> list[str]:
    if op.grad_rule is None and not op.nondifferentiable:
        return ["grad: no @grad rule and not nondifferentiable=True"]
    if op.grad_rule is not None and op.nondifferentiable:
        return ["grad: nondifferentiable=True, yet it has a @grad rule"]
    return []


def _deployment_facts(op) -> list[str]:
    """A training-only op declares why; any other op lowers, and the C runtime runs the lowering
    of every deployable case, except the builtins its card declares as gaps (exactly those)."""
    if op.no_tflite:
        return ["no_tflite: declared, yet it has an @lower rule"] if op.lowering is not None else []
    cases = [c for c in CASES if c.op == op.name and deployable(c)]
    if not cases:
        return ["tflite: no deployable reference case (inputs TFLite takes) and no no_tflite reason"]
    gaps = set()
    for case in cases:
        try:
            data = convert(case)
        except tl.lite.ConversionError as e:
            return [f"tflite: case {case.id} does not lower and there is no no_tflite reason ({e})"]
        gaps |= c_runtime_gaps(data)
    declared = set(op.c_runtime_gaps)
    return ([f"c_runtime_gaps: the C runtime cannot run the lowered {b} (add the kernel or declare the gap)"
             for b in sorted(gaps - declared)] +
            [f"c_runtime_gaps: declares {b}, but the C runtime runs every case (remove it)"
             for b in sorted(declared - gaps)])


def _vjp_facts(op) -> list[str]:
    if op.vjp_of is None:
        return []
    forward, shape_attr = op.vjp_of
    if forward not in OPS or "cpu" not in OPS[forward].kernels:
        return [f"vjp_of: names {forward!r}, which is no op with a cpu kernel"]
    if shape_attr is not None and shape_attr not in op.attrs:
        return [f"vjp_of: {shape_attr!r} is none of its attributes"]
    return []


@pytest.mark.parametrize("name", sorted(OPS))
def test_card_holds_its_facts(name):
    op = OPS[name]
    missing = [] if any(c.op == name for c in CASES) else ["reference: no case in tests/reference/"]
    missing += _gradient_facts(op) + _deployment_facts(op) + _vjp_facts(op)
    assert not missing, f"op {name}: " + "; ".join(missing)
