"""Delegates for `tl.lite.Interpreter`: `tl.lite.load_delegate('gpu', options)` opens the OpenCL GPU delegate
(runtimes/gpu), which takes the float32 nodes it has kernels for and leaves the rest to the C runtime on the CPU.

    gpu = tl.lite.load_delegate("gpu", {"precision": "fp16"})
    it = tl.lite.Interpreter("model.tflite", experimental_delegates=[gpu])
    it.allocate_tensors()
    it.get_delegate_report()     # per node: where it runs, and why not on the GPU

Options (all optional): "precision" "fp32" (default) or "fp16" (tensors stored as half, arithmetic in float);
"device_type" "any" (default), "gpu" or "cpu"; "platform": part of the OpenCL platform's name ("Portable" picks
PoCL); "library": the OpenCL library to open (default libOpenCL.so.1, the ICD loader); "fallback": "cpu" makes a
missing OpenCL library or device no error: the delegate is then unavailable (`.error` says why) and interpreters
given it run every node on the CPU."""
from __future__ import annotations

import warnings

from ._tl_c import ffi, lib

_PRECISIONS = {"fp32": 0, "float32": 0, "fp16": 1, "float16": 1}
_DEVICE_TYPES = {"any": 0, "gpu": 1, "cpu": 2}
_OPTIONS = ("precision", "device_type", "platform", "library", "fallback")


class Delegate:
    """A loaded delegate; pass it in `experimental_delegates`. `.available` is False when the GPU could not be
    opened and fallback to the CPU was asked for (`.error` then holds the reason)."""

    def __init__(self, name: str, options: dict | None = None):
        options = dict(options or {})
        unknown = sorted(set(options) - set(_OPTIONS))
        if unknown:
            raise ValueError(f"load_delegate({name!r}): unknown options {unknown}; expected some of {list(_OPTIONS)}")
        precision = str(options.get("precision", "fp32")).lower()
        device_type = str(options.get("device_type", "any")).lower()
        fallback = options.get("fallback")
        if precision not in _PRECISIONS:
            raise ValueError(f"load_delegate: precision {precision!r}: expected 'fp32' or 'fp16'")
        if device_type not in _DEVICE_TYPES:
            raise ValueError(f"load_delegate: device_type {device_type!r}: expected 'any', 'gpu' or 'cpu'")
        if fallback not in (None, "cpu", "none"):
            raise ValueError(f"load_delegate: fallback {fallback!r}: expected 'cpu' or None")
        self.name = "gpu"
        self.options = {"precision": "fp16" if _PRECISIONS[precision] else "fp32", "device_type": device_type,
                        "platform": options.get("platform"), "library": options.get("library")}
        self._keep = [ffi.new("char[]", str(options[k]).encode()) if options.get(k) else ffi.NULL
                      for k in ("library", "platform")]
        c_options = ffi.new("tl_gpu_options *", {"fp16": _PRECISIONS[precision], "library": self._keep[0],
                                                 "platform": self._keep[1], "device_type": _DEVICE_TYPES[device_type]})
        error = ffi.new("char[]", 512)
        handle = lib.tl_gpu_delegate_create(c_options, error, 512)
        self.error = None if handle != ffi.NULL else ffi.string(error).decode("utf-8", "replace")
        if handle == ffi.NULL and fallback != "cpu":
            raise ValueError(f"Failed to load delegate 'gpu': {self.error}")
        if handle == ffi.NULL:
            warnings.warn(f"GPU delegate unavailable, running on the CPU: {self.error}", RuntimeWarning, stacklevel=3)
        self._c = ffi.gc(handle, lib.tl_gpu_delegate_delete) if handle != ffi.NULL else None

    @property
    def available(self) -> bool:
        return self._c is not None

    @property
    def device(self) -> str:
        """"platform / device" of the OpenCL device in use ("" when unavailable)."""
        return ffi.string(lib.tl_gpu_delegate_device_name(self._c)).decode() if self._c is not None else ""

    @property
    def device_has_fp16(self) -> bool:
        return bool(self._c is not None and lib.tl_gpu_delegate_device_has_fp16(self._c))

    def __repr__(self) -> str:
        where = self.device if self.available else f"unavailable: {self.error}"
        return f"<Delegate gpu {self.options['precision']} ({where})>"


def load_delegate(library: str, options: dict | None = None) -> Delegate:
    """LiteRT's `load_delegate`, for tensorlite's built-in delegates: 'gpu' (also 'opencl'). LiteRT loads a shared
    library by path; the C runtime's delegates are built into it, so a library path is refused with a clear error."""
    if library in ("gpu", "opencl", "GPU"):
        return Delegate("gpu", options)
    raise ValueError(f"load_delegate({library!r}): tensorlite's runtime has the built-in delegate 'gpu' (OpenCL); "
                     "it cannot load other delegate libraries")


def node_report(it, delegates) -> list[dict]:
    """For Interpreter.get_delegate_report: each node of subgraph 0 with where it runs and why."""
    report = []
    gpu = next((d for d in delegates if d.available), None)
    why = ffi.new("char[]", 160)
    for i in range(lib.tl_interpreter_get_node_count(it)):
        name = lib.tl_interpreter_get_node_op_name(it, i)
        partition = int(lib.tl_interpreter_get_node_partition(it, i))
        if gpu is None:
            reason = ("no delegate" if not delegates else f"GPU delegate unavailable: {delegates[0].error}")
        else:
            lib.tl_interpreter_explain_node(it, i, why, 160)
            reason = ffi.string(why).decode("utf-8", "replace")
            if partition < 0 and reason == "runs on the GPU":  # claimed, but not in a subgraph 0 partition
                reason = "left on the CPU"
        report.append({"index": i, "op_name": ffi.string(name).decode() if name != ffi.NULL else "?",
                       "delegate": "gpu" if partition >= 0 else None, "partition": partition, "reason": reason})
    return report


def partition_report(it) -> list[dict]:
    """For Interpreter.get_delegate_partitions: each partition's nodes and boundary tensors (tensor indices)."""
    out = []
    for k in range(lib.tl_interpreter_get_partition_count(it)):
        p = lib.tl_interpreter_get_partition(it, k)
        out.append({"index": int(p.index), "nodes": list(range(p.first_node, p.first_node + p.n_nodes)),
                    "inputs": [int(p.inputs[i]) for i in range(p.n_inputs)],
                    "outputs": [int(p.outputs[i]) for i in range(p.n_outputs)]})
    return out
