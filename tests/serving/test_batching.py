"""Server-side batching against the running server: concurrent requests are run together and each gets its own
rows back (equal to LiteRT on its inputs), batch sizes are padded to allowed_batch_sizes and show in the metrics,
a fixed-batch model's requests run one invoke each, a request over max_batch_size is refused, and a full queue
answers 503."""
import threading
import time

import numpy as np

from tests.serving.server import (
    FIXED_BATCH,
    FLOAT_MODEL,
    Server,
    add_version,
    dense_model,
    litert_outputs,
    requests_module,
)

requests = requests_module()

CONFIG = """model_config_list {{
  config {{ name: "mlp" base_path: "{mlp}" }}
  config {{ name: "fixed" base_path: "{fixed}" }}
}}"""


def metric_values(server, name):
    text = requests.get(server.url + "/monitoring/prometheus/metrics", timeout=30).text
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
            if line.startswith(name)}


def test_concurrent_requests_are_batched(tmp_path):
    model = dense_model(tmp_path / "mlp.tflite", 5)
    add_version(tmp_path / "mlp", 1, model)
    add_version(tmp_path / "fixed", 1, FIXED_BATCH)
    (tmp_path / "models.config").write_text(CONFIG.format(mlp=tmp_path / "mlp", fixed=tmp_path / "fixed"))
    (tmp_path / "batching.config").write_text("""
        max_batch_size { value: 8 }
        batch_timeout_micros { value: 200000 }
        num_batch_threads { value: 1 }
        max_enqueued_batches { value: 100 }
        allowed_batch_sizes: 4
        allowed_batch_sizes: 8
    """)
    (tmp_path / "monitoring.config").write_text("prometheus_config { enable: true }")
    rng = np.random.default_rng(3)
    inputs = [rng.uniform(-1, 1, (1 + i % 2, 256)).astype(np.float32) for i in range(12)]
    (want,) = litert_outputs(model, [np.concatenate(inputs)])
    with Server(tmp_path, "--model_config_file", str(tmp_path / "models.config"), "--enable_batching",
                "--batching_parameters_file", str(tmp_path / "batching.config"),
                "--monitoring_config_file", str(tmp_path / "monitoring.config")) as server:
        replies = [None] * len(inputs)
        start = threading.Barrier(len(inputs))

        def client(i):
            start.wait()
            replies[i] = requests.post(server.url + "/v1/models/mlp:predict", json={"instances": inputs[i].tolist()},
                                       timeout=60)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(len(inputs))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        row = 0
        for x, r in zip(inputs, replies):
            assert r.status_code == 200, r.text
            np.testing.assert_allclose(np.array(r.json()["predictions"], np.float32), want[row:row + len(x)],
                                       rtol=1e-5, atol=1e-5)
            row += len(x)
        sizes = metric_values(server, ":tensorflow:serving:batching:input_batch_size")
        count = sizes[':tensorflow:serving:batching:input_batch_size_count{model_name="mlp"}']
        assert sizes[':tensorflow:serving:batching:input_batch_size_sum{model_name="mlp"}'] == row
        assert count < len(inputs)  # some requests shared an invoke
        padding = metric_values(server, ":tensorflow:serving:batching:padding_size")
        assert padding[':tensorflow:serving:batching:padding_size_count{model_name="mlp"}'] == count

        config = requests.get(server.url + "/v2/models/mlp/config", timeout=30).json()
        assert config["max_batch_size"] == 8 and config["input"][0]["dims"] == [256]
        assert requests.get(server.url + "/v2/models/fixed/config", timeout=30).json()["max_batch_size"] == 0
        r = requests.post(server.url + "/v1/models/mlp:predict", json={"instances": np.zeros((9, 256)).tolist()},
                          timeout=60)
        assert r.status_code == 400 and "Task size 9 is larger than maximum input batch size 8" in r.json()["error"]
        x = np.array([[0.75]], np.float32)
        r = requests.post(server.url + "/v1/models/fixed:predict", json={"instances": x.tolist()}, timeout=60)
        assert r.status_code == 200, r.text
        np.testing.assert_allclose(r.json()["predictions"], litert_outputs(FIXED_BATCH, [x])[0], rtol=1e-5)
        r = requests.post(server.url + "/v1/models/fixed:predict", json={"instances": [[1.0], [2.0]]}, timeout=60)
        assert r.status_code == 400 and "send one instance" in r.json()["error"]
        depth = metric_values(server, ":tensorflow:serving:batching:queue_depth")
        assert depth == {':tensorflow:serving:batching:queue_depth{model_name="fixed",version="1"}': 0,
                         ':tensorflow:serving:batching:queue_depth{model_name="mlp",version="1"}': 0}


def test_full_queue_answers_503(tmp_path):
    """max_enqueued_batches 1 counts the open batch: a request that does not fit the open one needs a second."""
    add_version(tmp_path / "m", 1, FLOAT_MODEL)
    (tmp_path / "batching.config").write_text("max_batch_size { value: 4 } batch_timeout_micros { value: 1500000 } "
                                              "max_enqueued_batches { value: 1 } num_batch_threads { value: 1 }")
    with Server(tmp_path, "--model_name", "m", "--model_base_path", str(tmp_path / "m"), "--enable_batching",
                "--batching_parameters_file", str(tmp_path / "batching.config")) as server:
        x = np.array([[0.1], [0.2], [0.3]], np.float32)
        first = {}
        t = threading.Thread(target=lambda: first.update(r=requests.post(
            server.url + "/v1/models/m:predict", json={"instances": x.tolist()}, timeout=60)))
        t.start()
        time.sleep(0.3)
        r = requests.post(server.url + "/v1/models/m:predict", json={"instances": x.tolist()}, timeout=60)
        assert r.status_code == 503, r.text
        assert "The batch scheduling queue to which this task was submitted is full" in r.json()["error"]
        t.join()
        assert first["r"].status_code == 200, first["r"].text
        np.testing.assert_allclose(first["r"].json()["predictions"], litert_outputs(FLOAT_MODEL, [x])[0], rtol=1e-5)
