"""`node --test` over runtimes/wasm/test: the conformance corpus through the WebAssembly build (SIMD and
plain) against the goldens, with the tolerances of tests/conformance/test_corpus_c.py, the optimized
tier against the reference kernels inside wasm (integers bit for bit), and the JS API's behaviour and
errors (hostile files never trap)."""
import subprocess

from .conftest import WASM, node


def test_node_suite(wasm_dist):
    tests = sorted(str(p) for p in (WASM / "test").glob("*.test.mjs"))
    assert len(tests) >= 2
    r = subprocess.run([node(), "--test", *tests], capture_output=True, text=True, timeout=600, cwd=WASM)
    summary = [line for line in r.stdout.splitlines() if line.startswith(("# pass", "# fail", "not ok"))]
    assert r.returncode == 0, "\n".join(summary) + "\n" + r.stdout[-8000:] + r.stderr[-3000:]
    assert "# fail 0" in r.stdout and "# pass " in r.stdout
    passed = int(next(line for line in summary if line.startswith("# pass")).split()[-1])
    assert passed >= 80, f"only {passed} node tests ran"
