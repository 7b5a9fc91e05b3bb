"""The binding's arena on huge pages: from 4 MiB on (Linux, where mmap offers MADV_HUGEPAGE) the arena starts
on a 2 MiB boundary of a private mapping marked for transparent huge pages; the outputs are those of the
same model in a calloc'd arena, bit for bit, and an arena grown by allocate_tensors after a resize is
placed the same way. Smaller arenas start on a 64-byte line."""
import mmap

import numpy as np
from tensorlite.runtime import Interpreter
from tensorlite.runtime import interpreter as binding

from .cbuild import REPO

BIG = REPO / "tests" / "data" / "production" / "face_landmark.tflite"  # ~10 MB arena
HUGE = 2 << 20


def _address(it) -> int:
    return int(binding.ffi.cast("uintptr_t", it._arena))


def _run(it, x):
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], x)
    it.invoke()
    return [it.get_tensor(d["index"]).copy() for d in it.get_output_details()]


def test_big_arena_on_huge_page_boundary_same_outputs(monkeypatch):
    assert hasattr(mmap, "MADV_HUGEPAGE")  # Linux, where these tests run
    d = Interpreter(model_path=str(BIG)).get_input_details()[0]
    x = np.random.default_rng(0).uniform(-1, 1, d["shape"]).astype(d["dtype"])
    huge = Interpreter(model_path=str(BIG))
    got = _run(huge, x)
    assert huge._arena_size >= 2 * HUGE and _address(huge) % HUGE == 0
    monkeypatch.setattr(binding, "_new_arena", lambda n: binding.ffi.new("uint8_t[]", n))
    plain = Interpreter(model_path=str(BIG))
    want = _run(plain, x)
    assert len(got) == len(want)
    for a, b in zip(got, want):
        np.testing.assert_array_equal(a, b)


def test_arena_grown_after_resize_is_placed_the_same_way():
    it = Interpreter(model_path=str(BIG))
    d = it.get_input_details()[0]
    small = it._arena_size
    it.resize_tensor_input(d["index"], [2, *d["shape"][1:]])
    x = np.random.default_rng(1).uniform(-1, 1, (2, *d["shape"][1:])).astype(d["dtype"])
    two = _run(it, x)
    assert it._arena_size > small and _address(it) % HUGE == 0
    one = Interpreter(model_path=str(BIG))
    for k in range(2):
        for a, b in zip(_run(one, x[k:k + 1]), two):
            np.testing.assert_array_equal(a, b[k:k + 1])


def test_small_arena_starts_on_a_line():
    for size in (64 * 1024, 3 << 20):
        arena = binding._new_arena(size)
        assert int(binding.ffi.cast("uintptr_t", arena)) % 64 == 0
        binding.ffi.memmove(arena + size - 1, b"x", 1)  # its last byte is there
        assert bytes(binding.ffi.buffer(arena, size)) == bytes(size - 1) + b"x"
