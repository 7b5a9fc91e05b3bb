"""TFX's penguin_simple tutorial, ported by changing imports (tests/tfx/tutorials/), run end to end on the
palmerpenguins data: the pushed version runs in LiteRT and the C runtime equal to the saved model, `tensorlite
serve` serves it, a second run is fully cached, and the pushed model's lineage reaches the examples."""
import json
import subprocess
import sys

import numpy as np
import pytest

from tests.tfx.helpers import TUTORIALS, executions_by_node, penguin_data, tfx_module

FEATURES = ["culmen_length_mm", "culmen_depth_mm", "flipper_length_mm", "body_mass_g"]


@pytest.fixture(scope="module")
def simple_run(tmp_path_factory):
    tfx = tfx_module()
    from tests.tfx.tutorials.penguin_simple_pipeline import _create_pipeline
    tmp = tmp_path_factory.mktemp("penguin_simple")
    paths = {"data": penguin_data(tmp / "data"), "root": tmp / "pipelines", "serving": tmp / "serving_model",
             "metadata": tmp / "metadata" / "metadata.db"}
    pipeline = _create_pipeline(pipeline_name="penguin-simple", pipeline_root=str(paths["root"]),
                                data_root=str(paths["data"]), module_file=str(TUTORIALS / "penguin_simple_trainer.py"),
                                serving_model_dir=str(paths["serving"]), metadata_path=str(paths["metadata"]))
    run_id = tfx.orchestration.LocalDagRunner().run(pipeline)
    return tfx, pipeline, paths, run_id


def _eval_rows(paths):
    from tensorlite.tfx import examples_io
    uri = paths["root"] / "CsvExampleGen" / "examples"
    (folder,) = list(uri.iterdir())
    cols = examples_io.read_split(str(folder), "eval")
    return {k: cols[k][0].reshape(-1, 1).astype(np.float32) for k in FEATURES}, cols["species"][0]


def test_runs_end_to_end_at_tfx_paths(simple_run):
    _, _, paths, run_id = simple_run
    assert executions_by_node(paths["metadata"], run_id) == {"CsvExampleGen": "COMPLETE", "Trainer": "COMPLETE",
                                                             "Pusher": "COMPLETE"}
    examples = next((paths["root"] / "CsvExampleGen" / "examples").iterdir())
    assert sorted(p.name for p in examples.iterdir()) == ["Split-eval", "Split-train"]
    model = next((paths["root"] / "Trainer" / "model").iterdir())
    assert (model / "Format-Serving" / "saved_model.json").is_file()
    # hash split 2:1 of the 342 rows
    from tensorlite.tfx import examples_io
    n_train = len(examples_io.read_split(str(examples), "train")["species"][0])
    n_eval = len(examples_io.read_split(str(examples), "eval")["species"][0])
    assert n_train + n_eval == 342 and 0.55 < n_train / 342 < 0.78


def test_pushed_model_runs_in_litert_and_c_runtime(simple_run):
    import tensorlite as tl
    from tests.litert import litert_interpreter
    _, _, paths, _ = simple_run
    (version,) = [p for p in paths["serving"].iterdir() if not p.name.startswith(".")]
    assert version.name.isdigit() and (version / "model.tflite").is_file()
    x, y = _eval_rows(paths)
    loaded = tl.saved_model.load(str(version))
    want = list(loaded.signatures["serving_default"](**{k: tl.constant(v) for k, v in x.items()}).values())[0].numpy()
    # the trained model is better than chance on held-out data (100 steps of Adam)
    assert (want.argmax(1) == y).mean() > 0.6
    flat = (version / "model.tflite").read_bytes()
    for interp in (litert_interpreter(flat), tl.lite.Interpreter(model_content=flat)):
        runner = interp.get_signature_runner("serving_default")
        for i in range(0, len(y), 17):
            got = list(runner(**{k: v[i:i + 1] for k, v in x.items()}).values())[0]
            np.testing.assert_allclose(got, want[i:i + 1], rtol=1e-5, atol=1e-5)


def test_tensorlite_serve_serves_the_pushed_version(simple_run, tmp_path):
    from tests.serving.server import Server, requests_module
    _, _, paths, _ = simple_run
    (version,) = [p for p in paths["serving"].iterdir() if not p.name.startswith(".")]
    x, _ = _eval_rows(paths)
    import tensorlite as tl
    interp = tl.lite.Interpreter(model_path=str(version / "model.tflite"))
    runner = interp.get_signature_runner()
    rows = [list(runner(**{k: v[i:i + 1] for k, v in x.items()}).values())[0][0] for i in range(3)]
    with Server(tmp_path, "--model_name", "penguin", "--model_base_path", str(paths["serving"])) as server:
        requests = requests_module()
        status = requests.get(f"{server.url}/v1/models/penguin").json()
        assert status["model_version_status"][0]["version"] == version.name
        body = {"instances": [{k: [float(v[i, 0])] for k, v in x.items()} for i in range(3)]}
        reply = requests.post(f"{server.url}/v1/models/penguin:predict", data=json.dumps(body))
        assert reply.status_code == 200, reply.text
        np.testing.assert_allclose(np.array(reply.json()["predictions"]), np.array(rows), rtol=1e-6, atol=1e-6)


def test_second_run_is_fully_cached(simple_run):
    tfx, pipeline, paths, first = simple_run
    pipeline.enable_cache = True
    second = tfx.orchestration.LocalDagRunner().run(pipeline)
    states = executions_by_node(paths["metadata"], second)
    assert states == {"CsvExampleGen": "CACHED", "Trainer": "CACHED", "Pusher": "CACHED"}
    assert len([p for p in paths["serving"].iterdir() if not p.name.startswith(".")]) == 1  # nothing new pushed
    # a changed parameter reruns that node and what follows it, not what precedes it
    pipeline.components[1].params["train_args"]["num_steps"] = 20
    third = tfx.orchestration.LocalDagRunner().run(pipeline)
    pipeline.components[1].params["train_args"]["num_steps"] = 100
    assert executions_by_node(paths["metadata"], third) == {"CsvExampleGen": "CACHED", "Trainer": "COMPLETE",
                                                            "Pusher": "COMPLETE"}


def test_lineage_of_pushed_model_reaches_examples(simple_run):
    from tensorlite.tfx.lineage import latest_pushed
    from tensorlite.tfx.metadata import MetadataStore
    _, _, paths, _ = simple_run
    with MetadataStore(str(paths["metadata"])) as store:
        pushed = latest_pushed(store)
        chain = store.upstream(pushed["id"])
        assert [a["type"] for a, _, _ in chain] == ["PushedModel", "Model", "Examples"]
        assert [p["properties"]["node"] for _, p, _ in chain] == ["Pusher", "Trainer", "CsvExampleGen"]
        examples = chain[-1][0]
        assert {a["id"] for a in store.downstream(examples["id"])} >= {pushed["id"], chain[1][0]["id"]}
    out = subprocess.run([sys.executable, "-m", "tensorlite", "tfx", "lineage", str(paths["metadata"])],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0].startswith(f"PushedModel {pushed['id']} ") and "<- Pusher" in out[0]
    assert out[1].strip().startswith("model: Model ") and "<- Trainer" in out[1]
    assert out[2].strip().startswith(f"examples: Examples {examples['id']} ") and "<- CsvExampleGen" in out[2]
    bad = subprocess.run([sys.executable, "-m", "tensorlite", "tfx", "lineage", str(paths["root"] / "nope.db")],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "no such metadata store" in bad.stderr
