#!/usr/bin/env python3
"""Write <model>.golden.npz reference outputs for every .tflite in the corpus tests/data/tflm.

Usage (from any directory):
    python scripts/make_goldens.py         # all models under tests/data/tflm (fuzz/ excluded)
    python scripts/make_goldens.py hello_world_int8.tflite seanet/add0.tflite

Requires: numpy, ai-edge-litert (LiteRT).  Optional: tflite-micro (the TFLM
Python interpreter); when importable, TFLM outputs and the TFLM arena size are
recorded too.

For each model, inputs are generated from the model's own input tensors
(subgraph 0), independent of any runtime:

  * samples "0", "1", "2": rng = numpy.random.default_rng([k, zlib.crc32(relpath)])
    where relpath is the model path relative to tests/data/tflm (e.g. "seanet/add0.tflite").
    Inputs are drawn in input order:
      float16/32/64 -> rng.uniform(-1, 1, shape)
      bool          -> rng.integers(0, 2, shape)
      int8/uint8/int16/uint16 -> rng.integers(min, max, endpoint=True) (full range)
      int32/int64/uint32      -> rng.integers(-32768, 32767, endpoint=True)
    Exceptions: an input that feeds TRANSPOSE_CONV's output_shape operand is set to
    the static shape of that op's output tensor; a float input consumed by a
    QUANTIZE op is drawn from rng.uniform over that QUANTIZE output's representable
    range [scale*(qmin-zp), scale*(qmax-zp)] (e.g. [0, 255] for scale 1, zp -128).
  * sample "csv" (seanet/* only): the repo's own input vectors
    (<name>_input<i>_<dtype>.csv) with the repo golden (<name>_golden_<dtype>.csv)
    stored as repo_golden_csv_<j>.  TFLM's own integration test accepts +-1 vs it.

Every sample is run once on a freshly created interpreter (so variable/state
tensors start at zero; matters for SVDF/LSTM models).

npz keys:
    meta                    JSON string (model, sha256, versions, tensor details,
                            per-runtime status, max |diff| between runtimes, notes)
    in_<s>_<i>              input i of sample s
    litert_<s>_<j>          LiteRT, OpResolverType.BUILTIN_REF (reference kernels) - the golden
    litert_opt_<s>_<j>      LiteRT, default resolver (optimized kernels + XNNPACK)
    tflm_<s>_<j>            TFLM Python interpreter (if tflite-micro is installed)
    repo_golden_csv_<j>     repo golden for sample "csv" (seanet only)

A model LiteRT cannot run (TFLM-only custom ops, or a LiteRT crash) still gets an
npz if TFLM ran it; meta["litert"]["ok"] is then false and there are no litert_* keys.
Each runtime runs in a child process, so a crash in one model cannot take down
the run (a child that dies is reported, its outputs discarded).
"""
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zlib

import numpy as np

# The corpus this script writes goldens for (names below are relative to it).
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "tflm")
SAMPLES = ["0", "1", "2"]
TFLM_ARENA = 4 * 1024 * 1024


# --------------------------------------------------------------------------- model parsing
def _schema():
    try:
        from ai_edge_litert import schema_py_generated as sch
    except ImportError:  # pragma: no cover
        from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as sch
    return sch


def _np_dtype(sch, ttype):
    T = sch.TensorType
    table = {T.FLOAT32: np.float32, T.FLOAT16: np.float16, T.FLOAT64: np.float64,
             T.INT8: np.int8, T.UINT8: np.uint8, T.INT16: np.int16, T.UINT16: np.uint16,
             T.INT32: np.int32, T.UINT32: np.uint32, T.INT64: np.int64, T.BOOL: np.bool_}
    if ttype not in table:
        raise TypeError(f"unsupported input tensor type {ttype}")
    return np.dtype(table[ttype])


