"""The Open Inference Protocol v2 against the running server: KServe's probes and JSON tensors with `requests`, and
Triton's own client (`tritonclient[http]`, binary tensors by default, JSON on request) unchanged. Expected outputs
come from LiteRT on the same file."""
import numpy as np
import pytest

from tests.conftest import skip_or_fail
from tests.serving.server import FLOAT_MODEL, INT8_MODEL, litert_outputs, requests_module

requests = requests_module()


def triton(server):
    try:
        import tritonclient.http as httpclient
        from tritonclient.utils import InferenceServerException
    except ImportError:
        skip_or_fail("tritonclient[http] is not installed (pip install -e '.[dev]')")
    return httpclient, InferenceServerException, httpclient.InferenceServerClient(server.url[len("http://"):])


def test_health_and_metadata(api_server):
    get = lambda p: requests.get(api_server.url + p, timeout=30)  # noqa: E731
    assert get("/v2/health/live").status_code == 200
    assert get("/v2/health/ready").json() == {"ready": True}
    assert get("/v2").json()["name"] == "tensorlite"
    assert get("/v2/models/hw/ready").status_code == 200
    assert get("/v2/models/hw/versions/1/ready").status_code == 200
    assert get("/v2/models/hw/versions/5/ready").status_code == 404
    assert get("/v2/models/nope/ready").status_code == 404
    meta = get("/v2/models/hw").json()
    assert meta["versions"] == ["1", "2"]
    assert meta["inputs"] == [{"name": "dense_input", "datatype": "INT8", "shape": [-1, 1]}]
    assert get("/v2/models/hw/versions/1").json()["inputs"][0]["datatype"] == "FP32"


def test_infer_json(api_server):
    x = np.array([[0.25], [2.0], [5.5]], np.float32)
    (want,) = litert_outputs(FLOAT_MODEL, [x])
    body = {"id": "r7", "inputs": [{"name": "dense_input", "shape": [3, 1], "datatype": "FP32",
                                    "data": x.ravel().tolist()}]}
    r = requests.post(api_server.url + "/v2/models/hw/versions/1/infer", json=body, timeout=30)
    assert r.status_code == 200, r.text
    reply = r.json()
    assert reply["model_name"] == "hw" and reply["model_version"] == "1" and reply["id"] == "r7"
    (out,) = reply["outputs"]
    assert out["name"] == "dense_2" and out["datatype"] == "FP32" and out["shape"] == [3, 1]
    np.testing.assert_allclose(np.array(out["data"], np.float32).reshape(3, 1), want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("body, status, words", [
    (b"{oops", 400, "parse"),
    ({"inputs": [{"name": "dense_input", "shape": [1, 1], "datatype": "FP32", "data": [1.0]}]}, 400, "'INT8'"),
    ({"inputs": [{"name": "dense_input", "shape": [1, 2], "datatype": "INT8", "data": [1, 2]}]}, 400,
     "expected shape [-1, 1]"),
    ({"inputs": [{"name": "dense_input", "shape": [2, 1], "datatype": "INT8", "data": [1]}]}, 400, "1 values"),
    ({"inputs": [{"name": "x", "shape": [1, 1], "datatype": "INT8", "data": [1]}]}, 400, "unexpected inference input"),
    ({"inputs": []}, 400, "missing ['dense_input']"),
    ({"inputs": [{"name": "dense_input", "shape": [1, 1], "datatype": "INT8", "data": [1]}],
      "outputs": [{"name": "y"}]}, 400, "unexpected inference output"),
])
def test_infer_errors(api_server, body, status, words):
    url = api_server.url + "/v2/models/hw/infer"
    r = requests.post(url, data=body, timeout=30) if isinstance(body, bytes) else requests.post(url, json=body,
                                                                                                  timeout=30)
    assert r.status_code == status, r.text
    assert words in r.json()["error"], r.json()


def test_tritonclient_binary_and_json(api_server):
    httpclient, InferenceServerException, client = triton(api_server)
    assert client.is_server_live() and client.is_server_ready()
    assert client.is_model_ready("hw") and client.is_model_ready("q", "3")
    assert client.get_model_metadata("q")["inputs"][0]["name"] == "dense_input"
    config = client.get_model_config("hw", "1")
    assert config["max_batch_size"] == 0 and config["input"] == [{"name": "dense_input", "data_type": "TYPE_FP32",
                                                                    "dims": [-1, 1]}]
    x = np.array([[-100], [0], [17], [127]], np.int8)
    (want,) = litert_outputs(INT8_MODEL, [x])
    for binary in (True, False):
        inp = httpclient.InferInput("dense_input", list(x.shape), "INT8")
        inp.set_data_from_numpy(x, binary_data=binary)
        out = httpclient.InferRequestedOutput("dense_2", binary_data=binary)
        result = client.infer("hw", [inp], model_version="2", outputs=[out])
        np.testing.assert_array_equal(result.as_numpy("dense_2"), want)
    result = client.infer("q", [inp])  # no outputs named: all of them, binary
    np.testing.assert_array_equal(result.as_numpy("dense_2"), want)
    with pytest.raises(InferenceServerException, match="Servable not found"):
        client.infer("nope", [inp])
    bad = httpclient.InferInput("dense_input", [4, 1], "FP32")
    bad.set_data_from_numpy(x.astype(np.float32))
    with pytest.raises(InferenceServerException, match="does not match the model's 'INT8'"):
        client.infer("q", [bad])
