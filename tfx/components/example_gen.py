"""ExampleGen: files under `input_base` into an Examples artifact with named splits. CsvExampleGen reads CSV
(column types inferred: INT when every value is an integer, FLOAT when a number, else BYTES; an empty cell
is a missing value); ImportExampleGen reads column files (`.npz` with one array per column, or Parquet
where pyarrow is installed). Without an input_config every file is read and rows are split by a hash of the
row into buckets (train 2 : eval 1, TFX's default); with one, each input split is its own pattern. A
`{SPAN}` (`{VERSION}`) in a pattern selects the newest span (version), or the spans of a range_config; the
artifact records span and version."""
from __future__ import annotations

import csv
import glob
import hashlib
import json
import os
import re

import numpy as np

from .. import examples_io
from ..proto import Input, Output, SplitConfig
from ..types import standard_artifacts
from .base import BaseComponent, files_fingerprint


def _default_output():
    return Output(split_config=SplitConfig(splits=[SplitConfig.Split(name="train", hash_buckets=2),
                                                   SplitConfig.Split(name="eval", hash_buckets=1)]))


class _ExampleGen(BaseComponent):
    OUTPUTS = {"examples": standard_artifacts.Examples}

    def __init__(self, input_base: str, input_config: Input | None = None, output_config: Output | None = None,
                 range_config=None, custom_config=None):
        super().__init__({}, {"input_base": os.path.abspath(input_base),
                              "input_config": input_config or Input(splits=[Input.Split(name="single_split",
                                                                                        pattern="*")]),
                              "output_config": output_config or _default_output(),
                              "range_config": range_config})

    # -- which files -------------------------------------------------------------------------------------
    def _select(self, params) -> tuple[dict[str, list[str]], int, int]:
        base = params["input_base"]
        if not os.path.isdir(base):
            raise FileNotFoundError(f"{self.id}: input_base {base!r} is not a folder")
        splits, spans, versions = {}, set(), set()
        matched = {}
        for split in params["input_config"]["splits"]:
            pattern = split["pattern"]
            rx = re.compile(re.escape(os.path.join(base, pattern)).replace(r"\{SPAN\}", r"(?P<span>\d+)")
                            .replace(r"\{VERSION\}", r"(?P<version>\d+)").replace(r"\*", r"[^/]*"))
            files = []
            for path in sorted(glob.glob(os.path.join(base, pattern.replace("{SPAN}", "*").replace("{VERSION}",
                                                                                                    "*")))):
                m = rx.fullmatch(path)
                if m is None or os.path.isdir(path):
                    continue
                span = int(m.groupdict().get("span") or 0)
                version = int(m.groupdict().get("version") or 0)
                spans.add(span)
                versions.add((span, version))
                files.append((span, version, path))
            matched[split["name"]] = files
        if not any(matched.values()):
            raise FileNotFoundError(f"{self.id}: no input files under {base!r} match "
                                    f"{[s['pattern'] for s in params['input_config']['splits']]}")
        rc = params["range_config"] or {}
        if rc.get("static_range"):
            lo, hi = rc["static_range"]["start_span_number"], rc["static_range"]["end_span_number"]
            chosen = {s for s in spans if lo <= s <= hi}
        elif rc.get("rolling_range"):
            chosen = set(sorted(spans)[-rc["rolling_range"]["num_spans"]:])
        else:
            chosen = {max(spans)}
        if not chosen:
            raise FileNotFoundError(f"{self.id}: no span of {sorted(spans)} is in the range {rc}")
        span = max(chosen)
        version = max(v for s, v in versions if s == span)
        for name, files in matched.items():
            splits[name] = [p for s, v, p in files if s in chosen and v == max(vv for ss, vv in versions if ss == s)]
        return splits, span, version

    def input_fingerprint(self) -> str:
        splits, span, version = self._select(self.params)
        return files_fingerprint([p for files in splits.values() for p in files]) + f":{span}:{version}"

    # -- reading -----------------------------------------------------------------------------------------
    def read_rows(self, paths: list[str]) -> tuple[dict[str, list], list[bytes]]:
        raise NotImplementedError

    def execute(self, inputs, outputs, params, context) -> None:
        splits, span, version = self._select(params)
        examples = outputs["examples"][0]
        out_splits = params["output_config"]["split_config"]["splits"] if params["output_config"] else []
        if len(splits) > 1:  # the input names the splits
            parts = {name: self._columns(paths) for name, paths in splits.items()}
        else:
            columns, keys = self._columns(next(iter(splits.values())), with_keys=True)
            total = sum(s["hash_buckets"] for s in out_splits)
            buckets = np.array([int.from_bytes(hashlib.sha256(k).digest()[:8], "little") % total for k in keys])
            parts, lo = {}, 0
            for s in out_splits:
                keep = (buckets >= lo) & (buckets < lo + s["hash_buckets"])
                lo += s["hash_buckets"]
                parts[s["name"]] = {n: (v[keep], m[keep]) for n, (v, m) in columns.items()}
        for name, cols in parts.items():
            examples_io.write_split(examples.uri, name, cols)
        examples.split_names = json.dumps(list(parts))
        examples.span, examples.version = span, version
        examples.set_string_custom_property("input_fingerprint", self.input_fingerprint())

    def _columns(self, paths, with_keys: bool = False):
        raw, keys = self.read_rows(paths)
        columns = {name: _typed(name, values) for name, values in raw.items()}
        return (columns, keys) if with_keys else columns


