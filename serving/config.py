"""The server's configuration, from TF Serving's flags and files (read with serving/textproto.py):

- ModelServerConfig (--model_config_file): `model_config_list { config { name, base_path, model_platform,
  model_version_policy { latest { num_versions } | all {} | specific { versions ... } }, version_labels { key
  value } } ... }`. model_platform must be "tflite" or "tensorflow" (for files from TF Serving setups) when given.
  custom_model_config and logging_config are refused with a message.
- BatchingParameters (--batching_parameters_file): max_batch_size, batch_timeout_micros, num_batch_threads,
  max_enqueued_batches as `{ value: N }` wrappers, allowed_batch_sizes (repeated), pad_variable_length_inputs.
- MonitoringConfig (--monitoring_config_file): `prometheus_config { enable, path }`.
"""
from __future__ import annotations

import dataclasses
import os

from .textproto import Identifier, Message, parse


@dataclasses.dataclass(frozen=True)
class VersionPolicy:
    kind: str = "latest"          # "latest", "all" or "specific"
    num_versions: int = 1         # latest
    versions: tuple[int, ...] = ()  # specific

    def choose(self, on_disk: list[int]) -> list[int]:
        """The versions to serve among those on disk, newest first."""
        ordered = sorted(on_disk, reverse=True)
        if self.kind == "latest":
            return ordered[:self.num_versions]
        if self.kind == "all":
            return ordered
        return [v for v in ordered if v in self.versions]


@dataclasses.dataclass(frozen=True)
class ModelConfig:
    name: str
    base_path: str
    policy: VersionPolicy = VersionPolicy()
    labels: tuple[tuple[str, int], ...] = ()


@dataclasses.dataclass(frozen=True)
class BatchingConfig:
    max_batch_size: int = 1000
    batch_timeout_micros: int = 0
    num_batch_threads: int = max(1, len(os.sched_getaffinity(0)))
    max_enqueued_batches: int = 1000
    allowed_batch_sizes: tuple[int, ...] = ()
    pad_variable_length_inputs: bool = False


@dataclasses.dataclass(frozen=True)
class MonitoringConfig:
    enable: bool = False
    path: str = "/monitoring/prometheus/metrics"


def _read(path: str) -> Message:
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    return parse(text, path)


def _check_fields(msg: Message, allowed: set[str], where: str) -> None:
    unknown = set(msg) - allowed
    if unknown:
        raise ValueError(f"{where}: unknown or unsupported field(s) {sorted(unknown)}; "
                         f"expected some of {sorted(allowed)}")


def _typed(value, kind, where: str):
    if kind is int and (not isinstance(value, int) or isinstance(value, bool)):
        raise ValueError(f"{where}: expected an integer, got {value!r}")
    if kind is str and (not isinstance(value, str) or isinstance(value, Identifier)):
        raise ValueError(f"{where}: expected a quoted string, got {value!r}")
    if kind is bool and not isinstance(value, bool):
        raise ValueError(f"{where}: expected true or false, got {value!r}")
    if kind is Message and not isinstance(value, Message):
        raise ValueError(f"{where}: expected a message {{ ... }}, got {value!r}")
    return value


def _policy(msg: Message, where: str) -> VersionPolicy:
    _check_fields(msg, {"latest", "all", "specific"}, where)
    if len(msg) != 1 or len(next(iter(msg.values()))) != 1:
        raise ValueError(f"{where}: give exactly one of latest, all, specific")
    kind, (body,) = next(iter(msg.items()))
    _typed(body, Message, f"{where}.{kind}")
    if kind == "latest":
        _check_fields(body, {"num_versions"}, f"{where}.latest")
        n = _typed(body.one("num_versions", 1), int, f"{where}.latest.num_versions")
        if n < 1:
            raise ValueError(f"{where}.latest.num_versions must be >= 1, got {n}")
        return VersionPolicy("latest", num_versions=n)
    if kind == "all":
        _check_fields(body, set(), f"{where}.all")
        return VersionPolicy("all")
    _check_fields(body, {"versions"}, f"{where}.specific")
    versions = tuple(_typed(v, int, f"{where}.specific.versions") for v in body.get("versions", []))
    if not versions:
        raise ValueError(f"{where}.specific: name at least one version")
    return VersionPolicy("specific", versions=versions)


