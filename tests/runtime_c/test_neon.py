"""The C runtime on AArch64: `make aarch64` cross-builds the library, its C tests and tl_run with Debian's
aarch64-linux-gnu-gcc (runtimes/c/build/aarch64-linux-gnu-gcc-release) and QEMU user mode runs them.

- The C tests pass under qemu-aarch64's default CPU ("max", which has the dot-product extension: the portable,
  NEON and NEON+SDOT tiers run) and as a Cortex-A53 (no dot product: portable and NEON; the SDOT tier must
  report itself not run, so detection really reads the CPU's capabilities).
- Every corpus model (tests/data/tflm, its seanet cases, and tests/data/tf_converted) runs in tl_run with the
  reference kernels, the portable tier (cpu=0), NEON (cpu=4) and NEON with SDOT (cpu=12), on the golden inputs
  where the corpus has them: integer outputs equal the reference's, floats within 1e-5 relative.
- On a Cortex-A53 the default (all detected features) picks NEON without SDOT, and gives the reference's
  outputs: an SDOT chosen there would stop the program (illegal instruction).
- Built with ASan + UBSan (make aarch64 MODE=sanitize), the kernel C tests and every corpus model in the
  detected tier run clean under QEMU (LeakSanitizer does not run under QEMU: ASAN_OPTIONS=detect_leaks=0)."""
import fcntl
import os
import shutil
import subprocess

import numpy as np
import pytest
from tensorlite.converter.reader import read

from tests.conftest import skip_or_fail
from tests.paths import CORPUS, REPO, TF_CONVERTED

RUNTIME = REPO / "runtimes" / "c"
SYSROOT = "/usr/aarch64-linux-gnu"
C_TESTS = sorted(p.stem for p in (RUNTIME / "tests").glob("test_*.c"))
KERNEL_TESTS = ("test_depthwise", "test_gemm_f32", "test_gemm_s8")   # the ones with per-tier kernels
TIERS = {"reference": ["reference"], "portable": ["cpu=0"], "neon": ["cpu=4"], "neon_dot": ["cpu=12"]}
MODELS = sorted(p for p in [*CORPUS.glob("*.tflite"), *CORPUS.glob("seanet/*.tflite"), *TF_CONVERTED.glob("*.tflite")]
                if p.stem != "person_detect_vela")   # an Ethos-U command stream: no kernel on any CPU


def _qemu(cpu="max"):
    return ["qemu-aarch64", "-L", SYSROOT, "-cpu", cpu]


def _make(mode):
    missing = [t for t in ("aarch64-linux-gnu-gcc", "qemu-aarch64", "make") if shutil.which(t) is None]
    if not os.path.isdir(os.path.join(SYSROOT, "lib")):
        missing.append("libc6-dev-arm64-cross")
    if missing:
        skip_or_fail(f"{', '.join(missing)} not found: bash bootstrap.sh installs gcc-aarch64-linux-gnu, "
                     "libc6-dev-arm64-cross and qemu-user")
    (RUNTIME / "build").mkdir(exist_ok=True)
    with open(RUNTIME / "build" / ".aarch64.lock", "w") as lock:   # one make at a time (pytest -n)
        fcntl.flock(lock, fcntl.LOCK_EX)
        r = subprocess.run(["make", "-s", "-j2", "aarch64", f"MODE={mode}"], cwd=RUNTIME, capture_output=True,
                           text=True, timeout=1800)
    assert r.returncode == 0, f"make aarch64 MODE={mode} failed:\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}"
    assert "warning" not in r.stderr.lower(), r.stderr
    return RUNTIME / "build" / f"aarch64-linux-gnu-gcc-{mode}"


@pytest.fixture(scope="module")
def build():
    return _make("release")


@pytest.fixture(scope="module")
def sanitized():
    return _make("sanitize")


