"""`tensorlite convert INPUT -o OUT.tflite`: a tensorlite saved-model folder or an .onnx file to a
float32 `.tflite`. The output appears only when conversion succeeds (written to a temp file in the
same folder, then renamed, with the mode the umask gives); any error is one line on stderr and exit code 2."""
from __future__ import annotations

import argparse
import os
import sys
import time

from tensorlite.training.files import atomic_write_bytes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input", help="a tensorlite saved-model folder (tl.saved_model.save) or an .onnx file")
    parser.add_argument("-o", "--output", required=True, help="the .tflite file to write")
    parser.add_argument("--signature", action="append", metavar="KEY",
                        help="saved-model signature(s) to convert (default: all)")
    parser.add_argument("--quiet", action="store_true", help="no progress display")


def _converter(path: str, signatures):
    from tensorlite.converter import Converter
    if os.path.isdir(path):
        if not os.path.isfile(os.path.join(path, "saved_model.json")):
            raise ValueError(f"{path}: a folder without saved_model.json is not a tensorlite saved model")
        return Converter.from_saved_model(path, signatures)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such file or folder")
    if path.lower().endswith(".onnx"):
        return Converter.from_onnx(path)
    raise ValueError(f"{path}: unknown input type; give a saved-model folder or an .onnx file")


def _output_problem(path: str) -> str | None:
    """Why `path` cannot take the .tflite, found before converting; None when it can."""
    if os.path.isdir(path):
        return f"{path} is a folder; give the .tflite file's name"
    folder = os.path.dirname(path)
    if folder and not os.path.isdir(folder):
        return f"cannot write {path}: there is no folder {folder}"
    return None


def run_convert(args: argparse.Namespace) -> int:
    from rich.console import Console
    console = Console(stderr=True, quiet=args.quiet)
    start = time.perf_counter()
    try:
        problem = _output_problem(args.output)
        if problem:
            raise ValueError(problem)
        with console.status("reading the model") as status:
            conv = _converter(args.input, args.signature)
            data = conv.convert(progress=lambda stage: status.update(stage))
        try:
            atomic_write_bytes(args.output, data)
        except OSError as e:
            raise ValueError(f"cannot write {args.output}: {e.strerror}") from None
    except (ValueError, TypeError, NotImplementedError, OSError) as e:
        print(f"tensorlite convert: error: {e}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"wrote {args.output}: {len(data):,} bytes in {time.perf_counter() - start:.2f} s")
    return 0
