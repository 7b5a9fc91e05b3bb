"""`tfx.proto`: the configuration messages pipelines pass to components (TrainArgs, EvalArgs, PushDestination,
SplitConfig, Input/Output, RangeConfig ...), as small dataclasses keeping the protos' field names."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


def to_dict(value):
    """A message as plain JSON data (what the metadata store and the cache key keep)."""
    if dataclasses.is_dataclass(value):
        return {f.name: to_dict(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_dict(v) for v in value]
    if isinstance(value, dict):
        return {k: to_dict(v) for k, v in value.items()}
    return value


@dataclass
class TrainArgs:
    num_steps: int | None = None
    splits: list = field(default_factory=lambda: ["train"])


@dataclass
class EvalArgs:
    num_steps: int | None = None
    splits: list = field(default_factory=lambda: ["eval"])


@dataclass
class _Filesystem:
    base_directory: str = ""


@dataclass
class PushDestination:
    filesystem: _Filesystem | None = None
    Filesystem = _Filesystem


@dataclass
class _SplitConfigSplit:
    name: str = ""
    hash_buckets: int = 1


@dataclass
class SplitConfig:
    """Output splits of ExampleGen (`splits=[Split(name, hash_buckets)]`); Transform's analyze/transform."""

    splits: list = field(default_factory=list)
    analyze: list = field(default_factory=list)
    transform: list = field(default_factory=list)
    partition_feature_name: str = ""
    Split = _SplitConfigSplit


@dataclass
class Output:
    split_config: SplitConfig | None = None


@dataclass
class _InputSplit:
    name: str = ""
    pattern: str = ""


@dataclass
class Input:
    """ExampleGen's input: splits matched by glob patterns under input_base; `{SPAN}` and `{VERSION}` in a
    pattern stand for the span and version numbers."""

    splits: list = field(default_factory=list)
    Split = _InputSplit


@dataclass
class _StaticRange:
    start_span_number: int = 0
    end_span_number: int = 0


@dataclass
class _RollingRange:
    num_spans: int = 1
    start_span_number: int = 0


@dataclass
class RangeConfig:
    static_range: _StaticRange | None = None
    rolling_range: _RollingRange | None = None
    StaticRange = _StaticRange
    RollingRange = _RollingRange


@dataclass
class ServingSpec:
    """InfraValidator's serving target; `tensorlite_serve` runs `tensorlite serve` (the C runtime)."""

    tensorlite_serve: dict = field(default_factory=dict)


@dataclass
class ValidationSpec:
    max_loading_time_seconds: int = 60
    num_tries: int = 1


@dataclass
class _TensorFlowServingRequestSpec:
    signature_names: list = field(default_factory=list)
    num_examples: int = 1


@dataclass
class RequestSpec:
    tensorflow_serving: _TensorFlowServingRequestSpec | None = None
    TensorFlowServingRequestSpec = _TensorFlowServingRequestSpec
