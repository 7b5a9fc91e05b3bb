"""The planner on real models: after allocate_tensors, no two activation tensors whose lifetimes
intersect share a byte (lifetimes recomputed here from the graph, independently of planner.c),
every planned tensor lies inside the arena, and preserve_all_tensors gives every tensor its own
bytes. Also the scratch-free head fits in the reported arena use. The one exception is plan.c's
in-place views: the output of a RESHAPE, SQUEEZE or EXPAND_DIMS may take its input's bytes
(same address, same size) when neither is a graph input or output; such pairs are checked to
follow that rule, and the views of the corpus are checked to be taken."""
import pytest
from tensorlite.runtime import Interpreter
from tensorlite.runtime._tl_c import ffi, lib

from .cbuild import CORPUS

ALL = sorted(str(p.relative_to(CORPUS)) for p in [*CORPUS.glob("*.tflite"), *CORPUS.glob("seanet/*.tflite")])
# Models with a kernel for every node (the others are reported by tests/conformance): no skips.
MODELS = [m for m in ALL if not Interpreter(model_path=str(CORPUS / m)).unsupported_ops()]


def test_corpus_has_runnable_models():
    assert len(MODELS) >= 30, f"only {len(MODELS)} corpus models are runnable: {MODELS}"


def _lifetimes(it) -> dict[int, list[int]]:
    ops = it._get_ops_details()
    n = len(ops)
    life: dict[int, list[int]] = {}

    def use(t, at):
        if t < 0:
            return
        lo, hi = life.get(t, [at, at])
        life[t] = [min(lo, at), max(hi, at)]
    for d in it.get_input_details():
        use(d["index"], 0)
    for op in ops:
        for t in [*op["inputs"], *op["outputs"]]:
            use(int(t), op["index"])
    for d in it.get_output_details():
        use(d["index"], n)
    return life


def _placed(it):
    """tensor index -> (address, bytes, is_variable) for tensors living in the arena."""
    out = {}
    for i in range(lib.tl_interpreter_get_tensor_count(it._it)):
        t = lib.tl_interpreter_get_tensor(it._it, i)
        if t.data != ffi.NULL and not t.is_constant and t.bytes:
            out[i] = (int(ffi.cast("uintptr_t", t.data)), int(t.bytes), bool(t.is_variable))
    return out


VIEWS = ("RESHAPE", "SQUEEZE", "EXPAND_DIMS")


def _views(it, placed) -> tuple[set, int]:
    """Pairs (input, output) of view nodes whose output took its input's bytes, as frozensets,
    closed over chains of views; and how many view nodes could have shared (the rule of plan.c)."""
    io = {d["index"] for d in it.get_input_details()} | {d["index"] for d in it.get_output_details()}
    shared, groups, eligible = set(), {}, 0
    for op in it._get_ops_details():
        if op["op_name"] not in VIEWS:
            continue
        a, b = int(op["inputs"][0]), int(op["outputs"][0])
        if a in placed and b in placed and not (a in io or b in io or placed[a][2] or placed[b][2]):
            eligible += 1
        if a in placed and b in placed and placed[a][:2] == placed[b][:2]:
            assert a not in io and b not in io, f"tensors {a} -> {b}: a graph input or output was shared by a view"
            assert not placed[a][2] and not placed[b][2], f"tensors {a} -> {b}: a variable was shared by a view"
            group = groups.get(a, {a}) | groups.get(b, {b})
            for t in group:
                groups[t] = group
    for group in groups.values():
        shared |= {frozenset((x, y)) for x in group for y in group if x != y}
    return shared, eligible


@pytest.mark.parametrize("preserve", [False, True], ids=["shared", "preserve_all"])
@pytest.mark.parametrize("model", MODELS)
def test_live_tensors_never_overlap(model, preserve):
    it = Interpreter(model_path=str(CORPUS / model), experimental_preserve_all_tensors=preserve)
    it.allocate_tensors()
    arena = int(ffi.cast("uintptr_t", it._arena))
    placed, life = _placed(it), _lifetimes(it)
    n = len(it._get_ops_details())
    views, eligible = _views(it, placed)
    if preserve:
        assert not views, f"{model}: preserve_all_tensors must give every tensor its own bytes"
    else:
        assert len({t for pair in views for t in pair}) >= eligible + (1 if eligible else 0), \
            f"{model}: {eligible} view nodes could share their input's bytes, shared: {sorted(map(sorted, views))}"
    for t, (addr, size, var) in placed.items():
        assert arena <= addr and addr + size <= arena + it._arena_size, f"tensor {t} outside the arena"
        if var or preserve:
            life[t] = [0, n]
    items = sorted(placed.items())
    for a, (addr_a, size_a, _) in items:
        for b, (addr_b, size_b, _) in items:
            if b <= a:
                continue
            la, lb = life.get(a, [0, n]), life.get(b, [0, n])
            if frozenset((a, b)) in views:
                continue
            if la[0] <= lb[1] and lb[0] <= la[1]:
                assert addr_a + size_a <= addr_b or addr_b + size_b <= addr_a, \
                    f"{model}: tensors {a} {la} and {b} {lb} are live together and overlap"
    assert it.arena_bytes_used() <= it._arena_size
