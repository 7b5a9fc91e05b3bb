"""Evaluator: the trained model's serving signature run over the eval split, metrics overall and per slice
(ExampleCount, SparseCategoricalAccuracy, SparseCategoricalCrossentropy; outputs that are not
probabilities are taken as logits), then the blessing: every value threshold met on the overall slice and,
when a baseline model is given (the latest blessed one, from a Resolver), every change threshold met by the
difference to the baseline's metrics on the same data. Outputs: evaluation (`metrics.json`) and blessing
(`BLESSED` or `NOT_BLESSED`, custom properties blessed, current_model_id, baseline_model_id as TFX)."""
from __future__ import annotations

import itertools
import json
import os

import numpy as np

from .. import examples_io
from ..types import standard_artifacts
from .base import BaseComponent
from .trainer import SERVING_DIR

METRICS = ("ExampleCount", "SparseCategoricalAccuracy", "SparseCategoricalCrossentropy")


def model_outputs(model_uri: str, columns: dict, signature: str = "serving_default") -> np.ndarray:
    import tensorlite as tl
    loaded = tl.saved_model.load(os.path.join(model_uri, SERVING_DIR))
    fn = loaded.signatures[signature]
    missing = [n for n in fn.input_names if n not in columns]
    if missing:
        raise ValueError(f"model {model_uri} takes {missing}, which the examples lack (columns: {sorted(columns)})")
    feeds = {}
    for n in fn.input_names:
        values = columns[n][0]
        feeds[n] = tl.constant(values.reshape(-1, 1).astype(np.float32 if values.dtype.kind == "f" else values.dtype))
    out = fn(**feeds)
    return np.asarray(list(out.values())[0].numpy() if isinstance(out, dict) else out.numpy())


def metrics(pred: np.ndarray, labels: np.ndarray) -> dict:
    labels = labels.reshape(-1).astype(np.int64)
    pred = pred.reshape(len(labels), -1).astype(np.float64)
    is_prob = np.all(pred >= 0) and np.allclose(pred.sum(1), 1.0, atol=1e-4)
    if is_prob:
        prob = pred
    else:
        e = np.exp(pred - pred.max(1, keepdims=True))
        prob = e / e.sum(1, keepdims=True)
    picked = prob[np.arange(len(labels)), np.clip(labels, 0, prob.shape[1] - 1)]
    return {"ExampleCount": int(len(labels)),
            "SparseCategoricalAccuracy": float((pred.argmax(1) == labels).mean()) if len(labels) else 0.0,
            "SparseCategoricalCrossentropy": float(-np.log(np.maximum(picked, 1e-7)).mean()) if len(labels) else 0.0}


def sliced_metrics(pred, columns, label_key: str, slicing_specs: list) -> list[dict]:
    labels = columns[label_key][0]
    out = []
    for spec in slicing_specs or [{"feature_keys": []}]:
        keys = spec["feature_keys"]
        if not keys:
            out.append({"slice": {}, "metrics": metrics(pred, labels)})
            continue
        values = [np.unique(columns[k][0]) for k in keys]
        for combo in itertools.product(*values):
            mask = np.ones(len(labels), bool)
            for k, v in zip(keys, combo):
                mask &= columns[k][0] == v
            if mask.any():
                out.append({"slice": {k: v.item() for k, v in zip(keys, combo)},
                            "metrics": metrics(pred[mask], labels[mask])})
    return out


