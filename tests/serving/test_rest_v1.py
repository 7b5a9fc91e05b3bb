"""TF Serving's REST API (v1) against the running server, with `requests`: predict in the row and columnar
formats, named and bare inputs, b64 bytes, signature_name, versions and labels, status, metadata, and the errors
(each a JSON {"error": ...} with TF Serving's status code). Expected outputs come from LiteRT on the same file."""
import base64

import numpy as np
import pytest

from tests.serving.server import FLOAT_MODEL, INT8_MODEL, TWO_INPUTS, TWO_OUTPUTS, litert_outputs, requests_module

requests = requests_module()


def post(server, path, body):
    return requests.post(server.url + path, json=body, timeout=30)


def test_predict_row_and_columnar_formats_match_litert(api_server):
    x = np.array([[0.0], [0.5], [1.5], [3.0], [6.0]], np.float32)
    (want,) = litert_outputs(FLOAT_MODEL, [x])
    r = post(api_server, "/v1/models/hw/labels/stable:predict", {"instances": x.tolist()})
    assert r.status_code == 200, r.text
    np.testing.assert_allclose(np.array(r.json()["predictions"], np.float32), want, rtol=1e-5, atol=1e-6)
    for body in ({"instances": [{"dense_input": row} for row in x.tolist()]},
                 {"inputs": x.tolist()}, {"inputs": {"dense_input": x.tolist()}},
                 {"signature_name": "serving_default", "inputs": x.tolist()}):
        r = post(api_server, "/v1/models/hw/versions/1:predict", body)
        assert r.status_code == 200, r.text
        key = "predictions" if "instances" in body else "outputs"
        np.testing.assert_allclose(np.array(r.json()[key], np.float32), want, rtol=1e-5, atol=1e-6)
    assert set(r.json()) == {"outputs"}


def test_int8_model_by_label_and_version(api_server):
    x = np.array([[-128], [-3], [0], [50], [127]], np.int8)
    (want,) = litert_outputs(INT8_MODEL, [x])
    for path in ("/v1/models/hw/labels/canary:predict", "/v1/models/hw/versions/2:predict", "/v1/models/hw:predict",
                 "/v1/models/q:predict"):
        r = post(api_server, path, {"instances": x.tolist()})
        assert r.status_code == 200, (path, r.text)
        assert r.json()["predictions"] == want.tolist(), path
    r = post(api_server, "/v1/models/hw/labels/stable:predict", {"instances": [[0.5]]})
    np.testing.assert_allclose(r.json()["predictions"], litert_outputs(FLOAT_MODEL, [np.float32([[0.5]])])[0],
                               rtol=1e-5)


def test_b64_bytes_fill_an_int8_input(api_server):
    raw = np.array([-7, 99], np.int8)
    (want,) = litert_outputs(INT8_MODEL, [raw.reshape(2, 1)])
    body = {"instances": [{"b64": base64.b64encode(raw[i:i + 1].tobytes()).decode()} for i in range(2)]}
    r = post(api_server, "/v1/models/q:predict", body)
    assert r.status_code == 200, r.text
    assert r.json()["predictions"] == want.tolist()
    r = post(api_server, "/v1/models/hw/versions/1:predict", {"instances": [{"b64": "AAAAAA=="}]})
    assert r.status_code == 400 and "uint8 or int8" in r.json()["error"]


def test_two_named_inputs(api_server):
    rng = np.random.default_rng(0)
    a = rng.integers(-128, 128, (2, 128, 128, 1), dtype=np.int8)
    b = rng.integers(-128, 128, (2, 128, 128, 1), dtype=np.int8)
    (want,) = litert_outputs(TWO_INPUTS, [a, b])
    meta = requests.get(api_server.url + "/v1/models/add/metadata", timeout=30).json()
    names = list(meta["metadata"]["signature_def"]["signature_def"]["serving_default"]["inputs"])
    assert len(names) == 2
    rows = [{names[0]: a[i].tolist(), names[1]: b[i].tolist()} for i in range(2)]
    r = post(api_server, "/v1/models/add:predict", {"instances": rows})
    assert r.status_code == 200, r.text
    assert np.array_equal(np.array(r.json()["predictions"], np.int8), want)
    r = post(api_server, "/v1/models/add:predict", {"inputs": {names[0]: a.tolist(), names[1]: b.tolist()}})
    assert np.array_equal(np.array(r.json()["outputs"], np.int8), want)
    r = post(api_server, "/v1/models/add:predict", {"instances": a.tolist()})
    assert r.status_code == 400 and "2 inputs" in r.json()["error"]


def test_two_outputs_row_and_columnar(api_server):
    from tests.litert import litert_interpreter
    x = np.random.default_rng(1).integers(-128, 128, (1, 144, 192, 1), dtype=np.int8)
    want = litert_interpreter(model_path=str(TWO_OUTPUTS)).get_signature_runner()(input_1=x)
    r = post(api_server, "/v1/models/two:predict", {"instances": x.tolist()})
    assert r.status_code == 200, r.text
    (pred,) = r.json()["predictions"]  # one instance: one object naming both outputs
    assert set(pred) == {"reg_concat", "softmax"}
    for k in pred:
        np.testing.assert_array_equal(np.array(pred[k], np.int8), want[k][0])
    r = post(api_server, "/v1/models/two:predict", {"inputs": {"input_1": x.tolist()}})
    outputs = r.json()["outputs"]
    for k in ("reg_concat", "softmax"):
        np.testing.assert_array_equal(np.array(outputs[k], np.int8), want[k])


