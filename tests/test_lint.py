"""The Python tree is ruff-clean (rules in pyproject.toml)."""
import shutil
import subprocess
import sys

from tests.conftest import skip_or_fail


def test_ruff_clean():
    if shutil.which("ruff") is None:
        skip_or_fail("ruff is not installed (pip install -e '.[dev]')")
    result = subprocess.run([shutil.which("ruff"), "check", "."], capture_output=True, text=True,
                            cwd=__file__.rsplit("/tests/", 1)[0])
    assert result.returncode == 0, result.stdout + result.stderr
    assert sys.version_info >= (3, 10)
