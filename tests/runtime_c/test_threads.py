"""The optimized kernels on a thread pool (runtimes/c/threads), under ThreadSanitizer: tl_run with 3
threads reports no data race on float and int8 convolution models and prints the same output bytes as
one thread; the binding's num_threads is checked in test_optimized_kernels.py."""
import subprocess

import pytest

from tests.paths import TF_CONVERTED

from .cbuild import CORPUS, make

MODELS = [CORPUS / "person_detect.tflite", CORPUS / "magic_wand.tflite", TF_CONVERTED / "ds_cnn_float.tflite",
          TF_CONVERTED / "mobilenet_v2_035_96_float16.tflite"]


def _outputs(tl_run, model, *args):
    r = subprocess.run([str(tl_run), str(model), "8192", *args], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"{model.name}: exit {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-3000:]}"
    assert "ThreadSanitizer" not in r.stderr, r.stderr[-4000:]
    return [line for line in r.stdout.splitlines() if line.startswith("output ")]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("threads")
    return make(root, mode="tsan", target="tl_run"), make(root, target="tl_run")


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.stem)
def test_three_threads_race_free_and_equal_to_one(builds, model):
    tsan, release = builds
    want = _outputs(release / "tl_run", model)
    assert want
    assert _outputs(tsan / "tl_run", model, "2", "threads=3") == want
    assert _outputs(release / "tl_run", model, "2", "threads=2") == want


def test_bad_thread_count_refused(builds):
    r = subprocess.run([str(builds[1] / "tl_run"), str(MODELS[0]), "8192", "1", "threads=0"], capture_output=True,
                       text=True)
    assert r.returncode == 2 and "unknown option threads=0" in r.stderr
