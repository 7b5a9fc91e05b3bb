"""libFuzzer on the model loader (runtimes/c/tests/fuzz_model_loader.c, `make fuzz`): a bounded,
seeded run from the corpus seeds under ASan + UBSan must end without a crash, leak or sanitizer
report. The fuzz build is clang-only; the rest of the runtime keeps building with gcc alone."""
import re
import shutil
import subprocess

from tests.conftest import skip_or_fail

from .cbuild import CORPUS, make
from .test_sparse import SPARSE

RUNS = 20000


def _require_libfuzzer(tmp_path):
    """clang links -fsanitize=fuzzer only with its runtime libraries, a separate Debian package."""
    if shutil.which("clang") is None:
        skip_or_fail("clang is not installed (Debian: clang; bash bootstrap.sh installs it)")
    src = tmp_path / "probe.c"
    src.write_text("#include <stddef.h>\n#include <stdint.h>\n"
                   "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\n"
                   "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n")
    r = subprocess.run(["clang", "-fsanitize=fuzzer,address,undefined", str(src), "-o", str(tmp_path / "probe")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        major = subprocess.run(["clang", "-dumpversion"], capture_output=True, text=True).stdout.split(".")[0]
        skip_or_fail(f"clang cannot link libFuzzer (Debian: libclang-rt-{major}-dev, or libclang-rt-dev; "
                     f"bash bootstrap.sh installs it): {r.stderr.strip()[-300:]}")


def test_libfuzzer_model_loader_bounded_run(tmp_path):
    _require_libfuzzer(tmp_path)
    out = make(tmp_path, cc="clang", mode="fuzz", target="fuzz")
    fuzzer = out / "fuzz_model_loader_libfuzzer"
    assert fuzzer.exists()

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    hostile = sorted((CORPUS / "fuzz").glob("*.tflite"))
    models = [p for p in sorted(CORPUS.glob("*.tflite")) + sorted(CORPUS.glob("seanet/*.tflite"))
              + sorted(SPARSE.glob("*.tflite"))  # sparsity metadata (tests/data/sparse)
              if p.stat().st_size < 64 * 1024]  # bigger models make each input too slow
    assert len(hostile) >= 9 and len(models) >= 20, f"corpus seeds missing under {CORPUS}"
    for p in hostile + models:
        shutil.copy(p, seeds / f"{p.parent.name}_{p.name}")
    crashes = tmp_path / "crashes"
    crashes.mkdir()

    # No RSS limit: libFuzzer reads its peak RSS with getrusage, and Linux carries the forking process's peak into
    # the child, so under a pytest worker that has grown past 2 GB every run "ran out of memory" on its first
    # (empty) input. The runtime never allocates; one allocation over 2 GB still fails (-malloc_limit_mb).
    r = subprocess.run([str(fuzzer), f"-runs={RUNS}", "-max_total_time=240", "-seed=1", "-max_len=65536",
                        "-timeout=60", "-rss_limit_mb=0", "-malloc_limit_mb=2048", f"-artifact_prefix={crashes}/",
                        str(seeds)],
                       capture_output=True, text=True, timeout=600)
    log = r.stdout + r.stderr
    found = sorted(p.name for p in crashes.iterdir())
    assert r.returncode == 0 and not found, f"libFuzzer found a failing input {found}:\n{log[-4000:]}"
    assert "runtime error" not in log and "Sanitizer" not in log, log[-4000:]
    done = re.search(r"Done (\d+) runs", log)
    assert done and int(done.group(1)) >= RUNS // 10, log[-2000:]  # -max_total_time may stop it early
    assert re.search(r"INITED.*cov: [1-9]", log), log[:2000]  # coverage instrumentation is live
