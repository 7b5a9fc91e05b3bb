"""Dynamic batching, as TF Serving's basic batch scheduler does it: requests join the open batch until it would
pass max_batch_size (then a new batch opens) or batch_timeout_micros have passed since its first request; closed
batches wait in a queue of at most max_enqueued_batches (the open one included; beyond it a request gets
UNAVAILABLE, HTTP 503) for one of num_batch_threads threads. A thread concatenates the requests' inputs along the
batch dimension, pads to the next of allowed_batch_sizes with copies of the first row (when given), runs the
version once (Servable.run: one invoke after resize_tensor_input where the runtime can resize, else one invoke
per slice of the model's static batch) and hands each request its rows.

Signatures without a -1 batch dimension cannot be concatenated: their requests go through the same queue and
threads, and a batch of them runs one invoke per request. One Batcher serves one model version, so requests
finish on the version they started on; close() lets its threads finish the queue and exit."""
from __future__ import annotations

import collections
import threading
import time

import numpy as np

from .config import BatchingConfig
from .errors import ServingError
from .servable import Servable, Signature


class _Task:
    __slots__ = ("sig", "arrays", "size", "done", "enqueued")

    def __init__(self, sig, arrays, size, done):
        self.sig, self.arrays, self.size, self.done = sig, arrays, size, done
        self.enqueued = time.perf_counter()


class _Batch:
    __slots__ = ("sig", "tasks", "size", "deadline")

    def __init__(self, sig: Signature, deadline: float):
        self.sig, self.tasks, self.size, self.deadline = sig, [], 0, deadline


class Batcher:
    def __init__(self, servable: Servable, config: BatchingConfig, metrics=None):
        self.servable, self.config, self.metrics = servable, config, metrics
        self._cond = threading.Condition()
        self._open: _Batch | None = None
        self._closed: collections.deque[_Batch] = collections.deque()
        self._stopping = False
        self._threads = [threading.Thread(target=self._work, daemon=True,
                                          name=f"batch-{servable.name}-{servable.version}-{i}")
                         for i in range(config.num_batch_threads)]
        for t in self._threads:
            t.start()

    def depth(self) -> int:
        """Requests waiting (open and closed batches)."""
        return sum(len(b.tasks) for b in self._closed) + (len(self._open.tasks) if self._open else 0)

    def submit(self, sig: Signature, arrays: list[np.ndarray], size: int, done) -> None:
        """Queues one request; done(outputs or ServingError) is called from a batch thread."""
        cfg = self.config
        if size > cfg.max_batch_size:
            raise ServingError("INVALID_ARGUMENT", f"Task size {size} is larger than maximum input batch size "
                               f"{cfg.max_batch_size}")
        task = _Task(sig, arrays, size, done)
        with self._cond:
            if self._stopping:
                raise ServingError("UNAVAILABLE", "the model version is being unloaded")
            b = self._open
            if b is not None and (b.sig is not sig or b.size + size > cfg.max_batch_size or not sig.batched):
                self._closed.append(b)
                b = self._open = None
            if b is None:
                if len(self._closed) + 1 > cfg.max_enqueued_batches:
                    raise ServingError("UNAVAILABLE", "The batch scheduling queue to which this task was submitted "
                                       "is full")
                b = self._open = _Batch(sig, time.perf_counter() + cfg.batch_timeout_micros * 1e-6)
            b.tasks.append(task)
            b.size += size
            if b.size >= cfg.max_batch_size or not sig.batched or cfg.batch_timeout_micros == 0:
                self._closed.append(b)
                self._open = None
            self._cond.notify()

    def close(self) -> None:
        """Stops taking requests; the threads run what is queued, then exit."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()

    def _next(self) -> _Batch | None:
        with self._cond:
            while True:
                if self._closed:
                    return self._closed.popleft()
                if self._open is not None:
                    wait = self._open.deadline - time.perf_counter()
                    if wait <= 0 or self._stopping:
                        b, self._open = self._open, None
                        return b
                    self._cond.wait(wait)
                elif self._stopping:
                    return None
                else:
                    self._cond.wait()

    def _work(self) -> None:
        while (batch := self._next()) is not None:
            self._run(batch)

    def _run(self, batch: _Batch) -> None:
        sig, tasks = batch.sig, batch.tasks
        start = time.perf_counter()
        if self.metrics is not None:
            for t in tasks:
                self.metrics.observe_queuing(self.servable.name, start - t.enqueued)
        if not sig.batched:
            for t in tasks:
                try:
                    t.done(self.servable.run(sig, t.arrays))
                except ServingError as exc:
                    t.done(exc)
            return
        arrays = [np.concatenate(parts, axis=0) if len(parts) > 1 else parts[0]
                  for parts in zip(*(t.arrays for t in tasks))]
        size = batch.size
        padded = next((s for s in self.config.allowed_batch_sizes if s >= size), size)
        if padded > size:
            arrays = [np.concatenate([a, np.repeat(a[:1], padded - size, axis=0)], axis=0) for a in arrays]
        if self.metrics is not None:
            self.metrics.observe_batch(self.servable.name, size, padded - size)
        try:
            outputs = self.servable.run(sig, arrays)
        except ServingError as exc:
            for t in tasks:
                t.done(exc)
            return
        row = 0
        for t in tasks:
            t.done([o[row:row + t.size] for o in outputs])
            row += t.size
