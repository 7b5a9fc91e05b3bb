"""`tensorlite tfx lineage METADATA_DB [--artifact ID]`: the chain from a pushed model (the newest by default)
back to the examples it was trained on, read from a pipeline's metadata store (tensorlite.tfx)."""
from __future__ import annotations

import argparse
import sys


def add_arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="tfx_command", metavar="subcommand", required=True)
    lineage = sub.add_parser("lineage", help="print an artifact's lineage back to its examples")
    lineage.add_argument("metadata", help="the pipeline's metadata store (the SQLite file of "
                         "sqlite_metadata_connection_config)")
    lineage.add_argument("--artifact", type=int, help="artifact id (default: the newest pushed model)")


def run_tfx(args) -> int:
    try:
        from tensorlite.tfx.lineage import print_lineage
    except ImportError as exc:
        print(f"tensorlite tfx: {exc} (pip install 'tensorlite[pipeline]')", file=sys.stderr)
        return 2
    try:
        return print_lineage(args.metadata, args.artifact)
    except (FileNotFoundError, LookupError) as exc:  # KeyError (no such artifact) is a LookupError
        print(f"tensorlite tfx lineage: {exc}", file=sys.stderr)
        return 2
