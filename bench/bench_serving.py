"""Model server benchmark: `wrk` against `tensorlite serve` and, in the same run, a minimal uvicorn + LiteRT
handler (the baseline: one uvicorn worker on uvloop and httptools, orjson, LiteRT's Interpreter invoked inside the
async handler) on the same tiny model, then MobileNetV2 with and without server-side batching.

1. tiny model (tests/data/tflm/hello_world_float.tflite), TF Serving's v1 JSON
   (`POST /v1/models/m:predict {"instances": [[0.5]]}`), both servers at each connection count;
2. MobileNetV2 224 float32 (scripts/make_bench_models.py writes it; default
   /work/bench_models/mobilenet_v2_224_float32.tflite), one image a request through the Open Inference Protocol's
   binary tensors (what tritonclient sends), batching off and on (max_batch_size 8, batch_timeout_micros 2000,
   num_batch_threads 2, allowed_batch_sizes 1, 2, 4, 8).

Throughput is wrk's Requests/sec, p99 wrk's --latency 99th percentile, server CPU the server process's user +
system time (/proc) over the requests, each the median of --rounds runs; non-2xx
replies and socket errors are counted and reported. Both servers and wrk share the machine, so numbers depend on
its cores and load: the 1-minute load average is printed at the start and the end, and for the tiny model the
ratios of each round's pair of runs (run back to back, so they saw about the same load) with their median.

With --in-process N, each server's Python path is also timed without sockets, wrk or the other processes: N
raw HTTP requests a round fed to the HTTP protocol each server runs (uvicorn's, with the server's own options)
over a transport that only keeps what is written, rounds alternating, CPU time per request of this process. It
leaves out the system calls and is the figure the machine's load moves least.

    python3 bench/bench_serving.py [--connections 1,8,32] [--seconds 5] [--rounds 3] [--mobilenet PATH | --no-mobilenet]
                                   [--in-process N] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TINY = os.path.join(REPO, "tests", "data", "tflm", "hello_world_float.tflite")
MOBILENET = "/work/bench_models/mobilenet_v2_224_float32.tflite"

BASELINE = """
import sys
import numpy as np
import orjson
import uvicorn
from ai_edge_litert.interpreter import Interpreter

it = Interpreter(model_path=sys.argv[1])
it.allocate_tensors()
IN, OUT = it.get_input_details()[0], it.get_output_details()[0]


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    body, more = b"", True
    while more:
        m = await receive()
        body += m.get("body", b"")
        more = m.get("more_body", False)
    if scope["method"] == "GET":
        payload = b"{}"
    else:
        it.set_tensor(IN["index"], np.asarray(orjson.loads(body)["instances"], IN["dtype"]))
        it.invoke()
        payload = orjson.dumps({"predictions": it.get_tensor(OUT["index"])}, option=orjson.OPT_SERIALIZE_NUMPY)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), loop="uvloop", http="httptools", access_log=False,
                log_level="warning")
"""

WRK_POST = """
local f = io.open("{body}", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "{content_type}"
{extra}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


class Started:
    def __init__(self, argv, probe_path, log):
        self.port = free_port()
        self.proc = subprocess.Popen([a.replace("{port}", str(self.port)) for a in argv], stdout=log,
                                     stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"
        wait_up(self.url + probe_path, self.proc)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def tensorlite_server(base: str, tmp: str, batching: bool, log) -> Started:
    argv = [sys.executable, "-m", "tensorlite", "serve", "--model_name", "m", "--model_base_path", base,
            "--rest_api_host", "127.0.0.1", "--rest_api_port", "{port}", "--file_system_poll_wait_seconds", "0"]
    if batching:
        cfg = os.path.join(tmp, "batching.config")
        with open(cfg, "w") as f:
            f.write("max_batch_size { value: 8 } batch_timeout_micros { value: 2000 } "
                    "num_batch_threads { value: 2 } max_enqueued_batches { value: 1000 } "
                    "allowed_batch_sizes: 1 allowed_batch_sizes: 2 allowed_batch_sizes: 4 allowed_batch_sizes: 8")
        argv += ["--enable_batching", "--batching_parameters_file", cfg]
    return Started(argv, "/v2/health/ready", log)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (its threads included)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(url: str, script: str, connections: int, seconds: float, pid: int | None = None) -> dict:
    threads = min(2, connections)
    cpu = cpu_seconds(pid) if pid else 0.0
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
                          "--latency", "--timeout", "30s", "-s", script, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(text):
        value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
        return float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    errors = sum(int(x) for x in m.groups()) if (m := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)) else 0
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    # server CPU per request: what the load on a shared machine does not change much
    cpu_us = (cpu_seconds(pid) - cpu) / max(1, requests) * 1e6 if pid else float("nan")
    return {"rps": rps, "p50_ms": p50, "p99_ms": p99, "non2xx": non2xx, "socket_errors": errors, "cpu_us": cpu_us}


def write_script(tmp: str, name: str, body: bytes, content_type: str, extra: str = "") -> str:
    body_path = os.path.join(tmp, name + ".body")
    with open(body_path, "wb") as f:
        f.write(body)
    path = os.path.join(tmp, name + ".lua")
    with open(path, "w") as f:
        f.write(WRK_POST.format(body=body_path, content_type=content_type, extra=extra))
    return path


def model_dir(tmp: str, name: str, model: str) -> str:
    base = os.path.join(tmp, name)
    os.makedirs(os.path.join(base, "1"))
    os.symlink(os.path.abspath(model), os.path.join(base, "1", "model.tflite"))
    return base


def v2_binary_body(shape, input_name: str) -> tuple[bytes, int]:
    x = np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32)
    head = json.dumps({"inputs": [{"name": input_name, "shape": list(shape), "datatype": "FP32",
                                   "parameters": {"binary_data_size": x.nbytes}}],
                       "parameters": {"binary_data_output": True}}).encode()
    return head + x.tobytes(), len(head)


