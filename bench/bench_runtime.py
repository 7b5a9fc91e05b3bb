"""C runtime latency, arena and instruction counts against LiteRT, side by side in one run.

    python3 bench/bench_runtime.py [--models magic_wand,seanet/add0] [--extra DIR_OR_FILE ...]
                                   [--threads 1,2] [--repeats 30] [--quick] [--no-callgrind]
                                   [--json out.json]

For each corpus model (tests/data/tflm) that tensorlite's C runtime runs, and each --extra model
(e.g. TensorFlow-made MobileNetV2 float32 and int8: scripts/make_bench_models.py), on one thread:

* latency: median over --repeats samples of one `invoke()` through tensorlite's cffi binding
  (`tensorlite.runtime.Interpreter`), LiteRT's default resolver (optimized kernels + XNNPACK),
  LiteRT's builtin kernels without delegates (`BUILTIN_WITHOUT_DEFAULT_DELEGATES`) and LiteRT's
  reference kernels (`BUILTIN_REF`), num_threads=1, interleaved engine by engine so machine noise
  hits all alike. A sample times enough back-to-back invokes to last ~2 ms (timer resolution).
  Inputs are the golden file's sample 0 (seeded random ones for models without a golden file).
  Ratios are tensorlite / LiteRT time: below 1, tensorlite is faster. With --threads 1,2 a second
  table times tensorlite and LiteRT's default path on 2 threads as well.
* arena: bytes our runtime uses (`arena_bytes_used()` after allocate_tensors: tables, op data
  and planned activations) with the reference kernels, next to TFLM's RecordingMicroAllocator
  total, both as recorded in INDEX.md and as the installed `tflite_micro` reports it now (x86_64,
  64-bit pointers), and the ratio; then ours as timed (the optimized tier, which copies conv and
  fully-connected weights into the arena repacked: Interpreter(pack_weights=False) leaves them out).
* instructions (valgrind callgrind, deterministic): a Python driver switches collection on around
  one `invoke()` (after a warm-up invoke), minus its count for an empty on/off pair, for ours and
  both LiteRT resolvers alike (so each includes its binding's invoke path: a few thousand
  instructions, which dominate only the one-op toy models); and ours again as `tl_run` (C, no
  Python) with collection only inside `tl_interpreter_invoke`. tl_run feeds a fixed byte pattern,
  not the golden inputs; the kernels' instruction counts barely depend on values. Under valgrind
  XNNPACK sees at most AVX2 (natively it may pick wider paths), and our C is built with plain
  `-O3` (baseline x86-64, no -march), so instruction ratios compare code paths, not tuned builds.

Each model runs in its own child process: LiteRT crashes on some corpus models
(keyword_scrambled_8bit), and a crash there is reported, not fatal to the run.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import pathlib
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

REPO = pathlib.Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "data" / "tflm"
RUNTIME_C = REPO / "runtimes" / "c"
ENGINES = ("tl", "litert", "litert_builtin", "litert_ref")
ENGINE_NAMES = {"tl": "tensorlite", "litert": "LiteRT", "litert_builtin": "LiteRT builtin", "litert_ref": "LiteRT ref"}
THREADED = ("tl", "litert")   # engines timed again at each --threads count above 1 ("tl@2")
CALLGRIND_HELPER = """#include <valgrind/callgrind.h>
void cg_start(void) { CALLGRIND_START_INSTRUMENTATION; }
void cg_toggle(void) { CALLGRIND_TOGGLE_COLLECT; }
void cg_dump(const char *what) { CALLGRIND_DUMP_STATS_AT(what); }
"""


# -- models and inputs ----------------------------------------------------------------------------
def corpus_models(corpus: pathlib.Path) -> list[str]:
    """Model names relative to the corpus (fuzz/ excluded), as INDEX.md lists them."""
    paths = sorted(corpus.glob("*.tflite")) + sorted(corpus.glob("seanet/*.tflite"))
    return [p.relative_to(corpus).as_posix()[:-len(".tflite")] for p in paths]


def tflm_index_arena(corpus: pathlib.Path) -> dict[str, int]:
    """INDEX.md's "TFLM arena (B)" column, keyed by model name."""
    index = corpus / "INDEX.md"
    if not index.exists():
        return {}
    out = {}
    header = None
    for line in index.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if "TFLM arena (B)" in cells:
            header = cells
        elif not line.strip():
            header = None  # the table ended
        elif header and len(cells) == len(header) and cells[0].startswith("`"):
            value = cells[header.index("TFLM arena (B)")]
            if value.isdigit():
                out[cells[0].strip("`")[:-len(".tflite")]] = int(value)
    return out


