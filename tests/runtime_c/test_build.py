"""The C runtime builds warning-free with -std=c99 -Wall -Wextra -Werror -pedantic under gcc and
clang, and its C tests pass: the planner's, and the int8 GEMM's in every tier this CPU runs (test_gemm_s8, each
output byte against the reference arithmetic) with its single-rounding requantization (test_requant_x86: millions
of accumulators, multipliers and shifts against quant_math.h, with AVX-512 and AVX2 where the CPU has them)."""
import subprocess

import pytest

from .cbuild import make


@pytest.mark.parametrize("cc", ["gcc", "clang"])
def test_builds_warning_free_and_c_tests_pass(tmp_path, cc):
    out = make(tmp_path, cc=cc)
    result = subprocess.run([str(out / "tests" / "test_planner")], capture_output=True, text=True)
    assert result.returncode == 0 and "planner: ok" in result.stdout, result.stdout + result.stderr
    for test, done in (("test_gemm_s8", " cases wrong"), ("test_requant_x86", "requant_x86")):
        result = subprocess.run([str(out / "tests" / test)], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0 and done in result.stdout, result.stdout + result.stderr
