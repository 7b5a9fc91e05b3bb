"""ExampleValidator: each split's statistics against the schema, as TFDV's validate_statistics checks them:
a schema feature missing from the data, a feature the schema lacks, presence below min_fraction/min_count,
a type other than the schema's, numbers outside an int/float domain, strings outside a string domain; and,
for features with a drift (skew) comparator, the L-infinity distance between the value distributions of
this span and `previous_statistics` (or of the training split and `serving_statistics`) above its
threshold. Anomalies go to `Split-<name>/anomalies.json`, readable. `stop_on_anomalies=True` makes a split
with anomalies fail the run, and orders every component that does not feed the validator after it, so the
pipeline stops before training."""
from __future__ import annotations

import json
import os

from .. import schema_pb2
from ..types import standard_artifacts
from ..utils import parse_pbtxt_file
from .base import BaseComponent
from .schema_gen import schema_path_of
from .statistics_gen import load_stats

ANOMALIES_FILE = "anomalies.json"
_TYPE_NAMES = {schema_pb2.FLOAT: "FLOAT", schema_pb2.INT: "INT", schema_pb2.BYTES: "BYTES"}


class AnomaliesFound(RuntimeError):
    pass


def linf_distance(a: dict, b: dict) -> float:
    """L-infinity distance between two value-count maps, each normalised to frequencies (TFDV's)."""
    ta, tb = sum(a.values()) or 1, sum(b.values()) or 1
    return max((abs(a.get(k, 0) / ta - b.get(k, 0) / tb) for k in set(a) | set(b)), default=0.0)


def _anomaly(feature: str, kind: str, description: str) -> dict:
    return {"feature": feature, "type": kind, "description": description}


def validate(stats: dict, schema, previous: dict | None = None, serving: dict | None = None) -> list[dict]:
    found = []
    feats = stats["features"]
    n = stats["num_examples"]
    names = {f.name for f in schema.feature}
    for name in feats:
        if name not in names:
            found.append(_anomaly(name, "SCHEMA_NEW_COLUMN", f"new column {name!r} is not in the schema"))
    for feature in schema.feature:
        name = feature.name
        s = feats.get(name)
        if s is None:
            found.append(_anomaly(name, "SCHEMA_MISSING_COLUMN", f"column {name!r} is in the schema but not in "
                                                                  "the data"))
            continue
        want = _TYPE_NAMES.get(feature.type, "TYPE_UNKNOWN")
        if s["type"] != want and not (want == "FLOAT" and s["type"] == "INT"):
            found.append(_anomaly(name, "UNEXPECTED_DATA_TYPE", f"expected {want} values, got {s['type']}"))
            continue
        if feature.HasField("presence"):
            frac = s["num_present"] / n if n else 0.0
            if frac < feature.presence.min_fraction - 1e-12:
                found.append(_anomaly(name, "FEATURE_TYPE_LOW_FRACTION_PRESENT",
                                      f"present in {frac:.4g} of examples, below min_fraction "
                                      f"{feature.presence.min_fraction:g} ({s['num_missing']} missing)"))
            if s["num_present"] < feature.presence.min_count:
                found.append(_anomaly(name, "FEATURE_TYPE_LOW_NUMBER_PRESENT",
                                      f"present {s['num_present']} times, below min_count "
                                      f"{feature.presence.min_count}"))
        domain = feature.WhichOneof("domain_info")
        if domain in ("int_domain", "float_domain") and s["num_present"]:
            d = getattr(feature, domain)
            lo = d.min if d.HasField("min") else None
            hi = d.max if d.HasField("max") else None
            if (lo is not None and s["min"] < lo) or (hi is not None and s["max"] > hi):
                found.append(_anomaly(name, "FLOAT_TYPE_OUT_OF_RANGE" if domain == "float_domain" else
                                      "INT_TYPE_OUT_OF_RANGE", f"values in [{s['min']:.6g}, {s['max']:.6g}] "
                                      f"outside the domain [{lo if lo is not None else '-inf'}, "
                                      f"{hi if hi is not None else 'inf'}]"))
        elif domain == "string_domain" and feature.string_domain.value:
            unknown = sorted(set(s.get("value_counts", {})) - set(feature.string_domain.value))
            if unknown:
                found.append(_anomaly(name, "ENUM_TYPE_UNEXPECTED_STRING_VALUES",
                                      f"values outside the domain: {unknown[:10]}"))
        for which, other, label in (("drift_comparator", previous, "previous span"),
                                    ("skew_comparator", serving, "serving data")):
            if not feature.HasField(which) or other is None:
                continue
            threshold = getattr(feature, which).infinity_norm.threshold
            a, b = s.get("value_counts"), other["features"].get(name, {}).get("value_counts")
            if a is None or b is None:
                continue
            dist = linf_distance(a, b)
            if dist > threshold:
                kind = "COMPARATOR_L_INFINITY_HIGH" if which == "drift_comparator" else "SKEW_L_INFINITY_HIGH"
                found.append(_anomaly(name, kind, f"L-infinity distance {dist:.4g} from the {label} is above "
                                                  f"the threshold {threshold:g}"))
    return found


class ExampleValidator(BaseComponent):
    INPUTS = {"statistics": (standard_artifacts.ExampleStatistics, False),
              "schema": (standard_artifacts.Schema, False),
              "previous_statistics": (standard_artifacts.ExampleStatistics, True),
              "serving_statistics": (standard_artifacts.ExampleStatistics, True)}
    OUTPUTS = {"anomalies": standard_artifacts.ExampleAnomalies}

    def __init__(self, statistics=None, schema=None, exclude_splits=None, previous_statistics=None,
                 serving_statistics=None, stop_on_anomalies: bool = False):
        super().__init__({"statistics": statistics, "schema": schema, "previous_statistics": previous_statistics,
                          "serving_statistics": serving_statistics},
                         {"exclude_splits": exclude_splits or [], "stop_on_anomalies": stop_on_anomalies})

    def execute(self, inputs, outputs, params, context) -> None:
        stats_art, out = inputs["statistics"][0], outputs["anomalies"][0]
        schema = parse_pbtxt_file(schema_path_of(inputs["schema"][0]), schema_pb2.Schema())
        prev = inputs.get("previous_statistics") or []
        serving = inputs.get("serving_statistics") or []
        splits = [s for s in stats_art.splits() if s not in params["exclude_splits"]]
        report = {}
        for split in splits:
            stats = load_stats(stats_art, split)
            previous = load_stats(prev[0], split) if prev and split in prev[0].splits() else None
            serve = load_stats(serving[0], serving[0].splits()[0]) if serving else None
            found = validate(stats, schema, previous, serve)
            folder = os.path.join(out.uri, f"Split-{split}")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, ANOMALIES_FILE), "w") as f:
                json.dump({"split": split, "span": stats_art.span, "anomalies": found}, f, indent=1)
            report[split] = found
        out.split_names = json.dumps(splits)
        total = sum(len(v) for v in report.values())
        out.set_int_custom_property("num_anomalies", total)
        if total and params["stop_on_anomalies"]:
            lines = [f"{split}: {a['feature']}: {a['type']}: {a['description']}"
                     for split, found in report.items() for a in found]
            raise AnomaliesFound(f"{self.id}: {total} anomalies in {stats_art.uri}; stopping the pipeline\n  "
                                 + "\n  ".join(lines))
