"""The full TFX chain on the penguin data: StatisticsGen, SchemaGen, ExampleValidator, Transform (full-pass
analyzers, the transform inside the exported model and its .tflite), Trainer, a Resolver giving the latest
blessed model as the Evaluator's baseline, InfraValidator (C runtime and `tensorlite serve`), Pusher (int8).
A second run with a worse model is not blessed against the baseline and not pushed."""
import json

import numpy as np
import pytest

from tests.tfx.helpers import executions_by_node, penguin_data, tfx_module

MODULE = __file__.replace("test_penguin_transform.py", "penguin_transform_module.py")
FEATURES = ["culmen_length_mm", "culmen_depth_mm", "flipper_length_mm", "body_mass_g"]


def _pipeline(tfx, tmp, data, learning_rate=1e-2, steps=100):
    from tensorlite.tfx import tfma
    eg = tfx.components.CsvExampleGen(input_base=str(data))
    sg = tfx.components.StatisticsGen(examples=eg.outputs["examples"])
    sc = tfx.components.SchemaGen(statistics=sg.outputs["statistics"])
    ev = tfx.components.ExampleValidator(statistics=sg.outputs["statistics"], schema=sc.outputs["schema"])
    tr = tfx.components.Transform(examples=eg.outputs["examples"], schema=sc.outputs["schema"], module_file=MODULE)
    trainer = tfx.components.Trainer(module_file=MODULE, examples=tr.outputs["transformed_examples"],
                                     transform_graph=tr.outputs["transform_graph"],
                                     train_args=tfx.proto.TrainArgs(num_steps=steps),
                                     eval_args=tfx.proto.EvalArgs(num_steps=5),
                                     custom_config={"learning_rate": learning_rate})
    resolver = tfx.dsl.Resolver(
        strategy_class=tfx.dsl.experimental.LatestBlessedModelStrategy,
        model=tfx.dsl.Channel(type=tfx.types.standard_artifacts.Model),
        model_blessing=tfx.dsl.Channel(type=tfx.types.standard_artifacts.ModelBlessing)).with_id(
            "latest_blessed_model_resolver")
    config = tfma.EvalConfig(
        model_specs=[tfma.ModelSpec(label_key="species")],
        slicing_specs=[tfma.SlicingSpec(), tfma.SlicingSpec(feature_keys=["species"])],
        metrics_specs=[tfma.MetricsSpec(metrics=[tfma.MetricConfig(
            class_name="SparseCategoricalAccuracy",
            threshold=tfma.MetricThreshold(
                value_threshold=tfma.GenericValueThreshold(lower_bound={"value": 0.6}),
                change_threshold=tfma.GenericChangeThreshold(direction=tfma.MetricDirection.HIGHER_IS_BETTER,
                                                             absolute={"value": -1e-10})))])])
    evaluator = tfx.components.Evaluator(examples=eg.outputs["examples"], model=trainer.outputs["model"],
                                         baseline_model=resolver.outputs["model"], eval_config=config)
    infra = tfx.components.InfraValidator(model=trainer.outputs["model"], examples=eg.outputs["examples"],
                                          serving_spec=tfx.proto.ServingSpec(tensorlite_serve={}),
                                          request_spec=tfx.proto.RequestSpec(
                                              tensorflow_serving=tfx.proto.RequestSpec.TensorFlowServingRequestSpec(
                                                  num_examples=4)))
    pusher = tfx.components.Pusher(
        model=trainer.outputs["model"], model_blessing=evaluator.outputs["blessing"],
        infra_blessing=infra.outputs["blessing"], examples=eg.outputs["examples"],
        custom_config={"tflite_quantization": "int8"},
        push_destination=tfx.proto.PushDestination(
            filesystem=tfx.proto.PushDestination.Filesystem(base_directory=str(tmp / "serving"))))
    return tfx.dsl.Pipeline(
        pipeline_name="penguin-full", pipeline_root=str(tmp / "root"), enable_cache=True,
        metadata_connection_config=tfx.orchestration.metadata.sqlite_metadata_connection_config(
            str(tmp / "metadata.db")),
        components=[eg, sg, sc, ev, tr, trainer, resolver, evaluator, infra, pusher])


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    tfx = tfx_module()
    tmp = tmp_path_factory.mktemp("penguin_full")
    data = penguin_data(tmp / "data")
    first = tfx.orchestration.LocalDagRunner().run(_pipeline(tfx, tmp, data))
    return tfx, tmp, data, first


def _only(folder):
    (item,) = [p for p in folder.iterdir() if not p.name.startswith(".")]
    return item


