"""`tensorlite convert INPUT -o OUT.tflite`: a tensorlite saved-model folder or an .onnx file to a
float32 `.tflite`. The output appears only when conversion succeeds (written to a temp file in the
same folder, then renamed); any error is one line on stderr and exit code 2."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


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


def run_convert(args: argparse.Namespace) -> int:
    from rich.console import Console
    console = Console(stderr=True, quiet=args.quiet)
    start = time.perf_counter()
    tmp = None
    try:
        with console.status("reading the model") as status:
            conv = _converter(args.input, args.signature)
            data = conv.convert(progress=lambda stage: status.update(stage))
        out_dir = os.path.dirname(os.path.abspath(args.output))
        fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".tmp-convert-", suffix=".tflite")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, args.output)
        tmp = None
    except (ValueError, TypeError, NotImplementedError, OSError) as e:
        print(f"tensorlite convert: error: {e}", file=sys.stderr)
        return 2
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.remove(tmp)
    if not args.quiet:
        print(f"wrote {args.output}: {len(data):,} bytes in {time.perf_counter() - start:.2f} s")
    return 0
