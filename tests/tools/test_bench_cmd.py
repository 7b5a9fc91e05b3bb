"""`tensorlite bench`: one model in tensorlite's C runtime and LiteRT side by side (numbers, the
ratio, and output agreement), a model LiteRT cannot run is a row saying so, a bad file exits 2."""
import json
import os
import subprocess
import sys

from tensorlite.tools import bench_cmd, cli

from tests.paths import CORPUS, TF_CONVERTED


def _json(args, capsys):
    assert cli.main(["bench", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_bench_times_both_runtimes_and_compares_outputs(capsys):
    r = _json([os.path.join(CORPUS, "hello_world_int8.tflite"), "--runs", "5"], capsys)
    engines = r["engines"]
    assert set(engines) == {"tensorlite C runtime", "LiteRT", "LiteRT builtin kernels", "LiteRT reference kernels"}
    assert r["threads"] == 1
    for e in engines.values():
        assert e["median_us"] > 0 and e["p10_us"] <= e["median_us"] <= e["p90_us"]
        assert e["max_abs_diff_vs_tensorlite"] == 0          # int8: bit-exact against LiteRT
    assert engines["tensorlite C runtime"]["vs_tensorlite"] == 1.0


def test_bench_float_model_agrees_and_renders(capsys):
    r = _json([os.path.join(CORPUS, "magic_wand.tflite"), "--runs", "3"], capsys)
    assert r["engines"]["LiteRT reference kernels"]["max_abs_diff_vs_tensorlite"] < 1e-5
    assert cli.main(["bench", os.path.join(CORPUS, "magic_wand.tflite"), "--runs", "2"]) == 0
    assert "tensorlite C runtime" in capsys.readouterr().out


def test_bench_threads(capsys):
    """Every engine on 2 threads (a TensorFlow-made float16 MobileNetV2); the outputs still agree."""
    model = os.path.join(TF_CONVERTED, "mobilenet_v2_035_96_float16.tflite")
    r = _json([model, "--runs", "2", "--threads", "2"], capsys)
    assert r["threads"] == 2
    for e in r["engines"].values():
        assert e["median_us"] > 0 and e["max_abs_diff_vs_tensorlite"] < 1e-4
    assert cli.main(["bench", model, "--runs", "1", "--threads", "2"]) == 0
    assert "2 threads" in " ".join(capsys.readouterr().out.split())


def test_bench_model_litert_cannot_run(capsys):
    r = _json([os.path.join(CORPUS, "audio_preprocessor_int8.tflite"), "--runs", "2"], capsys)
    assert "SignalWindow" in r["engines"]["LiteRT"]["error"]
    assert r["engines"]["tensorlite C runtime"]["median_us"] > 0


def test_bench_bad_file_exits_2(tmp_path):
    bad = tmp_path / "x.tflite"
    bad.write_bytes(b"not a model")
    done = subprocess.run([sys.executable, "-m", "tensorlite", "bench", str(bad)], capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("tensorlite bench:") and done.stdout == ""


def test_random_inputs_follow_the_details():
    import numpy as np
    arrays = bench_cmd.random_inputs([{"dtype": np.int8, "shape": [2, 3]}, {"dtype": np.float32, "shape": [4]},
                                      {"dtype": np.bool_, "shape": [1]}], seed=1)
    assert [a.dtype for a in arrays] == [np.int8, np.float32, np.bool_] and arrays[0].shape == (2, 3)
