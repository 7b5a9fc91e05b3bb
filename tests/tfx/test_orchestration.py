"""Running pipelines on Dagster: the multiprocess executor (each component in its own process), a failing
component named in the error, and a killed run resumed from its last completed component."""
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.tfx.helpers import executions_by_node, penguin_data, tfx_module

BLOCKING = os.path.join(os.path.dirname(__file__), "blocking_trainer.py")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _pipeline(tfx, tmp, module_file, steps=20):
    """ExampleGen -> StatisticsGen, ExampleGen -> Trainer -> Pusher."""
    eg = tfx.components.CsvExampleGen(input_base=str(tmp / "data"))
    sg = tfx.components.StatisticsGen(examples=eg.outputs["examples"])
    trainer = tfx.components.Trainer(module_file=str(module_file), examples=eg.outputs["examples"],
                                     train_args=tfx.proto.TrainArgs(num_steps=steps),
                                     eval_args=tfx.proto.EvalArgs(num_steps=2))
    pusher = tfx.components.Pusher(model=trainer.outputs["model"], push_destination=tfx.proto.PushDestination(
        filesystem=tfx.proto.PushDestination.Filesystem(base_directory=str(tmp / "serving"))))
    return tfx.dsl.Pipeline(pipeline_name="orchestration", pipeline_root=str(tmp / "root"),
                            metadata_connection_config=tfx.orchestration.metadata.sqlite_metadata_connection_config(
                                str(tmp / "metadata.db")),
                            components=[eg, sg, trainer, pusher])


def test_multiprocess_executor(tmp_path):
    """One run under Dagster's multiprocess executor: each step in its own process, independent branches side
    by side; a failing step is named in the error while the other branch completes."""
    tfx = tfx_module()
    penguin_data(tmp_path / "data")
    bad = tmp_path / "bad_trainer.py"
    bad.write_text("def run_fn(fn_args):\n    raise ValueError('no data for this model')\n")
    eg = tfx.components.CsvExampleGen(input_base=str(tmp_path / "data"))
    sg = tfx.components.StatisticsGen(examples=eg.outputs["examples"])
    schema = tfx.components.SchemaGen(statistics=sg.outputs["statistics"])
    trainer = tfx.components.Trainer(module_file=str(bad), examples=eg.outputs["examples"])
    pipeline = tfx.dsl.Pipeline(pipeline_name="multiprocess", pipeline_root=str(tmp_path / "root"),
                                components=[eg, sg, schema, trainer])
    with pytest.raises(tfx.orchestration.PipelineRunError, match="node 'Trainer' failed.*no data for this model"):
        tfx.orchestration.LocalDagRunner(executor="multiprocess", max_concurrent=2).run(pipeline)
    from tensorlite.tfx.metadata import MetadataStore
    with MetadataStore(pipeline.metadata_connection_config) as store:
        executions = {e["properties"]["node"]: e for e in store.get_executions()}
    assert {k: e["state"] for k, e in executions.items()} == {
        "CsvExampleGen": "COMPLETE", "StatisticsGen": "COMPLETE", "SchemaGen": "COMPLETE", "Trainer": "FAILED"}
    pids = {e["properties"]["pid"] for e in executions.values()}
    assert os.getpid() not in pids and len(pids) == 4
    assert (next((tmp_path / "root" / "SchemaGen" / "schema").iterdir()) / "schema.pbtxt").is_file()


def test_killed_run_resumes_from_last_completed_component(tmp_path):
    tfx = tfx_module()
    penguin_data(tmp_path / "data")
    marker = tmp_path / "trainer_started"
    script = ("import pathlib, sys\n"
              "from tests.tfx.test_orchestration import _pipeline, BLOCKING\n"
              "from tensorlite import tfx\n"
              f"tfx.orchestration.LocalDagRunner().run(_pipeline(tfx, pathlib.Path({str(tmp_path)!r}), BLOCKING))\n")
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO,
                            env=dict(os.environ, TFX_TEST_BLOCK=str(marker)),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None and time.monotonic() < deadline, "the pipeline did not reach the Trainer"
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    from tensorlite.tfx.metadata import MetadataStore
    with MetadataStore(str(tmp_path / "metadata.db")) as store:
        (killed,) = store.get_contexts_by_type("pipeline_run")
        assert executions_by_node(tmp_path / "metadata.db", killed["name"]) == {
            "CsvExampleGen": "COMPLETE", "StatisticsGen": "COMPLETE", "Trainer": "RUNNING"}
    # the next run (caching off, as TFX's default) resumes: completed components are reused, the Trainer reruns
    run = tfx.orchestration.LocalDagRunner().run(_pipeline(tfx, tmp_path, BLOCKING))
    assert executions_by_node(tmp_path / "metadata.db", run) == {
        "CsvExampleGen": "CACHED", "StatisticsGen": "CACHED", "Trainer": "COMPLETE", "Pusher": "COMPLETE"}
    with MetadataStore(str(tmp_path / "metadata.db")) as store:
        old = store.get_context_by_type_and_name("pipeline_run", killed["name"])
        assert old["properties"]["status"] == "RESUMED"
        states = {e["properties"]["node"]: e["state"] for e in store.get_executions_by_context(old["id"])}
        assert states["Trainer"] == "CANCELED"
    # a finished run is not resumed: with caching off, everything runs again
    again = tfx.orchestration.LocalDagRunner().run(_pipeline(tfx, tmp_path, BLOCKING))
    assert set(executions_by_node(tmp_path / "metadata.db", again).values()) == {"COMPLETE"}
