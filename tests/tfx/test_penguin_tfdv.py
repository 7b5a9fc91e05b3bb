"""TFX's penguin_tfdv tutorial, ported by changing imports: the schema pipeline's statistics (JSON and HTML)
and inferred schema, the training pipeline validating against the imported schema with no anomalies; a span
with planted anomalies is flagged in readable JSON and, with stop_on_anomalies, stops the run before the
Trainer; drift between spans by L-infinity distance."""
import csv
import json
import shutil

import numpy as np
import pytest

from tests.tfx.helpers import TUTORIALS, executions_by_node, penguin_data, tfx_module


@pytest.fixture(scope="module")
def schema_run(tmp_path_factory):
    tfx = tfx_module()
    from tests.tfx.tutorials.penguin_tfdv_pipeline import _create_schema_pipeline
    tmp = tmp_path_factory.mktemp("penguin_tfdv")
    data = penguin_data(tmp / "data")
    pipeline = _create_schema_pipeline(pipeline_name="penguin-tfdv-schema", pipeline_root=str(tmp / "schema_root"),
                                       data_root=str(data), metadata_path=str(tmp / "schema_metadata.db"))
    tfx.orchestration.LocalDagRunner().run(pipeline)
    (schema_uri,) = list((tmp / "schema_root" / "SchemaGen" / "schema").iterdir())
    schema_dir = tmp / "schema"
    schema_dir.mkdir()
    shutil.copy(schema_uri / "schema.pbtxt", schema_dir)  # as the tutorial copies it for review
    return tfx, tmp, data, schema_dir


def test_statistics_and_schema(schema_run):
    tfx, tmp, _, schema_dir = schema_run
    (stats_uri,) = list((tmp / "schema_root" / "StatisticsGen" / "statistics").iterdir())
    stats = json.loads((stats_uri / "Split-train" / "FeatureStats.json").read_text())
    from tensorlite.tfx import examples_io
    (examples_uri,) = list((tmp / "schema_root" / "CsvExampleGen" / "examples").iterdir())
    cols = examples_io.read_split(str(examples_uri), "train")
    x = cols["body_mass_g"][0].astype(np.float64)
    s = stats["features"]["body_mass_g"]
    assert stats["num_examples"] == len(x) and s["num_missing"] == 0 and s["type"] == "FLOAT"
    np.testing.assert_allclose([s["mean"], s["std"], s["min"], s["max"]], [x.mean(), x.std(), x.min(), x.max()])
    assert sum(s["histogram"]["counts"]) == len(x)
    species = stats["features"]["species"]
    assert species["type"] == "INT" and sum(c for _, c in species["top_values"]) == len(x)
    assert "<svg" in (stats_uri / "Split-train" / "report.html").read_text()
    schema = tfx.utils.parse_pbtxt_file(str(schema_dir / "schema.pbtxt"), tfx.schema_pb2.Schema())
    types = {f.name: f.type for f in schema.feature}
    assert types == {"species": tfx.schema_pb2.INT, **{k: tfx.schema_pb2.FLOAT for k in (
        "culmen_length_mm", "culmen_depth_mm", "flipper_length_mm", "body_mass_g")}}
    for f in schema.feature:
        assert f.presence.min_fraction == 1.0 and [d.size for d in f.shape.dim] == [1]
    species = [f for f in schema.feature if f.name == "species"][0]
    assert (species.int_domain.min, species.int_domain.max) == (0, 2)


def test_training_pipeline_validates_and_pushes(schema_run):
    tfx, tmp, data, schema_dir = schema_run
    from tests.tfx.tutorials.penguin_tfdv_pipeline import _create_pipeline
    pipeline = _create_pipeline(pipeline_name="penguin-tfdv", pipeline_root=str(tmp / "root"), data_root=str(data),
                                schema_path=str(schema_dir), module_file=str(TUTORIALS / "penguin_tfdv_trainer.py"),
                                serving_model_dir=str(tmp / "serving"), metadata_path=str(tmp / "metadata.db"))
    run = tfx.orchestration.LocalDagRunner().run(pipeline)
    assert set(executions_by_node(tmp / "metadata.db", run).values()) == {"COMPLETE"}
    (anomalies_uri,) = list((tmp / "root" / "ExampleValidator" / "anomalies").iterdir())
    for split in ("train", "eval"):
        assert json.loads((anomalies_uri / f"Split-{split}" / "anomalies.json").read_text())["anomalies"] == []
    assert len(list((tmp / "serving").iterdir())) == 1


def _planted_csv(src, dst):
    """The penguin rows plus a new column, one value out of range, one missing, one unknown species."""
    with open(src) as f:
        rows = list(csv.reader(f))
    rows[0].append("island")
    for i, r in enumerate(rows[1:], 1):
        r.append("Biscoe" if i % 2 else "Dream")
    for i in range(1, len(rows)):  # in every split: every third row
        if i % 3 == 0:
            rows[i][1] = "5.0"
        if i % 3 == 1:
            rows[i][4] = ""
        if i % 3 == 2:
            rows[i][0] = "7"
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(dst, "w", newline="") as f:
        csv.writer(f).writerows(rows)


