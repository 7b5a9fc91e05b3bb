"""Starting the real server for the tests: `python3 -m tensorlite serve ...` as a subprocess on a free loopback
port, its log in a file, stopped with SIGTERM; model folders laid out as TF Serving's (BASE/<version>/model.tflite)
from the models in tests/data."""
from __future__ import annotations

import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time

import numpy as np

from tests.conftest import skip_or_fail
from tests.paths import CORPUS, TF_CONVERTED

FLOAT_MODEL = CORPUS / "hello_world_float.tflite"       # [-1, 1] float32 -> [-1, 1]
INT8_MODEL = CORPUS / "hello_world_int8.tflite"         # [-1, 1] int8 -> [-1, 1]
FIXED_BATCH = CORPUS / "add_model_float.tflite"         # [1, 1] float32 -> [1, 1], no -1 batch dimension
TWO_INPUTS = CORPUS / "simple_add_model.tflite"         # two [-1, 128, 128, 1] int8 inputs
TWO_OUTPUTS = CORPUS / "custom_model_rf_keras.tflite"    # [-1, 144, 192, 1] int8 -> reg_concat, softmax
SLOW_MODEL = TF_CONVERTED / "mobilenet_v2_035_96_float16.tflite"  # [-1, 96, 96, 3] float32, some milliseconds


def dense_model(path: pathlib.Path, seed: int, width: int = 256, depth: int = 4) -> pathlib.Path:
    """A [-1, width] float32 -> [-1, 4] MLP with seeded weights, converted by tensorlite (about 0.1 ms an invoke:
    slow enough to run in the server's thread pool, different outputs for each seed)."""
    import tensorlite as tl
    rng = np.random.default_rng(seed)
    model = tl.keras.Sequential([tl.keras.layers.Input(shape=(width,))]
                                + [tl.keras.layers.Dense(width, activation="relu") for _ in range(depth)]
                                + [tl.keras.layers.Dense(4)])
    model.set_weights([rng.normal(0, 1 / np.sqrt(w.shape[0]), w.shape).astype(np.float32)
                       for w in model.get_weights()])
    path.write_bytes(tl.lite.Converter.from_keras_model(model).convert())
    return path


def requests_module():
    try:
        import requests
    except ImportError:
        skip_or_fail("requests is not installed (pip install -e '.[dev]')")
    return requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def add_version(base: pathlib.Path, version: int, model: pathlib.Path) -> pathlib.Path:
    """Writes BASE/<version>/model.tflite the way TFX's Pusher does: a temporary folder, then a rename."""
    tmp = base / f".tmp-{version}"
    tmp.mkdir(parents=True)
    shutil.copyfile(model, tmp / "model.tflite")
    os.rename(tmp, base / str(version))
    return base / str(version) / "model.tflite"


class Server:
    def __init__(self, tmp: pathlib.Path, *flags: str, wait_ready: bool = True):
        for name in ("uvicorn", "uvloop", "httptools", "orjson"):
            try:
                __import__(name)
            except ImportError:
                skip_or_fail(f"{name} is not installed (pip install -e '.[dev]')")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / f"server-{self.port}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "tensorlite", "serve", "--rest_api_host", "127.0.0.1",
                                      "--rest_api_port", str(self.port), *flags],
                                     stdout=self._log, stderr=subprocess.STDOUT)
        self._wait(wait_ready)

    def _wait(self, ready: bool) -> None:
        requests = requests_module()
        self.probes = 0  # answered probes: the server counts them among its answers
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url + ("/v2/health/ready" if ready else "/v2/health/live"),
                                timeout=2).status_code == 200:
                    self.probes += 1
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        self.stop()
        raise AssertionError(f"server did not come up in 60 s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def terminate(self) -> None:
        self.proc.send_signal(signal.SIGTERM)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def litert_outputs(model: pathlib.Path, inputs: list[np.ndarray]) -> list[np.ndarray]:
    """LiteRT's outputs (reference kernels) for one batch-1 invoke per row of the inputs, stacked."""
    from tests.litert import litert_interpreter
    it = litert_interpreter(model_path=str(model))
    it.allocate_tensors()
    ins, outs = it.get_input_details(), it.get_output_details()
    rows = []
    for i in range(inputs[0].shape[0]):
        for d, x in zip(ins, inputs):
            it.set_tensor(d["index"], x[i:i + 1])
        it.invoke()
        rows.append([it.get_tensor(d["index"]) for d in outs])
    return [np.concatenate(parts, axis=0) for parts in zip(*rows)]
