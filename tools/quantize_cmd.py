"""`tensorlite quantize MODEL --mode {float16,dynamic,int8,int16x8} [--calibration FILE.npy|.npz] -o OUT.tflite`

MODEL is a tensorlite saved-model folder, an .onnx file, or a float32 .tflite made by anyone (TensorFlow's
converter included). int8 and int16x8 take the ranges of the model's FAKE_QUANT operators (quantization-aware
training) and calibrate the rest on `--calibration`: a .npy array [N, ...] for a one-input
model, or a .npz with one array per input (named as the model's inputs, or arr_0, arr_1 ... in order).
`--keep-float NAME` keeps operators float (a builtin such as SOFTMAX, or a tensor or layer name);
`--report [FILE.json]` prints the per-layer error table (and writes it as JSON). The output appears only when
everything succeeded; errors are one line on stderr and exit code 2.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from tensorlite.training.files import atomic_write_bytes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tensorlite.quantize import METHODS, MODES
    parser.add_argument("model", help="a tensorlite saved-model folder, an .onnx file or a float32 .tflite file")
    parser.add_argument("--mode", required=True, choices=MODES, help="what to quantize to")
    parser.add_argument("-o", "--output", required=True, help="the .tflite file to write")
    parser.add_argument("--calibration", metavar="FILE", help="calibration inputs (.npy or .npz), for int8 and int16x8")
    parser.add_argument("--method", choices=METHODS, default="minmax", help="how calibration picks each range")
    parser.add_argument("--keep-float", action="append", default=[], metavar="NAME",
                        help="an operator kind (SOFTMAX), tensor or layer name to keep in float (repeatable)")
    parser.add_argument("--input-type", choices=("float32", "int8", "uint8", "int16"), default="float32",
                        help="the quantized model's input type (int8/uint8 need --mode int8, int16 --mode int16x8)")
    parser.add_argument("--output-type", choices=("float32", "int8", "uint8", "int16"), default="float32",
                        help="the quantized model's output type")
    parser.add_argument("--strict", action="store_true", help="fail if any operator would stay float")
    parser.add_argument("--report", nargs="?", const="-", metavar="FILE.json",
                        help="print the per-layer error table; with a file name, also write it as JSON")
    parser.add_argument("--quiet", action="store_true", help="no progress display")


def read_float_model(path: str):
    """The float model a MODEL argument names, as converter.model.Model data."""
    from tensorlite.converter.reader import read

    from .convert_cmd import _converter
    if os.path.isfile(path) and path.lower().endswith(".tflite"):
        with open(path, "rb") as f:
            model = read(f.read(), path)
        sg = model.subgraphs[0]
        quantized = sorted({t.dtype for t in sg.tensors if t.data is None and t.dtype in ("int8", "int16", "uint8")
                            and t.quantization is not None})
        if quantized:
            raise ValueError(f"{path} is already quantized ({', '.join(quantized)} activations); quantize its float "
                             "original instead")
        return model
    return _converter(path, None).convert_model()


def _samples(args, model):
    from tensorlite.quantize import has_fake_quant, load_file
    if args.mode in ("float16", "dynamic"):
        if args.calibration:
            raise ValueError(f"--calibration is not used by --mode {args.mode} (it changes weights only)")
        return None
    if not args.calibration:
        if has_fake_quant(model):     # quantization-aware training left its ranges in FAKE_QUANT operators
            return None
        raise ValueError(f"--mode {args.mode} needs --calibration FILE.npy|.npz (representative inputs)")
    sig = next((s for s in model.signatures if s.subgraph == 0), None)
    return load_file(args.calibration, model.subgraphs[0], list(sig.inputs) if sig else None)


def run_quantize(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import Progress
    from tensorlite.converter.writer import write
    from tensorlite.quantize import format_table, quantize

    from .convert_cmd import _output_problem
    console = Console(stderr=True, quiet=args.quiet)
    start = time.perf_counter()
    try:
        problem = _output_problem(args.output)
        if problem:
            raise ValueError(problem)
        with console.status("reading the model"):
            model = read_float_model(args.model)
        samples = _samples(args, model)
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("calibrating", total=len(samples) if samples else 1)
            result = quantize(model, args.mode, samples, method=args.method, keep_float=args.keep_float,
                              input_type=args.input_type, output_type=args.output_type, strict=args.strict,
                              report=args.report is not None,
                              progress=lambda done, total: bar.update(task, completed=done))
        data = write(result.model)
        try:
            atomic_write_bytes(args.output, data)
            if args.report not in (None, "-"):
                atomic_write_bytes(args.report, (json.dumps(result.report, indent=1) + "\n").encode())
        except OSError as e:
            raise ValueError(f"cannot write {e.filename}: {e.strerror}") from None
    except (ValueError, TypeError, NotImplementedError, OSError) as e:
        print(f"tensorlite quantize: error: {e}", file=sys.stderr)
        return 2
    if args.quiet:
        return 0
    if result.report is not None:
        print(format_table(result.report))
    for k, opcode, reason in result.float_ops:
        print(f"kept float: operator {k} ({opcode}): {reason}")
    print(f"wrote {args.output}: {len(data):,} bytes ({args.mode}) in {time.perf_counter() - start:.2f} s")
    return 0
