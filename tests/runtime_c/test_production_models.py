"""Production models (tests/data/production/PROVENANCE.md: MediaPipe's face and hand models from its PyPI wheel)
run in the C runtime equal to LiteRT's reference kernels on seeded inputs: floats within rtol 1e-4 with an
absolute floor of 1e-4 of the output's largest magnitude, integers bit for bit. The reference tier measured
bit-identical on 9 of the 11 MediaPipe models (hand_landmark full/lite: 3e-5 on outputs up to ~100); the
default (optimized) tier may also differ by as much as LiteRT's own default kernels differ from its reference
ones on that output (pose_landmark_full's 256x256 heatmap: ours 0.23, LiteRT's XNNPACK 0.35, of values up to
1366). TENSORLITE_MODELS_DIR adds every .tflite there (scripts/fetch_production_models.py fetches the larger
ones)."""
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
    # the optimized tier may differ as much as LiteRT's own optimized kernels differ from its reference ones
    spread = run(litert_interpreter(data, reference=False), feeds) if resolver == "AUTO" else ref
    assert len(ours) == len(ref)
    for a, b, c in zip(ours, ref, spread):
        assert a.shape == b.shape and a.dtype == b.dtype
        if a.dtype.kind == "f":
            atol = max(1e-4 * float(np.abs(b).max()), float(np.abs(c - b).max()))
            np.testing.assert_allclose(a, b, rtol=1e-4, atol=atol)
        else:
            np.testing.assert_array_equal(a, b)