def check_thresholds(config: dict, current: dict, baseline: dict | None) -> list[str]:
    """The failed thresholds, as readable lines (empty: blessed)."""
    failures = []
    for spec in config.get("metrics_specs", []):
        for m in spec["metrics"]:
            name, threshold = m["class_name"], m.get("threshold")
            if name not in METRICS:
                raise NotImplementedError(f"Evaluator: metric {name!r}; supported: {list(METRICS)}")
            if not threshold:
                continue
            value = current[name]
            vt = threshold.get("value_threshold")
            if vt:
                lo = (vt.get("lower_bound") or {}).get("value")
                hi = (vt.get("upper_bound") or {}).get("value")
                if lo is not None and value < lo:
                    failures.append(f"{name} {value:.6g} is below the lower bound {lo:g}")
                if hi is not None and value > hi:
                    failures.append(f"{name} {value:.6g} is above the upper bound {hi:g}")
            ct = threshold.get("change_threshold")
            if ct and baseline is not None:
                diff = value - baseline[name]
                sign = 1 if ct["direction"] == 2 else -1  # HIGHER_IS_BETTER: the change must not fall below
                absolute = (ct.get("absolute") or {}).get("value")
                if absolute is not None and sign * diff < sign * absolute:
                    failures.append(f"{name} changed by {diff:.6g} from the baseline's {baseline[name]:.6g}, "
                                    f"beyond {absolute:g}")
                relative = (ct.get("relative") or {}).get("value")
                if relative is not None and baseline[name] != 0 and sign * diff / abs(baseline[name]) < \
                        sign * relative:
                    failures.append(f"{name} changed by {diff / abs(baseline[name]):.4%} relative to the baseline")
    return failures


class Evaluator(BaseComponent):
    INPUTS = {"examples": (standard_artifacts.Examples, False), "model": (standard_artifacts.Model, False),
              "baseline_model": (standard_artifacts.Model, True), "schema": (standard_artifacts.Schema, True)}
    OUTPUTS = {"evaluation": standard_artifacts.ModelEvaluation, "blessing": standard_artifacts.ModelBlessing}

    def __init__(self, examples=None, model=None, baseline_model=None, eval_config=None, schema=None,
                 example_splits=None):
        if eval_config is None:
            raise ValueError("Evaluator: eval_config=tfma.EvalConfig(...) is required")
        super().__init__({"examples": examples, "model": model, "baseline_model": baseline_model, "schema": schema},
                         {"eval_config": eval_config, "example_splits": example_splits or ["eval"]})

    def execute(self, inputs, outputs, params, context) -> None:
        config = params["eval_config"]
        spec = (config.get("model_specs") or [{}])[0]
        label_key = spec.get("label_key") or "label"
        signature = spec.get("signature_name") or "serving_default"
        examples = inputs["examples"][0]
        columns = {}
        for split in params["example_splits"]:
            for k, (v, m) in examples_io.read_split(examples.uri, split).items():
                pv, pm = columns.get(k, (v[:0], m[:0]))
                columns[k] = (np.concatenate([pv, v]), np.concatenate([pm, m]))
        if label_key not in columns:
            raise ValueError(f"Evaluator: label_key {label_key!r} is not in the examples ({sorted(columns)})")
        model = inputs["model"][0]
        current = sliced_metrics(model_outputs(model.uri, columns, signature), columns, label_key,
                                 config.get("slicing_specs"))
        baseline_art = (inputs.get("baseline_model") or [None])[0]
        baseline = None
        if baseline_art is not None:
            baseline = metrics(model_outputs(baseline_art.uri, columns, signature), columns[label_key][0])
        overall = next(s["metrics"] for s in current if not s["slice"]) if any(not s["slice"] for s in current) \
            else metrics(model_outputs(model.uri, columns, signature), columns[label_key][0])
        failures = check_thresholds(config, overall, baseline)
        evaluation, blessing = outputs["evaluation"][0], outputs["blessing"][0]
        with open(os.path.join(evaluation.uri, "metrics.json"), "w") as f:
            json.dump({"slices": current, "baseline": baseline,
                       "baseline_model_id": baseline_art.id if baseline_art else None,
                       "validation": {"blessed": not failures, "failures": failures}}, f, indent=1)
        open(os.path.join(blessing.uri, "NOT_BLESSED" if failures else "BLESSED"), "w").close()
        blessing.set_int_custom_property("blessed", 0 if failures else 1)
        blessing.set_string_custom_property("current_model", model.uri)
        blessing.set_int_custom_property("current_model_id", model.id)
        if baseline_art is not None:
            blessing.set_string_custom_property("baseline_model", baseline_art.uri)
            blessing.set_int_custom_property("baseline_model_id", baseline_art.id)