class _Transport:
    """Keeps what the protocol writes; counts finished replies by the JSON body's end."""

    def __init__(self):
        self.replies = 0

    def write(self, data):
        if data.endswith(b"}"):
            self.replies += 1

    def get_extra_info(self, name, default=None):
        return {"sockname": ("127.0.0.1", 8501), "peername": ("127.0.0.1", 40000)}.get(name, default)

    def is_closing(self):
        return False

    def close(self):
        pass

    def pause_reading(self):
        pass

    def resume_reading(self):
        pass


def in_process(tmp: str, requests: int, rounds: int) -> dict:
    """{server: median CPU microseconds per request} of the tiny model's request through each server's Python path
    (see the module's docstring)."""
    import argparse as ap
    import asyncio

    import uvicorn
    import uvloop
    from tensorlite.serving.protocol import protocol_class
    from tensorlite.serving.server import build
    from tensorlite.tools import serve_cmd

    namespace = {"__name__": "baseline"}
    sys.argv, argv = ["baseline", TINY], sys.argv
    try:
        exec(BASELINE, namespace)
    finally:
        sys.argv = argv
    p = ap.ArgumentParser()
    serve_cmd.add_arguments(p)
    ours, _, shutdown = build(p.parse_args(["--model_name", "m", "--model_base_path", model_dir(tmp, "inproc", TINY),
                                            "--file_system_poll_wait_seconds", "0"]))
    loop = uvloop.new_event_loop()
    body = b'{"instances": [[0.5]]}'

    def connection(app, path, **options):
        config = uvicorn.Config(app, lifespan="off", access_log=False, log_level="warning", **options)
        config.load()
        protocol = config.http_protocol_class(config, uvicorn.server.ServerState(), {}, _loop=loop)
        transport = _Transport()
        protocol.connection_made(transport)
        request = (b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                   b"Content-Length: %d\r\n\r\n%s" % (path, len(body), body))
        return protocol, transport, request

    # each as bench's servers run: the baseline with uvicorn.run's defaults, ours with serving/server.py's options
    servers = {"uvicorn + LiteRT (baseline)": connection(namespace["app"], b"/", http="httptools"),
               "tensorlite serve": connection(ours, b"/v1/models/m:predict", http=protocol_class(ours),
                                              proxy_headers=False)}

    async def drive(protocol, transport, request, n):
        for _ in range(n):
            done = transport.replies + 1
            protocol.data_received(request)
            while transport.replies < done:
                await asyncio.sleep(0)

    times = {label: [] for label in servers}
    try:
        for server in servers.values():  # warm-up; the first request on a URL routes it
            loop.run_until_complete(drive(*server, 1000))
        for _ in range(rounds):
            for label, server in servers.items():
                cpu = time.process_time()
                loop.run_until_complete(drive(*server, requests))
                times[label].append((time.process_time() - cpu) / requests * 1e6)
    finally:
        loop.close()
        shutdown()
        ours.pool.shutdown()
    return {label: float(np.median(t)) for label, t in times.items()}


def median_run(runs: list[dict]) -> dict:
    """Each figure's median over the rounds; errors summed."""
    out = {k: float(np.median([r[k] for r in runs])) for k in ("rps", "p50_ms", "p99_ms", "cpu_us")}
    out.update(non2xx=sum(r["non2xx"] for r in runs), socket_errors=sum(r["socket_errors"] for r in runs),
               rounds=len(runs), rps_all=[r["rps"] for r in runs])
    return out


