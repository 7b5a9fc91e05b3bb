"""Tripwire (STYLE 3.7): every card file is imported by training/ops/__init__.py, so no op can be
defined and forgotten by the table test."""
import pathlib
import re

import tensorlite.training.ops as ops_pkg

NOT_CARDS = {"__init__", "registry", "infer", "common", "overloads"}


def test_every_card_file_is_listed():
    folder = pathlib.Path(ops_pkg.__file__).parent
    cards = {p.stem for p in folder.glob("*.py")} - NOT_CARDS
    init = (folder / "__init__.py").read_text()
    listed = set(re.findall(r"\b(\w+)\b", " ".join(re.findall(r"^from \. import (.+?)(?:#|$)", init, re.M))))
    missing = sorted(cards - listed)
    assert not missing, f"card files not imported in training/ops/__init__.py: {missing}"
