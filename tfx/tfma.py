"""`tensorflow_model_analysis` configuration as the Evaluator takes it (`from tensorlite.tfx import tfma`):
EvalConfig with model specs, slicing specs and metric thresholds, TFMA's field names."""
from __future__ import annotations

import enum
from dataclasses import dataclass, field


class MetricDirection(enum.IntEnum):
    UNKNOWN = 0
    LOWER_IS_BETTER = 1
    HIGHER_IS_BETTER = 2


@dataclass
class ModelSpec:
    label_key: str = ""
    signature_name: str = "serving_default"
    prediction_key: str = ""


@dataclass
class SlicingSpec:
    """No feature_keys: the overall slice; else one slice per combination of the features' values."""

    feature_keys: list = field(default_factory=list)


@dataclass
class GenericValueThreshold:
    lower_bound: dict | None = None  # {'value': x}
    upper_bound: dict | None = None


@dataclass
class GenericChangeThreshold:
    direction: int = MetricDirection.UNKNOWN
    absolute: dict | None = None
    relative: dict | None = None


@dataclass
class MetricThreshold:
    value_threshold: GenericValueThreshold | None = None
    change_threshold: GenericChangeThreshold | None = None


@dataclass
class MetricConfig:
    class_name: str = ""
    threshold: MetricThreshold | None = None


@dataclass
class MetricsSpec:
    metrics: list = field(default_factory=list)


@dataclass
class EvalConfig:
    model_specs: list = field(default_factory=list)
    slicing_specs: list = field(default_factory=list)
    metrics_specs: list = field(default_factory=list)
