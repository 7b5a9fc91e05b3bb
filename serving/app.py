"""The ASGI application: routing by hand (no framework), orjson for JSON, and the model run either inline on the
event loop, in the invoke thread pool, or through the version's Batcher.

A model whose warm-up invoke took under INLINE_SECONDS runs on the event loop's own interpreter: the hand-off to a
thread and back costs more than such an invoke (tens of microseconds), and the loop is blocked no longer than by
parsing the request. Anything slower runs in the thread pool (cffi releases the GIL during the C runtime's
invoke), so the loop keeps serving while models run. With --enable_batching every request goes to the batcher.
Plain :predict requests to a URL routed before mostly never reach __call__: serving/protocol.py answers them
through fast_predict as soon as the HTTP parser has them.
"""
from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import orjson

from . import codec_v1, codec_v2
from .errors import ServingError
from .manager import Manager

log = logging.getLogger("tensorlite.serving")

INLINE_SECONDS = 50e-6
_JSON = [(b"content-type", b"application/json")]


def _version(text: str) -> int:
    if not text.isdigit():
        raise ServingError("INVALID_ARGUMENT", f"version {text!r} is not a number")
    return int(text)


class App:
    def __init__(self, manager: Manager, threads: int, metrics=None, metrics_path: str | None = None,
                 batching: bool = False):
        self.manager, self.metrics, self.metrics_path = manager, metrics, metrics_path
        self.pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="invoke")
        self.batching = batching  # each Servable then has a .batcher (serving/server.py gives it one)
        self.max_batch_size = 0   # the batcher's, for Triton's model config (set by serving/server.py)
        self.in_flight = 0
        self.answered = 0       # requests answered, those of the fast lane included
        self.answered_fast = 0  # by serving/protocol.py's fast lane
        self._predict_routes = {}  # path of a :predict URL seen before -> (name, version, label)
        # serving/protocol.py may answer plain :predict requests itself (through fast_predict) when this holds
        self.fast_lane = not batching

    # -- ASGI -----------------------------------------------------------------------------------------
    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        self.in_flight += 1
        try:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            if message.get("more_body", False):  # a large body comes in chunks: join them once
                chunks = [body]
                while message.get("more_body", False):
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    chunks.append(message.get("body", b""))
                body = b"".join(chunks)
            route = self._predict_routes.get(scope["path"]) if scope["method"] == "POST" else None
            payload = self._fast(route, body) if route is not None else None
            if payload is None:
                status, payload, headers = await self.handle(scope, body)
            else:
                status, headers = 200, _JSON
            await send({"type": "http.response.start", "status": status,
                        "headers": headers + [(b"content-length", str(len(payload)).encode())]})
            await send({"type": "http.response.body", "body": payload})
            self.answered += 1
        finally:
            self.in_flight -= 1

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                log.info("Shutting down: %d requests answered", self.answered)
                await send({"type": "lifespan.shutdown.complete"})
                return

    # -- routing --------------------------------------------------------------------------------------
    async def handle(self, scope, body: bytes):
        method, path = scope["method"], scope["path"]
        info = _Info()  # what the metrics need, filled in as the request is understood
        start = time.perf_counter()
        try:
            if path.startswith("/v1/models/"):
                result = await self._v1(method, path[len("/v1/models/"):], body, info)
            elif path.startswith("/v2"):
                result = await self._v2(method, path, body, scope, info)
            elif self.metrics_path is not None and path == self.metrics_path and method == "GET":
                return 200, self.metrics.text(), [(b"content-type", b"text/plain; version=0.0.4")]
            else:
                raise ServingError("NOT_FOUND", f"Malformed request: {method} {path}")
            status, payload, headers = 200, result[0], result[1]
            code = "OK"
        except ServingError as exc:
            code = exc.code
            status, payload, headers = exc.http_status, orjson.dumps({"error": exc.message}), _JSON
        except Exception as exc:  # a bug must answer 500, not drop the connection
            log.exception("%s %s failed", method, path)
            code = "INTERNAL"
            status, payload, headers = 500, orjson.dumps({"error": f"internal error: {exc}"}), _JSON
        if self.metrics is not None and info.model:
            self.metrics.count_request(info.model, info.version, info.api, code)
            if code == "OK":
                self.metrics.observe_request(info.model, info.api, time.perf_counter() - start)
        return status, payload, headers

    def _target(self, text: str):
        """'name[/versions/N|/labels/L]' -> (name, version, label)."""
        parts = text.split("/")
        if len(parts) == 1 and parts[0]:
            return parts[0], None, None
        if len(parts) == 3 and parts[0] and parts[1] == "versions":
            return parts[0], _version(parts[2]), None
        if len(parts) == 3 and parts[0] and parts[1] == "labels":
            return parts[0], None, parts[2]
        raise ServingError("NOT_FOUND", f"Malformed request: /v1/models/{text}")

    async def _v1(self, method: str, rest: str, body: bytes, info):
        route = self._predict_routes.get("/v1/models/" + rest) if method == "POST" else None
        if route is not None:
            name, version, label = route
            info.set("predict", name, version)
            servable = self.manager.get(name, version, label)
            doc = codec_v1.parse_json(body)
            fast = servable.fast
            if fast is not None and len(doc) == 1 and self.inline(servable):
                reply = self._predict_fast(servable, fast, doc.get("instances"))
                if reply is not None:
                    return info.set("predict", name, servable.version, (reply, _JSON))
            sig, arrays, batch, row = codec_v1.decode_predict(doc, servable)
            if self.inline(servable):
                outputs = self._run_inline(servable, sig, arrays, "predict")
            else:
                outputs = await self._run(servable, sig, arrays, batch, "predict")
            return info.set("predict", name, servable.version, (codec_v1.encode_predict(sig, outputs, row), _JSON))
        if method == "POST":
            target, sep, verb = rest.rpartition(":")
            if not sep:
                raise ServingError("NOT_FOUND", f"Malformed request: POST /v1/models/{rest} (expected "
                                   ":predict, :classify or :regress)")
            name, version, label = self._target(target)
            if verb in ("classify", "regress"):
                raise ServingError("UNIMPLEMENTED", f":{verb} needs tf.Example inputs and a TensorFlow "
                                   f"{verb} signature, which .tflite models do not have; use :predict")
            if verb != "predict":
                raise ServingError("NOT_FOUND", f"Malformed request: POST /v1/models/{rest}")
            if len(self._predict_routes) >= 4096:
                self._predict_routes.clear()
            self._predict_routes["/v1/models/" + rest] = (name, version, label)
            return await self._v1(method, rest, body, info)
        if method != "GET":
            raise ServingError("NOT_FOUND", f"Malformed request: {method} /v1/models/{rest}")
        if rest.endswith("/metadata"):
            name, version, label = self._target(rest[:-len("/metadata")])
            servable = self.manager.get(name, version, label)
            return info.set("metadata", name, servable.version, (orjson.dumps(codec_v1.metadata(servable)), _JSON))
        name, version, label = self._target(rest)
        return info.set("status", name, version, (orjson.dumps(self._status(name, version, label)), _JSON))

    def _status(self, name: str, version: int | None, label: str | None) -> dict:
        model = self.manager.models.get(name)
        if model is None:
            raise ServingError("NOT_FOUND", f"Could not find any versions of model {name}")
        if label is not None:
            if label not in model.labels:
                raise ServingError("INVALID_ARGUMENT", f"Unrecognized servable version label: {label}")
            version = model.labels[label]
        statuses = model.status
        if version is not None and version not in statuses:
            raise ServingError("NOT_FOUND", f"Could not find version {version} of model {name}")
        versions = [version] if version is not None else sorted(statuses, reverse=True)
        return {"model_version_status": [
            {"version": str(v), "state": statuses[v].state,
             "status": {"error_code": statuses[v].error_code, "error_message": statuses[v].error_message}}
            for v in versions]}

    async def _v2(self, method: str, path: str, body: bytes, scope, info):
        parts = path.strip("/").split("/")
        if method == "GET" and parts == ["v2"]:
            import tensorlite
            about = {"name": "tensorlite", "version": tensorlite.__version__, "extensions": ["binary_tensor_data"]}
            return info.set("server_metadata", "", None, (orjson.dumps(about), _JSON))
        if method == "GET" and parts == ["v2", "health", "live"]:
            return info.set("live", "", None, (orjson.dumps({"live": True}), _JSON))
        if method == "GET" and parts == ["v2", "health", "ready"]:
            if not self.manager.ready():
                raise ServingError("UNAVAILABLE", "not every model has a version loaded")
            return info.set("ready", "", None, (orjson.dumps({"ready": True}), _JSON))
        if len(parts) < 3 or parts[1] != "models" or not parts[2]:
            raise ServingError("NOT_FOUND", f"Malformed request: {method} {path}")
        name, rest, version = parts[2], parts[3:], None
        if rest[:1] == ["versions"]:
            if len(rest) < 2:
                raise ServingError("NOT_FOUND", f"Malformed request: {method} {path}")
            version, rest = _version(rest[1]), rest[2:]
        if method == "GET" and rest == ["ready"]:
            try:
                self.manager.get(name, version)
            except ServingError as exc:
                raise ServingError(exc.code if exc.code == "NOT_FOUND" else "UNAVAILABLE", exc.message) from None
            return info.set("model_ready", name, version, (orjson.dumps({"name": name, "ready": True}), _JSON))
        if method == "GET" and rest == []:
            servable = self.manager.get(name, version)
            versions = sorted(self.manager.models[name].serving) if version is None else [version]
            return info.set("model_metadata", name, servable.version, (
                orjson.dumps(codec_v2.model_metadata(servable, versions)), _JSON))
        if method == "GET" and rest == ["config"]:
            servable = self.manager.get(name, version)
            max_batch = self.max_batch_size if self.batching else 0
            return info.set("model_config", name, servable.version, (
                orjson.dumps(codec_v2.model_config(servable, max_batch)), _JSON))
        if method == "POST" and rest == ["infer"]:
            info.set("infer", name, version)
            servable = self.manager.get(name, version)
            header = next((v for k, v in scope["headers"] if k == b"inference-header-content-length"), None)
            try:
                header_length = int(header) if header is not None else None
            except ValueError:
                raise ServingError("INVALID_ARGUMENT", "Inference-Header-Content-Length is not a number") from None
            sig, arrays, batch, doc, wanted, default_binary = codec_v2.decode_infer(body, header_length, servable)
            if self.inline(servable):
                outputs = self._run_inline(servable, sig, arrays, "infer")
            else:
                outputs = await self._run(servable, sig, arrays, batch, "infer")
            payload, head = codec_v2.encode_infer(servable, sig, outputs, doc, wanted, default_binary)
            headers = _JSON if head is None else [(b"content-type", b"application/octet-stream"),
                                                  (b"inference-header-content-length", str(head).encode())]
            return info.set("infer", name, servable.version, (payload, headers))
        raise ServingError("NOT_FOUND", f"Malformed request: {method} {path}")

    # -- running --------------------------------------------------------------------------------------
    def inline(self, servable) -> bool:
        """Whether to run the model on the event loop: a fast model, batching off."""
        return not self.batching and servable.invoke_seconds < INLINE_SECONDS

    def is_predict_route(self, path: str) -> bool:
        return path in self._predict_routes

    def fast_predict(self, path: str, body: bytes):
        """The reply body to a plain :predict POSTed to `path`, counted as answered; None: let the handler answer.
        Called by serving/protocol.py straight from the HTTP parser, on the event loop."""
        route = self._predict_routes.get(path)
        if route is None:
            return None
        payload = self._fast(route, body)
        if payload is not None:
            self.answered += 1
            self.answered_fast += 1
        return payload

    def _fast(self, route, body: bytes):
        """The whole of a plain :predict (see _predict_fast) for a URL seen before, batching off, counted in the
        metrics (if kept) as handle() counts it; None (anything unexpected included) lets handle() answer, with
        its errors."""
        if self.batching:
            return None
        metrics = self.metrics
        start = time.perf_counter() if metrics is not None else 0.0
        try:
            servable = self.manager.get(*route)
            fast = servable.fast
            if fast is None or servable.invoke_seconds >= INLINE_SECONDS:
                return None
            doc = orjson.loads(body)
            if doc.__class__ is not dict or len(doc) != 1:
                return None
            payload = self._predict_fast(servable, fast, doc.get("instances"))
        except Exception:
            return None
        if metrics is not None and payload is not None:
            metrics.count_request(servable.name, servable.version, "predict", "OK")
            metrics.observe_request(servable.name, "predict", time.perf_counter() - start)
        return payload

    def _predict_fast(self, servable, fast, instances):
        """The reply to {"instances": [...]} of exactly the model's static shape for a one-input, one-output float
        signature, run inline; None sends the request down the general path (which also words any error)."""
        sig, shape, dtype = fast
        if instances.__class__ is not list or len(instances) != shape[0]:
            return None
        try:
            x = np.asarray(instances, dtype)
        except (ValueError, TypeError):
            return None
        if x.shape != shape:
            return None
        slot = servable.loop_slot
        if slot.batch is not None:
            slot.use(sig, None)
        start = time.perf_counter() if self.metrics is not None else 0.0
        try:
            (y,) = slot.invoke(sig, [x])
        except RuntimeError as exc:
            raise ServingError("INTERNAL", str(exc)) from None
        if self.metrics is not None:
            self.metrics.observe_runtime(servable.name, "predict", time.perf_counter() - start)
        return orjson.dumps({"predictions": y}, option=orjson.OPT_SERIALIZE_NUMPY)

    def _run_inline(self, servable, sig, arrays, api):
        if self.metrics is None:
            return servable.run(sig, arrays, servable.loop_slot)
        start = time.perf_counter()
        outputs = servable.run(sig, arrays, servable.loop_slot)
        self.metrics.observe_runtime(servable.name, api, time.perf_counter() - start)
        return outputs

    async def _run(self, servable, sig, arrays, batch, api):
        start = time.perf_counter()
        if self.batching:
            loop = asyncio.get_running_loop()
            future = loop.create_future()

            def done(result):
                loop.call_soon_threadsafe(_settle, future, result)

            servable.batcher.submit(sig, arrays, batch, done)
            outputs = await future
        else:
            outputs = await asyncio.get_running_loop().run_in_executor(self.pool, servable.run, sig, arrays)
        if self.metrics is not None:
            self.metrics.observe_runtime(servable.name, api, time.perf_counter() - start)
        return outputs


class _Info:
    __slots__ = ("api", "model", "version")

    def __init__(self):
        self.api, self.model, self.version = "unknown", "", None

    def set(self, api, model, version, result=None):
        self.api, self.model, self.version = api, model, version
        return result


def _settle(future, result):
    if future.cancelled():
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)
