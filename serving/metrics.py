"""Prometheus text exposition at /monitoring/prometheus/metrics (when --monitoring_config_file enables it), with
TF Serving's metric names (its '/tensorflow/serving/...' names with '/' as ':'):

- :tensorflow:serving:request_count{model_name, version, API, status}   counter (version and API added by us)
- :tensorflow:serving:request_latency{model_name, API, entrypoint}      histogram, microseconds, whole request
- :tensorflow:serving:runtime_latency{model_name, API, runtime}         histogram, microseconds, the model's run
- :tensorflow:serving:batching:input_batch_size{model_name}             histogram, rows per executed batch
- :tensorflow:serving:batching:padding_size{model_name}                 histogram, rows of padding
- :tensorflow:serving:batching:queuing_latency{model_name}              histogram, microseconds in the queue
- :tensorflow:serving:batching:queue_depth{model_name, version}         gauge, requests waiting (ours)
- :tensorflow:serving:model_version_available{model_name, version}      gauge, 1 per version serving (ours)
"""
from __future__ import annotations

import bisect
import threading

LATENCY_BUCKETS_US = [10 * 1.8 ** i for i in range(24)]        # 10 us .. about 7 minutes, TF Serving's spacing
SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]

PREFIX = ":tensorflow:serving:"


class _Histogram:
    __slots__ = ("buckets", "counts", "total", "n")

    def __init__(self, buckets):
        self.buckets = buckets
        self.counts = [0] * (len(buckets) + 1)
        self.total = 0.0
        self.n = 0

    def observe(self, value: float) -> None:
        self.counts[bisect.bisect_left(self.buckets, value)] += 1
        self.total += value
        self.n += 1


def _labels(pairs) -> str:
    return ",".join(f'{k}="{str(v).replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
                    for k, v in pairs)


class Metrics:
    def __init__(self):
        self._lock = threading.Lock()
        self.requests: dict[tuple, int] = {}
        self.hists: dict[tuple, _Histogram] = {}     # (name, labels) -> histogram
        self.gauges = {}                             # name -> callable giving [(labels, value)]

    def count_request(self, model: str, version, api: str, status: str) -> None:
        key = (("model_name", model), ("version", "" if version is None else str(version)), ("API", api),
               ("status", status))
        with self._lock:
            self.requests[key] = self.requests.get(key, 0) + 1

    def _observe(self, name: str, labels: tuple, value: float, buckets) -> None:
        with self._lock:
            h = self.hists.get((name, labels))
            if h is None:
                h = self.hists[(name, labels)] = _Histogram(buckets)
            h.observe(value)

    def observe_request(self, model: str, api: str, seconds: float) -> None:
        self._observe("request_latency", (("model_name", model), ("API", api), ("entrypoint", "REST")),
                      seconds * 1e6, LATENCY_BUCKETS_US)

    def observe_runtime(self, model: str, api: str, seconds: float) -> None:
        self._observe("runtime_latency", (("model_name", model), ("API", api), ("runtime", "TFLite")),
                      seconds * 1e6, LATENCY_BUCKETS_US)

    def observe_batch(self, model: str, size: int, padding: int) -> None:
        self._observe("batching:input_batch_size", (("model_name", model),), size, SIZE_BUCKETS)
        self._observe("batching:padding_size", (("model_name", model),), padding, SIZE_BUCKETS)

    def observe_queuing(self, model: str, seconds: float) -> None:
        self._observe("batching:queuing_latency", (("model_name", model),), seconds * 1e6, LATENCY_BUCKETS_US)

    def text(self) -> bytes:
        lines = [f"# TYPE {PREFIX}request_count counter"]
        with self._lock:
            requests = sorted(self.requests.items())
            hists = sorted(((k, (list(h.counts), h.total, h.n, h.buckets)) for k, h in self.hists.items()),
                           key=lambda kv: kv[0])
        lines += [f"{PREFIX}request_count{{{_labels(k)}}} {v}" for k, v in requests]
        typed = set()
        for (name, labels), (counts, total, n, buckets) in hists:
            if name not in typed:
                lines.append(f"# TYPE {PREFIX}{name} histogram")
                typed.add(name)
            cumulative = 0
            for bound, c in zip(buckets + [float("inf")], counts):
                cumulative += c
                le = "+Inf" if bound == float("inf") else f"{bound:g}"
                lines.append(f"{PREFIX}{name}_bucket{{{_labels(labels + (('le', le),))}}} {cumulative}")
            lines.append(f"{PREFIX}{name}_sum{{{_labels(labels)}}} {total:.17g}")
            lines.append(f"{PREFIX}{name}_count{{{_labels(labels)}}} {n}")
        for name, read in sorted(self.gauges.items()):
            lines.append(f"# TYPE {PREFIX}{name} gauge")
            lines += [f"{PREFIX}{name}{{{_labels(labels)}}} {value}" for labels, value in read()]
        return ("\n".join(lines) + "\n").encode()