def model_inputs(buf):
    """[(name, shape, dtype, fixed_value_or_None)] for subgraph 0 inputs."""
    sch = _schema()
    m = sch.ModelT.InitFromPackedBuf(buf, 0)
    sg = m.subgraphs[0]
    fixed, frange = {}, {}
    for op in sg.operators:
        oc = m.operatorCodes[op.opcodeIndex]
        code = max(oc.builtinCode, oc.deprecatedBuiltinCode)
        if code == sch.BuiltinOperator.TRANSPOSE_CONV:
            out_shape = np.asarray(sg.tensors[op.outputs[0]].shape, dtype=np.int32)
            fixed[int(op.inputs[0])] = out_shape
        if code == sch.BuiltinOperator.QUANTIZE:
            out = sg.tensors[op.outputs[0]]
            q = out.quantization
            if q is not None and q.scale is not None and len(q.scale) == 1:
                ii = np.iinfo(_np_dtype(sch, out.type))
                sc, zp = float(q.scale[0]), int(q.zeroPoint[0])
                frange[int(op.inputs[0])] = (sc * (ii.min - zp), sc * (ii.max - zp))
    res = []
    for t in sg.inputs:
        ten = sg.tensors[t]
        shape = [max(1, int(x)) for x in (ten.shape if ten.shape is not None else [])]
        dt = _np_dtype(sch, ten.type)
        extra = fixed.get(int(t))
        if extra is None and dt.kind == "f":
            extra = frange.get(int(t))
        res.append((ten.name.decode() if ten.name else str(t), shape, dt, extra))
    return res


def random_inputs(relpath, specs, k):
    rng = np.random.default_rng([k, zlib.crc32(relpath.encode())])
    xs = []
    for _name, shape, dt, fixed in specs:
        if isinstance(fixed, np.ndarray):
            xs.append(fixed.astype(dt).reshape(shape))
        elif dt.kind == "f":
            lo, hi = fixed if fixed is not None else (-1.0, 1.0)
            xs.append(rng.uniform(lo, hi, shape).astype(dt))
        elif dt == np.bool_:
            xs.append(rng.integers(0, 2, shape).astype(np.bool_))
        elif dt.itemsize <= 2:
            ii = np.iinfo(dt)
            xs.append(rng.integers(ii.min, ii.max, shape, endpoint=True).astype(dt))
        else:
            xs.append(rng.integers(-32768, 32767, shape, endpoint=True).astype(dt))
    return xs


def csv_inputs(model_path, specs):
    """seanet integration-test vectors stored next to the model, if any."""
    stem = model_path[:-len(".tflite")]
    xs = []
    for i, (_n, shape, dt, _f) in enumerate(specs):
        cands = glob.glob(f"{stem}_input{i}_*.csv")
        if len(cands) != 1:
            return None, None
        v = np.loadtxt(cands[0], delimiter=",", dtype=np.int64, ndmin=1)
        if v.size != int(np.prod(shape)):
            return None, None
        xs.append(v.astype(dt).reshape(shape))
    goldens = sorted(glob.glob(f"{stem}_golden_*.csv"))
    gs = [np.loadtxt(g, delimiter=",", dtype=np.int64, ndmin=1) for g in goldens]
    return xs, gs


def patch_for_litert(buf):
    """LiteRT rejects per-channel quantization whose quantized_dimension >= rank
    (TFLM accepts it; person_detect.tflite has such bias tensors).  Return a
    re-serialized model with those quantized_dimension fields set to 0, or None
    if nothing needed patching."""
    import flatbuffers
    sch = _schema()
    m = sch.ModelT.InitFromPackedBuf(buf, 0)
    n = 0
    for sg in m.subgraphs:
        for t in sg.tensors:
            q = t.quantization
            rank = len(t.shape) if t.shape is not None else 0
            if q is not None and q.scale is not None and len(q.scale) > 1 \
                    and q.quantizedDimension >= max(rank, 1):
                q.quantizedDimension = 0
                n += 1
    if n == 0:
        return None, 0
    b = flatbuffers.Builder(len(buf) + 1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output()), n


