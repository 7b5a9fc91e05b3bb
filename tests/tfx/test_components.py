"""Component details the tutorial runs do not reach: ImportExampleGen's column files, spans and versions
with range configs, the metadata store's MLMD-shaped queries, and refusals of bad pipelines and inputs."""
import json
import subprocess
import sys

import numpy as np
import pytest

from tests.tfx.helpers import executions_by_node, tfx_module


def _run(tfx, tmp, components, name="p"):
    pipeline = tfx.dsl.Pipeline(pipeline_name=name, pipeline_root=str(tmp / "root"), components=components,
                                metadata_connection_config=tfx.orchestration.metadata.sqlite_metadata_connection_config(
                                    str(tmp / "m.db")))
    return pipeline, tfx.orchestration.LocalDagRunner().run(pipeline)


def test_import_example_gen_npz_and_hash_split(tmp_path):
    tfx = tfx_module()
    from tensorlite.tfx import examples_io
    (tmp_path / "in").mkdir()
    rng = np.random.default_rng(0)
    x = rng.normal(size=300).astype(np.float32)
    x[5] = np.nan  # missing
    ids = np.arange(300, dtype=np.int64)
    np.savez(tmp_path / "in" / "part.npz", x=x, id=ids, name=np.array([f"n{i % 7}" for i in range(300)]))
    eg = tfx.components.ImportExampleGen(input_base=str(tmp_path / "in"))
    _run(tfx, tmp_path, [eg])
    (uri,) = list((tmp_path / "root" / "ImportExampleGen" / "examples").iterdir())
    train, ev = examples_io.read_split(str(uri), "train"), examples_io.read_split(str(uri), "eval")
    got = np.sort(np.concatenate([train["id"][0], ev["id"][0]]))
    np.testing.assert_array_equal(got, ids)  # every row once
    assert 150 < len(train["id"][0]) < 250
    row5 = "train" if 5 in train["id"][0] else "eval"
    split = train if row5 == "train" else ev
    assert not split["x"][1][list(split["id"][0]).index(5)]  # NaN read as missing
    assert set(train["name"][0]) <= {f"n{i}" for i in range(7)}


