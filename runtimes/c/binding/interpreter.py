"""`tl.lite.Interpreter`: LiteRT's Python Interpreter API over tensorlite's C runtime.

Code written for `ai_edge_litert.interpreter.Interpreter` runs by changing the import. The
model is executed by the C99 runtime (runtimes/c) through cffi; nothing here imports LiteRT
or TensorFlow. The arena is sized automatically: allocation is retried with a doubled arena
until the model fits (the C runtime reports ARENA_TOO_SMALL).
"""
from __future__ import annotations

import enum
import mmap
import os
import re

import numpy as np
from tensorlite.training.shape_text import shape_text

from . import custom_ops as _custom_ops
from ._tl_c import ffi, lib
from .delegate import Delegate, node_report, partition_report

_ARENA_TOO_SMALL = 4
_TYPE_UNSUPPORTED = 6  # TL_STATUS_TYPE_UNSUPPORTED, tl_status.def's order
_DTYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 5: np.bytes_, 6: np.bool_, 7: np.int16,
           8: np.complex64, 9: np.int8, 10: np.float64, 12: np.uint64, 15: np.uint32, 16: np.uint16}
_TYPE_NAMES = {0: "FLOAT32", 1: "FLOAT16", 2: "INT32", 3: "UINT8", 4: "INT64", 5: "STRING", 6: "BOOL",
               7: "INT16", 8: "COMPLEX64", 9: "INT8", 10: "FLOAT64", 12: "UINT64", 15: "UINT32", 16: "UINT16"}


def _error(kind, source: str, message: str, status: int | None = None):
    """An exception carrying the C runtime's message, with .status, .subgraph_index, .node_index and
    .op_name (None when no node is at fault) for programs that want them."""
    exc = kind(f"{source}: {message}")
    m = re.match(r"(?:subgraph (\d+) )?node (\d+) \((?:CUSTOM )?([^)]*)\)", message)
    exc.status = status
    exc.subgraph_index = int(m.group(1) or 0) if m else None
    exc.node_index = int(m.group(2)) if m else None
    exc.op_name = m.group(3) if m else None
    return exc


# instruction set -> the CPU feature bits it may use (runtimes/c/src/cpu.h)
INSTRUCTION_SETS = {"portable": 0, "avx2": 1, "avx512": 3, "avx512vnni": 19, "avx512vbmi": 83, "neon": 4,
                    "neon_dot": 12}


def available_instruction_sets() -> list[str]:
    """The optimized kernels' tiers this CPU runs, "portable" first."""
    features = lib.tl_cpu_features()
    return [name for name, bits in INSTRUCTION_SETS.items() if bits & features == bits]


class OpResolverType(enum.Enum):
    """LiteRT's resolver choices. BUILTIN_REF forces the reference kernels; tensorlite has only
    reference kernels so far, so all give the same results."""
    AUTO = 0
    BUILTIN = 1
    BUILTIN_REF = 2
    BUILTIN_WITHOUT_DEFAULT_DELEGATES = 3



_HUGE_PAGE = 2 << 20
_LINE = 64


def _new_arena(size: int):
    """A zeroed arena of `size` bytes starting on a 64-byte line, so where tensors fall within cache lines
    depends on the plan alone, not on where malloc put the array (cffi's arrays start 16 bytes past one).
    From 4 MiB on, where Linux offers transparent huge pages on request (madvise), it starts on a 2 MiB
    boundary of a private mapping marked MADV_HUGEPAGE: MobileNet-sized activations then sit in a few TLB
    entries instead of thousands of 4 KiB pages (MobileNetV2 through this binding, CPU time per invoke:
    float32 and int8 2-4% faster)."""
    align, whole = _LINE, None
    if size >= 2 * _HUGE_PAGE and hasattr(mmap, "MADV_HUGEPAGE"):
        try:
            m = mmap.mmap(-1, size + _HUGE_PAGE, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)  # shared: no THP
            m.madvise(mmap.MADV_HUGEPAGE)
            align, whole = _HUGE_PAGE, ffi.from_buffer("uint8_t[]", m)  # keeps the mapping alive
        except (OSError, ValueError):
            align, whole = _LINE, None
    if whole is None:
        whole = ffi.new("uint8_t[]", size + _LINE)
    start = -int(ffi.cast("uintptr_t", whole)) % align
    return ffi.gc(ffi.cast("uint8_t *", whole) + start, lambda _p, _keep=whole: None)  # holds `whole`