# --------------------------------------------------------------------------- children
def child_litert(model_path, in_npz, out_npz):
    from ai_edge_litert import interpreter as litert
    buf = open(model_path, "rb").read()
    patched, npatch = patch_for_litert(buf)
    inputs = np.load(in_npz)
    samples = json.loads(str(inputs["samples"]))
    res, info = {}, {"patched_quantized_dimension": npatch}
    if npatch:
        buf = patched
    for key, rtype in (("litert", litert.OpResolverType.BUILTIN_REF),
                       ("litert_opt", litert.OpResolverType.AUTO)):
        for s in samples:
            it = litert.Interpreter(model_content=buf, experimental_op_resolver_type=rtype)
            it.allocate_tensors()
            ind = it.get_input_details()
            for i, d in enumerate(ind):
                it.set_tensor(d["index"], inputs[f"in_{s}_{i}"])
            it.invoke()
            for j, d in enumerate(it.get_output_details()):
                res[f"{key}_{s}_{j}"] = np.array(it.get_tensor(d["index"]))
            if key == "litert" and s == samples[0]:
                info["outputs"] = [_tdesc(d) for d in it.get_output_details()]
                info["inputs"] = [_tdesc(d) for d in ind]
                info["ops"] = [o["op_name"] for o in it._get_ops_details()]
                info["num_subgraphs"] = it.num_subgraphs()
            del it
    np.savez(out_npz, info=json.dumps(info), **res)


def child_tflm(model_path, in_npz, out_npz):
    from tflite_micro.python.tflite_micro import runtime
    buf = open(model_path, "rb").read()
    inputs = np.load(in_npz)
    samples = json.loads(str(inputs["samples"]))
    res, info = {}, {}
    for n, s in enumerate(samples):
        it = runtime.Interpreter.from_bytes(buf, arena_size=TFLM_ARENA)
        k = 0
        while f"in_{s}_{k}" in inputs:
            it.set_input(inputs[f"in_{s}_{k}"], k)
            k += 1
        it.invoke()
        j = 0
        while True:
            try:
                d = it.get_output_details(j)
            except Exception:
                break
            if d is None:
                break
            res[f"tflm_{s}_{j}"] = np.array(it.get_output(j))
            j += 1
        if n == 0:
            sys.stderr.flush()
            it.print_allocations()  # parsed by the parent from stderr
        del it
    np.savez(out_npz, info=json.dumps(info), **res)


def _tdesc(d):
    q = d["quantization_parameters"]
    sc, zp = np.asarray(q["scales"]), np.asarray(q["zero_points"])
    return {"name": d["name"], "shape": [int(x) for x in d["shape"]],
            "dtype": np.dtype(d["dtype"]).name,
            "scale": sc.tolist() if sc.size else None,
            "zero_point": zp.tolist() if zp.size else None}


# --------------------------------------------------------------------------- parent
def _run_child(kind, model_path, in_npz, timeout=600):
    fd, out = tempfile.mkstemp(suffix=".npz")
    os.close(fd)
    p = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", kind,
                        model_path, in_npz, out], capture_output=True, text=True,
                       timeout=timeout)
    if p.returncode != 0:
        err = (p.stderr.strip().splitlines() or [""])[-1]
        if p.returncode < 0:
            err = f"child process killed by signal {-p.returncode}; last stderr: {err!r}"
        os.unlink(out)
        return None, {"ok": False, "returncode": p.returncode, "error": err[:300]}, p.stderr
    data = dict(np.load(out))
    os.unlink(out)
    info = json.loads(str(data.pop("info")))
    info["ok"] = True
    return data, info, p.stderr


def _maxdiff(a, b):
    if a.shape != b.shape:
        return f"shape {a.shape} vs {b.shape}"
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))


