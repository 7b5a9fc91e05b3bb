"""serving/protocol.py's fast lane, in process: raw HTTP bytes fed to the protocol uvicorn would run, over a
transport that records what is written. A plain :predict on a URL routed before is answered with one write; every
other request (the first on a URL, errors, pipelined behind a slow one, Expect: 100-continue, a large body,
batching on) takes uvicorn's ordinary path, two writes through the ASGI handler; both give the same replies,
equal to LiteRT's outputs, and count in the metrics alike. Keep-alive, HTTP/1.0, Connection: close and shutdown
with a request half received behave as uvicorn's own path does."""
import argparse
import asyncio
import json

import numpy as np
import pytest

from tests.conftest import skip_or_fail
from tests.serving.server import FLOAT_MODEL, add_version, litert_outputs
from tools import serve_cmd

try:
    import uvicorn
    import uvloop
    from tensorlite.serving.protocol import MAX_FAST_BODY, protocol_class
    from tensorlite.serving.server import build
except ImportError as exc:
    uvicorn = exc

PATH = b"/v1/models/m:predict"


class Transport:
    def __init__(self):
        self.writes, self.closed = [], False

    def write(self, data):
        self.writes.append(bytes(data))

    def get_extra_info(self, name, default=None):
        return {"sockname": ("127.0.0.1", 8501), "peername": ("127.0.0.1", 40000)}.get(name, default)

    def is_closing(self):
        return self.closed

    def close(self):
        self.closed = True

    def pause_reading(self):
        pass

    def resume_reading(self):
        pass


def request(body: bytes, path: bytes = PATH, version: bytes = b"1.1", extra: bytes = b"") -> bytes:
    return (b"POST %s HTTP/%s\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n%s"
            % (path, version, len(body), extra, body))


def replies(data: bytes) -> list[tuple[int, dict, bytes]]:
    """(status, headers, body) of each HTTP/1.1 response in `data` (Content-Length bodies)."""
    out = []
    while data:
        head, _, data = data.partition(b"\r\n\r\n")
        lines = head.split(b"\r\n")
        headers = dict(line.split(b": ", 1) for line in lines[1:])
        n = int(headers.get(b"content-length", b"0"))
        out.append((int(lines[0].split()[1]), headers, data[:n]))
        data = data[n:]
    return out


class Conn:
    """One connection to an App through the protocol class `tensorlite serve` runs, on its own uvloop loop."""

    def __init__(self, tmp, *flags):
        if isinstance(uvicorn, ImportError):
            skip_or_fail(f"{uvicorn} (pip install -e '.[dev]')")
        add_version(tmp / "m", 1, FLOAT_MODEL)
        p = argparse.ArgumentParser()
        serve_cmd.add_arguments(p)
        args = p.parse_args(["--model_name", "m", "--model_base_path", str(tmp / "m"),
                             "--file_system_poll_wait_seconds", "0", *flags])
        self.app, _, self._shutdown = build(args)
        self.loop = uvloop.new_event_loop()
        config = uvicorn.Config(self.app, http=protocol_class(self.app), lifespan="off", access_log=False,
                                proxy_headers=False, log_level="warning")
        config.load()
        self.server_state = uvicorn.server.ServerState()
        # what uvicorn's server loop keeps there (renewed each second)
        self.server_state.default_headers = [(b"date", b"Mon, 07 Dec 2026 05:00:00 GMT"), (b"server", b"uvicorn")]
        self.protocol = config.http_protocol_class(config, self.server_state, {}, _loop=self.loop)
        self.transport = Transport()
        self.protocol.connection_made(self.transport)

    def feed(self, *chunks: bytes) -> None:
        """Each chunk as one read from the socket, then the loop runs until nothing is left to do."""
        async def run():
            for chunk in chunks:
                self.protocol.data_received(chunk)
                await asyncio.sleep(0)
            for _ in range(50):  # tasks the ordinary path started
                await asyncio.sleep(0)
        self.loop.run_until_complete(run())

    def take(self) -> tuple[int, list]:
        """(writes since the last take, the replies they hold)."""
        writes, self.transport.writes = self.transport.writes, []
        return len(writes), replies(b"".join(writes))

    def close(self):
        self.protocol.connection_lost(None)
        self.loop.close()
        self._shutdown()
        self.app.pool.shutdown()


@pytest.fixture
def conn(tmp_path):
    c = Conn(tmp_path)
    yield c
    c.close()


