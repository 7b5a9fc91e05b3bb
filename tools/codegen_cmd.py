"""`tensorlite codegen MODEL.tflite -o DIR`: the model as C source for firmware that has no file
system (runtimes/c/ports/cortex-m builds one):

    DIR/model_data.c, model_data.h   const unsigned char g_model[] (16-byte aligned), g_model_len
    DIR/model_ops.def                the X(code, NAME, stem) lines of the kernels this model uses:
                                     compiled with -DTL_BUILTIN_OPS='"model_ops.def"' only those
                                     kernels are linked (smaller firmware)
    DIR/model_custom_ops.def         the same for its CUSTOM operators (-DTL_CUSTOM_OPS=...)
    DIR/input_data.c                 g_input / g_input_len: --input's bytes (the inputs, in order,
                                     concatenated; several samples back to back: the firmware runs each),
                                     empty without it
"""
from __future__ import annotations

import argparse
import math
import os
import re
import sys

import numpy as np
from tensorlite.training.files import atomic_write_bytes
from tensorlite.training.shape_text import shape_text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="the .tflite file")
    parser.add_argument("-o", "--output-dir", required=True, help="folder for the generated files")
    parser.add_argument("--name", default="g_model", help="C name of the model array (default g_model)")
    parser.add_argument("--input", metavar="FILE", help="raw bytes to compile in as g_input (the firmware's input; "
                        "several samples back to back run one after another)")


def c_array(name: str, data: bytes, align: int = 16) -> str:
    """A C99 definition of `data` as `const unsigned char name[]` plus `name_len`."""
    lines = []
    for i in range(0, len(data), 16):
        lines.append("    " + ", ".join(f"0x{b:02x}" for b in data[i:i + 16]) + ",")
    body = "\n".join(lines) if data else "    0x00,"
    attr = f"\n#ifdef __GNUC__\n__attribute__((aligned({align})))\n#endif\n"
    return (f"{attr}const unsigned char {name}[] = {{\n{body}\n}};\n"
            f"const unsigned int {name}_len = {len(data)}u;\n")


def model_ops(codes: list[int]) -> str:
    """The builtin_ops.def lines for these builtin codes (the runtime's names and file stems)."""
    from tensorlite.converter.schema import BUILTIN_OPS
    names = {v: k for k, v in BUILTIN_OPS.items()}
    lines = ["/* Kernels of one model, written by `tensorlite codegen` (format: src/builtin_ops.def). */"]
    # CUSTOM (32) is no builtin kernel: custom kernels are listed in model_custom_ops.def
    lines += [f"X({c}, {names[c]}, {names[c].lower()})" for c in codes if c != 32]
    return "\n".join(lines) + "\n"


def model_custom_ops(custom_codes: list[str]) -> str:
    """The custom_ops.def lines for these custom codes (kernel stem: the code in snake_case)."""
    lines = ["/* Custom kernels of one model, written by `tensorlite codegen` (format: src/custom_ops.def). */"]
    lines += [f'X("{c}", {re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", c).lower()})' for c in custom_codes]
    return "\n".join(lines) + "\n"


def check_input_size(inputs: bytes, details: list[dict], input_path: str) -> int:
    """--input must hold the model's inputs (each tensor's bytes, in order) for one or more samples, back to
    back; the number of samples."""
    want = sum(math.prod(int(n) for n in d["shape"]) * np.dtype(d["dtype"]).itemsize for d in details)
    if not inputs or len(inputs) % want:
        tensors = ", ".join(f"{np.dtype(d['dtype']).name} {shape_text(d['shape'])}" for d in details)
        raise ValueError(f"{input_path} holds {len(inputs):,} bytes; the model expects {want:,} bytes ({tensors}) "
                         "per sample")
    return len(inputs) // want


def generate(model_path: str, out_dir: str, name: str = "g_model", input_path: str | None = None) -> dict:
    import tensorlite as tl
    with open(model_path, "rb") as f:
        data = f.read()
    it = tl.lite.Interpreter(model_content=data, source=model_path)
    missing = it.unsupported_ops()
    if missing:
        raise ValueError(f"{model_path}: the C runtime has no kernel for {', '.join(missing)}")
    codes = it.builtin_codes()
    from tensorlite.converter.reader import read
    custom = sorted({op.opcode for g in read(data, model_path).subgraphs for op in g.operators if op.custom})
    inputs = b""
    if input_path:
        with open(input_path, "rb") as f:
            inputs = f.read()
        check_input_size(inputs, it.get_input_details(), input_path)
    os.makedirs(out_dir, exist_ok=True)
    stem = os.path.basename(model_path)
    files = {
        "model_data.c": f"/* {stem}, written by `tensorlite codegen`. */\n#include \"model_data.h\"\n"
                        + c_array(name, data),
        "model_data.h": f"#ifndef TL_MODEL_DATA_H\n#define TL_MODEL_DATA_H\nextern const unsigned char {name}[];\n"
                        f"extern const unsigned int {name}_len;\n#endif\n",
        "model_ops.def": model_ops(codes),
        "model_custom_ops.def": model_custom_ops(custom),
        "input_data.c": "/* The firmware's input bytes, written by `tensorlite codegen`. */\n"
                        + c_array("g_input", inputs, 4),
    }
    for fname, text in files.items():
        atomic_write_bytes(os.path.join(out_dir, fname), text.encode())
    return {"files": sorted(files), "builtins": codes, "model_bytes": len(data)}


def run_codegen(args: argparse.Namespace) -> int:
    try:
        info = generate(args.model, args.output_dir, args.name, args.input)
    except (ValueError, OSError) as e:
        print(f"tensorlite codegen: error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {', '.join(info['files'])} to {args.output_dir} ({info['model_bytes']:,} model bytes, "
          f"{len(info['builtins'])} kernels)")
    return 0
