"""`tensorlite bench MODEL.tflite [--runs N] [--threads N] [--delegate gpu] [--json]`: one model, side by side
in one run: tensorlite's C runtime (with --delegate gpu also through its OpenCL GPU delegate, the nodes it takes
on the GPU and the rest on the CPU) and, when ai-edge-litert is installed, LiteRT (its default path, XNNPACK; its
builtin kernels without delegates; its reference kernels), each on --threads threads (default one),
on the same seeded random inputs. Prints the median and the 10th/90th
percentile latency of `invoke()` per engine, the ratio to tensorlite, and how far each engine's
outputs are from tensorlite's. Engines are timed in interleaved rounds so a noisy machine affects
them alike. A file that is not a model, or one tensorlite cannot run, is one line on stderr and
exit code 2. (bench/bench_runtime.py does the same over the whole corpus, with callgrind counts.)
"""
from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from .argtypes import non_negative_int, positive_int


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", help="the .tflite file")
    parser.add_argument("--runs", type=positive_int, default=50, help="timed invokes per engine (default 50)")
    parser.add_argument("--seed", type=non_negative_int, default=0, help="seed of the random inputs")
    parser.add_argument("--threads", type=positive_int, default=1,
                        help="threads each engine may use (default 1; LiteRT's reference kernels use one)")
    parser.add_argument("--delegate", choices=["gpu"], help="also time the C runtime with this delegate")
    parser.add_argument("--gpu-precision", choices=["fp32", "fp16"], default="fp32",
                        help="the GPU delegate's storage precision (default fp32)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")


def random_inputs(details: list[dict], seed: int) -> list[np.ndarray]:
    """One array per input: normal floats; integers over the type's range (a quantized input's
    real range is its whole integer range); bools at random."""
    rng = np.random.default_rng(seed)
    arrays = []
    for d in details:
        dt = np.dtype(d["dtype"])
        shape = [int(s) for s in d["shape"]]
        if dt.kind == "f":
            arrays.append(rng.normal(0, 1, shape).astype(dt))
        elif dt.kind == "b":
            arrays.append(rng.random(shape) > 0.5)
        else:
            info = np.iinfo(dt)
            lo, hi = max(info.min, -128), min(info.max, 127)   # index-like inputs stay small
            arrays.append(rng.integers(lo, hi, shape, endpoint=True).astype(dt))
    return arrays


GPU = "tensorlite + GPU delegate"


def _engines(data: bytes, source: str | None, threads: int, delegate: str | None = None,
             gpu_precision: str = "fp32") -> dict:
    import tensorlite as tl
    engines = {"tensorlite C runtime": tl.lite.Interpreter(model_content=data, source=source, num_threads=threads)}
    if delegate == "gpu":
        try:
            gpu = tl.lite.load_delegate("gpu", {"precision": gpu_precision})
            engines[GPU] = tl.lite.Interpreter(model_content=data, source=source, num_threads=threads,
                                               experimental_delegates=[gpu])
        except ValueError as e:              # no OpenCL or no device: that row says so
            engines[GPU] = _short(e)
    try:
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
    except ImportError:
        return engines
    for name, kind in (("LiteRT", OpResolverType.AUTO),
                       ("LiteRT builtin kernels", OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES),
                       ("LiteRT reference kernels", OpResolverType.BUILTIN_REF)):
        try:
            engines[name] = Interpreter(model_content=data, num_threads=threads, experimental_op_resolver_type=kind)
        except (ValueError, RuntimeError) as e:     # e.g. custom ops LiteRT lacks: that column says so
            engines[name] = _short(e)
    return engines


def _short(e: Exception) -> str:
    text = " ".join(str(e).split())
    return text if len(text) <= 100 else text[:99] + "…"


