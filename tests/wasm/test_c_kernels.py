"""The C runtime's kernel tests (runtimes/c/tests/test_gemm_f32.c, test_gemm_s8.c, test_depthwise.c) built by
emcc with -msimd128 and run under node: every tier the build has (portable C and the WebAssembly SIMD128
micro-kernels) against loops written like the reference kernels, over their geometry sweeps (int8 bit for bit,
float within the tests' bounds); and test_requant_wasm.c: the SIMD128 requantization against the scalar one on
2,000,000 inputs."""
import concurrent.futures
import os
import shutil
import subprocess

import pytest

from tests.conftest import skip_or_fail
from tests.paths import REPO

from .conftest import node

C = REPO / "runtimes" / "c"
TESTS = ["test_gemm_f32", "test_gemm_s8", "test_depthwise", "test_requant_wasm"]
FLAGS = ["-std=c99", "-O2", "-msimd128", "-Wall", "-Wextra", "-Werror", f"-I{C / 'include'}", f"-I{C / 'src'}"]


@pytest.fixture(scope="module")
def objects(tmp_path_factory):
    node()
    if shutil.which("emcc") is None:
        skip_or_fail("emcc is not installed (bootstrap.sh installs Debian's emscripten)")
    out = tmp_path_factory.mktemp("wasm-objects")
    sources = sorted(p for d in ("src", "kernels", "kernels/common", "kernels/opt") for p in C.glob(f"{d}/*.c"))
    env = {**os.environ, "NODE_PATH": "/usr/share/nodejs"}

    def compile_one(src):
        obj = out / (str(src.relative_to(C)).replace("/", "_") + ".o")
        r = subprocess.run(["emcc", *FLAGS, "-c", str(src), "-o", str(obj)], capture_output=True, text=True, env=env)
        assert r.returncode == 0, f"{src}: {r.stderr[-3000:]}"
        return obj

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        return list(pool.map(compile_one, sources)), env


@pytest.mark.parametrize("name", TESTS)
def test_c_kernel_test_in_wasm(objects, name, tmp_path):
    objs, env = objects
    js = tmp_path / f"{name}.js"
    # SINGLE_FILE: the glue then never fetches the .wasm, which emcc 3.1.6's glue would try with Node 20's fetch
    link = ["-sALLOW_MEMORY_GROWTH=1", "-sENVIRONMENT=node", "-sSINGLE_FILE=1", "-o", str(js)]
    r = subprocess.run(["emcc", *FLAGS, str(C / "tests" / f"{name}.c"), *map(str, objs), *link], capture_output=True,
                       text=True, env=env)
    assert r.returncode == 0, r.stderr[-3000:]
    r = subprocess.run([node(), str(js)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "wasm_simd not run" not in r.stdout and "not a WebAssembly SIMD build" not in r.stdout, r.stdout
    assert " 0 of " in r.stdout and "wrong" in r.stdout, r.stdout
