"""The C runtime builds warning-free with -std=c99 -Wall -Wextra -Werror -pedantic under gcc and
clang, and its C tests pass."""
import subprocess

import pytest

from .cbuild import make


@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_builds_warning_free_and_c_tests_pass(tmp_path, cc):
    out = make(tmp_path, cc=cc)
    result = subprocess.run([str(out / "tests" / "test_planner")], capture_output=True, text=True)
    assert result.returncode == 0 and "planner: ok" in result.stdout, result.stdout + result.stderr