def bench(data: bytes, runs: int = 50, seed: int = 0, source: str | None = None, threads: int = 1,
          delegate: str | None = None, gpu_precision: str = "fp32") -> dict:
    """`source` names the model in errors (its file); `delegate` "gpu" adds the C runtime with its GPU delegate
    (its result also gives "device" and "delegated_nodes", e.g. "65/130")."""
    engines = _engines(data, source, threads, delegate, gpu_precision)
    ours = engines["tensorlite C runtime"]
    ours.allocate_tensors()
    feeds = random_inputs(ours.get_input_details(), seed)
    ready, results = {}, {}
    for name, it in engines.items():
        if isinstance(it, str):
            results[name] = {"error": it}
            continue
        try:
            if name != "tensorlite C runtime":
                it.allocate_tensors()
            for d, a in zip(it.get_input_details(), feeds):
                it.set_tensor(d["index"], a)
            it.invoke()                                     # warm-up, and the outputs to compare
            ready[name] = it
            results[name] = {"outputs": [it.get_tensor(d["index"]).copy() for d in it.get_output_details()]}
            if name == GPU:
                report = it.get_delegate_report()
                results[name]["device"] = it._delegates[0].device
                results[name]["delegated_nodes"] = f"{sum(r['delegate'] == 'gpu' for r in report)}/{len(report)}"
        except (ValueError, RuntimeError) as e:
            results[name] = {"error": _short(e)}
    if "tensorlite C runtime" not in ready:
        raise ValueError(results["tensorlite C runtime"]["error"])
    times = {name: [] for name in ready}
    for _ in range(runs):                                   # interleaved rounds
        for name, it in ready.items():
            start = time.perf_counter()
            it.invoke()
            times[name].append(time.perf_counter() - start)
    base = float(np.median(times["tensorlite C runtime"]))
    want = results["tensorlite C runtime"]["outputs"]
    for name in ready:
        t = np.array(times[name]) * 1e6
        r = results[name]
        r.update({"median_us": float(np.median(t)), "p10_us": float(np.percentile(t, 10)),
                  "p90_us": float(np.percentile(t, 90)), "vs_tensorlite": float(np.median(times[name])) / base,
                  "max_abs_diff_vs_tensorlite": max((float(np.max(np.abs(g.astype(np.float64) - w))) if g.size else 0.0)
                                                    for g, w in zip(r.pop("outputs"), want))})
    return {"runs": runs, "threads": threads, "engines": results}


def run_bench(args: argparse.Namespace, file=None) -> int:
    out = file or sys.stdout
    try:
        with open(args.model, "rb") as f:
            data = f.read()
    except OSError as e:
        print(f"tensorlite bench: cannot read {args.model}: {e.strerror}", file=sys.stderr)
        return 2
    try:
        result = bench(data, args.runs, args.seed, source=args.model, threads=args.threads,
                       delegate=getattr(args, "delegate", None), gpu_precision=getattr(args, "gpu_precision", "fp32"))
    except ValueError as e:                 # the model's errors name its file
        print(f"tensorlite bench: {e}", file=sys.stderr)
        return 2
    result["model"] = args.model
    if args.json:
        print(json.dumps(result, indent=1), file=out)
        return 0
    from rich.console import Console
    from rich.table import Table
    threads = "one thread" if args.threads == 1 else f"{args.threads} threads"
    table = Table(title=f"tensorlite bench: {args.model} ({args.runs} invokes each, {threads})")
    for col in ("engine", "median µs", "p10 µs", "p90 µs", "time / tensorlite", "max |out - tensorlite|"):
        table.add_column(col, justify="left" if col == "engine" else "right")
    for name, r in result["engines"].items():
        if "error" in r:
            table.add_row(name, f"cannot run: {r['error']}", "", "", "", "")
        else:
            if "delegated_nodes" in r:
                name = f"{name} ({r['delegated_nodes']} nodes on {r['device']})"
            table.add_row(name, f"{r['median_us']:,.1f}", f"{r['p10_us']:,.1f}", f"{r['p90_us']:,.1f}",
                          f"{r['vs_tensorlite']:.2f}", f"{r['max_abs_diff_vs_tensorlite']:.3g}")
    Console(file=out, width=140).print(table)
    return 0
