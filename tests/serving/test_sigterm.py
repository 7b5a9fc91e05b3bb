"""SIGTERM under load: the server stops listening, answers every request it had accepted (some waiting in the
batch queue or running in the thread pool; with a fast model, most answered by the fast lane), then exits 0.
Each request a client sent either got a correct 200 or failed to connect, and the number of 200s the clients saw
equals the number of answers the server logged."""
import re
import threading
import time

import numpy as np
import pytest

from tests.serving.server import Server, add_version, dense_model, litert_outputs, requests_module

requests = requests_module()


@pytest.mark.parametrize("mode", ["batching", "thread-pool", "fast-lane"])
def test_sigterm_drains_accepted_requests(tmp_path, mode):
    # fast-lane: a model of a few microseconds run on the event loop, one row a request, so serving/protocol.py
    # answers all but the first request itself
    width = 8 if mode == "fast-lane" else 256
    model = dense_model(tmp_path / "mlp.tflite", 9, width=width, depth=1 if mode == "fast-lane" else 4)
    add_version(tmp_path / "m", 1, model)
    (tmp_path / "batching.config").write_text("max_batch_size { value: 4 } batch_timeout_micros { value: 30000 } "
                                              "num_batch_threads { value: 1 }")
    x = np.random.default_rng(4).uniform(-1, 1, (1 if mode == "fast-lane" else 2, width)).astype(np.float32)
    (want,) = litert_outputs(model, [x])
    body = {"instances": x.tolist()} if mode == "fast-lane" else {"inputs": x.tolist()}
    key = "predictions" if mode == "fast-lane" else "outputs"
    flags = (["--enable_batching", "--batching_parameters_file", str(tmp_path / "batching.config")]
             if mode == "batching" else [])
    server = Server(tmp_path, "--model_name", "m", "--model_base_path", str(tmp_path / "m"), *flags)
    ok, wrong, refused = [], [], []
    stop = threading.Event()

    def client():
        session = requests.Session()
        while not stop.is_set():
            try:
                r = session.post(server.url + "/v1/models/m:predict", json=body, timeout=60)
            except requests.ConnectionError as exc:  # the server had closed its socket: not accepted
                refused.append(exc)
                session = requests.Session()
                time.sleep(0.01)
                continue
            if r.status_code == 200 and np.allclose(np.array(r.json()[key], np.float32), want, rtol=1e-5,
                                                    atol=1e-5):
                ok.append(r)
            else:
                wrong.append((r.status_code, r.text))

    threads = [threading.Thread(target=client) for _ in range(6)]
    try:
        for t in threads:
            t.start()
        while len(ok) < 50:
            time.sleep(0.05)
        server.terminate()
        code = server.proc.wait(60)
        stop.set()
        for t in threads:
            t.join()
    finally:
        stop.set()
        server.stop()
    log = server.log()
    assert code == 0, log
    assert not wrong, wrong[:3]
    m = re.search(r"Exiting: (\d+) requests answered \((\d+) in the fast lane\), (\d+) in flight", log)
    assert m, log
    assert int(m.group(3)) == 0
    assert int(m.group(1)) == len(ok) + server.probes, (m.group(0), len(ok), len(refused))
    fast = int(m.group(2))
    assert fast >= len(ok) - 6 if mode == "fast-lane" else fast == 0, m.group(0)  # the first on each connection
