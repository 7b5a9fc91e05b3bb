"""StatisticsGen: per split and feature, the counts TFDV computes (present, missing), for numbers mean, std,
min, max, zeros, quantiles and a 10-bucket histogram, for strings and integers the value counts (top values
and, up to 1,000 distinct values, all of them, which drift and skew checks compare). Written as
`Split-<name>/FeatureStats.json` plus `Split-<name>/report.html`, a page with a table and a histogram plot per
feature."""
from __future__ import annotations

import html
import json
import os

import numpy as np

from .. import examples_io
from ..types import standard_artifacts
from .base import BaseComponent

STATS_FILE = "FeatureStats.json"
MAX_COUNTED = 1000


def feature_stats(values: np.ndarray, mask: np.ndarray) -> dict:
    kind = examples_io.kind_of(values)
    n = len(values)
    present = values[mask]
    out = {"type": kind, "num_present": int(mask.sum()), "num_missing": int(n - mask.sum()),
           "presence_fraction": float(mask.mean()) if n else 0.0}
    if kind in ("FLOAT", "INT") and len(present):
        x = present.astype(np.float64)
        finite = x[np.isfinite(x)]
        out.update(mean=float(finite.mean()) if len(finite) else None, std=float(finite.std()) if len(finite) else None,
                   min=float(x.min()), max=float(x.max()), num_zeros=int((x == 0).sum()),
                   num_nan=int(np.isnan(x).sum()),
                   quantiles=[float(q) for q in np.quantile(finite, np.linspace(0, 1, 11))] if len(finite) else [])
        if len(finite):
            counts, edges = np.histogram(finite, bins=10)
            out["histogram"] = {"boundaries": [float(e) for e in edges], "counts": [int(c) for c in counts]}
    if kind in ("BYTES", "INT") and len(present):
        uniq, counts = np.unique(present, return_counts=True)
        order = np.argsort(-counts, kind="stable")
        out["unique"] = int(len(uniq))
        out["top_values"] = [[_plain(uniq[i]), int(counts[i])] for i in order[:10]]
        if len(uniq) <= MAX_COUNTED:
            out["value_counts"] = {str(_plain(u)): int(c) for u, c in zip(uniq, counts)}
        if kind == "BYTES":
            out["avg_length"] = float(np.mean([len(v) for v in present]))
    return out


def _plain(v):
    return v.item() if hasattr(v, "item") else str(v)


def split_stats(columns: dict) -> dict:
    n = len(next(iter(columns.values()))[0]) if columns else 0
    return {"num_examples": n, "features": {name: feature_stats(v, m) for name, (v, m) in columns.items()}}


def load_stats(artifact, split: str) -> dict:
    path = os.path.join(artifact.uri, f"Split-{split}", STATS_FILE)
    with open(path) as f:
        return json.load(f)


def _svg_histogram(hist: dict) -> str:
    counts = hist["counts"]
    top = max(counts) or 1
    w, h, bar = 220, 60, 220 / len(counts)
    rects = "".join(f'<rect x="{i * bar:.1f}" y="{h - c / top * h:.1f}" width="{bar - 1:.1f}" '
                    f'height="{c / top * h:.1f}" fill="#4c78a8"><title>{c}</title></rect>'
                    for i, c in enumerate(counts))
    lo, hi = hist["boundaries"][0], hist["boundaries"][-1]
    return (f'<svg width="{w}" height="{h + 14}">{rects}<text x="0" y="{h + 12}" font-size="10">{lo:.4g}</text>'
            f'<text x="{w}" y="{h + 12}" font-size="10" text-anchor="end">{hi:.4g}</text></svg>')


def html_report(split: str, stats: dict) -> str:
    rows = []
    for name, s in stats["features"].items():
        numbers = "" if "mean" not in s else (f"mean {s['mean']:.4g}, std {s['std']:.4g}, min {s['min']:.4g}, "
                                              f"max {s['max']:.4g}" if s["mean"] is not None else "")
        top = ", ".join(f"{html.escape(str(v))} ({c})" for v, c in s.get("top_values", [])[:5])
        plot = _svg_histogram(s["histogram"]) if "histogram" in s else ""
        rows.append(f"<tr><td>{html.escape(name)}</td><td>{s['type']}</td><td>{s['num_present']}</td>"
                    f"<td>{s['num_missing']}</td><td>{numbers}</td><td>{top}</td><td>{plot}</td></tr>")
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Statistics: "
            f"{html.escape(split)}</title><style>td,th{{border:1px solid #ccc;padding:4px;font:12px sans-serif}}"
            "table{border-collapse:collapse}</style></head><body>"
            f"<h1>Split {html.escape(split)}: {stats['num_examples']} examples</h1><table><tr><th>feature</th>"
            "<th>type</th><th>present</th><th>missing</th><th>numbers</th><th>top values</th><th>histogram</th></tr>"
            + "".join(rows) + "</table></body></html>")


class StatisticsGen(BaseComponent):
    INPUTS = {"examples": (standard_artifacts.Examples, False), "schema": (standard_artifacts.Schema, True)}
    OUTPUTS = {"statistics": standard_artifacts.ExampleStatistics}

    def __init__(self, examples=None, schema=None, stats_options=None, exclude_splits=None):
        super().__init__({"examples": examples, "schema": schema}, {"exclude_splits": exclude_splits or []})

    def execute(self, inputs, outputs, params, context) -> None:
        examples, out = inputs["examples"][0], outputs["statistics"][0]
        splits = [s for s in examples.splits() if s not in params["exclude_splits"]]
        for split in splits:
            stats = split_stats(examples_io.read_split(examples.uri, split))
            folder = os.path.join(out.uri, f"Split-{split}")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, STATS_FILE), "w") as f:
                json.dump(stats, f, indent=1)
            with open(os.path.join(folder, "report.html"), "w") as f:
                f.write(html_report(split, stats))
        out.split_names = json.dumps(splits)
        out.span = examples.span
