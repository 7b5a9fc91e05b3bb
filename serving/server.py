"""`tensorlite serve`: configuration from TF Serving's flags, the models loaded before the port opens, then
uvicorn (uvloop event loop, httptools parser with serving/protocol.py's fast lane, no access log) running
serving/app.py's handler in one process.

SIGTERM and SIGINT are uvicorn's graceful shutdown: the listening socket closes, idle keep-alive connections are
closed, requests already received run to completion and are answered (up to --graceful_shutdown_seconds), then
the poller and batch threads stop and the process exits 0."""
from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal

from .app import App
from .batching import Batcher
from .config import ModelConfig, read_batching_config, read_model_config, read_monitoring_config
from .manager import Manager
from .metrics import Metrics

log = logging.getLogger("tensorlite.serving")


def _configs(args) -> list[ModelConfig]:
    if args.model_config_file:
        if args.model_base_path:
            raise ValueError("give either --model_config_file or --model_base_path, not both")
        return read_model_config(args.model_config_file)
    if not args.model_base_path:
        raise ValueError("give --model_base_path DIR (with DIR/<version>/model.tflite) or --model_config_file FILE")
    return [ModelConfig(args.model_name, args.model_base_path)]


def build(args):
    """(app, manager, batchers' closer) for the parsed flags; loads the models."""
    configs = _configs(args)
    for c in configs:
        if not os.path.isdir(c.base_path):
            log.warning("base path %s of model %s does not exist (yet); polling it", c.base_path, c.name)
    batching = read_batching_config(args.batching_parameters_file) if args.enable_batching else None
    if args.batching_parameters_file and not args.enable_batching:
        raise ValueError("--batching_parameters_file needs --enable_batching")
    monitoring = read_monitoring_config(args.monitoring_config_file)
    metrics = Metrics() if monitoring.enable else None
    threads = args.rest_api_num_threads or len(os.sched_getaffinity(0))
    retired = []

    def publish(servable):
        if batching is not None:
            servable.batcher = Batcher(servable, batching, metrics)

    def retire(servable):
        retired.append(servable)

    def close_retired():
        # a request that picked a version just before it retired submits within the same loop step; closing one
        # poll later leaves it that time
        while len(retired) > 0:
            s = retired.pop(0)
            if batching is not None:
                s.batcher.close()

    manager = Manager(configs, threads, args.file_system_poll_wait_seconds, publish, retire,
                      batching.allowed_batch_sizes if batching is not None else ())
    manager.before_poll = close_retired
    manager.start()
    app = App(manager, threads, metrics, monitoring.path if monitoring.enable else None, batching is not None)
    app.max_batch_size = batching.max_batch_size if batching is not None else 0
    for c in configs:
        for label, v in c.labels:
            if v not in manager.models[c.name].serving and not args.allow_version_labels_for_unavailable_models:
                raise ValueError(f"model {c.name}: label {label!r} names version {v}, which is not loaded "
                                 "(--allow_version_labels_for_unavailable_models allows that)")
    if metrics is not None:
        def depth():
            return [((("model_name", m.name), ("version", str(v))), s.batcher.depth())
                    for m in manager.models.values() for v, s in sorted(m.serving.items())]

        def available():
            return [((("model_name", m.name), ("version", str(v))), 1)
                    for m in manager.models.values() for v in sorted(m.serving)]
        if batching is not None:
            metrics.gauges["batching:queue_depth"] = depth
        metrics.gauges["model_version_available"] = available

    def shutdown():
        manager.stop()
        close_retired()
        if batching is not None:
            for m in manager.models.values():
                for s in m.serving.values():
                    s.batcher.close()
    return app, manager, shutdown


def _server_class(uvicorn):
    class Server(uvicorn.Server):
        """uvicorn's server, but a SIGTERM after the drain ends in exit code 0 (uvicorn raises the signal again once
        it has shut down, so the process would die of it): the shutdown was asked for and went well."""

        @contextlib.contextmanager
        def capture_signals(self):
            previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
    return Server


def serve(args) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        import uvicorn

        from .protocol import protocol_class
    except ImportError:
        raise SystemExit("tensorlite serve needs uvicorn, uvloop, httptools and orjson: "
                         "pip install 'tensorlite[serve]'") from None
    try:
        app, manager, shutdown = build(args)
    except ValueError as exc:
        log.error("%s", exc)
        return 2
    # proxy_headers off: nothing here reads the client's address, so uvicorn's X-Forwarded-* middleware (one more
    # coroutine and a header scan per request) would be work for nothing
    config = uvicorn.Config(app, host=args.rest_api_host, port=args.rest_api_port, loop="uvloop",
                            http=protocol_class(app), lifespan="on", access_log=False, log_level="info",
                            proxy_headers=False, timeout_graceful_shutdown=args.graceful_shutdown_seconds,
                            backlog=2048)
    server = _server_class(uvicorn)(config)
    # the models, NumPy and tensorlite's modules live as long as the process: keep them out of the cyclic GC's
    # scans, which otherwise walk them on every full collection while requests wait
    gc.collect()
    gc.freeze()
    try:
        server.run()
    finally:
        shutdown()
        app.pool.shutdown(wait=True)
    log.info("Exiting: %d requests answered (%d in the fast lane), %d in flight", app.answered, app.answered_fast,
             app.in_flight)
    return 0
