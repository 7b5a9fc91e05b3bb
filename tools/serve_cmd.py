"""`tensorlite serve`: TF Serving's REST API and the Open Inference Protocol v2 over the C runtime
(tensorlite.serving). Flags keep TF Serving's names; --rest_api_host and --graceful_shutdown_seconds are ours."""
from __future__ import annotations

import argparse

from .argtypes import non_negative_float, non_negative_int


def _flag(value: str) -> bool:
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {value!r}")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model_name", default="default", help="name of the model in URLs (default: default)")
    p.add_argument("--model_base_path", help="folder with <version>/model.tflite inside")
    p.add_argument("--model_config_file", help="ModelServerConfig text proto naming several models, their version "
                   "policies and labels (instead of --model_name/--model_base_path)")
    p.add_argument("--rest_api_port", type=non_negative_int, default=8501, help="HTTP port (default 8501)")
    p.add_argument("--rest_api_host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    p.add_argument("--rest_api_num_threads", type=non_negative_int, default=0,
                   help="threads that run models (default: one per CPU)")
    p.add_argument("--file_system_poll_wait_seconds", type=non_negative_float, default=1.0,
                   help="how often to look for new versions (0: only at start; default 1)")
    p.add_argument("--enable_batching", nargs="?", const=True, default=False, type=_flag,
                   help="batch requests together on the server")
    p.add_argument("--batching_parameters_file", help="BatchingParameters text proto (max_batch_size, "
                   "batch_timeout_micros, num_batch_threads, max_enqueued_batches, allowed_batch_sizes)")
    p.add_argument("--monitoring_config_file", help="MonitoringConfig text proto; prometheus_config { enable: true } "
                   "serves metrics at its path (default /monitoring/prometheus/metrics)")
    p.add_argument("--allow_version_labels_for_unavailable_models", nargs="?", const=True, default=False, type=_flag,
                   help="let labels name versions that are not loaded")
    p.add_argument("--graceful_shutdown_seconds", type=non_negative_float, default=30.0,
                   help="on SIGTERM, how long requests already received may take to finish (default 30)")


def run_serve(args) -> int:
    from tensorlite.serving.server import serve
    return serve(args)
