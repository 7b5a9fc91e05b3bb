"""The npm package: `npm pack` in runtimes/wasm makes a tarball holding the JS module, its .d.ts and both .wasm
builds; installed into an empty folder (offline: it has no dependencies) it runs a model from a five-line
script, with the host C runtime's outputs."""
import json
import shutil
import subprocess
import tarfile

import numpy as np

from tests.conftest import skip_or_fail

from .conftest import WASM, node

SCRIPT = """import { loadModel } from 'tensorlite';
const model = await loadModel(process.argv[2]);
const x = Float32Array.from({ length: 8 * 8 }, (_, i) => (i % 9) / 8);
const out = await model.run({ [model.inputs[0].name]: { data: x, shape: [1, 8, 8, 1] } });
console.log(JSON.stringify({ simd: model.simd, outputs: Object.values(out).map((t) => Array.from(t.data)) }));
"""


def test_npm_pack_installs_and_runs_a_model(wasm_dist, tmp_path):
    npm = shutil.which("npm")
    if npm is None:
        skip_or_fail("npm is not installed (it comes with nodejs; bootstrap.sh)")
    r = subprocess.run([npm, "pack", "--pack-destination", str(tmp_path), "--json"], cwd=WASM,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    tarball = tmp_path / json.loads(r.stdout[r.stdout.index("["):])[0]["filename"]
    with tarfile.open(tarball) as tar:
        names = set(tar.getnames())
    for f in ("package/package.json", "package/dist/tensorlite.js", "package/dist/tensorlite.d.ts",
              "package/dist/tensorlite.wasm", "package/dist/tensorlite-simd.wasm"):
        assert f in names, f"{f} missing from {tarball.name}: {sorted(names)}"
    assert not any("node_modules" in n or "/test/" in n for n in names), sorted(names)

    app = tmp_path / "app"
    app.mkdir()
    r = subprocess.run([npm, "install", "--offline", "--no-audit", "--no-fund", str(tarball)], cwd=app,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    (app / "run.mjs").write_text(SCRIPT)
    assert len(SCRIPT.strip().splitlines()) == 5
    model = WASM / "demo" / "digits.tflite"
    r = subprocess.run([node(), "run.mjs", str(model)], cwd=app, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    got = json.loads(r.stdout)

    from tensorlite.runtime import Interpreter
    it = Interpreter(model_path=str(model))
    it.allocate_tensors()
    x = (np.arange(64) % 9 / 8).astype(np.float32).reshape(1, 8, 8, 1)
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    want = it.get_tensor(it.get_output_details()[0]["index"]).ravel()
    np.testing.assert_allclose(np.array(got["outputs"][0], np.float32), want, rtol=1e-4, atol=1e-5)
    assert got["simd"] is True  # Node 18+ has wasm SIMD

