"""The HTTP protocol: uvicorn's httptools protocol with a fast lane for plain :predict requests.

uvicorn hands every request to the ASGI handler through a task, an event, two coroutine sends (each validating
the headers) and two writes to the socket. For a model that runs in microseconds that is most of a request's cost.
Here a POST to a :predict URL the handler has routed before, while App.fast_lane holds (batching off), is held
back until its body is in, then App.fast_predict answers it on the spot: one write of status line, headers
and body, then uvicorn's own end-of-response bookkeeping (keep-alive timer, pipelined requests). Whenever
fast_predict says no (anything but the plain case, errors included) or the connection is not idle (a pipelined
request ahead of it, the write buffer full), the request goes down uvicorn's ordinary path to the ASGI handler
with the body already read, so the handler answers it, and words any error, exactly as without the lane.

Graceful shutdown: uvicorn's shutdown() closes idle connections and lets a request in progress finish. A request
held in the lane has no uvicorn cycle yet, so shutdown() here marks the connection to close after answering it."""
from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_FAST_BODY = 1 << 16  # larger bodies are not the tiny requests the lane is for: ordinary path
_NEEDED = ("on_message_begin", "on_headers_complete", "on_body", "on_message_complete", "on_response_complete",
           "shutdown")


def protocol_class(app):
    """uvicorn's `http` protocol class for serving `app` (a serving.app.App): the fast-lane protocol, or plain
    httptools where this uvicorn's protocol lacks the methods the lane builds on."""
    if not all(callable(getattr(HttpToolsProtocol, name, None)) for name in _NEEDED):
        return "httptools"
    return type("FastPredictProtocol", (FastPredictProtocol,), {"serving_app": app})


class FastPredictProtocol(HttpToolsProtocol):
    serving_app = None  # set by protocol_class()
    _held = None        # the decoded path of a request held in the lane; None: uvicorn's ordinary path
    _closing = False    # shutdown() came while a request was held: answer it, then close
    _dh_source = None   # uvicorn's default headers (date, server) and their encoding, renewed when they change
    _dh_bytes = b""

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._held = None

    def on_headers_complete(self) -> None:
        path = self._lane_path()
        if path is None:
            super().on_headers_complete()
            return
        self._held = path
        self._body = b""

    def _lane_path(self):
        app = self.serving_app
        if not app.fast_lane or self.expect_100_continue or self.access_log or self.limit_concurrency is not None:
            return None
        url = self.url
        if b"%" in url or self.parser.get_method() != b"POST" or self.parser.should_upgrade():
            return None
        path = url.decode("latin-1")
        return path if app.is_predict_route(path) else None

    def on_body(self, body: bytes) -> None:
        if self._held is None:
            super().on_body(body)
            return
        self._body += body
        if len(self._body) > MAX_FAST_BODY:
            self._release(self._body)

    def on_message_complete(self) -> None:
        if self._held is None:
            super().on_message_complete()
            return
        path, body = self._held, self._body
        self._held, self._body = None, b""
        cycle = self.cycle
        if (cycle is None or cycle.response_complete) and not self.pipeline and not self.flow.write_paused:
            payload = self.serving_app.fast_predict(path, body)
            if payload is not None:
                self._answer(payload)
                return
        self._release(body)
        super().on_message_complete()

    def _release(self, body: bytes) -> None:
        """Sends the held request down uvicorn's ordinary path, with the body received so far."""
        self._held, self._body = None, b""
        super().on_headers_complete()
        if self._closing and self.cycle is not None:
            self.cycle.keep_alive = False
        if body:
            super().on_body(body)

    def _answer(self, payload: bytes) -> None:
        keep_alive = (not self._closing and self.parser.get_http_version() != "1.0"
                      and self.parser.should_keep_alive())
        default = self.server_state.default_headers
        if default is not self._dh_source:
            self._dh_bytes = b"".join(b"%s: %s\r\n" % (name, value) for name, value in default)
            self._dh_source = default
        self.transport.write(b"".join((
            b"HTTP/1.1 200 OK\r\n", self._dh_bytes, b"content-type: application/json\r\ncontent-length: ",
            str(len(payload)).encode(), b"\r\n\r\n" if keep_alive else b"\r\nconnection: close\r\n\r\n", payload)))
        if not keep_alive:
            self.transport.close()
        self.on_response_complete()

    def shutdown(self) -> None:
        if self._held is not None:
            self._closing = True
            return
        super().shutdown()
