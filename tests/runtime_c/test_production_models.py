"""Production models (tests/data/production/PROVENANCE.md: MediaPipe's face and hand models from its PyPI wheel)
run in the C runtime, reference and default tiers, equal to LiteRT's reference kernels on seeded inputs: floats
within rtol 1e-4 with an absolute floor of 1e-4 of the output's largest magnitude (measured: at most 2e-6 of it,
1.7e-4 on pose_landmark_full's heatmap), integers bit for bit.
TENSORLITE_MODELS_DIR adds every .tflite there (scripts/fetch_production_models.py fetches the larger ones)."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter, run
from tests.paths import DATA

MODELS = sorted((DATA / "production").glob("*.tflite"))
if os.environ.get("TENSORLITE_MODELS_DIR"):
    MODELS += sorted(Path(os.environ["TENSORLITE_MODELS_DIR"]).glob("*.tflite"))


def _feeds(interpreter):
    rng = np.random.default_rng(0)
    out = []
    for d in interpreter.get_input_details():
        if d["dtype"] == np.float32:
            out.append(rng.random(d["shape"]).astype(np.float32))
        else:
            info = np.iinfo(d["dtype"])
            out.append(rng.integers(info.min, info.max, d["shape"], endpoint=True).astype(d["dtype"]))
    return out


def test_committed_models_are_there():
    assert len([p for p in MODELS if p.parent == DATA / "production"]) >= 4


@pytest.mark.parametrize("path", MODELS, ids=[p.name for p in MODELS])
@pytest.mark.parametrize("resolver", ["BUILTIN_REF", "AUTO"])
def test_matches_litert_reference(path, resolver):
    data = path.read_bytes()
    ref_it = litert_interpreter(data)
    ref_it.allocate_tensors()
    feeds = _feeds(ref_it)
    ref = run(ref_it, feeds)
    ours = run(tl.lite.Interpreter(model_content=data,
                                   experimental_op_resolver_type=getattr(tl.lite.OpResolverType, resolver)), feeds)
    assert len(ours) == len(ref)
    for a, b in zip(ours, ref):
        assert a.shape == b.shape and a.dtype == b.dtype
        if a.dtype.kind == "f":
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4 * float(np.abs(b).max()))
        else:
            np.testing.assert_array_equal(a, b)
