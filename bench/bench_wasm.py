"""tensorlite's WebAssembly build (runtimes/wasm) against the web runtimes people use, one thread each, on the
same MobileNetV2 224 float32 in both formats:

- in Node: onnxruntime-web's wasm backend on the .onnx (bench/wasm/node_bench.mjs);
- in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright): LiteRT.js (@litertjs/core, its
  'wasm' CPU accelerator, XNNPACK) on the same .tflite and onnxruntime-web again (bench/wasm/bench.html);
- the gzipped bytes (gzip -9) of the JS + wasm each one makes a SIMD browser download.

The anchors are npm packages pinned in bench/wasm/package.json, never needed by the tests:

    npm install --prefix bench/wasm
    /work/tfenv/bin/python scripts/make_bench_models.py OUT_DIR     # .tflite; with tf2onnx also the .onnx
    python3 bench/bench_wasm.py --tflite OUT_DIR/mobilenet_v2_224_float32.tflite \\
        --onnx OUT_DIR/mobilenet_v2_224_float32.onnx [--runs 20]

Times are the median (and min) of --runs invokes after 3 warm-up runs, wall clock, the engines taking turns
run by run (a change in load hits them alike); on a loaded machine
rerun and compare ratios from the same run.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import pathlib
import struct
import subprocess
import sys
import tempfile
import threading
import urllib.parse

REPO = pathlib.Path(__file__).resolve().parents[1]
WASM = REPO / "runtimes" / "wasm"
BENCH = REPO / "bench" / "wasm"
MODULES = BENCH / "node_modules"
CHROMIUM = "/usr/bin/chromium"

# What each engine's page downloads in a browser with wasm SIMD (one thread).
BUNDLES = {
    "tensorlite": [WASM / "dist" / "tensorlite.js", WASM / "dist" / "tensorlite-simd.wasm"],
    "LiteRT.js": [MODULES / "@litertjs/core/dist/index.js", MODULES / "@litertjs/wasm-utils/dist/index.js",
                  MODULES / "@litertjs/core/wasm/litert_wasm_internal.js",
                  MODULES / "@litertjs/core/wasm/litert_wasm_internal.wasm"],
    "onnxruntime-web": [MODULES / "onnxruntime-web/dist/ort.wasm.min.mjs",
                        MODULES / "onnxruntime-web/dist/ort-wasm-simd-threaded.mjs",
                        MODULES / "onnxruntime-web/dist/ort-wasm-simd-threaded.wasm"],
}


def gzipped_bytes(files) -> int:
    return sum(len(gzip.compress(pathlib.Path(f).read_bytes(), 9)) for f in files)


def package_version(name: str) -> str:
    return json.loads((MODULES / name / "package.json").read_text())["version"]


def run_node(tflite: str, onnx: str, runs: int) -> dict:
    r = subprocess.run(["node", "node_bench.mjs", tflite, onnx, str(runs)], cwd=BENCH, capture_output=True,
                       text=True, timeout=1200)
    if r.returncode != 0:
        raise SystemExit(f"node_bench.mjs failed:\n{r.stderr[-3000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def static_batch(tflite: str, out: pathlib.Path) -> pathlib.Path:
    """A copy whose input shape_signature [-1, 224, 224, 3] reads [1, 224, 224, 3]: LiteRT.js refuses a
    [1, ...] tensor for a dynamic batch and has no resize call. Tensor shapes (and so the work) are unchanged."""
    data = pathlib.Path(tflite).read_bytes()
    sig = struct.pack("<5i", 4, -1, 224, 224, 3)
    if data.count(sig) == 0:
        return pathlib.Path(tflite)
    out.write_bytes(data.replace(sig, struct.pack("<5i", 4, 1, 224, 224, 3)))
    return out


def run_chromium(tflite: str, onnx: str, runs: int) -> dict:
    from playwright.sync_api import sync_playwright
    tmp = tempfile.TemporaryDirectory()
    models = {"model.tflite": static_batch(tflite, pathlib.Path(tmp.name) / "model.tflite"),
              "model.onnx": pathlib.Path(onnx)}

    class Handler(http.server.SimpleHTTPRequestHandler):
        extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                          ".mjs": "text/javascript", ".wasm": "application/wasm"}

        def translate_path(self, path):
            name = urllib.parse.urlparse(path).path.rsplit("/", 1)[-1]
            if path.startswith("/models/") and name in models:
                return str(models[name])
            return super().translate_path(path)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(REPO)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
            page = browser.new_page()
            port = httpd.server_address[1]
            page.goto(f"http://127.0.0.1:{port}/bench/wasm/bench.html?tflite=/models/model.tflite"
                      f"&onnx=/models/model.onnx&runs={runs}")
            page.wait_for_function("window.results !== undefined", timeout=1_200_000)
            results = page.evaluate("window.results")
            browser.close()
    finally:
        httpd.shutdown()
        tmp.cleanup()
    if "error" in results:
        raise SystemExit(f"bench.html failed: {results['error']}")
    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tflite", required=True, help="MobileNetV2 224 float32 .tflite (scripts/make_bench_models.py)")
    ap.add_argument("--onnx", required=True, help="the same model as .onnx (make_bench_models.py with tf2onnx)")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args(argv)
    if not MODULES.is_dir():
        raise SystemExit("the anchors are not installed: npm install --prefix bench/wasm")
    subprocess.run(["bash", str(WASM / "build.sh")], check=True, stdout=subprocess.DEVNULL)

    node = run_node(args.tflite, args.onnx, args.runs)
    web = run_chromium(args.tflite, args.onnx, args.runs)
    sizes = {name: gzipped_bytes(files) for name, files in BUNDLES.items()}
    versions = {"LiteRT.js": package_version("@litertjs/core"), "onnxruntime-web": package_version("onnxruntime-web")}
    ours_node, ours_web = node["tensorlite"]["median"], web["tensorlite"]["median"]
    rows = [
        ("tensorlite", "node", node["tensorlite"], sizes["tensorlite"], ours_node),
        ("onnxruntime-web (.onnx)", "node", node["onnxruntime_web"], sizes["onnxruntime-web"], ours_node),
        ("tensorlite", "chromium", web["tensorlite"], sizes["tensorlite"], ours_web),
        ("LiteRT.js", "chromium", web["litert_js"], sizes["LiteRT.js"], ours_web),
        ("onnxruntime-web (.onnx)", "chromium", web["onnxruntime_web"], sizes["onnxruntime-web"], ours_web),
    ]
    print(f"MobileNetV2 224 float32, one thread, median / min of {args.runs} runs (ms); gzip -9 bytes of JS + wasm")
    print(f"{'engine':<26}{'where':<10}{'median':>9}{'min':>9}{'vs ours':>9}{'gz bytes':>12}{'vs ours':>9}")
    for name, where, t, size, ours in rows:
        print(f"{name:<26}{where:<10}{t['median']:>9.1f}{t['min']:>9.1f}{t['median'] / ours:>8.2f}x"
              f"{size:>12,}{size / sizes['tensorlite']:>8.1f}x")
    print(f"versions: {versions}; outputs vs ours, max abs diff: onnxruntime-web (node) {node['max_abs_diff']:.2g}, "
          f"LiteRT.js {web['litert_js']['max_abs_diff']:.2g}, onnxruntime-web (chromium) "
          f"{web['onnxruntime_web']['max_abs_diff']:.2g}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"node": node, "chromium": web, "gzip_bytes": sizes,
                                                       "versions": versions}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
