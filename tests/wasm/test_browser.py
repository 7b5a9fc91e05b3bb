"""The WebAssembly build in a real browser: Debian's headless Chromium (/usr/bin/chromium, never a downloaded
one), driven by Playwright for Python, opens the demo page (runtimes/wasm/demo) from a localhost HTTP server.
Corpus models run on their golden inputs on the page's main thread and in a Web Worker and are compared with
the goldens (tests/conformance/test_corpus_c.py's tolerances); the page's own controls load a dropped model
and run it on random input; a digit drawn on the pad is classified as tensorlite's host C runtime classifies
the same 8x8 pixels; a screenshot is taken (TENSORLITE_SCREENSHOT_DIR keeps it)."""
import functools
import http.server
import os
import shutil
import threading

import numpy as np
import pytest

from tests.conftest import skip_or_fail
from tests.paths import CORPUS, REPO

CHROMIUM = "/usr/bin/chromium"
MODELS = ["person_detect.tflite", "hello_world_float.tflite", "keyword_scrambled.tflite", "mnist_lstm_float.tflite",
          "seanet/conv0.tflite"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm"}

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(REPO)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def page(wasm_dist, server):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is not installed (pip install -e '.[test]')")
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"{CHROMIUM} is missing (bootstrap.sh installs Debian's chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        pg = browser.new_page(viewport={"width": 1000, "height": 900})
        errors = []
        pg.on("pageerror", lambda e: errors.append(str(e)))
        pg.goto(f"{server}/runtimes/wasm/demo/index.html")
        pg.wait_for_selector("body[data-ready=true]", timeout=30_000)
        assert not errors, errors
        yield pg
        assert not errors, errors
        browser.close()


def _golden(model):
    g = np.load(CORPUS / (model[:-len(".tflite")] + ".golden.npz"))
    source = "litert" if any(k.startswith("litert_0_") for k in g.keys()) else "tflm"
    samples = sorted({k.split("_")[1] for k in g.keys() if k.startswith("in_")})
    return g, source, samples


def _compare(what, got, want):
    got = np.asarray(got, dtype=want.dtype).reshape(want.shape)
    if np.issubdtype(want.dtype, np.floating):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5, err_msg=what)
    else:
        diff = int(np.max(np.abs(got.astype(np.int64) - want.astype(np.int64)))) if got.size else 0
        assert diff <= 1, f"{what}: off by {diff} LSB"


_RUN = """async ({url, feeds, worker}) => {
  const {tensorlite, timed} = window.demo;
  const bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  const model = await tensorlite.loadModel(bytes);
  const typed = feeds.map((f, i) => new ({float32: Float32Array, int8: Int8Array, int16: Int16Array,
    int32: Int32Array, uint8: Uint8Array})[model.inputs[i].dtype](f));
  const {outputs} = await timed(model, bytes, typed, 1, worker);
  model.dispose();
  return {simd: model.simd, outputs: Object.values(outputs).map((t) => ({shape: t.shape, dtype: t.dtype,
    data: Array.from(t.data)}))};
}"""


@pytest.mark.parametrize("worker", [False, True], ids=["main-thread", "web-worker"])
def test_corpus_models_match_goldens_in_chromium(page, server, worker):
    for model in MODELS:
        g, source, samples = _golden(model)
        for s in samples[:2]:
            n_in = len([k for k in g.keys() if k.startswith(f"in_{s}_")])
            feeds = [g[f"in_{s}_{i}"].ravel().tolist() for i in range(n_in)]
            r = page.evaluate(_RUN, {"url": f"{server}/tests/data/tflm/{model}", "feeds": feeds, "worker": worker})
            assert r["simd"] is True, "Chromium has wasm SIMD: the SIMD build should run"
            outs = [k for k in g.keys() if k.startswith(f"{source}_{s}_")]
            assert len(r["outputs"]) == len(outs), model
            for j, out in enumerate(r["outputs"]):
                want = g[f"{source}_{s}_{j}"]
                assert out["shape"] == list(want.shape) and out["dtype"] == str(want.dtype), (model, out["shape"])
                _compare(f"{model} sample {s} output {j} ({'worker' if worker else 'main thread'})", out["data"], want)


def test_demo_runs_a_dropped_model_on_random_input(page):
    page.set_input_files("#file", str(CORPUS / "person_detect.tflite"))
    page.wait_for_selector("#model-info table")
    info = page.inner_text("#model-info")
    assert "person_detect.tflite" in info and "[1,96,96,1]" in info and "int8" in info
    page.click("#run-random")
    page.wait_for_function("document.getElementById('result').textContent.includes('latency')")
    result = page.inner_text("#result")
    assert "MobilenetV1/Predictions/Reshape_1 int8[1,2]" in result and "median of 10 runs" in result
    page.set_input_files("#file", str(CORPUS / "fuzz" / "malicious.tflite"))  # a bad file: an error, no trap
    page.wait_for_function("document.getElementById('result').textContent.includes('TensorliteError')")


def test_digit_drawn_on_the_pad_is_classified_as_the_c_runtime_does(page, tmp_path):
    from tensorlite.runtime import Interpreter
    box = page.locator("#pad").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.15
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 15):  # a vertical stroke: a "1"
        page.mouse.move(x, y + k * box["height"] * 0.05)
    page.mouse.up()
    page.wait_for_selector("#bars[data-prediction]")
    pixels = np.array(page.evaluate("Array.from(window.demo.padPixels())"), np.float32)
    assert pixels.max() > 0.3 and pixels.min() == 0.0, "the stroke reached the 8x8 input"
    probs = np.array(page.evaluate("""async () => Array.from(Object.values(
        await window.demo.digits.model.run([window.demo.padPixels()]))[0].data)"""), np.float32)
    it = Interpreter(model_path=str(REPO / "runtimes" / "wasm" / "demo" / "digits.tflite"))
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], pixels.reshape(1, 8, 8, 1))
    it.invoke()
    want = it.get_tensor(it.get_output_details()[0]["index"]).ravel()
    np.testing.assert_allclose(probs, want, rtol=1e-4, atol=1e-5)
    assert int(page.get_attribute("#bars", "data-prediction")) == int(np.argmax(want))
    shot = tmp_path / "demo.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    keep = os.environ.get("TENSORLITE_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, os.path.join(keep, "wasm_demo.png"))
