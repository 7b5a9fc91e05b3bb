"""The kernel coverage table (runtimes/c/KERNELS.md, written by scripts/make_kernel_coverage.py) is what the
script generates now, and every (builtin, type) pair it marks `yes` equals LiteRT's reference kernels on each
of tests/runtime_c/op_coverage.py's cases: integers bit for bit, floats within rtol 1e-5 (NaN where LiteRT
has NaN)."""
from __future__ import annotations

import re

import numpy as np
import pytest

from scripts import make_kernel_coverage as coverage
from tests.runtime_c.op_coverage import TYPES, cases
from tests.runtime_c.tflite_graph import run_both


def _table(text: str) -> dict[tuple[str, str], str]:
    cells = {}
    for line in text.splitlines():
        m = re.match(r"^\| ([A-Z0-9_]+) \| (.*) \|$", line)
        if m:
            for dtype, cell in zip(TYPES, m.group(2).split(" | ")):
                cells[(m.group(1), dtype)] = cell.strip()
    return cells


def _committed() -> str:
    doc = coverage.KERNELS_MD.read_text()
    return coverage.BEGIN + doc.split(coverage.BEGIN, 1)[1].split(coverage.END, 1)[0] + coverage.END


def test_table_is_generated():
    committed, generated = _committed(), coverage.generate()
    version = re.search(r"ai-edge-litert (\S+);", committed).group(1)
    if version == coverage._version():
        assert committed == generated, "KERNELS.md's table is out of date: python3 scripts/make_kernel_coverage.py"
    else:  # another LiteRT release may differ in what it runs; what we run must still match the table
        def ours(cells):
            return {k: v in ("yes", "ours only") or v.startswith("no: ") and v for k, v in cells.items()}
        assert ours(_table(committed)) == ours(_table(generated))
        assert re.findall(r"kernels for (\d+)", committed) == re.findall(r"kernels for (\d+)", generated)


def test_readme_counts_are_the_tables():
    readme = coverage.README_COUNTS.search(coverage.README.read_text())
    assert readme, "README.md no longer states the coverage counts"
    assert readme.groups() == coverage.counts(_committed())


SUPPORTED = sorted(k for k, v in _table(_committed()).items() if v == "yes")


@pytest.mark.parametrize("name,dtype", SUPPORTED, ids=[f"{n}-{t}" for n, t in SUPPORTED])
def test_pair_matches_litert(name, dtype):
    found = cases(name, dtype)
    assert found
    for model, feeds in found:
        ours, ref = run_both(model, feeds)
        assert len(ours) == len(ref)
        for a, b in zip(ours, ref):
            assert a.shape == b.shape and a.dtype == b.dtype
            if a.dtype.kind == "f":
                np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, equal_nan=True)
            else:
                np.testing.assert_array_equal(a, b)


def test_reverse_v2_non_contiguous_axes():
    """LiteRT's REVERSE_V2 refuses axes with a gap ([0, 2]); ours reverses them, as NumPy's flip."""
    import tensorlite as tl
    from tests.litert import run
    from tests.runtime_c.tflite_graph import one_op
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    model = one_op("REVERSE_V2", [([2, 3, 4], "float32"), None], [([2, 3, 4], "float32")],
                   consts={1: np.array([0, 2], np.int32)})
    np.testing.assert_array_equal(run(tl.lite.Interpreter(model_content=model), [x])[0], np.flip(x, (0, 2)))


@pytest.mark.parametrize("bad", [-1, 4])
def test_gather_nd_index_out_of_bounds_fails_invoke(bad):
    """LiteRT fails the invoke on an index outside params; so does ours, naming it (no read outside)."""
    import tensorlite as tl
    from tests.runtime_c.tflite_graph import one_op
    model = one_op("GATHER_ND", [([4, 3], "float32"), ([2, 1], "int32")], [([2, 3], "float32")])
    it = tl.lite.Interpreter(model_content=model)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], np.ones((4, 3), np.float32))
    it.set_tensor(it.get_input_details()[1]["index"], np.array([[0], [bad]], np.int32))
    with pytest.raises((RuntimeError, ValueError), match="out of bounds"):
        it.invoke()