@pytest.mark.parametrize("name", C_TESTS)
def test_c_test_under_qemu(build, name):
    r = subprocess.run([*_qemu(), str(build / "tests" / name)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    if name in KERNEL_TESTS:
        assert "neon not run" not in r.stdout
        assert "neon_dot not run" not in r.stdout or name == "test_depthwise", r.stdout


@pytest.mark.parametrize("name", KERNEL_TESTS)
def test_c_test_without_dot_product(build, name):
    r = subprocess.run([*_qemu("cortex-a53"), str(build / "tests" / name)], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    assert "neon not run" not in r.stdout
    if name != "test_depthwise":
        assert "neon_dot not run (the CPU lacks it)" in r.stdout


def _inputs(path, graph):
    golden = path.with_name(path.stem + ".golden.npz")
    if golden.exists():   # the corpus's own inputs (some inputs are shapes a random draw would break)
        g = np.load(golden)
        keys = sorted((k for k in g.files if k.startswith("in_0_")), key=lambda k: int(k[5:]))
        return [g[k] for k in keys]
    rng = np.random.default_rng(1)
    out = []
    for i in graph.inputs:
        t = graph.tensors[i]
        dt = np.dtype(t.dtype)
        if dt.kind in "iu":
            info = np.iinfo(dt)
            out.append(rng.integers(max(info.min, -1000), min(info.max, 1000), t.shape, endpoint=True).astype(dt))
        elif dt.kind == "b":
            out.append(rng.integers(0, 2, t.shape).astype(dt))
        else:
            out.append(rng.uniform(-1, 1, t.shape).astype(dt))
    return out


def _tl_run(build, model, input_file, options, cpu="max"):
    """Output bytes per output, or the runtime's error line."""
    r = subprocess.run([*_qemu(cpu), str(build / "tl_run"), str(model), "65536", "0", f"input={input_file}", *options],
                       capture_output=True, text=True, timeout=600,
                       env={**os.environ, "ASAN_OPTIONS": "detect_leaks=0"})
    assert "runtime error" not in r.stderr and "Sanitizer" not in r.stderr, r.stderr[-4000:]
    lines = r.stdout.splitlines()
    if r.returncode == 1 and lines and lines[0].startswith("error"):
        return lines[0]
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    return [bytes.fromhex(line.split(":", 1)[1]) for line in lines if line.startswith("output ")]


def _compare(got, want, dtypes, tier):
    if isinstance(want, str):
        assert got == want, tier
        return
    assert len(got) == len(want), tier
    for g, w, dt in zip(got, want, dtypes):
        g, w = np.frombuffer(g, dt), np.frombuffer(w, dt)
        if dt.kind in "biu":
            np.testing.assert_array_equal(g, w, err_msg=tier)
        else:
            scale = max(1.0, float(np.max(np.abs(w[np.isfinite(w)])))) if np.isfinite(w).any() else 1.0
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5 * scale, err_msg=tier)


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_model_in_every_tier_under_qemu(build, path, tmp_path):
    graph = read(path.read_bytes(), str(path)).subgraphs[0]
    feed = tmp_path / "input.bin"
    feed.write_bytes(b"".join(np.ascontiguousarray(x).tobytes() for x in _inputs(path, graph)))
    dtypes = [np.dtype(graph.tensors[i].dtype) for i in graph.outputs]
    want = _tl_run(build, path, feed, TIERS["reference"])
    for tier in ("portable", "neon", "neon_dot"):
        _compare(_tl_run(build, path, feed, TIERS[tier]), want, dtypes, tier)


@pytest.mark.parametrize("stem", ["person_detect", "keyword_scrambled_8bit", "magic_wand"])
def test_detected_tier_on_a_cpu_without_dot_product(build, stem, tmp_path):
    path = CORPUS / f"{stem}.tflite"
    graph = read(path.read_bytes(), str(path)).subgraphs[0]
    feed = tmp_path / "input.bin"
    feed.write_bytes(b"".join(np.ascontiguousarray(x).tobytes() for x in _inputs(path, graph)))
    dtypes = [np.dtype(graph.tensors[i].dtype) for i in graph.outputs]
    want = _tl_run(build, path, feed, TIERS["reference"], cpu="cortex-a53")
    _compare(_tl_run(build, path, feed, [], cpu="cortex-a53"), want, dtypes, "detected (cortex-a53)")
    _compare(_tl_run(build, path, feed, [], cpu="max"), want, dtypes, "detected (max)")


@pytest.mark.parametrize("name", KERNEL_TESTS)
def test_kernel_c_test_sanitized(sanitized, name):
    r = subprocess.run([*_qemu(), str(sanitized / "tests" / name)], capture_output=True, text=True, timeout=600,
                       env={**os.environ, "ASAN_OPTIONS": "detect_leaks=0"})
    assert r.returncode == 0 and "Sanitizer" not in r.stderr and "runtime error" not in r.stderr, \
        r.stdout[-2000:] + r.stderr[-4000:]


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_model_sanitized(sanitized, path, tmp_path):
    graph = read(path.read_bytes(), str(path)).subgraphs[0]
    feed = tmp_path / "input.bin"
    feed.write_bytes(b"".join(np.ascontiguousarray(x).tobytes() for x in _inputs(path, graph)))
    assert not isinstance(_tl_run(sanitized, path, feed, []), str)