def golden_inputs(model_path: pathlib.Path) -> list[np.ndarray] | None:
    golden = model_path.with_suffix(".golden.npz")
    if not golden.exists():
        return None
    with np.load(golden) as z:
        keys = sorted((k for k in z.files if re.fullmatch(r"in_0_\d+", k)), key=lambda k: int(k.split("_")[2]))
        return [z[k] for k in keys]


def litert_model_bytes(data: bytes) -> bytes:
    """LiteRT refuses per-channel quantization whose quantized_dimension is not below the tensor's
    rank (person_detect's biases; TFLM and tensorlite accept it): such fields are set to 0, which
    changes nothing for rank-1 tensors, and the model is re-serialized."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(data, 0)
    patched = 0
    for subgraph in model.subgraphs or []:
        for t in subgraph.tensors or []:
            q = t.quantization
            rank = len(t.shape) if t.shape is not None else 0
            if q is not None and q.scale is not None and len(q.scale) > 1 and q.quantizedDimension >= max(rank, 1):
                q.quantizedDimension = 0
                patched += 1
    if not patched:
        return data
    builder = flatbuffers.Builder(len(data) + 1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def make_interpreter(engine: str, data: bytes):
    """engine: one of ENGINES, optionally "@threads" ("tl@2")."""
    engine, _, threads = engine.partition("@")
    threads = int(threads or 1)
    if engine == "tl":
        from tensorlite.runtime import Interpreter
        it = Interpreter(model_content=data, num_threads=threads)
    else:
        from ai_edge_litert.interpreter import Interpreter, OpResolverType
        resolver = {"litert": OpResolverType.AUTO, "litert_ref": OpResolverType.BUILTIN_REF,
                    "litert_builtin": OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES}[engine]
        it = Interpreter(model_content=litert_model_bytes(data), num_threads=threads,
                         experimental_op_resolver_type=resolver)
    it.allocate_tensors()
    return it


def feed(it, inputs: list[np.ndarray] | None) -> None:
    rng = np.random.default_rng(0)
    for k, d in enumerate(it.get_input_details()):
        if inputs is not None and k < len(inputs):
            value = inputs[k]
        elif np.issubdtype(d["dtype"], np.floating):
            value = rng.uniform(-1, 1, d["shape"])
        else:
            value = rng.integers(-100, 100, d["shape"])
        it.set_tensor(d["index"], np.asarray(value).astype(d["dtype"]).reshape(d["shape"]))


# -- child processes --------------------------------------------------------------------------------
def worker(model_path: pathlib.Path, engines: list[str], repeats: int, sample_s: float) -> dict:
    """Runs in a child: times every engine on one model, interleaved."""
    data = model_path.read_bytes()
    inputs = golden_inputs(model_path)
    result: dict = {"engines": {}}
    its = {}
    for engine in engines:
        try:
            it = make_interpreter(engine, data)
            feed(it, inputs)
            it.invoke()  # warm-up: first-invoke setup (XNNPACK packing) is not what we time
            its[engine] = it
        except Exception as exc:  # noqa: BLE001 - the message goes into the report
            result["engines"][engine] = {"error": f"{type(exc).__name__}: {exc}".splitlines()[0][:200]}
    if "tl" in its:
        from tensorlite.runtime import Interpreter, OpResolverType
        ref = Interpreter(model_content=data, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        ref.allocate_tensors()
        result["arena_ref_bytes"] = ref.arena_bytes_used()  # what TFLM's arena compares with
        result["arena_bytes"] = its["tl"].arena_bytes_used()  # as timed: the optimized tier, packed weights
    numbers = {}
    for engine, it in its.items():  # invokes per sample so that a sample lasts about sample_s
        start = time.perf_counter()
        it.invoke()
        one = max(time.perf_counter() - start, 1e-7)
        numbers[engine] = max(1, min(10000, int(sample_s / one)))
    samples: dict[str, list[float]] = {e: [] for e in its}
    for _ in range(repeats):
        for engine, it in its.items():
            n = numbers[engine]
            start = time.perf_counter()
            for _ in range(n):
                it.invoke()
            samples[engine].append((time.perf_counter() - start) / n)
    for engine in its:
        result["engines"][engine] = {"median_us": statistics.median(samples[engine]) * 1e6,
                                     "invokes_per_sample": numbers[engine]}
    return result


def callgrind_worker(model_path: pathlib.Path, engine: str, helper: str) -> None:
    """Runs under valgrind: collection is switched on only around one invoke (and an empty pair)."""
    cg = ctypes.CDLL(helper)
    cg.cg_dump.argtypes = [ctypes.c_char_p]
    it = make_interpreter(engine, model_path.read_bytes())
    feed(it, golden_inputs(model_path))
    it.invoke()
    cg.cg_start()
    cg.cg_toggle()
    cg.cg_toggle()
    cg.cg_dump(b"baseline")
    cg.cg_toggle()
    it.invoke()
    cg.cg_toggle()
    cg.cg_dump(b"invoke")


def _dumps(folder: pathlib.Path) -> dict[str, int]:
    """{trigger: instructions} from callgrind's output files in folder."""
    out = {}
    for f in folder.iterdir():
        text = f.read_text(errors="replace")
        trigger = re.search(r"^desc: Trigger: Client Request: (\S+)", text, re.M)
        total = re.search(r"^(?:summary|totals): (\d+)", text, re.M)
        if trigger and total:
            out[trigger.group(1)] = int(total.group(1))
    return out


