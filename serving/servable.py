"""One loaded model version: its signatures, and one interpreter per thread that may run it.

tl.lite.Interpreter is not thread-safe, so a Servable keeps a small pool of them (`slots`), one per invoke thread
plus one for the event loop; each keeps NumPy views on its input and output tensors, so a request costs a copy in,
the C runtime's invoke (cffi releases the GIL around it) and a copy out. A request of batch n on a model whose
inputs have -1 as their first dimension in shape_signature runs once, after `resize_tensor_input` to n, where
the runtime can resize; where it cannot (NotImplementedError at load), it runs one invoke per slice of the
model's static batch and concatenates the outputs. Models with a fixed first dimension take exactly that shape.
"""
from __future__ import annotations

import collections
import dataclasses
import queue
import time

import numpy as np
from tensorlite.runtime import Interpreter
from tensorlite.runtime._tl_c import ffi, lib

from .errors import ServingError


@dataclasses.dataclass(frozen=True)
class TensorSpec:
    key: str            # the signature's name for it (what requests use)
    tensor_name: str
    index: int
    dtype: np.dtype
    shape: tuple        # static shape the runtime planned
    signature: tuple    # shape_signature: -1 where the model leaves a dimension open


@dataclasses.dataclass(frozen=True)
class Signature:
    key: str
    subgraph: int
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]
    batched: bool       # every input starts with a -1 dimension and every output with the static batch

    @property
    def input_keys(self) -> list[str]:
        return [s.key for s in self.inputs]

    def input(self, key: str) -> TensorSpec | None:
        return next((s for s in self.inputs if s.key == key), None)


def _signatures(it: Interpreter) -> dict[str, Signature]:
    def spec(key, d):
        return TensorSpec(key, d["name"], int(d["index"]), np.dtype(d["dtype"]), tuple(int(x) for x in d["shape"]),
                          tuple(int(x) for x in d["shape_signature"]))

    raw = {}
    for key, s in it._signatures.items():
        runner = it.get_signature_runner(key)
        raw[key] = (s["subgraph_index"], [spec(k, d) for k, d in runner.get_input_details().items()],
                    [spec(k, d) for k, d in runner.get_output_details().items()])
    if not raw:  # no SignatureDef: the model's inputs and outputs under their tensor names
        ins = [spec(d["name"] or f"input_{i}", d) for i, d in enumerate(it.get_input_details())]
        outs = [spec(d["name"] or f"output_{i}", d) for i, d in enumerate(it.get_output_details())]
        raw["serving_default"] = (0, ins, outs)
    out = {}
    for key, (subgraph, ins, outs) in raw.items():
        batched = (bool(ins) and all(len(s.signature) >= 1 and s.signature[0] == -1 for s in ins)
                   and len({s.shape[0] for s in ins}) == 1
                   and all(len(s.shape) >= 1 and s.shape[0] == ins[0].shape[0] for s in outs))
        out[key] = Signature(key, subgraph, tuple(ins), tuple(outs), batched)
    return out


class _Sized:
    """One interpreter at one batch size, and its tensor views for each signature."""

    def __init__(self, it: Interpreter, signatures: dict[str, Signature]):
        self.it = it
        self.handle = it._it  # allocate_tensors makes a new C interpreter: take its handle after it
        self.views = {key: ([it._view(s.index, sig.subgraph) for s in sig.inputs],
                            [it._view(s.index, sig.subgraph) for s in sig.outputs])
                      for key, sig in signatures.items()}


class _Slot:
    """What one thread runs: an interpreter at the model's static shapes and, for a resizable batch dimension,
    interpreters resized to the batch sizes seen last (`keep` of them: the runtime plans static shapes, so a new
    size costs a re-plan, about 50 ms for MobileNetV2 224, and keeping a few sizes makes that rare)."""

    KEEP_SIZES = 4

    def __init__(self, content: bytes, source: str, signatures: dict[str, Signature], keep: int = KEEP_SIZES):
        self.content, self.source, self.signatures, self.keep = content, source, signatures, keep
        it = Interpreter(model_content=content, source=source)
        it.allocate_tensors()
        self.current = self.static = _Sized(it, signatures)
        self.batch = None
        self._sizes: collections.OrderedDict[int, _Sized] = collections.OrderedDict()

    def use(self, sig: Signature, n: int | None) -> None:
        """Runs at batch n from now on (None: the model's static shapes)."""
        if n == self.batch:
            return
        if n is None:
            self.current, self.batch = self.static, None
            return
        sized = self._sizes.get(n)
        if sized is None:
            it = Interpreter(model_content=self.content, source=self.source)
            for s in sig.inputs:
                it.resize_tensor_input(s.index, [n, *s.shape[1:]])
            it.allocate_tensors()
            sized = self._sizes[n] = _Sized(it, self.signatures)
            if len(self._sizes) > self.keep:
                self._sizes.popitem(last=False)
        self._sizes.move_to_end(n)
        self.current, self.batch = sized, n

    def invoke(self, sig: Signature, arrays: list[np.ndarray]) -> list[np.ndarray]:
        cur = self.current
        ins, outs = cur.views[sig.key]
        for view, a in zip(ins, arrays):
            view[...] = a
        if lib.tl_interpreter_invoke_subgraph(cur.handle, sig.subgraph) != 0:  # the binding's invoke, minus checks
            message = ffi.string(lib.tl_interpreter_error_message(cur.handle)).decode()
            raise RuntimeError(f"{self.source}: {message}")
        return [v.copy() for v in outs]


