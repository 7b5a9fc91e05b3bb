"""The two threaded iterators of `tl.data`: an order-preserving parallel map and prefetch.

Both are objects with `close()` (also run by `__del__`), not generators, so that dropping the
iterator early (a `break` out of a `for` loop) stops their threads at once. Threads never hold
a reference to the iterator object itself, only to a small shared state, so the iterator can be
garbage collected while its threads still run. A failure on a worker or producer thread is
raised in the consumer at the position of the element that failed.
"""
from __future__ import annotations

import collections
import queue
import threading
from concurrent.futures import ThreadPoolExecutor


def close_iterator(it) -> None:
    """Closes an upstream iterator if it can be closed (generators, our threaded iterators)."""
    close = getattr(it, "close", None)
    if close is not None:
        close()


class ParallelMapIterator:
    """Applies `fn` to upstream elements on `workers` threads and yields results in input order.

    Upstream is read on the consumer's thread; at most `2 * workers` calls are in flight, so a
    slow consumer does not make the pool run arbitrarily far ahead.
    """

    def __init__(self, upstream, fn, workers: int):
        self._closed = True  # until fully built, so a failed __init__ leaves nothing for __del__
        self._upstream = upstream
        self._fn = fn
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tl.data.map")
        self._pending: collections.deque = collections.deque()
        self._depth = 2 * workers
        self._exhausted = False
        self._closed = False

    def __iter__(self):
        return self

    def _fill(self) -> None:
        while not self._exhausted and len(self._pending) < self._depth:
            try:
                element = next(self._upstream)
            except StopIteration:
                self._exhausted = True
                return
            self._pending.append(self._pool.submit(self._fn, element))

    def __next__(self):
        if self._closed:
            raise StopIteration
        try:
            self._fill()
            if not self._pending:
                raise StopIteration
            return self._pending.popleft().result()
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for f in self._pending:
            f.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True)
        close_iterator(self._upstream)

    def __del__(self):
        self.close()


_END = object()


class _Failure:
    __slots__ = ("error",)

    def __init__(self, error: BaseException):
        self.error = error


def _produce(upstream, q: queue.Queue, stop: threading.Event) -> None:
    """Producer thread: moves upstream elements into `q` until exhausted, failed or stopped."""
    def put(item) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    try:
        for element in upstream:
            if not put(element):
                return
        put(_END)
    except Exception as e:  # handed to the consumer, which re-raises it
        put(_Failure(e))
    finally:
        # The upstream iterator is closed on this thread, the only one that ever advanced it.
        close_iterator(upstream)


class PrefetchIterator:
    """Runs upstream on a background thread, `buffer_size` elements ahead of the consumer."""

    def __init__(self, upstream, buffer_size: int):
        self._done = True  # until the thread runs, so a failed __init__ leaves nothing for __del__
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, buffer_size))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=_produce, args=(upstream, self._queue, self._stop),
                                        name="tl.data.prefetch", daemon=True)
        self._thread.start()
        self._done = False

    def __iter__(self):
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        item = self._queue.get()
        if item is _END:
            self.close()
            raise StopIteration
        if isinstance(item, _Failure):
            self.close()
            raise item.error
        return item

    def close(self) -> None:
        if self._done:
            return
        self._done = True
        self._stop.set()
        # Emptying the queue frees a producer blocked on `put`; it then sees `stop` and exits.
        while self._thread.is_alive():
            try:
                while True:
                    self._queue.get_nowait()
            except queue.Empty:
                pass
            self._thread.join(timeout=0.05)

    def __del__(self):
        self.close()