def row(label: str, c: int, r: dict) -> str:
    bad = r["non2xx"] + r["socket_errors"]
    return f"| {label} | {c} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['cpu_us']:.0f} | {bad} |"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--connections", default="1,8,32")
    p.add_argument("--seconds", type=float, default=5.0, help="one wrk run")
    p.add_argument("--rounds", type=int, default=3, help="runs per figure; the table gives medians")
    p.add_argument("--mobilenet", default=MOBILENET)
    p.add_argument("--no-mobilenet", action="store_true")
    p.add_argument("--in-process", type=int, default=0, metavar="N",
                   help="also time each server's Python path in this process, N requests a round (see above)")
    p.add_argument("--json")
    args = p.parse_args(argv)
    conns = [int(c) for c in args.connections.split(",")]
    results = {"tiny": [], "tiny_ratios": [], "mobilenet": [], "load_average": [os.getloadavg()[0]]}
    lines = ["| server | connections | requests/s | p50 ms | p99 ms | server CPU us/request | errors |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    with tempfile.TemporaryDirectory() as tmp, open(os.path.join(tmp, "servers.log"), "wb") as log:
        tiny_script = write_script(tmp, "tiny", b'{"instances": [[0.5]]}', "application/json")
        base = model_dir(tmp, "tiny", TINY)
        servers = {"uvicorn + LiteRT (baseline)": Started([sys.executable, "-c", BASELINE, TINY, "{port}"], "/", log),
                   "tensorlite serve": tensorlite_server(base, tmp, False, log)}
        paths = {"uvicorn + LiteRT (baseline)": "/", "tensorlite serve": "/v1/models/m:predict"}
        runs = {}
        try:
            for label, server in servers.items():
                wrk(server.url + paths[label], tiny_script, 8, 2.0)  # warm-up
            # rounds alternate the two servers at each count, so the machine's load drifts hit both alike
            for _ in range(args.rounds):
                for c in conns:
                    for label, server in servers.items():
                        runs.setdefault((label, c), []).append(wrk(server.url + paths[label], tiny_script, c,
                                                                   args.seconds, server.proc.pid))
        finally:
            for server in servers.values():
                server.stop()
        for c in conns:
            for label in servers:
                r = median_run(runs[(label, c)])
                results["tiny"].append({"server": label, "connections": c, **r})
                lines.append(row(f"tiny model: {label}", c, r))
                print(lines[-1], flush=True)
        ratio_lines = []
        for c in conns:
            ours, base = runs[("tensorlite serve", c)], runs["uvicorn + LiteRT (baseline)", c]
            ratios = {k: [o[k] / b[k] for o, b in zip(ours, base)] for k in ("rps", "p99_ms", "cpu_us")}
            results["tiny_ratios"].append({"connections": c, **{k: float(np.median(v)) for k, v in ratios.items()},
                                           "per_round": ratios})
            ratio_lines.append(f"tiny model, {c} connection(s), tensorlite serve / baseline per round: " + "; ".join(
                f"{name} {np.median(ratios[k]):.2f}x ({', '.join(f'{x:.2f}' for x in ratios[k])})"
                for k, name in (("rps", "requests/s"), ("p99_ms", "p99"), ("cpu_us", "server CPU"))))
            print(ratio_lines[-1], flush=True)
        if not args.no_mobilenet:
            if not os.path.exists(args.mobilenet):
                print(f"{args.mobilenet} is missing: make it with scripts/make_bench_models.py, or pass "
                      "--no-mobilenet", file=sys.stderr)
                return 2
            from tensorlite.runtime import Interpreter
            d = Interpreter(model_path=args.mobilenet)
            d.allocate_tensors()
            key, spec = next(iter(d.get_signature_runner().get_input_details().items()))
            body, head = v2_binary_body(tuple(int(s) for s in spec["shape"]), key)
            script = write_script(tmp, "mobilenet", body, "application/octet-stream",
                                  f'wrk.headers["Inference-Header-Content-Length"] = "{head}"')
            base = model_dir(tmp, "mobilenet", args.mobilenet)
            for batching in (False, True):
                server = tensorlite_server(base, tmp, batching, log)
                try:
                    wrk(server.url + "/v2/models/m/infer", script, 8, 2.0)  # warm-up
                    for c in conns:
                        r = median_run([wrk(server.url + "/v2/models/m/infer", script, c, args.seconds,
                                            server.proc.pid) for _ in range(args.rounds)])
                        label = f"MobileNetV2: tensorlite serve, batching {'on' if batching else 'off'}"
                        results["mobilenet"].append({"batching": batching, "connections": c, **r})
                        lines.append(row(label, c, r))
                        print(lines[-1], flush=True)
                finally:
                    server.stop()
        if args.in_process:
            results["in_process_cpu_us"] = in_process(tmp, args.in_process, args.rounds)
            ratio_lines.append(f"tiny model in process, CPU per request (median of {args.rounds} rounds of "
                               f"{args.in_process}): " + "; ".join(
                                   f"{label} {us:.1f} us" for label, us in results["in_process_cpu_us"].items()))
            print(ratio_lines[-1], flush=True)
    results["load_average"].append(os.getloadavg()[0])
    print("\n".join(lines + [""] + ratio_lines))
    print(f"1-minute load average: {results['load_average'][0]:.2f} at the start, {results['load_average'][1]:.2f} "
          "at the end")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