class Servable:
    """A model version loaded for serving: read, allocated once per slot and warmed up, or a ValueError naming why
    not (a corrupt or half-written file fails in the C runtime's reader or at allocation)."""

    def __init__(self, name: str, version: int, path: str, threads: int, batch_sizes: tuple[int, ...] = ()):
        """`batch_sizes`: sizes the batcher will run (its allowed_batch_sizes), prepared and warmed up in every
        thread's slot now, so no request waits for their re-plan."""
        self.name, self.version, self.path = name, version, path
        with open(path, "rb") as f:
            content = f.read()
        self.model_bytes = len(content)
        probe = Interpreter(model_content=content, source=path)
        probe.allocate_tensors()
        self.signatures = _signatures(probe)
        self.resizable = self._can_resize(probe)
        self.default_signature = self.signatures.get("serving_default") or (
            next(iter(self.signatures.values())) if len(self.signatures) == 1 else None)
        self._slots = queue.SimpleQueue()
        for _ in range(threads):
            self._slots.put(_Slot(content, path, self.signatures, keep=max(_Slot.KEEP_SIZES, len(batch_sizes))))
        self.loop_slot = _Slot(content, path, self.signatures)  # used only from the event loop's thread
        # warm-up: one invoke of zeros per slot; its time decides whether the loop may invoke inline
        times = []
        for slot in [self.loop_slot] + [self._slots.get() for _ in range(threads)]:
            for sig in self.signatures.values():
                t = time.perf_counter()
                slot.invoke(sig, [np.zeros(s.shape, s.dtype) for s in sig.inputs])
                times.append(time.perf_counter() - t)
            sig = self.default_signature
            if slot is not self.loop_slot and self.resizable and sig is not None:
                for n in batch_sizes:
                    if n != sig.inputs[0].shape[0]:
                        slot.use(sig, n)
                        slot.invoke(sig, [np.zeros((n, *s.shape[1:]), s.dtype) for s in sig.inputs])
                slot.use(sig, None)
            if slot is not self.loop_slot:
                self._slots.put(slot)
        self.invoke_seconds = min(times)
        self.fast = self._fast_plan()

    def _fast_plan(self):
        """(signature, its one float input's shape, dtype) when requests of the model's own batch with one float
        input and one output can skip the general path (serving/app.py); None otherwise."""
        sig = self.default_signature
        if sig is None or not sig.batched or len(sig.inputs) != 1 or len(sig.outputs) != 1:
            return None
        spec = sig.inputs[0]
        return (sig, spec.shape, spec.dtype) if spec.dtype.kind == "f" else None

    def _can_resize(self, probe: Interpreter) -> bool:
        sig = self.signatures.get("serving_default") or next(iter(self.signatures.values()))
        if not sig.batched or sig.subgraph != 0:
            return False
        try:
            for s in sig.inputs:
                probe.resize_tensor_input(s.index, [s.shape[0] + 1, *s.shape[1:]])
            probe.allocate_tensors()
            return True
        except NotImplementedError:
            return False

    def signature(self, name: str | None) -> Signature:
        if not name and self.default_signature is not None:
            return self.default_signature
        key = name or "serving_default"
        if key not in self.signatures:
            raise ServingError("INVALID_ARGUMENT", f'Serving signature name: "{key}" not found in signature def; '
                               f"the model has {sorted(self.signatures)}")
        return self.signatures[key]

    def run(self, sig: Signature, arrays: list[np.ndarray], slot: _Slot | None = None) -> list[np.ndarray]:
        """Outputs for inputs of any batch the signature allows (checked by the caller, serving/tensors.py)."""
        own = slot is None
        slot = slot or self._slots.get()
        try:
            return self._run(slot, sig, arrays)
        except RuntimeError as exc:
            raise ServingError("INTERNAL", str(exc)) from None
        finally:
            if own:
                self._slots.put(slot)

    def _run(self, slot: _Slot, sig: Signature, arrays: list[np.ndarray]) -> list[np.ndarray]:
        if not sig.batched:
            slot.use(sig, None)
            return slot.invoke(sig, arrays)
        n, b = arrays[0].shape[0], sig.inputs[0].shape[0]
        if self.resizable and sig.subgraph == 0:
            slot.use(sig, None if n == b else n)
            return slot.invoke(sig, arrays)
        slot.use(sig, None)
        if n == b:
            return slot.invoke(sig, arrays)
        parts = [slot.invoke(sig, [a[i:i + b] for a in arrays]) for i in range(0, n, b)]
        return [np.concatenate(p, axis=0) for p in zip(*parts)]
