"""ASan + UBSan: the C tests (the FlexBuffer reader on ~225k hostile custom-options blobs), every
corpus model, and tens of thousands of hostile mutations (truncation at every byte, bit flips,
random 32-bit overwrites) return a status, never crash.
The mutated models include control flow ones (WHILE, IF, several subgraphs; from
test_control_flow.py), whose mutations hit subgraph indices, loop conditions and nesting, and models with
sparse weights (tests/data/sparse), run as they are, mutated, and with their sparsity metadata spoiled
field by field (test_sparse.spoiled_sparse_models). The coverage table's single-op cases (op_coverage.py,
two per (builtin, type) pair, ~800 models) run in both tiers."""
import subprocess

import numpy as np

from .cbuild import CORPUS, make
from .test_control_flow import MODELS as CONTROL_FLOW_MODELS
from .test_sparse import SPARSE, spoiled_sparse_models

MUTATED = ["hello_world_int8.tflite", "magic_wand.tflite", "add_model_quant8.tflite", "hello_world_float.tflite",
           "audio_preprocessor_int8.tflite"]  # the last: CUSTOM ops, FlexBuffer options


def _run(args):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600)


def test_sanitized_runtime_on_corpus_and_mutations(tmp_path):
    out = make(tmp_path, mode="sanitize")
    for test in ("test_planner", "test_flexbuffer"):  # test_flexbuffer: ~225k hostile FlexBuffer blobs
        r = _run([out / "tests" / test])
        assert r.returncode == 0, r.stdout + r.stderr

    for model in sorted(CORPUS.glob("*.tflite")) + sorted(CORPUS.glob("seanet/*.tflite")):
        r = _run([out / "tl_run", model])
        assert r.returncode in (0, 1), f"{model.name}: exit {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
        assert "runtime error" not in r.stderr and "Sanitizer" not in r.stderr, r.stderr[-3000:]
        if r.returncode == 1:
            assert r.stdout.startswith("error "), r.stdout  # a clear status and message

    sparse = sorted(SPARSE.glob("*.tflite"))
    assert len(sparse) >= 10
    for k, data in enumerate(spoiled_sparse_models(200)):
        sparse.append(tmp_path / f"spoiled_sparse_{k}.tflite")
        sparse[-1].write_bytes(data)
    for model in sparse:
        r = _run([out / "tl_run", model])
        assert r.returncode in (0, 1), f"{model.name}: exit {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
        assert "runtime error" not in r.stderr and "Sanitizer" not in r.stderr, r.stderr[-3000:]

    # tensors shaped by values read by other ops (re-prepared at invoke, src/dynamic.c): lengths 0, some and all
    from .test_value_shaped import TF_VALUE_SHAPED, _chain, _rows_matmul
    (tmp_path / "value_shaped_chain.tflite").write_bytes(_chain(8))
    (tmp_path / "value_shaped_hybrid_fc.tflite").write_bytes(_rows_matmul(True))
    value_shaped = {TF_VALUE_SHAPED / "where_gather_nd.tflite": ("float32", 12),
                    TF_VALUE_SHAPED / "unique_size.tflite": ("int32", 8),
                    tmp_path / "value_shaped_chain.tflite": ("float32", 8),
                    tmp_path / "value_shaped_hybrid_fc.tflite": ("float32", 24)}
    for model, (dtype, n) in value_shaped.items():
        for k, values in enumerate((np.zeros(n), np.ones(n), np.arange(n) % 3 - 1.0)):
            feed = tmp_path / f"{model.stem}_{k}.bin"
            feed.write_bytes(values.astype(dtype).tobytes())
            for tier in ([], ["reference"]):
                r = _run([out / "tl_run", model, "4096", "2", *tier, f"input={feed}"])
                assert r.returncode == 0, f"{model.name}: exit {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
                assert "runtime error" not in r.stderr and "Sanitizer" not in r.stderr, r.stderr[-3000:]

    # the first two cases of each of the coverage table's (builtin, type) pairs (op_coverage.py), both tiers, and
    # every case of the recurrent builtins (each variant of their cells is its own code path: float32, hybrid,
    # integer, CIFG, peephole, projection, layer norm, auxiliary inputs; ~100 small models, a few seconds)
    # a pair the runtime lacks is refused (exit 1) by both tiers alike; the rest must run in both
    from .op_cases_recurrent import CASES as RECURRENT
    from .op_coverage import TYPES, cases, probed
    ran = 0
    for name in probed():
        for dtype in TYPES:
            for k, (model, _) in enumerate(cases(name, dtype)[:None if name in RECURRENT else 2]):
                path = tmp_path / f"case_{name}_{dtype}_{k}.tflite"
                path.write_bytes(model)
                codes = []
                for args in (["4096", "1"], ["4096", "1", "reference"]):  # options follow ARENA_KB and RUNS
                    r = _run([out / "tl_run", path, *args])
                    assert r.returncode in (0, 1), f"{path.name}: exit {r.returncode}\n{r.stderr[-2000:]}"
                    assert "runtime error" not in r.stderr and "Sanitizer" not in r.stderr, r.stderr[-3000:]
                    codes.append(r.returncode)
                assert codes[0] == codes[1], f"{path.name}: optimized tier exit {codes[0]}, reference {codes[1]}"
                ran += codes[0] == 0
    assert ran >= 500, f"only {ran} coverage cases ran"

    seeds = sorted((CORPUS / "fuzz").glob("*.tflite"))
    seeds += [SPARSE / f"{m}.tflite" for m in ("mlp_block4x1_float", "mlp_int8")]
    assert len(seeds) >= 11
    control_flow = []
    for name, build in sorted(CONTROL_FLOW_MODELS.items()):
        control_flow.append(tmp_path / f"{name}.tflite")
        control_flow[-1].write_bytes(build())
    r = _run([out / "fuzz_model_loader", *[CORPUS / m for m in MUTATED], *seeds, *control_flow])
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    assert "no crash" in r.stdout
    runs = int(r.stdout.split("fuzz: ")[1].split()[0])
    assert runs > 30000