def test_import_example_gen_parquet(tmp_path):
    """Parquet files (written here with pyarrow) read as the .npz columns are: every row once, nulls missing."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    tfx = tfx_module()
    from tensorlite.tfx import examples_io
    (tmp_path / "in").mkdir()
    ids = np.arange(120, dtype=np.int64)
    x = [None if i == 7 else float(i) / 4 for i in range(120)]
    for k, part in enumerate((slice(0, 50), slice(50, 120))):   # two files, one table
        pq.write_table(pa.table({"id": ids[part], "x": pa.array(x[part], pa.float64()),
                                 "name": [f"n{i % 3}" for i in ids[part]]}), tmp_path / "in" / f"p{k}.parquet")
    eg = tfx.components.ImportExampleGen(input_base=str(tmp_path / "in"))
    _run(tfx, tmp_path, [eg])
    (uri,) = list((tmp_path / "root" / "ImportExampleGen" / "examples").iterdir())
    train, ev = examples_io.read_split(str(uri), "train"), examples_io.read_split(str(uri), "eval")
    np.testing.assert_array_equal(np.sort(np.concatenate([train["id"][0], ev["id"][0]])), ids)
    for split in (train, ev):
        for i, value, present in zip(split["id"][0], split["x"][0], split["x"][1]):
            assert present == (i != 7) and (not present or value == np.float32(i / 4))
        assert set(split["name"][0]) <= {"n0", "n1", "n2"}


def test_spans_versions_and_range_config(tmp_path):
    tfx = tfx_module()
    from tensorlite.tfx import examples_io
    for span, version, n in ((1, 1, 10), (1, 2, 11), (2, 1, 12), (3, 1, 13)):
        folder = tmp_path / "in" / f"span-{span}" / f"ver-{version}"
        folder.mkdir(parents=True)
        (folder / "d.csv").write_text("a,b\n" + "".join(f"{i},{span}\n" for i in range(n)))
    config = tfx.proto.Input(splits=[tfx.proto.Input.Split(name="all", pattern="span-{SPAN}/ver-{VERSION}/*")])
    latest = tfx.components.CsvExampleGen(input_base=str(tmp_path / "in"), input_config=config)
    ranged = tfx.components.CsvExampleGen(
        input_base=str(tmp_path / "in"), input_config=config,
        range_config=tfx.proto.RangeConfig(static_range=tfx.proto.RangeConfig.StaticRange(
            start_span_number=1, end_span_number=1))).with_id("ranged")
    _run(tfx, tmp_path, [latest, ranged])
    from tensorlite.tfx.metadata import MetadataStore
    with MetadataStore(str(tmp_path / "m.db")) as store:
        arts = {a["uri"].split("/")[-3]: a for a in store.get_artifacts_by_type("Examples")}
    assert (arts["CsvExampleGen"]["properties"]["span"], arts["CsvExampleGen"]["properties"]["version"]) == (3, 1)
    assert (arts["ranged"]["properties"]["span"], arts["ranged"]["properties"]["version"]) == (1, 2)
    total = sum(len(examples_io.read_split(arts["ranged"]["uri"], s)["a"][0]) for s in ("train", "eval"))
    assert total == 11  # span 1's newest version only


def test_metadata_store_shape(tmp_path):
    tfx = tfx_module()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "d.csv").write_text("a,b\n" + "".join(f"{i},{i % 3}\n" for i in range(30)))
    eg = tfx.components.CsvExampleGen(input_base=str(tmp_path / "in"))
    sg = tfx.components.StatisticsGen(examples=eg.outputs["examples"])
    _, run = _run(tfx, tmp_path, [eg, sg], name="shape")
    from tensorlite.tfx.metadata import MetadataStore
    with MetadataStore(tfx.orchestration.metadata.sqlite_metadata_connection_config(str(tmp_path / "m.db"))) as s:
        assert {"pipeline", "pipeline_run", "node"} <= set(s.get_types("context"))
        assert {"Examples", "ExampleStatistics"} <= set(s.get_types("artifact"))
        node = s.get_context_by_type_and_name("node", "shape.StatisticsGen")  # as TFX's tutorials look it up
        (execution,) = s.get_executions_by_context(node["id"])
        assert execution["state"] == "COMPLETE" and execution["type"] == "StatisticsGen"
        events = s.get_events_by_execution_ids([execution["id"]])
        assert sorted((e["type"], e["path"]) for e in events) == [("INPUT", "examples"), ("OUTPUT", "statistics")]
        (stats,) = [a for k, a in s.output_artifacts(execution["id"])]
        assert stats["state"] == "LIVE" and json.loads(stats["properties"]["split_names"]) == ["train", "eval"]
        assert [a["type"] for a, _, _ in s.upstream(stats["id"])] == ["ExampleStatistics", "Examples"]
        pipeline_ctx = s.get_context_by_type_and_name("pipeline", "shape")
        assert len(s.get_artifacts_by_context(pipeline_ctx["id"])) == 2
        run_ctx = s.get_context_by_type_and_name("pipeline_run", run)
        assert run_ctx["properties"]["status"] == "COMPLETE"
    assert executions_by_node(tmp_path / "m.db", run) == {"CsvExampleGen": "COMPLETE", "StatisticsGen": "COMPLETE"}


def test_refusals(tmp_path):
    tfx = tfx_module()
    (tmp_path / "in").mkdir()
    eg = tfx.components.CsvExampleGen(input_base=str(tmp_path / "in"))
    with pytest.raises(ValueError, match="give module_file"):
        tfx.components.Trainer(examples=eg.outputs["examples"])
    with pytest.raises(ValueError, match="input 'examples' is required"):
        tfx.components.StatisticsGen()
    with pytest.raises(TypeError, match="must be a channel"):
        tfx.components.StatisticsGen(examples="data/")
    with pytest.raises(ValueError, match="push_destination"):
        tfx.components.Pusher(model=eg.outputs["examples"])
    twice = tfx.dsl.Pipeline(pipeline_name="p", pipeline_root=str(tmp_path / "r"),
                             components=[eg, tfx.components.CsvExampleGen(input_base=str(tmp_path / "in"))])
    with pytest.raises(ValueError, match="used twice"):
        tfx.orchestration.LocalDagRunner().run(twice)
    sg = tfx.components.StatisticsGen(examples=eg.outputs["examples"])
    with pytest.raises(ValueError, match="reads from 'CsvExampleGen', which is not in components"):
        tfx.orchestration.LocalDagRunner().run(tfx.dsl.Pipeline(pipeline_name="p", pipeline_root=str(tmp_path / "r"),
                                                                components=[sg]))
    with pytest.raises(FileNotFoundError, match="no input files"):
        tfx.orchestration.LocalDagRunner().run(tfx.dsl.Pipeline(pipeline_name="p", pipeline_root=str(tmp_path / "r"),
                                                                components=[eg]))
    with pytest.raises(ValueError, match="executor='threads'"):
        tfx.orchestration.LocalDagRunner(executor="threads")


def test_tft_analyzers_directly():
    from tensorlite.tfx import tft

    import tensorlite as tl
    x = tl.constant(np.array([[1.0], [2.0], [3.0], [10.0]], np.float32))
    words = np.array([["b"], ["a"], ["b"], ["c"], ["b"], ["a"]])

    def fn(inputs):
        return {"z": tft.scale_to_z_score(inputs["x"]), "bucket": tft.bucketize(inputs["x"], 2),
                "word": tft.compute_and_apply_vocabulary(inputs["w"]),
                "word_oov": tft.compute_and_apply_vocabulary(inputs["w"], top_k=1, num_oov_buckets=1)}
    recorded = []
    with tft.analysis("analyze", recorded):
        out = fn({"x": x, "w": words})
    np.testing.assert_allclose(out["z"].numpy()[:, 0], (x.numpy()[:, 0] - 4.0) / np.std([1, 2, 3, 10]), rtol=1e-6)
    np.testing.assert_array_equal(out["bucket"].numpy()[:, 0], [0, 0, 1, 1])  # median 2.5
    np.testing.assert_array_equal(out["word"].numpy()[:, 0], [0, 1, 0, 2, 0, 1])  # b (3), a (2), c (1)
    np.testing.assert_array_equal(out["word_oov"].numpy()[:, 0], [0, 1, 0, 1, 0, 1])  # only b kept
    with tft.analysis("apply", recorded):  # constants read back: new data does not change them
        again = fn({"x": tl.constant(np.array([[4.0]], np.float32)), "w": np.array([["zzz"]])})
    np.testing.assert_allclose(again["z"].numpy(), 0.0, atol=1e-6)
    assert again["word"].numpy()[0, 0] == -1 and again["word_oov"].numpy()[0, 0] == 1
    with pytest.raises(RuntimeError, match="inside Transform's preprocessing_fn"):
        tft.scale_to_z_score(x)
    with pytest.raises(RuntimeError, match="same analyzers in the same order"):
        with tft.analysis("apply", recorded):
            tft.scale_to_z_score(x)


def test_cache_follows_inputs_and_code(tmp_path):
    tfx = tfx_module()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "d.csv").write_text("a,b\n" + "".join(f"{i},{i % 3}\n" for i in range(30)))
    module = tmp_path / "prep.py"
    module.write_text("from tensorlite.tfx import tft\n\ndef preprocessing_fn(inputs):\n"
                      "    return {'a': tft.scale_to_0_1(inputs['a']), 'b': inputs['b']}\n")

    def make():
        eg = tfx.components.CsvExampleGen(input_base=str(tmp_path / "in"))
        sg = tfx.components.StatisticsGen(examples=eg.outputs["examples"])
        sc = tfx.components.SchemaGen(statistics=sg.outputs["statistics"])
        tr = tfx.components.Transform(examples=eg.outputs["examples"], schema=sc.outputs["schema"],
                                      module_file=str(module))
        return tfx.dsl.Pipeline(pipeline_name="c", pipeline_root=str(tmp_path / "root"), enable_cache=True,
                                components=[eg, sg, sc, tr])

    def states():
        run = tfx.orchestration.LocalDagRunner().run(make())
        return executions_by_node(tmp_path / "root" / "metadata.sqlite", run)

    assert set(states().values()) == {"COMPLETE"}
    assert set(states().values()) == {"CACHED"}
    module.write_text(module.read_text() + "# a changed module file\n")
    assert states() == {"CsvExampleGen": "CACHED", "StatisticsGen": "CACHED", "SchemaGen": "CACHED",
                        "Transform": "COMPLETE"}
    with open(tmp_path / "in" / "d.csv", "a") as f:
        f.write("30,0\n")
    assert set(states().values()) == {"COMPLETE"}  # new data: everything downstream runs again
    out = subprocess.run([sys.executable, "-m", "tensorlite", "tfx", "lineage", str(tmp_path / "root" /
                                                                                  "metadata.sqlite")],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "no model has been pushed" in out.stderr
    out = subprocess.run([sys.executable, "-m", "tensorlite", "tfx", "lineage", str(tmp_path / "root" /
                                                                                  "metadata.sqlite"),
                          "--artifact", "999"], capture_output=True, text=True)
    assert out.returncode == 2 and "no artifact with id 999" in out.stderr