def read_model_config(path: str) -> list[ModelConfig]:
    root = _read(path)
    _check_fields(root, {"model_config_list"}, path)
    mcl = _typed(root.one("model_config_list"), Message, f"{path}: model_config_list")
    if mcl is None:
        raise ValueError(f"{path}: no model_config_list")
    _check_fields(mcl, {"config"}, f"{path}: model_config_list")
    out = []
    for i, c in enumerate(mcl.get("config", [])):
        where = f"{path}: config #{i + 1}"
        _typed(c, Message, where)
        _check_fields(c, {"name", "base_path", "model_platform", "model_version_policy", "version_labels"}, where)
        if not c.one("name") or not c.one("base_path"):
            raise ValueError(f"{where}: name and base_path are required")
        name = _typed(c.one("name"), str, f"{where}.name")
        base = _typed(c.one("base_path"), str, f"{where}.base_path")
        platform = c.one("model_platform")
        if platform is not None and platform not in ("tflite", "tensorflow"):
            raise ValueError(f"{where}: model_platform {platform!r} is not served; tensorlite serves .tflite files "
                             "(platform 'tflite')")
        pol = c.one("model_version_policy")
        policy = _policy(_typed(pol, Message, f"{where}.model_version_policy"), f"{where}.model_version_policy") \
            if pol is not None else VersionPolicy()
        labels = []
        for e in c.get("version_labels", []):
            _typed(e, Message, f"{where}.version_labels")
            _check_fields(e, {"key", "value"}, f"{where}.version_labels")
            labels.append((_typed(e.one("key"), str, f"{where}.version_labels.key"),
                           _typed(e.one("value"), int, f"{where}.version_labels.value")))
        out.append(ModelConfig(name, base, policy, tuple(labels)))
    names = [m.name for m in out]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: model names repeat: {names}")
    if not out:
        raise ValueError(f"{path}: model_config_list names no model")
    return out


def read_batching_config(path: str | None) -> BatchingConfig:
    if path is None:
        return BatchingConfig()
    msg = _read(path)
    wrapped = ("max_batch_size", "batch_timeout_micros", "num_batch_threads", "max_enqueued_batches")
    _check_fields(msg, set(wrapped) | {"allowed_batch_sizes", "pad_variable_length_inputs", "thread_pool_name"}, path)
    values = {}
    for name in wrapped:
        w = msg.one(name)
        if w is not None:
            _typed(w, Message, f"{path}: {name}")
            _check_fields(w, {"value"}, f"{path}: {name}")
            values[name] = _typed(w.one("value"), int, f"{path}: {name}.value")
            if values[name] < (0 if name == "batch_timeout_micros" else 1):
                raise ValueError(f"{path}: {name} must be positive, got {values[name]}")
    sizes = tuple(_typed(v, int, f"{path}: allowed_batch_sizes") for v in msg.get("allowed_batch_sizes", []))
    cfg = BatchingConfig(**values, allowed_batch_sizes=sizes,
                         pad_variable_length_inputs=bool(msg.one("pad_variable_length_inputs", False)))
    if sizes and (list(sizes) != sorted(set(sizes)) or sizes[-1] != cfg.max_batch_size):
        raise ValueError(f"{path}: allowed_batch_sizes must increase and end with max_batch_size "
                         f"({cfg.max_batch_size}), as in TF Serving; got {list(sizes)}")
    return cfg


def read_monitoring_config(path: str | None) -> MonitoringConfig:
    if path is None:
        return MonitoringConfig()
    msg = _read(path)
    _check_fields(msg, {"prometheus_config"}, path)
    p = _typed(msg.one("prometheus_config", Message()), Message, f"{path}: prometheus_config")
    _check_fields(p, {"enable", "path"}, f"{path}: prometheus_config")
    cfg = MonitoringConfig(enable=_typed(p.one("enable", False), bool, f"{path}: prometheus_config.enable"))
    if p.one("path"):
        cfg = dataclasses.replace(cfg, path=_typed(p.one("path"), str, f"{path}: prometheus_config.path"))
    if not cfg.path.startswith("/"):
        raise ValueError(f"{path}: prometheus_config.path must start with '/', got {cfg.path!r}")
    return cfg