def _typed(name: str, values) -> tuple[np.ndarray, np.ndarray]:
    """Column values (strings from CSV, or arrays) with None/'' as missing -> (array, present mask)."""
    if isinstance(values, tuple):
        return values
    mask = np.array([v not in (None, "") for v in values], dtype=bool)
    present = [v for v in values if v not in (None, "")]
    try:
        ints = [int(v) for v in present]
        out = np.zeros(len(values), np.int64)
        out[mask] = ints
        return out, mask
    except ValueError:
        pass
    try:
        floats = [float(v) for v in present]
        out = np.full(len(values), np.nan, np.float32)
        out[mask] = floats
        return out, mask
    except ValueError:
        return np.array([v if v is not None else "" for v in values], dtype=str), mask


class CsvExampleGen(_ExampleGen):
    def read_rows(self, paths):
        columns, keys, header = {}, [], None
        for path in paths:
            with open(path, newline="") as f:
                reader = csv.reader(f)
                first = next(reader, None)
                if first is None:
                    continue
                if header is None:
                    header = first
                    columns = {h: [] for h in header}
                elif first != header:
                    raise ValueError(f"{path}: header {first} differs from {header} of the other files")
                for i, row in enumerate(reader):
                    if len(row) != len(header):
                        raise ValueError(f"{path}:{i + 2}: {len(row)} values for {len(header)} columns")
                    for h, v in zip(header, row):
                        columns[h].append(v)
                    keys.append(",".join(row).encode())
        if header is None:
            raise ValueError(f"{self.id}: the input files {paths} are empty")
        return columns, keys


class ImportExampleGen(_ExampleGen):
    def read_rows(self, paths):
        parts = []
        for path in paths:
            if path.endswith(".npz"):
                with np.load(path, allow_pickle=False) as data:
                    parts.append({k: np.asarray(data[k]) for k in data.files})
            elif path.endswith(".parquet"):
                try:
                    import pyarrow.parquet as pq
                except ImportError as exc:
                    raise NotImplementedError(f"{path}: reading Parquet needs pyarrow (pip install pyarrow)") from exc
                table = pq.read_table(path)
                parts.append({n: table.column(n).to_numpy(zero_copy_only=False) for n in table.column_names})
            else:
                raise ValueError(f"{path}: ImportExampleGen reads .npz (one array per column) or .parquet files")
        columns = {}
        for name in parts[0]:
            values = np.concatenate([p[name] for p in parts])
            if values.dtype.kind == "f":
                columns[name] = (values.astype(np.float32), ~np.isnan(values))
            elif values.dtype.kind in "iu":
                columns[name] = (values.astype(np.int64), np.ones(len(values), bool))
            else:
                columns[name] = [None if v is None else str(v) for v in values]
        n = len(next(iter(parts[0].values())))
        keys = [repr([columns[c][0][i] if isinstance(columns[c], tuple) else columns[c][i] for c in columns]).encode()
                for i in range(sum(len(next(iter(p.values()))) for p in parts))] if n else []
        return columns, keys
