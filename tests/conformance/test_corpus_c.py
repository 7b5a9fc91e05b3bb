"""Conformance (DESIGN contract 5): every corpus model through tensorlite's C runtime, against
the goldens the real LiteRT interpreter made with its reference kernels (BUILTIN_REF; TFLM's
outputs where LiteRT cannot run a model). Float: rtol 1e-4, atol 1e-5. Integer: within 1 LSB,
and the number of bit-exact outputs is recorded (TENSORLITE_CONFORMANCE_REPORT=path.json writes
the table). One interpreter per model; variable tensors are reset before each sample, so every
sample starts from zero state as the goldens did.

Models using a builtin the runtime has no kernel for must fail loudly (node and op named); the
list is computed from the runtime's own op table (see pending.py); they run here as soon as the kernels exist."""
import json
import os

import numpy as np
import pytest
from tensorlite.runtime import Interpreter

from tests.paths import CORPUS

from .pending import BIT_EXACT, KERNELS_COMPLETE, PERMANENT

MODELS = sorted(str(p.relative_to(CORPUS)) for p in [*CORPUS.glob("*.tflite"), *CORPUS.glob("seanet/*.tflite")])
SUMMARY: dict = {}


def test_corpus_is_present():
    assert len(MODELS) >= 40, f"the corpus at {CORPUS} is incomplete: {len(MODELS)} models"
    assert set(PERMANENT) <= set(MODELS), f"pending.py names models not in the corpus: {set(PERMANENT) - set(MODELS)}"


def _golden(model: str):
    path = CORPUS / (model[:-len(".tflite")] + ".golden.npz")
    if not path.exists():
        return None, None
    g = np.load(path)
    source = "litert" if any(k.startswith("litert_0_") for k in g.keys()) else "tflm"
    return g, source


def _samples(g) -> list[str]:
    return sorted({k.split("_")[1] for k in g.keys() if k.startswith("in_")})


def _compare(model, s, j, got, want, stats):
    assert got.shape == want.shape and got.dtype == want.dtype, \
        f"{model} output {j}: got {got.dtype}{list(got.shape)}, golden {want.dtype}{list(want.shape)}"
    stats["outputs"] += 1
    if np.issubdtype(want.dtype, np.floating):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=f"{model} sample {s} output {j}")
        diff = float(np.max(np.abs(got.astype(np.float64) - want))) if got.size else 0.0
    else:
        diff = float(np.max(np.abs(got.astype(np.int64) - want.astype(np.int64)))) if got.size else 0.0
        assert diff <= 1, f"{model} sample {s} output {j}: off by {diff:g} LSB"
    stats["bit_exact"] += int(np.array_equal(got, want))
    stats["max_abs_diff"] = max(stats["max_abs_diff"], diff)


GAPS: dict = {}


@pytest.mark.parametrize("model", MODELS)
def test_model_matches_golden(model):
    path = str(CORPUS / model)
    if model in PERMANENT:
        with pytest.raises(ValueError, match=r"node \d+ \(CUSTOM "):
            Interpreter(model_path=path).allocate_tensors()
        return
    it = Interpreter(model_path=path)
    missing = it.unsupported_ops()
    if missing:
        with pytest.raises(ValueError, match=r"node \d+ \("):  # the gap is loud: node and op named
            it.allocate_tensors()
        if KERNELS_COMPLETE:
            pytest.fail(f"{model}: C runtime has no kernel for {', '.join(missing)} (pending.py declares the "
                        "kernels complete)")
        # A declared gap, not a pass of the model: what is asserted here is that the runtime refuses
        # it loudly. GAPS goes into the conformance report (TENSORLITE_CONFORMANCE_REPORT).
        GAPS[model] = missing
        return
    g, source = _golden(model)
    assert g is not None, f"{model} has no golden npz"
    it.allocate_tensors()
    outs = it.get_output_details()
    assert len(outs) == len([k for k in g.keys() if k.startswith(f"{source}_0_")])
    stats = {"golden": source, "outputs": 0, "bit_exact": 0, "max_abs_diff": 0.0}
    for s in _samples(g):
        it.reset_all_variables()
        for i, d in enumerate(it.get_input_details()):
            it.set_tensor(d["index"], g[f"in_{s}_{i}"])
        it.invoke()
        for j, d in enumerate(outs):
            _compare(model, s, j, it.get_tensor(d["index"]), g[f"{source}_{s}_{j}"], stats)
    if model in BIT_EXACT:
        assert stats["bit_exact"] == stats["outputs"], f"{model}: {stats}"
    SUMMARY[model] = stats


def teardown_module(module):
    out = os.environ.get("TENSORLITE_CONFORMANCE_REPORT")
    if out and SUMMARY:
        with open(out, "w") as f:
            json.dump({"passed": SUMMARY, "missing_kernels": GAPS}, f, indent=1, sort_keys=True)