def want(x: float) -> float:
    (y,) = litert_outputs(FLOAT_MODEL, [np.array([[x]], np.float32)])
    return float(y[0, 0])


def prediction(reply) -> float:
    status, _, body = reply
    assert status == 200, body
    (row,) = json.loads(body)["predictions"]
    return row[0]


def test_a_url_routed_before_is_answered_in_one_write(conn):
    conn.feed(request(b'{"instances": [[0.5]]}'))
    writes, (first,) = conn.take()
    assert writes == 2  # the first request on the URL: the ASGI handler (headers, then body)
    for x in (0.5, 1.25, -2.0):
        conn.feed(request(b'{"instances": [[%r]]}' % x))
        writes, (reply,) = conn.take()
        assert writes == 1, x
        assert prediction(reply) == pytest.approx(want(x), rel=1e-5, abs=1e-6)
        assert reply[1][b"content-type"] == b"application/json" and reply[1][b"server"] == b"uvicorn"
        assert reply[1][b"date"] == b"Mon, 07 Dec 2026 05:00:00 GMT" and reply[1] == first[1] | {
            b"content-length": reply[1][b"content-length"]}
        assert b"connection" not in reply[1] and not conn.transport.closed
    assert prediction(first) == pytest.approx(want(0.5), rel=1e-5, abs=1e-6)
    assert conn.app.answered == 4 and conn.server_state.total_requests == 4


def test_errors_on_a_fast_url_are_the_handlers(conn):
    conn.feed(request(b'{"instances": [[0.5]]}'))
    conn.take()
    for body, text in [(b'{"instances": [[0.5', b"JSON Parse error"),
                       (b'{"instances": [[0.5, 1.0]]}', b"expected shape [-1, 1]"),
                       (b'{"instances": [["a"]]}', b"expected float32 values"),
                       (b'{"instances": [[0.5]], "bogus": 1}', b"unknown key")]:
        conn.feed(request(body))
        writes, (reply,) = conn.take()
        assert writes == 2 and reply[0] == 400 and text in reply[2], (body, reply)
    conn.feed(request(b'{"instances": [[0.5], [1.0]]}'))  # two rows: the general path, still answered
    writes, (reply,) = conn.take()
    assert writes == 2 and reply[0] == 200 and len(json.loads(reply[2])["predictions"]) == 2


def test_pipelined_requests_are_answered_in_order(conn):
    conn.feed(request(b'{"instances": [[0.5]]}'))
    conn.take()
    conn.feed(request(b'{"instances": [[1.0]]}') + request(b'{"instances": [[0.5') + request(b'{"instances": [[2.0]]}')
              + request(b'{"instances": [[3.0]]}'))
    _, got = conn.take()
    assert [r[0] for r in got] == [200, 400, 200, 200]
    assert [prediction(got[i]) for i in (0, 2, 3)] == pytest.approx([want(1.0), want(2.0), want(3.0)], rel=1e-5,
                                                                    abs=1e-6)


def test_a_body_in_pieces_and_chunked(conn):
    conn.feed(request(b'{"instances": [[0.5]]}'))
    conn.take()
    whole = request(b'{"instances": [[0.75]]}')
    conn.feed(*[whole[i:i + 7] for i in range(0, len(whole), 7)])
    writes, (reply,) = conn.take()
    assert writes == 1 and prediction(reply) == pytest.approx(want(0.75), rel=1e-5, abs=1e-6)
    body = b'{"instances": [[1.5]]}'
    conn.feed(b"POST %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" % PATH,
              b"5\r\n%s\r\n" % body[:5], b"%x\r\n%s\r\n0\r\n\r\n" % (len(body) - 5, body[5:]))
    writes, (reply,) = conn.take()
    assert writes == 1 and prediction(reply) == pytest.approx(want(1.5), rel=1e-5, abs=1e-6)


def test_a_large_body_takes_the_ordinary_path(conn):
    conn.feed(request(b'{"instances": [[0.5]]}'))
    conn.take()
    big = b'{"instances": [[%s0.5]]}' % (b" " * MAX_FAST_BODY)
    conn.feed(*[request(big)[i:i + 4096] for i in range(0, len(request(big)), 4096)])
    writes, (reply,) = conn.take()
    assert writes == 2 and prediction(reply) == pytest.approx(want(0.5), rel=1e-5, abs=1e-6)