def callgrind_python(model_path: pathlib.Path, engine: str, helper: str, tmp: pathlib.Path) -> int | str:
    folder = pathlib.Path(tempfile.mkdtemp(dir=tmp))
    cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no",
           f"--callgrind-out-file={folder}/cg.%p", sys.executable, __file__, "--callgrind-worker", str(model_path),
           "--engine", engine, "--helper", helper]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    counts = _dumps(folder)
    if r.returncode != 0 or "invoke" not in counts:
        return f"failed (exit {r.returncode})"
    return counts["invoke"] - counts.get("baseline", 0)


def callgrind_tl_run(model_path: pathlib.Path, tl_run: pathlib.Path, arena_bytes: int, tmp: pathlib.Path) -> int | str:
    folder = pathlib.Path(tempfile.mkdtemp(dir=tmp))
    arena_kb = arena_bytes // 1024 + 64
    cmd = ["valgrind", "--tool=callgrind", "--toggle-collect=tl_interpreter_invoke",
           f"--callgrind-out-file={folder}/cg.out", str(tl_run), str(model_path), str(arena_kb)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    total = re.search(r"^(?:summary|totals): (\d+)", (folder / "cg.out").read_text(), re.M) \
        if (folder / "cg.out").exists() else None
    if r.returncode != 0 or not total:
        return f"failed (exit {r.returncode}: {r.stdout.strip()[:120]})"
    return int(total.group(1))


def tflm_arena_now(model_path: pathlib.Path) -> int | None:
    """The installed tflite_micro's RecordingMicroAllocator total (printed by its C++ to stdout)."""
    code = ("import sys\nfrom tflite_micro import runtime\n"  # its default arena (10x the file) can be too small
            "runtime.Interpreter.from_file(sys.argv[1], arena_size=64 << 20).print_allocations()\n")
    try:
        r = subprocess.run([sys.executable, "-c", code, str(model_path)], capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        return None
    m = re.search(r"Arena allocation total (\d+) bytes", r.stdout + r.stderr)
    return int(m.group(1)) if m else None


def build_tl_run(build: pathlib.Path) -> pathlib.Path:
    cc = "gcc" if shutil.which("gcc") else "cc"
    r = subprocess.run(["make", "-s", "-C", str(RUNTIME_C), f"CC={cc}", f"BUILD={build}", f"{build}/tl_run"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"bench_runtime: building tl_run failed:\n{r.stdout}\n{r.stderr}")
    return build / "tl_run"


def build_callgrind_helper(tmp: pathlib.Path) -> str:
    src = tmp / "cg_helper.c"
    src.write_text(CALLGRIND_HELPER)
    out = tmp / "libcg_helper.so"
    r = subprocess.run(["cc", "-O1", "-shared", "-fPIC", str(src), "-o", str(out)], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"bench_runtime: the callgrind helper needs valgrind's headers (Debian: valgrind):\n"
                         f"{r.stderr}")
    return str(out)


# -- the run ------------------------------------------------------------------------------------------
def measure(models: dict[str, pathlib.Path], corpus: pathlib.Path, repeats: int, sample_s: float, callgrind: bool,
            build: pathlib.Path, threads: tuple[int, ...] = (1,), log=sys.stderr) -> dict:
    """models: {name: path}."""
    index_arena = tflm_index_arena(corpus)
    engines = [*ENGINES, *(f"{e}@{t}" for t in threads if t > 1 for e in THREADED)]
    rows: dict[str, dict] = {}
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="bench_runtime_") as tmp_name:
        tmp = pathlib.Path(tmp_name)
        tl_run = helper = None
        if callgrind:
            if shutil.which("valgrind") is None:
                raise SystemExit("bench_runtime: valgrind is not installed (bash bootstrap.sh); or pass --no-callgrind")
            tl_run = build_tl_run(build)
            helper = build_callgrind_helper(tmp)
        for name, path in models.items():
            print(f"bench_runtime: {name}", file=log, flush=True)
            row = _run_child(path, engines, repeats, sample_s)
            if "crash" in row:  # an engine died: ours together, then each LiteRT engine in its own child
                row = _run_child(path, [e for e in engines if e.startswith("tl")], repeats, sample_s)
                for engine in engines:
                    if not engine.startswith("tl"):
                        alone = _run_child(path, [engine], repeats, sample_s)
                        row.setdefault("engines", {})[engine] = (alone["engines"][engine] if "crash" not in alone
                                                                 else {"error": alone["crash"]})
            ours = row.get("engines", {}).get("tl", {})
            if "median_us" not in ours:
                skipped[name] = ours.get("error", row.get("crash", "no result"))
                continue
            row["tflm_arena_index"] = index_arena.get(name)
            row["tflm_arena_now"] = tflm_arena_now(path)
            if callgrind:
                row["instructions"] = {"tl_run": callgrind_tl_run(path, tl_run, row["arena_bytes"], tmp)}
                for engine in ENGINES:
                    if "median_us" in row["engines"][engine]:
                        row["instructions"][engine] = callgrind_python(path, engine, helper, tmp)
            rows[name] = row
    return {"rows": rows, "skipped": skipped, "repeats": repeats, "callgrind": callgrind,
            "threads": [t for t in threads if t > 1]}


def _run_child(path: pathlib.Path, engines: list[str], repeats: int, sample_s: float) -> dict:
    cmd = [sys.executable, __file__, "--worker", str(path), "--engines", ",".join(engines),
           "--repeats", str(repeats), "--sample-s", str(sample_s)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    if r.returncode != 0:
        tail = [line for line in r.stderr.strip().splitlines() if not line.startswith("INFO:")] or ["no message"]
        return {"crash": f"child exited {r.returncode} ({tail[-1][:160]})"}
    return json.loads(r.stdout.strip().splitlines()[-1])


def _fmt(v, digits: int = 0) -> str:
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    return f"{v:,.{digits}f}"


def _ratio(a, b) -> str:
    return f"{a / b:.2f}" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else "-"


def _geomean(values: list[float]) -> float:
    return float(np.exp(np.mean(np.log(values))))


def markdown(result: dict) -> str:
    lines = [f"Latency: median of {result['repeats']} samples per engine, one thread; ratio = tensorlite time / "
             "LiteRT time (below 1: tensorlite faster). LiteRT: its default path (XNNPACK); builtin: its "
             "optimized kernels without delegates; ref: its reference kernels.", "",
             "| model | tensorlite µs | LiteRT µs | LiteRT builtin µs | LiteRT ref µs | vs LiteRT | vs builtin | "
             "vs ref | arena B (ref kernels) | TFLM arena B (INDEX.md) | TFLM arena B (tflite_micro now) | vs TFLM | "
             "arena B (as timed) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    errors = []
    for name, row in result["rows"].items():
        e = row["engines"]
        t = {k: e.get(k, {}).get("median_us") for k in ENGINES}
        for k in ENGINES[1:]:
            if "error" in e.get(k, {}):
                errors.append(f"- `{name}`, {ENGINE_NAMES[k]}: {e[k]['error']}")
        lines.append(f"| `{name}` | {_fmt(t['tl'], 1)} | {_fmt(t['litert'], 1)} | {_fmt(t['litert_builtin'], 1)} | "
                     f"{_fmt(t['litert_ref'], 1)} | {_ratio(t['tl'], t['litert'])} | "
                     f"{_ratio(t['tl'], t['litert_builtin'])} | {_ratio(t['tl'], t['litert_ref'])} | "
                     f"{_fmt(row.get('arena_ref_bytes'))} | {_fmt(row.get('tflm_arena_index'))} | "
                     f"{_fmt(row.get('tflm_arena_now'))} | "
                     f"{_ratio(row.get('arena_ref_bytes'), row.get('tflm_arena_now'))} | "
                     f"{_fmt(row.get('arena_bytes'))} |")
    for k in ENGINES[1:]:
        values = [row["engines"]["tl"]["median_us"] / row["engines"][k]["median_us"] for row in result["rows"].values()
                  if "median_us" in row["engines"].get(k, {})]
        if values:
            lines.append(f"\nGeometric mean, time tensorlite / {ENGINE_NAMES[k]}: {_geomean(values):.2f} over "
                         f"{len(values)} models.")
    for n in result.get("threads", []):
        lines += ["", f"{n} threads against one: tensorlite and LiteRT's default path.", "",
                  f"| model | tensorlite 1 thread µs | tensorlite {n} threads µs | speed-up | LiteRT {n} threads µs | "
                  f"vs LiteRT ({n} threads) |", "|---|---:|---:|---:|---:|---:|"]
        for name, row in result["rows"].items():
            e = row["engines"]
            one, many, lite = (e.get(k, {}).get("median_us") for k in ("tl", f"tl@{n}", f"litert@{n}"))
            lines.append(f"| `{name}` | {_fmt(one, 1)} | {_fmt(many, 1)} | {_ratio(one, many)} | {_fmt(lite, 1)} | "
                         f"{_ratio(many, lite)} |")
    if result["callgrind"]:
        lines += ["", "Instructions of one invoke (valgrind callgrind). tl_run: C only, inside "
                  "tl_interpreter_invoke. Python: the same driver for all three, `invoke()` with its binding's "
                  "call path; ratios = tensorlite / LiteRT from these.", "",
                  "| model | tensorlite (tl_run) | tensorlite (Python) | LiteRT | LiteRT builtin | LiteRT ref | "
                  "vs LiteRT | vs builtin | vs ref |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for name, row in result["rows"].items():
            n = {k: row["instructions"].get(k) for k in ("tl_run", *ENGINES)}
            lines.append(f"| `{name}` | {_fmt(n['tl_run'])} | {_fmt(n['tl'])} | {_fmt(n['litert'])} | "
                         f"{_fmt(n['litert_builtin'])} | {_fmt(n['litert_ref'])} | {_ratio(n['tl'], n['litert'])} | "
                         f"{_ratio(n['tl'], n['litert_builtin'])} | {_ratio(n['tl'], n['litert_ref'])} |")
        ratios = {k: [row["instructions"]["tl"] / row["instructions"][k] for row in result["rows"].values()
                      if isinstance(row["instructions"].get(k), int) and isinstance(row["instructions"]["tl"], int)
                      and row["instructions"][k] > 0] for k in ENGINES[1:]}
        for k, values in ratios.items():
            if values:
                lines.append(f"\nGeometric mean, instructions tensorlite / {ENGINE_NAMES[k]}: "
                             f"{_geomean(values):.2f} over {len(values)} models.")
    if errors:
        lines += ["", "LiteRT could not run:", *errors]
    if result["skipped"]:
        lines += ["", "Not run by tensorlite's C runtime:"]
        lines += [f"- `{name}`: {why}" for name, why in result["skipped"].items()]
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", help="comma-separated names relative to the corpus (magic_wand,seanet/add0); "
                   "default: all")
    p.add_argument("--extra", nargs="+", type=pathlib.Path, default=[],
                   help=".tflite files or folders of them to time besides the corpus (scripts/make_bench_models.py)")
    p.add_argument("--no-corpus", action="store_true", help="time only the --extra models")
    p.add_argument("--threads", default="1", help="comma-separated thread counts; above 1, a second table "
                   "times tensorlite and LiteRT's default path on that many threads (default 1)")
    p.add_argument("--repeats", type=int, default=30, help="timed samples per engine (default 30)")
    p.add_argument("--quick", action="store_true", help="5 repeats of ~0.3 ms samples (smoke runs)")
    p.add_argument("--no-callgrind", action="store_true", help="skip the instruction counts")
    p.add_argument("--corpus", type=pathlib.Path, default=CORPUS)
    p.add_argument("--build", type=pathlib.Path, default=RUNTIME_C / "build" / "bench-release",
                   help="where tl_run is built")
    p.add_argument("--json", help="also write the numbers as JSON")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--callgrind-worker", help=argparse.SUPPRESS)
    p.add_argument("--engines", default=",".join(ENGINES), help=argparse.SUPPRESS)
    p.add_argument("--engine", help=argparse.SUPPRESS)
    p.add_argument("--helper", help=argparse.SUPPRESS)
    p.add_argument("--sample-s", type=float, default=0.002, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(pathlib.Path(args.worker), args.engines.split(","), args.repeats, args.sample_s)))
        return 0
    if args.callgrind_worker:
        callgrind_worker(pathlib.Path(args.callgrind_worker), args.engine, args.helper)
        return 0
    if not args.corpus.is_dir():
        raise SystemExit(f"bench_runtime: the model corpus is missing: expected {args.corpus} (a "
                         "checkout of the repository carries it), or pass --corpus")
    known = corpus_models(args.corpus)
    names = [] if args.no_corpus else args.models.split(",") if args.models else known
    unknown = [m for m in names if m not in known]
    if unknown:
        raise SystemExit(f"bench_runtime: not in {args.corpus}: {', '.join(unknown)} (names like magic_wand, "
                         "seanet/add0)")
    models = {name: args.corpus / f"{name}.tflite" for name in names}
    for extra in args.extra:
        files = sorted(extra.glob("*.tflite")) if extra.is_dir() else [extra]
        if not files or not all(f.is_file() for f in files):
            raise SystemExit(f"bench_runtime: --extra {extra}: no .tflite file there")
        models.update({f.stem: f for f in files})
    try:
        threads = tuple(sorted({int(t) for t in args.threads.split(",")}))
    except ValueError:
        raise SystemExit(f"bench_runtime: --threads {args.threads!r}: expected counts like 1,2") from None
    if not threads or threads[0] < 1:
        raise SystemExit(f"bench_runtime: --threads {args.threads!r}: counts must be >= 1")
    repeats, sample_s = (5, 0.0003) if args.quick else (args.repeats, args.sample_s)
    result = measure(models, args.corpus, repeats, sample_s, not args.no_callgrind, args.build, threads)
    print(markdown(result))
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
