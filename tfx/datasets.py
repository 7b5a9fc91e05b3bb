"""The Palmer penguins data TFX's penguin tutorials use, made from the `palmerpenguins` package's CSV
(the tutorials download TFX's `penguins_processed.csv`; this rebuilds that file offline): rows with all four
measurements, `species` as 0 (Adelie), 1 (Chinstrap), 2 (Gentoo), bill -> culmen names, and each measurement
scaled to [0, 1] by its minimum and maximum."""
from __future__ import annotations

import csv
import os

SPECIES = ["Adelie", "Chinstrap", "Gentoo"]
FEATURES = [("bill_length_mm", "culmen_length_mm"), ("bill_depth_mm", "culmen_depth_mm"),
            ("flipper_length_mm", "flipper_length_mm"), ("body_mass_g", "body_mass_g")]


def penguins_raw_csv() -> str:
    """Path of the palmerpenguins package's penguins.csv."""
    try:
        import palmerpenguins
    except ImportError as exc:
        raise ImportError("the penguin data comes from the palmerpenguins package: pip install "
                          "'tensorlite[pipeline]'") from exc
    path = os.path.join(os.path.dirname(palmerpenguins.__file__), "data", "penguins.csv")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: palmerpenguins is installed without its data file")
    return path


def penguins_processed_rows() -> tuple[list[str], list[list]]:
    with open(penguins_raw_csv(), newline="") as f:
        rows = [r for r in csv.DictReader(f) if all(r[src] not in ("", "NA") for src, _ in FEATURES)]
    values = {src: [float(r[src]) for r in rows] for src, _ in FEATURES}
    lo = {k: min(v) for k, v in values.items()}
    hi = {k: max(v) for k, v in values.items()}
    header = ["species"] + [dst for _, dst in FEATURES]
    out = [[SPECIES.index(r["species"])] + [(values[src][i] - lo[src]) / (hi[src] - lo[src]) for src, _ in FEATURES]
           for i, r in enumerate(rows)]
    return header, out


def write_penguins_processed_csv(path: str) -> str:
    """Writes the processed penguins CSV (342 rows) to `path` (a file, or a folder to hold data.csv)."""
    if os.path.isdir(path):
        path = os.path.join(path, "data.csv")
    header, rows = penguins_processed_rows()
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow([r[0]] + [f"{v:.10g}" for v in r[1:]])
    return path