def _split(uri, split):
    from tensorlite.tfx import examples_io
    return {k: v for k, (v, _) in examples_io.read_split(str(uri), split).items()}


def test_transform_full_pass_analyzers(full_run):
    _, tmp, _, _ = full_run
    raw = _only(tmp / "root" / "CsvExampleGen" / "examples")
    out = _only(tmp / "root" / "Transform" / "transformed_examples")
    train, ev, ev_t = _split(raw, "train"), _split(raw, "eval"), _split(out, "eval")
    for k in FEATURES:  # z-score with the train split's mean and (population) std, applied to eval
        a = train[k].astype(np.float64)
        np.testing.assert_allclose(ev_t[k + "_z"], (ev[k] - a.mean()) / a.std(), rtol=1e-5, atol=1e-5)
    m = train["body_mass_g"].astype(np.float64)
    np.testing.assert_allclose(ev_t["mass_01"], (ev["body_mass_g"] - m.min()) / (m.max() - m.min()), rtol=1e-5,
                               atol=1e-6)
    bounds = np.quantile(train["flipper_length_mm"].astype(np.float64), [0.25, 0.5, 0.75]).astype(np.float32)
    np.testing.assert_array_equal(ev_t["flipper_bucket"], (ev["flipper_length_mm"][:, None] >= bounds).sum(1))
    values, counts = np.unique(train["species"], return_counts=True)
    vocab = [int(v) for _, v in sorted(zip(-counts, values))]  # most frequent first
    np.testing.assert_array_equal(ev_t["species_index"], [vocab.index(s) for s in ev["species"]])
    np.testing.assert_array_equal(ev_t["species"], ev["species"])
    graph = _only(tmp / "root" / "Transform" / "transform_graph")
    assert (graph / "transform_fn" / "analyzers.json").is_file()
    assert (graph / "transformed_metadata" / "schema.pbtxt").is_file()


def test_exported_model_embeds_the_transform(full_run):
    import tensorlite as tl
    from tests.litert import litert_interpreter
    _, tmp, _, _ = full_run
    raw = _split(_only(tmp / "root" / "CsvExampleGen" / "examples"), "eval")
    transformed = _split(_only(tmp / "root" / "Transform" / "transformed_examples"), "eval")
    model_uri = _only(tmp / "root" / "Trainer" / "model")
    run_uri = _only(tmp / "root" / "Trainer" / "model_run")
    serving = tl.saved_model.load(str(model_uri / "Format-Serving")).signatures["serving_default"]
    assert sorted(serving.input_names) == sorted(FEATURES)  # raw features in
    x = {k: tl.constant(raw[k].reshape(-1, 1).astype(np.float32)) for k in FEATURES}
    got = list(serving(**x).values())[0].numpy()
    inner = tl.saved_model.load(str(run_uri / "inner")).signatures["serving_default"]
    want = list(inner(**{n: tl.constant(transformed[n].reshape(-1, 1).astype(np.float32))
                         for n in inner.input_names}).values())[0].numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)  # transform inside == transform materialized
    from tensorlite.tfx.components.pusher import convert_to_tflite
    flat = convert_to_tflite(str(model_uri / "Format-Serving"))
    runner = litert_interpreter(flat).get_signature_runner("serving_default")
    for i in range(0, len(got), 13):
        out = list(runner(**{k: raw[k][i:i + 1].reshape(1, 1).astype(np.float32) for k in FEATURES}).values())[0]
        np.testing.assert_allclose(out, got[i:i + 1], rtol=1e-4, atol=1e-5)


def test_evaluator_slices_and_blessing(full_run):
    import tensorlite as tl
    _, tmp, _, _ = full_run
    metrics = json.loads((_only(tmp / "root" / "Evaluator" / "evaluation") / "metrics.json").read_text())
    raw = _split(_only(tmp / "root" / "CsvExampleGen" / "examples"), "eval")
    model_uri = _only(tmp / "root" / "Trainer" / "model")
    serving = tl.saved_model.load(str(model_uri / "Format-Serving")).signatures["serving_default"]
    pred = list(serving(**{k: tl.constant(raw[k].reshape(-1, 1).astype(np.float32))
                           for k in FEATURES}).values())[0].numpy().argmax(1)
    overall = metrics["slices"][0]
    assert overall["slice"] == {} and overall["metrics"]["ExampleCount"] == len(pred)
    assert overall["metrics"]["SparseCategoricalAccuracy"] == pytest.approx((pred == raw["species"]).mean())
    by_species = {s["slice"]["species"]: s["metrics"] for s in metrics["slices"][1:]}
    for s, m in by_species.items():
        mask = raw["species"] == s
        assert m["ExampleCount"] == mask.sum()
        assert m["SparseCategoricalAccuracy"] == pytest.approx((pred[mask] == s).mean())
    assert metrics["baseline"] is None and metrics["validation"] == {"blessed": True, "failures": []}
    assert (_only(tmp / "root" / "Evaluator" / "blessing") / "BLESSED").is_file()


