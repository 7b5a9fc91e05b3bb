"""Tripwire (STYLE 3.7): every card file is imported by training/ops/__init__.py, so no op can be
defined and forgotten by the table test."""
import ast
import pathlib

import tensorlite.training.ops as ops_pkg

NOT_CARDS = {"__init__", "registry", "infer", "common", "lower_util", "fusion"}


def test_every_card_file_is_listed():
    folder = pathlib.Path(ops_pkg.__file__).parent
    cards = {p.stem for p in folder.glob("*.py")} - NOT_CARDS
    tree = ast.parse((folder / "__init__.py").read_text())
    listed = {a.name for node in tree.body if isinstance(node, ast.ImportFrom) and node.level == 1
              and node.module is None for a in node.names}
    missing = sorted(cards - listed)
    assert not missing, f"card files not imported in training/ops/__init__.py: {missing}"