@pytest.mark.parametrize("extra", [b"", b"Connection: keep-alive\r\n"], ids=["plain", "keep-alive"])
def test_http_1_0_closes_the_connection(conn, extra):
    # as uvicorn's own path: HTTP/1.0 closes even when it asks for keep-alive
    conn.feed(request(b'{"instances": [[0.5]]}'))
    conn.take()
    conn.feed(request(b'{"instances": [[0.5]]}', version=b"1.0", extra=extra))
    writes, (reply,) = conn.take()
    assert writes == 1 and reply[1][b"connection"] == b"close" and conn.transport.closed


def test_connection_close_header(conn):
    conn.feed(request(b'{"instances": [[0.5]]}'))
    conn.take()
    conn.feed(request(b'{"instances": [[0.5]]}', extra=b"Connection: close\r\n"))
    writes, (reply,) = conn.take()
    assert writes == 1 and reply[1][b"connection"] == b"close" and conn.transport.closed
    assert prediction(reply) == pytest.approx(want(0.5), rel=1e-5, abs=1e-6)


def test_expect_100_continue_takes_the_ordinary_path(conn):
    conn.feed(request(b'{"instances": [[0.5]]}'))
    conn.take()
    whole = request(b'{"instances": [[0.5]]}', extra=b"Expect: 100-continue\r\n")
    head, _, body = whole.partition(b"\r\n\r\n")
    conn.feed(head + b"\r\n\r\n")
    writes = conn.transport.writes
    assert writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    conn.transport.writes = []
    conn.feed(body)
    writes, (reply,) = conn.take()
    assert writes == 2 and prediction(reply) == pytest.approx(want(0.5), rel=1e-5, abs=1e-6)


def test_shutdown_with_a_request_half_received_answers_it_then_closes(conn):
    conn.feed(request(b'{"instances": [[0.5]]}'))
    conn.take()
    whole = request(b'{"instances": [[0.25]]}')
    conn.feed(whole[:-5])
    conn.protocol.shutdown()  # what uvicorn's graceful shutdown calls on every connection
    assert not conn.transport.closed
    conn.feed(whole[-5:])
    writes, (reply,) = conn.take()
    assert writes == 1 and reply[1][b"connection"] == b"close" and conn.transport.closed
    assert prediction(reply) == pytest.approx(want(0.25), rel=1e-5, abs=1e-6)


def test_an_idle_connection_closes_at_shutdown(conn):
    conn.feed(request(b'{"instances": [[0.5]]}'))
    conn.feed(request(b'{"instances": [[0.5]]}'))
    conn.protocol.shutdown()
    assert conn.transport.closed


def test_metrics_count_the_fast_lane(tmp_path):
    (tmp_path / "monitoring.config").write_text("prometheus_config { enable: true }")
    c = Conn(tmp_path, "--monitoring_config_file", str(tmp_path / "monitoring.config"))
    try:
        counts = []
        for _ in range(4):
            c.feed(request(b'{"instances": [[0.5]]}'))
            counts.append(c.take()[0])
        c.feed(request(b'{"instances": [[0.5, 1]]}'))  # a 400 on the same URL: the handler's, counted by it
        assert c.take()[1][0][0] == 400
        c.feed(b"GET /monitoring/prometheus/metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        (_, _, text), = c.take()[1]
    finally:
        c.close()
    assert counts == [2, 1, 1, 1]
    lines = text.decode().splitlines()
    labels = 'model_name="m",version="1",API="predict"'
    assert f':tensorflow:serving:request_count{{{labels},status="OK"}} 4' in lines, text
    # the handler counts an error under the version the request named (none here)
    assert ':tensorflow:serving:request_count{model_name="m",version="",API="predict",status="INVALID_ARGUMENT"} 1' \
        in lines, text
    for name in ("request_latency", "runtime_latency"):
        (count,) = [line for line in lines if line.startswith(f":tensorflow:serving:{name}_count")]
        assert count.endswith(" 4"), (name, count)


def test_no_fast_lane_with_batching(tmp_path):
    (tmp_path / "batching.config").write_text("max_batch_size { value: 4 } batch_timeout_micros { value: 0 }")
    c = Conn(tmp_path, "--enable_batching", "--batching_parameters_file", str(tmp_path / "batching.config"))
    try:
        for _ in range(3):
            c.feed(request(b'{"instances": [[0.5]]}'))
            for _ in range(100):  # the batch thread answers through the loop
                if len(c.transport.writes) >= 2:
                    break
                c.loop.run_until_complete(asyncio.sleep(0.01))
            writes, (reply,) = c.take()
            assert writes == 2 and prediction(reply) == pytest.approx(want(0.5), rel=1e-5, abs=1e-6)
    finally:
        c.close()