class Interpreter:
    def __init__(self, model_path=None, model_content=None, experimental_delegates=None, num_threads=None,
                 experimental_op_resolver_type=OpResolverType.AUTO, experimental_preserve_all_tensors=False,
                 arena_size: int | None = None, source: str | None = None, instruction_set: str | None = None,
                 pack_weights: bool = True, custom_ops: dict | None = None):
        """LiteRT's arguments, plus tensorlite's: `arena_size` fixes the arena (default: grown until the model
        fits), `source` is what error messages call the model (default: model_path, or "<model_content>") and
        `instruction_set` limits the optimized kernels to one tier (a key of INSTRUCTION_SETS, e.g. "avx2"; default:
        the best this CPU has), to compare them. `num_threads`: the optimized kernels' threads (None, 0 or 1: the
        calling thread only; -1: one per CPU this process may use); results do not depend on it. `pack_weights=False`
        keeps constant weights out of the arena: the optimized CONV_2D and FULLY_CONNECTED kernels, which copy them
        repacked for their GEMM (about twice an int8 model's weights), step aside for the reference kernels.
        `custom_ops`: {"CustomCode": op} runs CUSTOM operators in Python (see runtimes/c/binding/custom_ops.py)."""
        if (model_path is None) == (model_content is None):
            raise ValueError("Interpreter: pass exactly one of model_path or model_content")
        self._delegates = list(experimental_delegates or [])  # kept alive while this Interpreter is
        if any(not isinstance(d, Delegate) for d in self._delegates):
            raise ValueError("Interpreter: experimental_delegates takes delegates from tl.lite.load_delegate('gpu')")
        if len(self._delegates) > 1:
            raise NotImplementedError("Interpreter: the C runtime takes one delegate per interpreter")
        if num_threads is not None and (not isinstance(num_threads, int) or num_threads < -1):
            raise ValueError("type of num_threads should be int and >= -1")
        if model_path is not None:
            with open(model_path, "rb") as f:
                model_content = f.read()
        self._model = bytes(model_content)
        self._model_c = ffi.from_buffer("uint8_t[]", self._model)
        self._source = source or model_path or "<model_content>"
        self._arena_size = arena_size or max(64 * 1024, 2 * len(self._model))
        self._fixed_arena = arena_size is not None
        self._reference = experimental_op_resolver_type == OpResolverType.BUILTIN_REF
        self._preserve = bool(experimental_preserve_all_tensors)
        self._pack_weights = bool(pack_weights)
        if instruction_set is not None and instruction_set not in INSTRUCTION_SETS:
            raise ValueError(f"instruction_set {instruction_set!r}: expected one of {', '.join(INSTRUCTION_SETS)}")
        self._cpu_mask = INSTRUCTION_SETS[instruction_set] if instruction_set else 0xFFFFFFFF
        self._pool = self._thread_pool(num_threads)
        self._it = None
        self._allocated = False
        self._reuse = False  # the C interpreter allocated before, and only resizes came since: allocate it again
        self._resizes = {}  # (subgraph, tensor index) -> shape, applied to each C interpreter _create makes
        self._string_bytes = {}  # (subgraph, tensor index) -> a STRING input's capacity, applied the same way
        self._custom_ops = dict(custom_ops or {})
        self._custom_handles = []  # cffi handles the C interpreter's custom op registrations point to
        self._custom_error = None  # the exception a Python custom op raised in the last C call
        status = self._create()  # reads the model now, so a bad file fails here as in LiteRT
        if status not in (0, _ARENA_TOO_SMALL):
            raise _error(ValueError, self._source, self._message(), status)
        self._signatures = self._read_signatures()

    # -- life cycle ---------------------------------------------------------------------------------
    def _create(self) -> int:
        self._model_t = ffi.new("tl_model *")
        status = lib.tl_model_init(self._model_t, self._model_c, len(self._model))
        if status != 0:
            raise _error(ValueError, self._source, ffi.string(lib.tl_status_message(status)).decode(), status)
        self._arena = _new_arena(self._arena_size)
        status_p = ffi.new("tl_status *")
        self._it = lib.tl_interpreter_init(self._model_t, ffi.NULL, self._arena, self._arena_size, status_p)
        if self._it == ffi.NULL:
            raise _error(ValueError, self._source, ffi.string(lib.tl_status_message(status_p[0])).decode(),
                         status_p[0])
        if status_p[0] == 0:
            lib.tl_interpreter_set_preserve_all_tensors(self._it, int(self._preserve))
            lib.tl_interpreter_set_reference_kernels(self._it, int(self._reference))
            lib.tl_interpreter_set_cpu_features(self._it, self._cpu_mask)
            lib.tl_interpreter_set_pack_weights(self._it, int(self._pack_weights))
            if self._pool is not None:
                lib.tl_interpreter_set_thread_pool(self._it, self._pool)
            if self._delegates and self._delegates[0].available:
                lib.tl_interpreter_set_delegate(self._it, self._delegates[0]._c)
            self._custom_handles = _custom_ops.register(self._it, self, self._custom_ops)
            for (subgraph, index), shape in self._resizes.items():
                self._resize_c(subgraph, index, shape, False)
            for (subgraph, index), size in self._string_bytes.items():
                if lib.tl_interpreter_set_string_capacity(self._it, subgraph, index, size) != 0:
                    raise _error(ValueError, self._source, self._message())
        return status_p[0]

    def _resize_c(self, subgraph: int, index: int, shape: tuple, strict: bool) -> None:
        dims = ffi.new("int32_t[]", max(1, len(shape)))
        for i, d in enumerate(shape):
            dims[i] = d
        status = lib.tl_interpreter_resize_input(self._it, int(subgraph), int(index), dims, len(shape), int(strict))
        if status != 0:
            raise _error(ValueError, self._source, self._message(), status)

    def _resize(self, subgraph: int, index: int, tensor_size, strict: bool) -> None:
        """Gives input `index` of `subgraph` a new shape in the C interpreter now (so it is checked, and the input's
        details show it), and records it so each interpreter allocate_tensors creates (a bigger arena) gets it too."""
        size = np.asarray(tensor_size)
        if size.ndim != 1 or not (np.issubdtype(size.dtype, np.integer) or size.size == 0):
            raise ValueError(f"resize_tensor_input: the new shape must be a 1-D list of integers, got {tensor_size!r}")
        if size.size and (size.min() < np.iinfo(np.int32).min or size.max() > np.iinfo(np.int32).max):
            raise ValueError(f"resize_tensor_input: dimensions of {shape_text(size)} do not fit int32")
        shape = tuple(int(d) for d in size)
        before = tuple(self._details(index, subgraph)["shape"])
        self._resize_c(subgraph, index, shape, strict)
        if shape != before:
            self._resizes[(int(subgraph), int(index))] = shape
            self._allocated = False

    @staticmethod
    def _thread_pool(num_threads):
        """A pthreads pool for num_threads > 1 (freed with this Interpreter, which outlives its C interpreter)."""
        threads = len(os.sched_getaffinity(0)) if num_threads == -1 else (num_threads or 1)
        threads = min(threads, 64)  # TL_MAX_THREADS
        if threads <= 1:
            return None
        pool = lib.tl_binding_pool_new(threads)
        if pool == ffi.NULL:
            raise RuntimeError(f"Interpreter: could not start {threads} threads")
        return ffi.gc(pool, lib.tl_binding_pool_delete)

    def _read_signatures(self) -> dict:
        """{key: {"inputs": {name: tensor_index}, "outputs": {...}, "subgraph_index": i}}, read by the C
        runtime's bounds-checked reader."""
        def text(p):
            return ffi.string(p).decode("utf-8", "replace") if p != ffi.NULL else ""
        out = {}
        for s in range(lib.tl_interpreter_get_signature_count(self._it)):
            entry = {"subgraph_index": int(lib.tl_interpreter_get_signature_subgraph(self._it, s))}
            for kind in ("input", "output"):
                count = getattr(lib, f"tl_interpreter_get_signature_{kind}_count")
                name = getattr(lib, f"tl_interpreter_get_signature_{kind}_name")
                index = getattr(lib, f"tl_interpreter_get_signature_{kind}_tensor_index")
                entry[kind + "s"] = {text(name(self._it, s, k)): int(index(self._it, s, k))
                                     for k in range(max(0, count(self._it, s)))}
            out[text(lib.tl_interpreter_get_signature_key(self._it, s)) or "serving_default"] = entry
        return out

    def _message(self) -> str:
        return ffi.string(lib.tl_interpreter_error_message(self._it)).decode()

    def allocate_tensors(self) -> None:
        if self._allocated:
            return
        if self._reuse:  # after a resize: the same C interpreter plans again in its arena, keeping the state LiteRT
            status = lib.tl_interpreter_allocate_tensors(self._it)  # keeps (resource variables, random streams)
            if status == 0:
                self._allocated = True
                return
            if status != _ARENA_TOO_SMALL or self._fixed_arena:
                raise _error(ValueError, self._source, self._message(), status) from self._take_custom_error()
            # the new shapes need a bigger arena: a new C interpreter, whose kept state starts again
        while True:
            status = self._create()
            if status == 0:
                status = lib.tl_interpreter_allocate_tensors(self._it)
            if status == 0:
                self._allocated = self._reuse = True
                return
            if status == _ARENA_TOO_SMALL and not self._fixed_arena and self._arena_size < (1 << 31):
                self._arena_size *= 2
                continue
            raise _error(ValueError, self._source, self._message(), status) from self._take_custom_error()

    def _take_custom_error(self):
        error, self._custom_error = self._custom_error, None
        return error

    def get_delegate_report(self) -> list[dict]:
        """Per node of subgraph 0 (after allocate_tensors): {"index", "op_name", "delegate" ("gpu" or None),
        "partition" (-1 on the CPU), "reason"}: why a node stays on the CPU ("quantized tensors stay on the CPU",
        "no GPU kernel for GATHER", ...). Other subgraphs (control flow bodies, signatures) run on the CPU."""
        self._require_allocated("get_delegate_report")
        return node_report(self._it, self._delegates)

    def get_delegate_partitions(self) -> list[dict]:
        """The runs of nodes the delegate took (after allocate_tensors): {"index", "nodes", "inputs", "outputs"},
        the boundary tensors the runtime copies into and out of each run at invoke."""
        self._require_allocated("get_delegate_partitions")
        return partition_report(self._it)

    def _require_allocated(self, what: str) -> None:
        if not self._allocated:
            raise RuntimeError(f"{what}: call allocate_tensors() first")

    # -- description --------------------------------------------------------------------------------
    def _tensor(self, index: int, subgraph: int = 0):
        t = lib.tl_interpreter_get_subgraph_tensor(self._it, int(subgraph), int(index))
        if t == ffi.NULL:
            count = lib.tl_interpreter_get_subgraph_count(self._it)
            if not 0 <= subgraph < count:
                raise ValueError(f"subgraph index {subgraph} is out of range (model has {count} subgraphs)")
            raise ValueError(f"tensor index {index} is out of range (subgraph {subgraph} has "
                             f"{lib.tl_interpreter_get_subgraph_tensor_count(self._it, int(subgraph))} tensors)")
        return t

    def _details(self, index: int, subgraph: int = 0) -> dict:
        t = self._tensor(index, subgraph)
        if t.type not in _DTYPES:
            raise ValueError(f"tensor {index} has type {_TYPE_NAMES.get(t.type, t.type)}, which has no NumPy view")
        shape = np.array([t.dims[i] for i in range(t.ndim)], np.int32)
        dims = ffi.new("int32_t[6]")
        rank = lib.tl_interpreter_get_subgraph_tensor_signature(self._it, int(subgraph), int(index), dims)
        signature = np.array([dims[i] for i in range(rank)], np.int32)
        q = lib.tl_tensor_quantization(self._it, t)
        n = q.count
        scales = np.frombuffer(ffi.buffer(q.scales, 4 * n), "<f4").astype(np.float32) if n else np.zeros(0, np.float32)
        zps = (np.frombuffer(ffi.buffer(q.zero_points, 8 * n), "<i8").astype(np.int32)
               if n and q.zero_points != ffi.NULL else np.zeros(n, np.int32))
        name = lib.tl_tensor_name(self._it, t)
        return {
            "name": ffi.string(name).decode() if name != ffi.NULL else "",
            "index": int(index),
            "shape": shape,
            "shape_signature": signature,
            "dtype": _DTYPES[t.type],
            "quantization": (float(t.scale), int(t.zero_point)) if n else (0.0, 0),
            "quantization_parameters": {"scales": scales, "zero_points": zps, "quantized_dimension": int(t.quant_dim)},
            "sparsity_parameters": {},
        }

    def get_input_details(self) -> list[dict]:
        return [self._details(lib.tl_interpreter_get_input_tensor_index(self._it, i))
                for i in range(lib.tl_interpreter_get_input_count(self._it))]

    def get_output_details(self) -> list[dict]:
        return [self._details(lib.tl_interpreter_get_output_tensor_index(self._it, i))
                for i in range(lib.tl_interpreter_get_output_count(self._it))]

    def get_tensor_details(self) -> list[dict]:
        out = []
        for i in range(lib.tl_interpreter_get_tensor_count(self._it)):
            if self._tensor(i).type in _DTYPES:
                out.append(self._details(i))
        return out

    # -- data ---------------------------------------------------------------------------------------
    def set_tensor(self, tensor_index: int, value) -> None:
        self._require_allocated("set_tensor")
        self._set(tensor_index, value, 0)

    def _set(self, tensor_index: int, value, subgraph: int) -> None:
        d = self._details(tensor_index, subgraph)
        value = np.asarray(value)
        strings = d["dtype"] is np.bytes_  # LiteRT takes bytes, str and object arrays for a STRING tensor
        if (value.dtype.kind not in "SUO") if strings else value.dtype != d["dtype"]:
            raise ValueError(f"Cannot set tensor: Got value of type {value.dtype.name.upper()} but expected type "
                             f"{np.dtype(d['dtype']).name.upper()} for input {tensor_index}, name: {d['name']}")
        if tuple(value.shape) != tuple(d["shape"]):
            raise ValueError(f"Cannot set tensor: Dimension mismatch. Got {shape_text(value.shape)} but expected "
                             f"{shape_text(d['shape'])} for input {tensor_index}, name: {d['name']}")
        t = self._tensor(tensor_index, subgraph)
        if t.is_constant:
            raise ValueError(f"Cannot set tensor {tensor_index} ({d['name']}): it is a constant of the model")
        if t.type == 5:
            self._set_strings(tensor_index, value, subgraph)
            return
        ffi.memmove(t.data, np.ascontiguousarray(value).tobytes(), t.bytes)

    def _set_strings(self, tensor_index: int, value: np.ndarray, subgraph: int) -> None:
        """A STRING input takes TFLite's string buffer of `value` (bytes, str as UTF-8). Its capacity is planned
        before invoke (runtimes/c/include/tensorlite.h); a longer buffer grows it (doubling) and allocates again,
        keeping the other inputs' contents, so a program sees LiteRT's behaviour (where string tensors are dynamic)."""
        items = [v.encode() if isinstance(v, str) else bytes(v) for v in value.reshape(-1).tolist()]
        n = len(items)
        offsets = np.cumsum([4 * (n + 2)] + [len(v) for v in items], dtype=np.int64)
        if offsets[-1] > 0x7FFFFFFF:
            raise ValueError(f"Cannot set tensor {tensor_index}: its strings take 2^31 bytes or more")
        buf = np.array([n], "<i4").tobytes() + offsets.astype("<i4").tobytes() + b"".join(items)
        t = self._tensor(tensor_index, subgraph)
        if len(buf) > t.bytes:
            self._grow_string_input(tensor_index, subgraph, max(len(buf), 2 * t.bytes))
            t = self._tensor(tensor_index, subgraph)
        ffi.memmove(t.data, buf, len(buf))

    def _grow_string_input(self, tensor_index: int, subgraph: int, size: int) -> None:
        inputs = [lib.tl_interpreter_get_input_tensor_index(self._it, i)
                  for i in range(lib.tl_interpreter_get_input_count(self._it))] if subgraph == 0 else \
            [i for s in self._signatures.values() if s["subgraph_index"] == subgraph for i in s["inputs"].values()]
        kept = {}
        for i in inputs:
            t = self._tensor(i, subgraph)
            if i != tensor_index and t.data != ffi.NULL and not t.is_constant:
                kept[i] = bytes(ffi.buffer(t.data, t.bytes))
        self._string_bytes[(int(subgraph), int(tensor_index))] = min(int(size), 0x7FFFFFFF)
        self._allocated = self._reuse = False
        self.allocate_tensors()
        for i, data in kept.items():
            t = self._tensor(i, subgraph)
            ffi.memmove(t.data, data, min(len(data), t.bytes))

    def _strings(self, t, d: dict) -> np.ndarray:
        """A STRING tensor's buffer as LiteRT's Python API returns it: an object array of bytes."""
        raw = bytes(ffi.buffer(t.data, t.bytes))
        count = int(np.frombuffer(raw[:4], "<i4")[0]) if len(raw) >= 4 else -1
        size = int(np.prod(d["shape"]))
        if count != size or len(raw) < 4 * (count + 2):
            raise ValueError(f"tensor {d['index']} ({d['name']}) holds no string buffer of {size} strings (not "
                             "computed yet, or malformed)")
        offsets = np.frombuffer(raw[4:4 * (count + 2)], "<i4").astype(np.int64)
        if offsets[0] != 4 * (count + 2) or np.any(np.diff(offsets) < 0) or offsets[-1] > len(raw):
            raise ValueError(f"tensor {d['index']} ({d['name']}): its string buffer's offsets are out of range")
        out = np.empty(count, dtype=object)
        for k in range(count):
            out[k] = raw[offsets[k]:offsets[k + 1]]
        return out.reshape(d["shape"])

    def _view(self, tensor_index: int, subgraph: int = 0) -> np.ndarray:
        d = self._details(tensor_index, subgraph)
        t = self._tensor(tensor_index, subgraph)
        if t.data == ffi.NULL:
            raise ValueError(f"tensor {tensor_index} ({d['name']}) of subgraph {subgraph} holds no data (not used by "
                             "the graph, or in a subgraph no control flow op calls)")
        if t.type == 5:
            return self._strings(t, d)
        return np.frombuffer(ffi.buffer(t.data, t.bytes), d["dtype"]).reshape(d["shape"])

    def get_tensor(self, tensor_index: int, subgraph_index: int = 0) -> np.ndarray:
        """A copy of the tensor. Tensors of subgraphs other than 0 (WHILE/IF bodies) hold their last
        run's values only with experimental_preserve_all_tensors=True; otherwise their memory is shared."""
        self._require_allocated("get_tensor")
        return self._view(tensor_index, int(subgraph_index)).copy()

    def tensor(self, tensor_index: int):
        """A function returning a live NumPy view of the tensor (LiteRT's semantics)."""
        self._require_allocated("tensor")
        return lambda: self._view(tensor_index)

    def invoke(self) -> None:
        self._invoke(0)

    def _invoke(self, subgraph: int) -> None:
        self._require_allocated("invoke")
        status = lib.tl_interpreter_invoke_subgraph(self._it, int(subgraph))
        if status != 0:
            raise _error(RuntimeError, self._source, self._message(), status) from self._take_custom_error()

    def reset_all_variables(self) -> None:
        self._require_allocated("reset_all_variables")
        lib.tl_interpreter_reset_variables(self._it)

    def resize_tensor_input(self, input_index: int, tensor_size, strict: bool = False) -> None:
        """LiteRT's: input `input_index` (a tensor index, the details' "index"; a variable tensor such as an LSTM's
        state too) takes shape `tensor_size`; strict=True
        lets only the shape_signature's -1 dimensions change. Call allocate_tensors() before the next invoke: it
        propagates the shapes through the graph, prepares the kernels again and plans memory in the same arena, or
        in a new one doubled from the current size until the new shapes fit (with a fixed `arena_size`, a ValueError
        gives the bytes they need). Tensor contents do not survive: set the inputs after allocating. Resource
        variables, CALL_ONCE's flag and the random ops' streams do, as in LiteRT, unless a new arena was needed."""
        self._resize(0, input_index, tensor_size, strict)

    # -- signatures ---------------------------------------------------------------------------------
    def get_signature_list(self) -> dict:
        return {k: {"inputs": list(v["inputs"]), "outputs": list(v["outputs"])} for k, v in self._signatures.items()}

    def get_signature_runner(self, signature_key: str | None = None) -> SignatureRunner:
        if not self._signatures:
            raise ValueError(f"{self._source} has no SignatureDefs")
        key = signature_key or next(iter(self._signatures))
        if key not in self._signatures:
            raise ValueError(f"no signature {key!r}; the model has {list(self._signatures)}")
        if self._signatures[key]["subgraph_index"] < 0:
            raise ValueError(f"signature {key!r} names a subgraph the model does not have")
        return SignatureRunner(self, self._signatures[key])

    def arena_bytes_used(self) -> int:
        """Bytes of the arena in use (persistent tables and kernel data plus planned activations)."""
        return int(lib.tl_interpreter_arena_bytes_used(self._it))

    def _get_ops_details(self) -> list[dict]:
        """LiteRT's per-node description: index, op_name, inputs, outputs (tensor indices)."""
        it = self._it
        return [{"index": n,
                 "op_name": ffi.string(lib.tl_interpreter_get_node_op_name(it, n)).decode()
                 if lib.tl_interpreter_get_node_op_name(it, n) != ffi.NULL else "",
                 "inputs": np.array([lib.tl_interpreter_get_node_input(it, n, k)
                                     for k in range(lib.tl_interpreter_get_node_input_count(it, n))], np.int32),
                 "outputs": np.array([lib.tl_interpreter_get_node_output(it, n, k)
                                      for k in range(lib.tl_interpreter_get_node_output_count(it, n))], np.int32)}
                for n in range(lib.tl_interpreter_get_node_count(it))]

    def builtin_codes(self) -> list[int]:
        """The TFLite BuiltinOperator codes this model's operators use (every subgraph), sorted.
        Works before allocation (`tensorlite codegen` builds a firmware's op table from it)."""
        return sorted({int(lib.tl_interpreter_get_subgraph_node_builtin(self._it, sg, n))
                       for sg in range(lib.tl_interpreter_get_subgraph_count(self._it))
                       for n in range(lib.tl_interpreter_get_subgraph_node_count(self._it, sg))})

    def unsupported_ops(self) -> list[str]:
        """Names of the operators of this model (any subgraph) that the C runtime has no kernel for (CUSTOM ops
        as "CUSTOM <code>"), or whose kernel refuses these tensor types (e.g. int16 SOFTMAX), sorted;
        [] when the model can run. Works before allocation."""
        missing = set()
        for sg in range(lib.tl_interpreter_get_subgraph_count(self._it)):
            for n in range(lib.tl_interpreter_get_subgraph_node_count(self._it, sg)):
                code = lib.tl_interpreter_get_subgraph_node_builtin(self._it, sg, n)
                name = lib.tl_interpreter_get_subgraph_node_op_name(self._it, sg, n)
                if code == 32 and name != ffi.NULL and (lib.tl_custom_has_kernel(name) or
                                                        ffi.string(name).decode() in self._custom_ops):
                    continue
                if code != 32 and lib.tl_builtin_has_kernel(code):
                    continue
                name = ffi.string(name).decode() if name != ffi.NULL else f"builtin code {code}"
                missing.add(f"CUSTOM {name}" if code == 32 else name)
        if not missing:  # every op has a kernel: does each kernel take these tensor types?
            try:
                Interpreter(model_content=self._model, source=self._source,
                            custom_ops=self._custom_ops).allocate_tensors()
            except ValueError as exc:
                if getattr(exc, "status", None) == _TYPE_UNSUPPORTED and exc.op_name:
                    missing.add(f"{exc.op_name} (for these tensor types)")
        return sorted(missing)


