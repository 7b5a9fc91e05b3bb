"""InfraValidator: does the trained model load and answer where it will be served? It converts the saved
model to `.tflite`, loads it in the C runtime (tl.lite.Interpreter) and runs examples through its signature,
which must agree with the saved model (rtol 1e-4) and be finite; then, unless serving_spec says otherwise, it
starts `tensorlite serve` on a private model folder and port (the layout Pusher writes), waits for it to be
ready, sends the same examples to TF Serving's REST predict and compares. The blessing is INFRA_BLESSED or
INFRA_NOT_BLESSED (custom property blessed), with the reason in `infra_validation.json`."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import numpy as np

from .. import examples_io
from ..types import standard_artifacts
from .base import BaseComponent
from .evaluator import model_outputs
from .pusher import convert_to_tflite
from .trainer import SERVING_DIR


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_and_predict(model_dir: str, rows: list[dict], timeout_s: float, log_path: str) -> np.ndarray:
    """Starts `tensorlite serve` on model_dir (<version>/model.tflite inside), predicts `rows`, stops it."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "tensorlite", "serve", "--model_name", "infra",
                                 "--model_base_path", model_dir, "--rest_api_host", "127.0.0.1",
                                 "--rest_api_port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                with open(log_path, errors="replace") as f:
                    raise RuntimeError(f"tensorlite serve exited with {proc.returncode}: {f.read()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/v2/health/ready", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"tensorlite serve was not ready within {timeout_s:g} s")
            time.sleep(0.1)
        body = json.dumps({"instances": rows}).encode()
        request = urllib.request.Request(url + "/v1/models/infra:predict", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=timeout_s) as r:
            return np.asarray(json.loads(r.read())["predictions"], np.float32)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def serve_available() -> str | None:
    """None when `tensorlite serve` can run here, else why not."""
    try:
        import tensorlite.serving  # noqa: F401
    except ImportError as exc:
        return f"tensorlite.serving is not importable ({exc})"
    for name in ("uvicorn", "orjson"):
        try:
            __import__(name)
        except ImportError:
            return f"{name} is not installed (pip install 'tensorlite[serve]')"
    return None


class InfraValidator(BaseComponent):
    INPUTS = {"model": (standard_artifacts.Model, False), "examples": (standard_artifacts.Examples, True)}
    OUTPUTS = {"blessing": standard_artifacts.InfraBlessing}

    def __init__(self, model=None, examples=None, serving_spec=None, validation_spec=None, request_spec=None):
        super().__init__({"model": model, "examples": examples},
                         {"serving_spec": serving_spec, "validation_spec": validation_spec,
                          "request_spec": request_spec})

    def execute(self, inputs, outputs, params, context) -> None:
        model, blessing = inputs["model"][0], outputs["blessing"][0]
        request = (params["request_spec"] or {}).get("tensorflow_serving") or {}
        num = int(request.get("num_examples") or 5)
        timeout = float((params["validation_spec"] or {}).get("max_loading_time_seconds") or 60)
        serving = params["serving_spec"]
        use_serve = serving is None or serving.get("tensorlite_serve") is not None
        report = {"checks": []}
        try:
            import tensorlite as tl
            flat = convert_to_tflite(os.path.join(model.uri, SERVING_DIR))
            interp = tl.lite.Interpreter(model_content=flat)
            runner = interp.get_signature_runner("serving_default")
            names = list(interp.get_signature_list()["serving_default"]["inputs"])
            if inputs.get("examples"):
                ex = inputs["examples"][0]
                split = "eval" if "eval" in ex.splits() else ex.splits()[0]
                columns = examples_io.read_split(ex.uri, split)
                columns = {k: (v[:num], m[:num]) for k, (v, m) in columns.items()}
            else:  # zeros of each input
                columns = {n: (np.zeros(num, np.float32), np.ones(num, bool)) for n in names}
            want = model_outputs(model.uri, columns)
            got = np.concatenate([list(runner(**{n: columns[n][0][i:i + 1].reshape(1, 1).astype(np.float32)
                                                 for n in names}).values())[0] for i in range(num)])
            if not np.all(np.isfinite(got)):
                raise RuntimeError("the C runtime's outputs are not finite")
            np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
            report["checks"].append(f"C runtime: loaded, {num} examples agree with the saved model")
            if use_serve:
                why = serve_available()
                if why is not None:
                    raise RuntimeError(f"tensorlite serve cannot run: {why}")
                folder = os.path.join(blessing.uri, "serving", "1")
                os.makedirs(folder)
                with open(os.path.join(folder, "model.tflite"), "wb") as f:
                    f.write(flat)
                rows = [{n: [float(columns[n][0][i])] for n in names} for i in range(num)]
                served = serve_and_predict(os.path.dirname(folder), rows, timeout,
                                           os.path.join(blessing.uri, "serve.log"))
                np.testing.assert_allclose(served.reshape(got.shape), got, rtol=1e-6, atol=1e-6)
                report["checks"].append(f"tensorlite serve: ready, {num} predictions equal the C runtime's")
            blessed = True
        except (RuntimeError, ValueError, AssertionError, OSError) as exc:
            report["failure"] = f"{type(exc).__name__}: {exc}"
            blessed = False
        with open(os.path.join(blessing.uri, "infra_validation.json"), "w") as f:
            json.dump(report, f, indent=1)
        open(os.path.join(blessing.uri, "INFRA_BLESSED" if blessed else "INFRA_NOT_BLESSED"), "w").close()
        blessing.set_int_custom_property("blessed", int(blessed))
