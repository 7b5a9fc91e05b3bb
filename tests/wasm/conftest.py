"""The WebAssembly build for the tests here: runtimes/wasm/build.sh (emcc) once per session, under a file
lock so xdist workers share it (the script itself skips an up-to-date build). A missing emcc or node
skips in a developer's run and fails under TENSORLITE_STRICT=1."""
import fcntl
import pathlib
import shutil
import subprocess

import pytest

from tests.conftest import skip_or_fail
from tests.paths import REPO

WASM = REPO / "runtimes" / "wasm"
DIST = WASM / "dist"


def node() -> str:
    path = shutil.which("node")
    if path is None:
        skip_or_fail("node is not installed (bootstrap.sh installs nodejs)")
    return path


@pytest.fixture(scope="session")
def wasm_dist() -> pathlib.Path:
    """runtimes/wasm/dist with both builds and the JS module, built if stale."""
    node()
    if shutil.which("emcc") is None:
        skip_or_fail("emcc is not installed (bootstrap.sh installs Debian's emscripten)")
    DIST.mkdir(exist_ok=True)
    with open(DIST.parent / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        r = subprocess.run(["bash", str(WASM / "build.sh")], capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, f"build.sh failed:\n{r.stdout[-3000:]}\n{r.stderr[-6000:]}"
    for f in ("tensorlite.js", "tensorlite.d.ts", "tensorlite.wasm", "tensorlite-simd.wasm"):
        assert (DIST / f).is_file(), f"build.sh did not write dist/{f}"
    return DIST