def test_status_and_metadata(api_server):
    r = requests.get(api_server.url + "/v1/models/hw", timeout=30)
    assert r.json() == {"model_version_status": [
        {"version": v, "state": "AVAILABLE", "status": {"error_code": "OK", "error_message": ""}} for v in ("2", "1")]}
    r = requests.get(api_server.url + "/v1/models/hw/versions/1", timeout=30)
    assert [s["version"] for s in r.json()["model_version_status"]] == ["1"]
    meta = requests.get(api_server.url + "/v1/models/hw/versions/1/metadata", timeout=30).json()
    assert meta["model_spec"] == {"name": "hw", "signature_name": "", "version": "1"}
    sig = meta["metadata"]["signature_def"]["signature_def"]["serving_default"]
    assert sig["method_name"] == "tensorflow/serving/predict"
    assert sig["inputs"]["dense_input"]["dtype"] == "DT_FLOAT"
    assert [d["size"] for d in sig["inputs"]["dense_input"]["tensor_shape"]["dim"]] == ["-1", "1"]
    meta = requests.get(api_server.url + "/v1/models/hw/labels/canary/metadata", timeout=30).json()
    assert meta["model_spec"]["version"] == "2"
    assert meta["metadata"]["signature_def"]["signature_def"]["serving_default"]["inputs"]["dense_input"][
        "dtype"] == "DT_INT8"


@pytest.mark.parametrize("path, body, status, words", [
    ("/v1/models/hw:predict", b"{not json", 400, "JSON Parse error"),
    ("/v1/models/hw:predict", b"", 400, "JSON Parse error"),
    ("/v1/models/hw:predict", b"[1, 2]", 400, "JSON object"),
    ("/v1/models/hw:predict", {"instances": [[1.0]], "inputs": [[1.0]]}, 400, "only one of"),
    ("/v1/models/hw:predict", {"signature_name": "serving_default"}, 400, "Missing 'inputs' or 'instances'"),
    ("/v1/models/hw:predict", {"instances": [[1, 2]]}, 400, "expected shape [-1, 1]"),
    ("/v1/models/hw:predict", {"inputs": [1]}, 400, "expected shape [-1, 1]"),
    ("/v1/models/hw:predict", {"instances": [[1], [2, 3]]}, 400, "not rectangular"),
    ("/v1/models/hw/versions/1:predict", {"instances": [["a"]]}, 400, "expected float32 values, got strings"),
    ("/v1/models/hw/versions/2:predict", {"instances": [[0.5]]}, 400, "expected int8 values, got non-integer"),
    ("/v1/models/hw/versions/2:predict", {"instances": [[300]]}, 400, "[-128, 127]"),
    ("/v1/models/hw:predict", {"instances": [{"wrong": [1]}]}, 400, "dense_input"),
    ("/v1/models/hw:predict", {"signature_name": "nope", "instances": [[1]]}, 400, 'signature name: "nope"'),
    ("/v1/models/nope:predict", {"instances": [[1]]}, 404, "Servable not found"),
    ("/v1/models/hw/versions/7:predict", {"instances": [[1]]}, 404, "Specific(hw, 7)"),
    ("/v1/models/hw/versions/x:predict", {"instances": [[1]]}, 400, "not a number"),
    ("/v1/models/hw/labels/beta:predict", {"instances": [[1]]}, 400, "Unrecognized servable version label"),
    ("/v1/models/hw:classify", {"examples": []}, 501, "tf.Example"),
    ("/v1/models/hw:regress", {"examples": []}, 501, "tf.Example"),
    ("/v1/models/hw:explode", {}, 404, "Malformed request"),
    ("/v1/nothing", {}, 404, "Malformed request"),
])
def test_errors(api_server, path, body, status, words):
    if isinstance(body, bytes):
        r = requests.post(api_server.url + path, data=body, timeout=30)
    else:
        r = post(api_server, path, body)
    assert r.status_code == status, r.text
    assert words in r.json()["error"], r.json()


def test_status_errors(api_server):
    assert requests.get(api_server.url + "/v1/models/nope", timeout=30).status_code == 404
    r = requests.get(api_server.url + "/v1/models/hw/versions/9", timeout=30)
    assert r.status_code == 404 and "version 9" in r.json()["error"]
    assert requests.get(api_server.url + "/v1/models/nope/metadata", timeout=30).status_code == 404


def test_metrics_count_requests(api_server):
    post(api_server, "/v1/models/q:predict", {"instances": [[1]]})
    post(api_server, "/v1/models/q:predict", {"instances": [[1.5]]})
    text = requests.get(api_server.url + "/monitoring/prometheus/metrics", timeout=30).text
    lines = dict(line.rsplit(" ", 1) for line in text.splitlines() if not line.startswith("#"))
    ok = ':tensorflow:serving:request_count{model_name="q",version="3",API="predict",status="OK"}'
    bad = ':tensorflow:serving:request_count{model_name="q",version="",API="predict",status="INVALID_ARGUMENT"}'
    assert int(lines[ok]) >= 1 and int(lines[bad]) >= 1, text
    assert any(k.startswith(':tensorflow:serving:request_latency_bucket{model_name="q"') for k in lines)
    assert lines[':tensorflow:serving:model_version_available{model_name="hw",version="2"}'] == "1"
