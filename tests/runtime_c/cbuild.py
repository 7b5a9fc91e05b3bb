"""Builds runtimes/c with make into a per-test folder (tests may run in parallel)."""
import pathlib
import shutil
import subprocess

from tests.conftest import skip_or_fail
from tests.paths import CORPUS, REPO  # noqa: F401  (CORPUS is re-exported for the runtime tests)

RUNTIME = REPO / "runtimes" / "c"


def make(build_dir, *args, cc="gcc", mode="release", target="all"):
    """Runs make; returns the build folder. A missing compiler fails under TENSORLITE_STRICT=1."""
    if shutil.which(cc) is None:
        skip_or_fail(f"{cc} is not installed (bash bootstrap.sh installs it)")
    if shutil.which("make") is None:
        skip_or_fail("make is not installed (bash bootstrap.sh installs it)")
    out = pathlib.Path(build_dir) / f"{cc}-{mode}"
    result = subprocess.run(["make", "-s", "-j2", "-C", str(RUNTIME), f"CC={cc}", f"MODE={mode}", f"BUILD={out}",
                             target, *args], capture_output=True, text=True)
    assert result.returncode == 0, f"make {target} with {cc} ({mode}) failed:\n{result.stdout}\n{result.stderr}"
    assert "warning" not in result.stderr.lower(), result.stderr
    return out