def make_one(model_path):
    rel = os.path.relpath(model_path, HERE)
    buf = open(model_path, "rb").read()
    specs = model_inputs(buf)
    samples = list(SAMPLES)
    arrays = {}
    for k, s in enumerate(samples):
        for i, x in enumerate(random_inputs(rel, specs, k)):
            arrays[f"in_{s}_{i}"] = x
    cx, cg = csv_inputs(model_path, specs)
    if cx is not None:
        samples.append("csv")
        for i, x in enumerate(cx):
            arrays[f"in_csv_{i}"] = x
        for j, g in enumerate(cg):
            arrays[f"repo_golden_csv_{j}"] = g
    fd, in_npz = tempfile.mkstemp(suffix=".npz")
    os.close(fd)
    np.savez(in_npz, samples=json.dumps(samples), **arrays)

    meta = {"model": rel, "sha256": hashlib.sha256(buf).hexdigest(), "samples": samples,
            "seed": "numpy.random.default_rng([k, zlib.crc32(model)]) for sample k",
            "inputs": [{"name": n, "shape": sh, "dtype": dt.name,
                        "generator": ("fixed (TRANSPOSE_CONV output_shape)" if isinstance(x, np.ndarray)
                                      else f"uniform{tuple(x)}" if x is not None
                                      else "default")} for n, sh, dt, x in specs]}
    lr, linfo, _ = _run_child("litert", model_path, in_npz)
    meta["litert"] = linfo
    tflm_ok = True
    try:
        import tflite_micro  # noqa: F401
    except ImportError:
        tflm_ok = False
    tr, tinfo = None, {"ok": False, "error": "tflite-micro not installed"}
    if tflm_ok:
        tr, tinfo, terr = _run_child("tflm", model_path, in_npz)
        m = re.search(r"Arena allocation total (\d+) bytes", terr or "")
        if m:
            tinfo["arena_total_bytes_host_x86_64"] = int(m.group(1))
    meta["tflm"] = tinfo
    os.unlink(in_npz)
    if lr is None and tr is None:
        return rel, meta, None
    for part in (lr, tr):
        if part:
            arrays.update(part)
    # comparisons
    diffs = {}
    for s in samples:
        j = 0
        while f"litert_{s}_{j}" in arrays or f"tflm_{s}_{j}" in arrays:
            a = arrays.get(f"litert_{s}_{j}")
            b = arrays.get(f"litert_opt_{s}_{j}")
            c = arrays.get(f"tflm_{s}_{j}")
            if a is not None and b is not None:
                diffs.setdefault("litert_ref_vs_opt", []).append(_maxdiff(a, b))
            if a is not None and c is not None:
                diffs.setdefault("litert_ref_vs_tflm", []).append(_maxdiff(a, c))
            if s == "csv" and f"repo_golden_csv_{j}" in arrays:
                g = arrays[f"repo_golden_csv_{j}"]
                for key, v in (("litert_vs_repo_golden", a), ("tflm_vs_repo_golden", c)):
                    if v is not None:
                        diffs.setdefault(key, []).append(_maxdiff(v.reshape(-1), g.reshape(-1)))
            j += 1
    meta["max_abs_diff"] = {k: (max(v, key=lambda x: (isinstance(x, str), x)) if v else None)
                            for k, v in diffs.items()}
    from importlib import metadata as md
    for pkg in ("ai-edge-litert", "tflite-micro", "numpy"):
        try:
            meta.setdefault("versions", {})[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    out = model_path[:-len(".tflite")] + ".golden.npz"
    np.savez_compressed(out, meta=json.dumps(meta), **arrays)
    return rel, meta, out


def main(argv):
    if len(argv) > 1 and argv[1] == "--child":
        kind, model, in_npz, out_npz = argv[2:6]
        {"litert": child_litert, "tflm": child_tflm}[kind](model, in_npz, out_npz)
        return 0
    if len(argv) > 1:
        models = [os.path.abspath(a if os.path.exists(a) else os.path.join(HERE, a))
                  for a in argv[1:]]
    else:
        models = sorted(p for p in glob.glob(os.path.join(HERE, "**", "*.tflite"),
                                             recursive=True)
                        if os.sep + "fuzz" + os.sep not in p)
    summary = {}
    for mp in models:
        rel, meta, out = make_one(mp)
        summary[rel] = meta
        lr, tf = meta["litert"], meta["tflm"]
        print(f"{rel:45s} litert={'ok' if lr.get('ok') else 'FAIL'} "
              f"tflm={'ok' if tf.get('ok') else 'FAIL'} "
              f"diffs={meta.get('max_abs_diff', {})} -> {os.path.basename(out) if out else 'no npz'}",
              flush=True)
    with open(os.path.join(HERE, "goldens_summary.json"), "w") as f:
        json.dump(summary, f, indent=1, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