def _span_pipeline(tfx, tmp, schema_dir, stop: bool, name: str):
    example_gen = tfx.components.CsvExampleGen(
        input_base=str(tmp / "spans"),
        input_config=tfx.proto.Input(splits=[tfx.proto.Input.Split(name="single", pattern="span-{SPAN}/*")]))
    statistics_gen = tfx.components.StatisticsGen(examples=example_gen.outputs["examples"])
    schema_gen = tfx.components.ImportSchemaGen(schema_file=str(schema_dir / "schema.pbtxt"))
    validator = tfx.components.ExampleValidator(statistics=statistics_gen.outputs["statistics"],
                                                schema=schema_gen.outputs["schema"], stop_on_anomalies=stop)
    trainer = tfx.components.Trainer(module_file=str(TUTORIALS / "penguin_tfdv_trainer.py"),
                                     examples=example_gen.outputs["examples"], schema=schema_gen.outputs["schema"],
                                     train_args=tfx.proto.TrainArgs(num_steps=5),
                                     eval_args=tfx.proto.EvalArgs(num_steps=2))
    return tfx.dsl.Pipeline(pipeline_name=name, pipeline_root=str(tmp / name),
                            metadata_connection_config=tfx.orchestration.metadata.sqlite_metadata_connection_config(
                                str(tmp / f"{name}.db")),
                            components=[example_gen, statistics_gen, schema_gen, validator] + [trainer] * stop)


def test_planted_anomalies_are_flagged_and_stop_the_pipeline(schema_run):
    tfx, tmp, data, schema_dir = schema_run
    (tmp / "spans" / "span-1").mkdir(parents=True)
    shutil.copy(data / "data.csv", tmp / "spans" / "span-1" / "data.csv")
    _planted_csv(data / "data.csv", tmp / "spans" / "span-2" / "data.csv")
    # flagged: the newest span (2) is read and validated, the run goes on
    run = tfx.orchestration.LocalDagRunner().run(_span_pipeline(tfx, tmp, schema_dir, False, "flag"))
    assert executions_by_node(tmp / "flag.db", run)["ExampleValidator"] == "COMPLETE"
    (uri,) = list((tmp / "flag" / "ExampleValidator" / "anomalies").iterdir())
    report = json.loads((uri / "Split-train" / "anomalies.json").read_text())
    assert report["span"] == 2
    kinds = {(a["feature"], a["type"]) for a in report["anomalies"]}
    assert kinds == {("island", "SCHEMA_NEW_COLUMN"), ("culmen_length_mm", "FLOAT_TYPE_OUT_OF_RANGE"),
                     ("body_mass_g", "FEATURE_TYPE_LOW_FRACTION_PRESENT"), ("species", "INT_TYPE_OUT_OF_RANGE")}
    # stopping: the validator fails the run and the Trainer never starts
    from tensorlite.tfx.components.example_validator import AnomaliesFound
    with pytest.raises(AnomaliesFound, match="anomalies in .*stopping the pipeline"):
        tfx.orchestration.LocalDagRunner().run(_span_pipeline(tfx, tmp, schema_dir, True, "stop"))
    from tensorlite.tfx.metadata import MetadataStore
    with MetadataStore(str(tmp / "stop.db")) as store:
        nodes = {e["properties"]["node"]: e["state"] for e in store.get_executions()}
    assert nodes["ExampleValidator"] == "FAILED" and "Trainer" not in nodes


def test_drift_by_l_infinity_distance():
    from tensorlite.tfx import schema_pb2
    from tensorlite.tfx.components.example_validator import validate
    from tensorlite.tfx.components.statistics_gen import split_stats
    old = np.array([0] * 50 + [1] * 30 + [2] * 20, np.int64)
    new = np.array([0] * 20 + [1] * 30 + [2] * 50, np.int64)
    stats = [split_stats({"species": (v, np.ones(len(v), bool))}) for v in (old, new)]
    schema = schema_pb2.Schema()
    f = schema.feature.add(name="species", type=schema_pb2.INT)
    f.drift_comparator.infinity_norm.threshold = 0.25
    found = validate(stats[1], schema, previous=stats[0])
    assert [a["type"] for a in found] == ["COMPARATOR_L_INFINITY_HIGH"]
    assert "0.3 " in found[0]["description"]  # max |p_new - p_old| = |0.2 - 0.5| = 0.3
    f.drift_comparator.infinity_norm.threshold = 0.35
    assert validate(stats[1], schema, previous=stats[0]) == []
    f.skew_comparator.infinity_norm.threshold = 0.1  # training data against serving data
    found = validate(stats[0], schema, serving=stats[1])
    assert [a["type"] for a in found] == ["SKEW_L_INFINITY_HIGH"] and "serving data" in found[0]["description"]
