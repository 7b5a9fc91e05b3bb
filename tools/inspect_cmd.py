"""`tensorlite inspect MODEL.tflite [--json] [--tensors]`: what a .tflite file holds and what it costs.

Prints the description and the producer / min_runtime_version metadata, each subgraph's inputs and
outputs (dtype, shape and shape signature, quantization), the operators (count and opcode versions
per op), optionally every tensor, the parameter count and bytes of constants, the multiply-
accumulates of the compute-heavy ops (from the tensor shapes), and the arena tensorlite's C runtime
needs to run the model, or the operators it has no kernel for. --json prints the same facts as one
JSON object. A missing or unreadable file, or one that is not a TFLite model, prints one line to
stderr and exits with status 2.

The model is read with converter.reader (a malformed file is reported, never crashes the tool).
Constants are counted per tensor: two tensors that share one buffer count twice. MACs use static
shapes (a dynamic dimension counts as its static size, usually 1).
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter

import numpy as np
from tensorlite.training.shape_text import shape_text

# op -> how its multiply-accumulates follow from the shapes (see _macs)
MAC_OPS = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "BATCH_MATMUL", "TRANSPOSE_CONV")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="the .tflite file")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    parser.add_argument("--tensors", action="store_true", help="list every tensor too")
    parser.add_argument("--shape", action="append", type=_shape_arg, metavar="D,D,...",
                        help="the C runtime's arena for inputs of this shape (e.g. 4,224,224,3: the first input at "
                             "batch 4); repeat for the next inputs")


def _shape_arg(text: str) -> list[int]:
    try:
        dims = [int(d) for d in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected comma-separated integers, e.g. 4,224,224,3") from None
    if not dims or min(dims) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: dimensions must be at least 1")
    return dims


def run_inspect(args: argparse.Namespace, file=None) -> int:
    from tensorlite.converter.reader import read

    out = file or sys.stdout
    try:
        with open(args.model, "rb") as f:
            data = f.read()
    except OSError as e:
        print(f"tensorlite inspect: cannot read {args.model}: {e.strerror or e}", file=sys.stderr)
        return 2
    try:
        model = read(data, args.model)
    except ValueError as e:
        print(f"tensorlite inspect: {e}", file=sys.stderr)
        return 2
    facts = inspect_model(model, data, args.model, tensors=args.tensors, shapes=args.shape)
    if args.json:
        print(json.dumps(facts, indent=1), file=out)
    else:
        render(facts, out)
    return 0


# ---- the facts --------------------------------------------------------------------------------

def _numbers(a):
    """A quantization array as a number (one entry) or a list."""
    values = np.asarray(a).ravel().tolist()
    return values[0] if len(values) == 1 else values


def _tensor_facts(t, index: int) -> dict:
    facts = {"index": index, "name": t.name, "dtype": t.dtype, "shape": [int(d) for d in t.shape],
             "shape_signature": [int(d) for d in (t.shape_signature if t.shape_signature is not None else t.shape)]}
    q = t.quantization
    if q is not None and np.size(q.scale):
        facts["quantization"] = {"scale": _numbers(q.scale), "zero_point": _numbers(q.zero_point)}
        if np.size(q.scale) > 1:
            facts["quantization"]["dimension"] = int(q.dimension)
    else:
        facts["quantization"] = None
    return facts


def _constant_bytes(t) -> int:
    if t.data.dtype == object:                         # string tensor: the strings' bytes
        return int(sum(len(s) for s in t.data.ravel()))
    return int(t.data.nbytes)


def _prod(shape) -> int:
    n = 1
    for d in shape:
        n *= int(d)
    return n


def _macs(op, tensors) -> int | None:
    """Multiply-accumulates of one operator from its tensors' static shapes; None when a shape
    it needs is missing.
      CONV_2D            filter [O, KH, KW, I]: every output element takes KH*KW*I
      DEPTHWISE_CONV_2D  filter [1, KH, KW, C]: every output element takes KH*KW
      FULLY_CONNECTED    weights [units, K]: every output element takes K
      BATCH_MATMUL       x [..., M, K] (adj_x: [..., K, M]): every output element takes K
      TRANSPOSE_CONV     weights [O, KH, KW, I]: every input element feeds KH*KW*O outputs
    """
    def shape(k):
        i = op.inputs[k] if k < len(op.inputs) else -1
        return tuple(tensors[i].shape) if i >= 0 else None
    out = tuple(tensors[op.outputs[0]].shape) if op.outputs and op.outputs[0] >= 0 else None
    try:
        if op.opcode == "CONV_2D":
            w = shape(1)
            return _prod(out) * w[1] * w[2] * w[3]
        if op.opcode == "DEPTHWISE_CONV_2D":
            w = shape(1)
            return _prod(out) * w[1] * w[2]
        if op.opcode == "FULLY_CONNECTED":
            return _prod(out) * shape(1)[-1]
        if op.opcode == "BATCH_MATMUL":
            x = shape(0)
            return _prod(out) * (x[-2] if op.options.get("adj_x") else x[-1])
        if op.opcode == "TRANSPOSE_CONV":
            w, x = shape(1), shape(2)
            return _prod(x) * w[0] * w[1] * w[2]
    except (TypeError, IndexError):                    # a shape is absent or of too low a rank
        return None
    return None


def _runtime(data: bytes, source: str, shapes=None) -> dict:
    """What tensorlite's C runtime makes of the model: the arena it needs (with the inputs resized to `shapes`, in
    input order, when given), or what it lacks."""
    try:
        import tensorlite as tl
        it = tl.lite.Interpreter(model_content=data, source=source)
        missing = it.unsupported_ops()
        if missing:
            return {"unsupported_ops": list(missing)}
        details = it.get_input_details()
        if shapes and len(shapes) > len(details):
            return {"error": f"{len(shapes)} --shape given, the model has {len(details)} inputs"}
        for d, shape in zip(details, shapes or []):
            it.resize_tensor_input(d["index"], shape)
        it.allocate_tensors()
        return {"arena_bytes": int(it.arena_bytes_used()),
                "input_shapes": [[int(x) for x in d["shape"]] for d in it.get_input_details()]}
    except Exception as e:                             # the runtime refusing the model is a finding, not a crash
        return {"error": f"{type(e).__name__}: {e}"}


def _metadata_text(raw: bytes) -> str | None:
    try:
        return raw.rstrip(b"\0").decode("utf-8")
    except UnicodeDecodeError:
        return None


def inspect_model(model, data: bytes, source: str = "<bytes>", tensors: bool = False, shapes=None) -> dict:
    """The facts `tensorlite inspect` prints, as JSON-ready data."""
    facts = {"file": source, "bytes": len(data), "schema_version": model.version,
             "description": model.description,
             "producer": _metadata_text(model.metadata["producer"]) if "producer" in model.metadata else None,
             "min_runtime_version": (_metadata_text(model.metadata["min_runtime_version"])
                                     if "min_runtime_version" in model.metadata else None),
             "metadata": {k: len(v) for k, v in model.metadata.items()},
             "signatures": [{"key": s.key, "subgraph": s.subgraph, "inputs": s.inputs, "outputs": s.outputs}
                            for s in model.signatures],
             "subgraphs": []}
    counts, versions = Counter(), {}
    macs = {}
    params = const_bytes = 0
    for g in model.subgraphs:
        sg = {"name": g.name, "operators": len(g.operators), "tensors": len(g.tensors),
              "inputs": [_tensor_facts(g.tensors[i], i) for i in g.inputs],
              "outputs": [_tensor_facts(g.tensors[i], i) for i in g.outputs]}
        if tensors:
            sg["tensor_list"] = []
            for i, t in enumerate(g.tensors):
                tf = _tensor_facts(t, i)
                tf["constant_bytes"] = _constant_bytes(t) if t.data is not None else 0
                tf["is_variable"] = t.is_variable
                sg["tensor_list"].append(tf)
        facts["subgraphs"].append(sg)
        for t in g.tensors:
            if t.data is not None:
                params += int(t.data.size)
                const_bytes += _constant_bytes(t)
        for op in g.operators:
            key = (op.opcode, op.custom)
            counts[key] += 1
            versions.setdefault(key, set()).add(op.version)
            if not op.custom and op.opcode in MAC_OPS:
                n = _macs(op, g.tensors)
                entry = macs.setdefault(op.opcode, {"ops": 0, "macs": 0, "unknown": 0})
                entry["ops"] += 1
                if n is None:
                    entry["unknown"] += 1
                else:
                    entry["macs"] += n
    facts["ops"] = [{"op": name, "custom": custom, "count": n, "versions": sorted(versions[(name, custom)])}
                    for (name, custom), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    facts["parameters"] = params
    facts["constant_bytes"] = const_bytes
    facts["macs"] = macs
    facts["total_macs"] = sum(e["macs"] for e in macs.values())
    facts["runtime"] = _runtime(data, source, shapes)
    return facts


# ---- text output ------------------------------------------------------------------------------

def _shape_text(t: dict) -> str:
    text = shape_text(t["shape"])
    if t["shape_signature"] != t["shape"]:
        text += " sig " + shape_text(t["shape_signature"])
    return text


def _quant_text(t: dict) -> str:
    q = t["quantization"]
    if q is None:
        return "-"
    if isinstance(q["scale"], list):
        return f"per-channel ({len(q['scale'])}) on dim {q['dimension']}"
    return f"scale {q['scale']:.6g}, zero point {q['zero_point']}"


def render(facts: dict, file=None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=file or sys.stdout, width=120, highlight=False)
    console.print(f"[bold]{facts['file']}[/bold]: {facts['bytes']:,} bytes, schema version {facts['schema_version']}")
    console.print(f"description: {facts['description'] or '(none)'}")
    console.print(f"producer: {facts['producer'] or '(none)'}    "
                  f"min_runtime_version: {facts['min_runtime_version'] or '(none)'}")
    others = {k: v for k, v in facts["metadata"].items() if k not in ("producer", "min_runtime_version")}
    if others:
        console.print("other metadata: " + ", ".join(f"{k} ({v} bytes)" for k, v in others.items()))
    for s in facts["signatures"]:
        console.print(f"signature {s['key']!r}: subgraph {s['subgraph']}, inputs {sorted(s['inputs'])}, "
                      f"outputs {sorted(s['outputs'])}")

    for n, sg in enumerate(facts["subgraphs"]):
        table = Table(title=f"subgraph {n} {sg['name']!r}: {sg['operators']} operators, {sg['tensors']} tensors")
        for col in ("", "tensor", "name", "dtype", "shape", "quantization"):
            table.add_column(col)
        for kind in ("inputs", "outputs"):
            for t in sg[kind]:
                table.add_row(kind[:-1], str(t["index"]), t["name"], t["dtype"], _shape_text(t), _quant_text(t))
        console.print(table)
        if "tensor_list" in sg:
            table = Table(title=f"subgraph {n} tensors")
            for col in ("#", "name", "dtype", "shape", "quantization", "constant bytes"):
                table.add_column(col, justify="right" if col in ("#", "constant bytes") else "left")
            for t in sg["tensor_list"]:
                const = f"{t['constant_bytes']:,}" if t["constant_bytes"] else ("variable" if t["is_variable"] else "")
                table.add_row(str(t["index"]), t["name"], t["dtype"], _shape_text(t), _quant_text(t), const)
            console.print(table)

    table = Table(title="operators")
    for col, just in (("op", "left"), ("count", "right"), ("versions", "left"), ("MACs", "right")):
        table.add_column(col, justify=just)
    for o in facts["ops"]:
        m = facts["macs"].get(o["op"]) if not o["custom"] else None
        mac_text = "" if m is None else f"{m['macs']:,}" + (f" (+{m['unknown']} unknown)" if m["unknown"] else "")
        table.add_row(o["op"] + (" (custom)" if o["custom"] else ""), str(o["count"]),
                      ", ".join(map(str, o["versions"])), mac_text)
    console.print(table)

    console.print(f"parameters: {facts['parameters']:,} in constants of {facts['constant_bytes']:,} bytes")
    console.print(f"MACs: {facts['total_macs']:,} ({', '.join(MAC_OPS)})")
    rt = facts["runtime"]
    if "arena_bytes" in rt:
        inputs = ", ".join("[" + ",".join(map(str, s)) + "]" for s in rt["input_shapes"])
        console.print(f"tensorlite C runtime arena: {rt['arena_bytes']:,} bytes (inputs {inputs})")
    elif "unsupported_ops" in rt:
        console.print("tensorlite C runtime: no kernel for " + ", ".join(rt["unsupported_ops"]))
    else:
        console.print(f"tensorlite C runtime cannot run it: {rt['error']}")