class SignatureRunner:
    """Runs one SignatureDef's subgraph (LiteRT's runner): inputs and outputs by name."""

    def __init__(self, interpreter: Interpreter, signature: dict):
        self._it, self._sig = interpreter, signature
        self._subgraph = signature["subgraph_index"]
        if not interpreter._allocated:
            interpreter.allocate_tensors()

    def get_input_details(self) -> dict:
        return {name: self._it._details(i, self._subgraph) for name, i in self._sig["inputs"].items()}

    def resize_input(self, input_name: str, new_shape) -> None:
        """LiteRT's: the named input takes `new_shape`; allocate_tensors() (or a call) then re-plans."""
        if input_name not in self._sig["inputs"]:
            raise ValueError(f"signature has no input {input_name!r}; its inputs are {sorted(self._sig['inputs'])}")
        self._it._resize(self._subgraph, self._sig["inputs"][input_name], new_shape, False)

    def allocate_tensors(self) -> None:
        self._it.allocate_tensors()

    def get_output_details(self) -> dict:
        return {name: self._it._details(i, self._subgraph) for name, i in self._sig["outputs"].items()}

    def __call__(self, **inputs) -> dict:
        missing = set(self._sig["inputs"]) - set(inputs)
        unknown = set(inputs) - set(self._sig["inputs"])
        if missing or unknown:
            raise ValueError(f"signature inputs are {sorted(self._sig['inputs'])}; missing {sorted(missing)}, "
                             f"unknown {sorted(unknown)}")
        for name, value in inputs.items():  # as LiteRT's runner: each input takes its value's shape
            index = self._sig["inputs"][name]
            if np.shape(value) != tuple(self._it._details(index, self._subgraph)["shape"]):
                self._it._resize(self._subgraph, index, np.shape(value), False)
        self._it.allocate_tensors()
        for name, value in inputs.items():
            self._it._set(self._sig["inputs"][name], value, self._subgraph)
        self._it._invoke(self._subgraph)
        return {name: self._it._view(i, self._subgraph).copy() for name, i in self._sig["outputs"].items()}
