"""How Examples artifacts hold their data: one `Split-<name>/` folder per split (TFX's layout), its rows
in `data.npz`, column by column: `v:<feature>` the values (float32, int64 or unicode), `m:<feature>` True
where the value is present. Row order is the input's order."""
from __future__ import annotations

import glob
import json
import os

import numpy as np

DATA_FILE = "data.npz"


def split_dir(uri: str, split: str) -> str:
    return os.path.join(uri, f"Split-{split}")


def write_split(uri: str, split: str, columns: dict[str, tuple[np.ndarray, np.ndarray]]) -> str:
    folder = split_dir(uri, split)
    os.makedirs(folder, exist_ok=True)
    arrays = {"__columns__": np.array(json.dumps(list(columns)))}
    for name, (values, mask) in columns.items():
        arrays[f"v:{name}"] = values
        arrays[f"m:{name}"] = mask.astype(bool)
    path = os.path.join(folder, DATA_FILE)
    tmp = path + ".tmp.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, path)
    return path


def read_file(path: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    with np.load(path, allow_pickle=False) as data:
        names = json.loads(str(data["__columns__"]))
        return {n: (data[f"v:{n}"], data[f"m:{n}"]) for n in names}


def files_of(patterns) -> list[str]:
    """The data files of `fn_args.train_files`-style patterns (`<uri>/Split-train/*`)."""
    if isinstance(patterns, str):
        patterns = [patterns]
    files = []
    for pattern in patterns:
        matched = sorted(glob.glob(pattern if pattern.endswith(DATA_FILE) or "*" in pattern
                                   else os.path.join(pattern, "*")))
        files += [f for f in matched if f.endswith(DATA_FILE)]
    if not files:
        raise FileNotFoundError(f"no examples under {list(patterns)} (expected <examples uri>/Split-<name>/*)")
    return files


def read_patterns(patterns) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    parts = [read_file(f) for f in files_of(patterns)]
    names = list(parts[0])
    for p, f in zip(parts[1:], files_of(patterns)[1:]):
        if list(p) != names:
            raise ValueError(f"{f}: columns {list(p)} differ from {names}")
    return {n: (np.concatenate([p[n][0] for p in parts]), np.concatenate([p[n][1] for p in parts])) for n in names}


def read_split(uri: str, split: str):
    return read_patterns([os.path.join(split_dir(uri, split), "*")])


def kind_of(values: np.ndarray) -> str:
    if values.dtype.kind == "f":
        return "FLOAT"
    if values.dtype.kind in "iu":
        return "INT"
    return "BYTES"
