"""The pipeline machinery and the CLI: stages run in order and share artifacts, the results table
grows by rows and columns, --json is written whole, a failing stage is named."""
import argparse
import io
import json
import subprocess
import sys

import pytest
from tensorlite.tools import cli, pipeline


def args(tmp_path=None):
    return argparse.Namespace(epochs=1, batch_size=8, seed=0, output_dir=None,
                              json=str(tmp_path / "r.json") if tmp_path else None)


def test_stages_share_artifacts_and_grow_the_table(tmp_path):
    def make(run):
        run.artifacts["n"] = 3

    def measure(run):
        run.results.set("model A", "accuracy", 0.5 * run.artifacts["n"])
        run.results.set("model A", "weights", 1234)

    def later(run):  # a later stage adds a row and a column, as convert/quantize stages will
        run.results.set("model A (int8)", "accuracy", 1.25)
        run.results.set("model A (int8)", "bytes", 99)
    stages = [pipeline.Stage("make", make, "m"), pipeline.Stage("measure", measure, "x"),
              pipeline.Stage("later", later, "l")]
    out = io.StringIO()
    run = pipeline.run_pipeline(args(tmp_path), stages, file=out)
    assert list(run.stage_seconds) == ["make", "measure", "later"]
    assert run.results.columns() == ["accuracy", "weights", "bytes"]
    text = out.getvalue()
    assert "model A (int8)" in text and "1,234" in text and "1.5" in text
    saved = json.loads((tmp_path / "r.json").read_text())
    assert saved["results"]["model A"] == {"accuracy": 1.5, "weights": 1234}
    assert saved["settings"]["epochs"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]   # no temporary left


def test_a_failing_stage_is_named(capsys):
    def broken(run):
        raise RuntimeError("no data")
    with pytest.raises(RuntimeError, match="no data"):
        pipeline.run_pipeline(args(), [pipeline.Stage("load", broken, "")], file=io.StringIO())
    assert "stage 'load' failed" in capsys.readouterr().err


def test_the_default_stages_are_the_main_job():
    assert [s.name for s in pipeline.STAGES] == ["load", "train", "evaluate", "convert", "run", "quantize",
                                                 "run-int8", "mcu"]


def test_cli_lists_commands_and_parses_pipeline_options(capsys):
    assert cli.main([]) == 2
    assert "pipeline" in capsys.readouterr().out
    parsed = cli.build_parser().parse_args(["pipeline", "--epochs", "2", "--seed", "5"])
    assert (parsed.command, parsed.epochs, parsed.seed, parsed.batch_size) == ("pipeline", 2, 5, 32)
    done = subprocess.run([sys.executable, "-m", "tensorlite", "--help"], capture_output=True, text=True)
    assert done.returncode == 0 and "pipeline" in done.stdout


def test_main_job_converts_and_runs_in_litert_and_c(tmp_path):
    """One epoch of the real job: the .tflite gives the Keras model's predictions in LiteRT and in
    the C runtime (the table's agreement columns), and is kept in --output-dir; its int8 twin runs in
    LiteRT, in the C runtime and as Cortex-M4 firmware under QEMU, the last two with exactly LiteRT's
    reference kernels' outputs on every test image."""
    a = args(tmp_path)
    a.output_dir = str(tmp_path / "out")
    run = pipeline.run_pipeline(a, file=io.StringIO())
    rows = run.results.rows
    assert (tmp_path / "out" / "digits.tflite").stat().st_size == rows[pipeline.ROW_C]["model bytes"]
    for row in (pipeline.ROW_LITERT, pipeline.ROW_C):
        assert rows[row]["max |p - p_keras|"] < 1e-4
        assert rows[row]["top-1 agrees with keras"] == 1.0
        assert rows[row]["test accuracy"] == rows[pipeline.ROW_KERAS]["test accuracy"]
    int8 = tmp_path / "out" / "digits_int8.tflite"
    assert int8.stat().st_size == rows[pipeline.ROW_C_INT8]["model bytes"] < 0.45 * rows[pipeline.ROW_C]["model bytes"]
    for row in (pipeline.ROW_LITERT_INT8, pipeline.ROW_C_INT8, pipeline.ROW_MCU_INT8):
        assert abs(rows[row]["test accuracy"] - rows[pipeline.ROW_KERAS]["test accuracy"]) <= 0.02
        assert rows[row]["max |p - p_keras|"] < 0.2
    for row in (pipeline.ROW_C_INT8, pipeline.ROW_MCU_INT8):
        assert rows[row]["int8 = LiteRT ref"] == 1.0
    assert 0 < rows[pipeline.ROW_MCU_INT8]["arena bytes"] < 16_384
    assert rows[pipeline.ROW_MCU_INT8]["firmware text bytes"] > int8.stat().st_size
