"""Hot reload against the running server: a new version pushed (write, then rename) while clients send requests
is loaded and warmed up before the old one retires, and no request fails; a corrupt version and a half-written
file are refused with a logged error while the old version keeps serving, and the half-written one loads once
its file is complete."""
import re
import threading
import time

import numpy as np

from tests.serving.server import Server, add_version, dense_model, litert_outputs, requests_module

requests = requests_module()
X = np.random.default_rng(0).uniform(-1, 1, (2, 256)).astype(np.float32)


def status(server):
    r = requests.get(server.url + "/v1/models/m", timeout=30)
    return {s["version"]: s for s in r.json()["model_version_status"]}


def wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


class Load:
    """Clients posting predict requests in threads until stopped; every reply kept."""

    def __init__(self, server, threads=3, x=X):
        self.url = server.url + "/v1/models/m:predict"
        self.body = {"instances": x.tolist()}
        self.replies, self.errors = [], []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]
        for t in self._threads:
            t.start()

    def _run(self, client):
        session = requests.Session()
        while not self._stop.is_set():
            try:
                r = session.post(self.url, json=self.body, timeout=60)
                self.replies.append((client, r.status_code, r.json()))
            except Exception as exc:  # counted: the test requires none
                self.errors.append(repr(exc))

    def stop(self):
        self._stop.set()
        for t in self._threads:
            t.join()


def which(reply, outputs):
    """Index of the model whose LiteRT output the reply's prediction equals, or None."""
    got = np.array(reply["predictions"], np.float32)
    for i, want in enumerate(outputs):
        if got.shape == want.shape and np.allclose(got, want, rtol=1e-4, atol=1e-4):
            return i
    return None


def _second_version_under_load(server, base, model, load, n):
    """Under `load`: n replies, then version 2 lands and version 1 retires, then n more replies; the load stops."""
    try:
        assert wait_for(lambda: len(load.replies) >= n)
        add_version(base, 2, model)
        assert wait_for(lambda: status(server)["1"]["state"] == "END"), status(server)
        seen = len(load.replies)
        assert wait_for(lambda: len(load.replies) >= seen + n)
    finally:
        load.stop()


def test_hot_reload_under_load_and_bad_versions(tmp_path):
    base = tmp_path / "m"
    models = [dense_model(tmp_path / f"mlp{seed}.tflite", seed) for seed in (1, 2, 3)]
    old, new, third = (litert_outputs(m, [X])[0] for m in models)
    assert not np.allclose(old, new, rtol=1e-4, atol=1e-4)
    add_version(base, 1, models[0])
    with Server(tmp_path, "--model_name", "m", "--model_base_path", str(base),
                "--file_system_poll_wait_seconds", "0.2") as server:
        load = Load(server)
        _second_version_under_load(server, base, models[1], load, 10)
        assert not load.errors, load.errors[:3]
        assert all(code == 200 for _, code, _ in load.replies), [r for r in load.replies if r[1] != 200][:3]
        versions = [(client, which(reply, [old, new])) for client, _, reply in load.replies]
        assert {v for _, v in versions} == {0, 1}, versions
        for client in range(3):  # each client's requests go one after another: once on version 2, never back
            mine = [v for c, v in versions if c == client]
            assert mine == sorted(mine), (client, mine)
        st = status(server)
        assert st["2"]["state"] == "AVAILABLE" and st["1"]["status"]["error_code"] == "OK"
        assert "Successfully loaded servable version {name: m version: 2}" in server.log()

        # a corrupt version, pushed properly: refused, logged, version 2 keeps serving
        corrupt = tmp_path / "corrupt.tflite"
        corrupt.write_bytes(models[1].read_bytes()[:4000])
        add_version(base, 3, corrupt)
        assert wait_for(lambda: "3" in status(server) and status(server)["3"]["state"] == "END"), status(server)
        st = status(server)
        assert st["3"]["status"]["error_code"] == "INVALID_ARGUMENT" and st["3"]["status"]["error_message"]
        assert st["2"]["state"] == "AVAILABLE"
        assert "Loading servable version {name: m version: 3} failed" in server.log()
        r = requests.post(server.url + "/v1/models/m:predict", json={"instances": X.tolist()}, timeout=60)
        assert r.status_code == 200 and which(r.json(), [old, new]) == 1
        assert requests.post(server.url + "/v1/models/m/versions/3:predict", json={"instances": X.tolist()},
                             timeout=60).status_code == 404

        # a file written in place, caught half-way: refused; complete: loaded
        (base / "4").mkdir()
        content = models[2].read_bytes()
        with open(base / "4" / "model.tflite", "wb") as f:
            f.write(content[:len(content) // 2])
            f.flush()
            assert wait_for(lambda: "4" in status(server) and status(server)["4"]["state"] == "END")
            assert status(server)["2"]["state"] == "AVAILABLE"
            f.write(content[len(content) // 2:])
        assert wait_for(lambda: status(server)["4"]["state"] == "AVAILABLE"), status(server)
        assert wait_for(lambda: status(server)["2"]["state"] == "END")
        r = requests.post(server.url + "/v1/models/m:predict", json={"instances": X.tolist()}, timeout=60)
        assert r.status_code == 200 and which(r.json(), [old, new, third]) == 2
    assert server.proc.returncode == 0, server.log()


def test_hot_reload_under_load_in_the_fast_lane(tmp_path):
    """Models of a few microseconds, one row a request: serving/protocol.py answers on the event loop, and picks
    the version per request as the handler does."""
    base = tmp_path / "m"
    x = np.random.default_rng(1).uniform(-1, 1, (1, 8)).astype(np.float32)
    models = [dense_model(tmp_path / f"small{seed}.tflite", seed, width=8, depth=1) for seed in (1, 2)]
    old, new = (litert_outputs(m, [x])[0] for m in models)
    assert not np.allclose(old, new, rtol=1e-4, atol=1e-4)
    add_version(base, 1, models[0])
    with Server(tmp_path, "--model_name", "m", "--model_base_path", str(base),
                "--file_system_poll_wait_seconds", "0.2") as server:
        load = Load(server, x=x)
        _second_version_under_load(server, base, models[1], load, 50)
        server.stop()
        assert not load.errors, load.errors[:3]
        assert all(code == 200 for _, code, _ in load.replies), [r for r in load.replies if r[1] != 200][:3]
        versions = [(client, which(reply, [old, new])) for client, _, reply in load.replies]
        assert {v for _, v in versions} == {0, 1}, versions
        for client in range(3):
            mine = [v for c, v in versions if c == client]
            assert mine == sorted(mine), (client, mine)
        m = re.search(r"Exiting: (\d+) requests answered \((\d+) in the fast lane\)", server.log())
        assert m and int(m.group(2)) >= len(load.replies) - 3, (m and m.group(0), len(load.replies))
