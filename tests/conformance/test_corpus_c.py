"""Conformance (DESIGN contract 5): every corpus model through tensorlite's C runtime, against
the goldens the real LiteRT interpreter made (reference kernels; TFLM's outputs where LiteRT
cannot run a model). Float: rtol 1e-4, atol 1e-5. Integer: within 1 LSB, and the number of
bit-exact outputs is reported. Every sample runs on a fresh interpreter (state starts at zero),
as the goldens were made."""
import json
import os
import pathlib

import numpy as np
import pytest

from tensorlite.lite import Interpreter
from tests.conftest import skip_or_fail

from .pending import PENDING, PERMANENT

CORPUS = pathlib.Path(__file__).resolve().parents[3] / "shared" / "models" / "tflm"
MODELS = sorted(str(p.relative_to(CORPUS)) for p in [*CORPUS.glob("*.tflite"), *CORPUS.glob("seanet/*.tflite")])
SUMMARY: dict = {}


def test_corpus_is_present():
    if not MODELS:
        skip_or_fail(f"the model corpus is missing: expected {CORPUS} (shared/ beside the checkout)")
    listed = set(PENDING) | set(PERMANENT)
    assert listed <= set(MODELS), f"pending.py names models not in the corpus: {sorted(listed - set(MODELS))}"


def _golden(model: str):
    path = CORPUS / (model[:-len(".tflite")] + ".golden.npz")
    if not path.exists():
        return None, None
    g = np.load(path)
    keys = list(g.keys())
    source = "litert" if any(k.startswith("litert_0_") for k in keys) else "tflm"
    return g, source


def _samples(g) -> list[str]:
    return sorted({k.split("_")[1] for k in g.keys() if k.startswith("in_")})


@pytest.mark.parametrize("model", MODELS)
def test_model_matches_golden(model):
    path = str(CORPUS / model)
    if model in PERMANENT or model in PENDING:
        with pytest.raises(ValueError, match=r"node \d+ \("):
            it = Interpreter(model_path=path)
            it.allocate_tensors()
        return
    g, source = _golden(model)
    assert g is not None, f"{model} has no golden npz"
    n_out = len([k for k in g.keys() if k.startswith(f"{source}_0_")])
    exact = total = 0
    worst = 0.0
    for s in _samples(g):
        it = Interpreter(model_path=path)  # fresh state per sample
        it.allocate_tensors()
        for i, d in enumerate(it.get_input_details()):
            it.set_tensor(d["index"], g[f"in_{s}_{i}"])
        it.invoke()
        outs = it.get_output_details()
        assert len(outs) == n_out
        for j, d in enumerate(outs):
            got, want = it.get_tensor(d["index"]), g[f"{source}_{s}_{j}"]
            assert got.shape == want.shape and got.dtype == want.dtype, f"{model} output {j}"
            total += 1
            if np.issubdtype(want.dtype, np.floating):
                np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=f"{model} sample {s} output {j}")
                exact += int(np.array_equal(got, want))
                worst = max(worst, float(np.max(np.abs(got.astype(np.float64) - want))) if got.size else 0.0)
            else:
                diff = np.abs(got.astype(np.int64) - want.astype(np.int64))
                assert diff.max() <= 1, f"{model} sample {s} output {j}: off by {diff.max()} LSB"
                exact += int(diff.max() == 0)
                worst = max(worst, float(diff.max()))
    SUMMARY[model] = {"golden": source, "outputs": total, "bit_exact": exact, "max_abs_diff": worst}


def test_pending_list_only_shrinks():
    """A listed model that now allocates must leave pending.py (and so be compared)."""
    now_running = []
    for model in PENDING:
        try:
            it = Interpreter(model_path=str(CORPUS / model))
            it.allocate_tensors()
            now_running.append(model)
        except ValueError:
            pass
    assert not now_running, f"these models run now: remove them from tests/conformance/pending.py: {now_running}"


def teardown_module(module):
    out = os.environ.get("TENSORLITE_CONFORMANCE_REPORT")
    if out and SUMMARY:
        with open(out, "w") as f:
            json.dump(SUMMARY, f, indent=1, sort_keys=True)