def test_infra_validator_loads_in_c_runtime_and_serve(full_run):
    _, tmp, _, _ = full_run
    blessing = _only(tmp / "root" / "InfraValidator" / "blessing")
    report = json.loads((blessing / "infra_validation.json").read_text())
    assert (blessing / "INFRA_BLESSED").is_file(), report
    assert report["checks"] == ["C runtime: loaded, 4 examples agree with the saved model",
                                "tensorlite serve: ready, 4 predictions equal the C runtime's"]


def test_pusher_writes_int8_tflite(full_run):
    import tensorlite as tl
    _, tmp, _, _ = full_run
    version = _only(tmp / "serving")
    interp = tl.lite.Interpreter(model_path=str(version / "model.tflite"))
    assert any(d["dtype"] == np.int8 for d in interp.get_tensor_details())
    raw = _split(_only(tmp / "root" / "CsvExampleGen" / "examples"), "eval")
    runner = interp.get_signature_runner("serving_default")
    pred = [np.argmax(list(runner(**{k: raw[k][i:i + 1].reshape(1, 1).astype(np.float32)
                                     for k in FEATURES}).values())[0]) for i in range(len(raw["species"]))]
    assert (np.array(pred) == raw["species"]).mean() > 0.9  # the int8 model keeps the float model's accuracy
    # LiteRT gives the C runtime's int8 results, and tensorlite serve serves the version. LiteRT's default
    # kernels: its reference SUM (the transform's bucketize, [1, 3] int8 -> [1, 1] at another scale) returns
    # -128 where its optimized SUM and the C runtime return -43 (= 1.0, the right bucket count)
    from tests.litert import litert_interpreter
    ref = litert_interpreter((version / "model.tflite").read_bytes(), reference=False).get_signature_runner(
        "serving_default")
    rows = [{k: raw[k][i:i + 1].reshape(1, 1).astype(np.float32) for k in FEATURES} for i in range(5)]
    ours = [list(runner(**r).values())[0] for r in rows]
    for r, o in zip(rows, ours):
        np.testing.assert_array_equal(list(ref(**r).values())[0], o)
    from tests.serving.server import Server, requests_module
    with Server(tmp, "--model_name", "penguin", "--model_base_path", str(tmp / "serving")) as server:
        body = {"instances": [{k: [float(v[0, 0])] for k, v in r.items()} for r in rows]}
        reply = requests_module().post(f"{server.url}/v1/models/penguin:predict", data=json.dumps(body))
        assert reply.status_code == 200, reply.text
        np.testing.assert_array_equal(np.array(reply.json()["predictions"], np.float32), np.concatenate(ours))


def test_worse_model_is_not_blessed_against_baseline_nor_pushed(full_run):
    tfx, tmp, data, first = full_run
    from tensorlite.tfx.metadata import MetadataStore
    second = tfx.orchestration.LocalDagRunner().run(_pipeline(tfx, tmp, data, learning_rate=1e-4, steps=3))
    states = executions_by_node(tmp / "metadata.db", second)
    assert states["Transform"] == "CACHED" and states["Trainer"] == "COMPLETE"
    with MetadataStore(str(tmp / "metadata.db")) as store:
        blessings = store.get_artifacts_by_type("ModelBlessing")
        models = store.get_artifacts_by_type("Model")
        assert [b["custom_properties"]["blessed"] for b in blessings] == [1, 0]
        # the Resolver gave the first run's (blessed) model as the baseline
        assert blessings[1]["custom_properties"]["baseline_model_id"] == models[0]["id"]
        pushed = store.get_artifacts_by_type("PushedModel")
        assert [p["custom_properties"]["pushed"] for p in pushed] == [1, 0]
    report = json.loads((tmp / "root" / "Evaluator" / "evaluation").joinpath(
        str(max(int(p.name) for p in (tmp / "root" / "Evaluator" / "evaluation").iterdir())),
        "metrics.json").read_text())
    assert any("from the baseline's" in f for f in report["validation"]["failures"])
    assert len([p for p in (tmp / "serving").iterdir() if not p.name.startswith(".")]) == 1
