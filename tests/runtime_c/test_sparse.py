"""Sparse constant tensors (TFLite's SparsityParameters), which the C runtime's model reader verifies and
densifies (runtimes/c/src/sparse.c), and DENSIFY.

- TensorFlow-made models with sparse weights (tests/data/sparse, scripts/make_sparse_models.py: pruned MLPs and a
  CNN, float / int8 / dynamic-range, CSR with uint8/uint16 indices, one with a 4x1 block map read by
  FULLY_CONNECTED directly) equal their goldens from TensorFlow's reference kernels and LiteRT's today.
- Sparse encodings written here (any traversal order, block maps on either dimension, DENSE and SPARSE_CSR
  levels, int32/uint16/uint8 index vectors, 1-D to 4-D, int8 and float32, empty ones) through DENSIFY equal
  LiteRT's reference kernels and the dense NumPy array they encode.
- Inconsistent metadata is refused with a message naming what is wrong."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter, run
from tests.paths import DATA
from tests.runtime_c.tflite_graph import Model, quant

SPARSE = DATA / "sparse"
MODELS = sorted(p.stem for p in SPARSE.glob("*.tflite"))


def _close(a, b):
    assert a.shape == b.shape and a.dtype == b.dtype
    if a.dtype.kind == "f":
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("resolver", ["BUILTIN_REF", "AUTO"])
def test_tf_sparse_models(name, resolver):
    data = (SPARSE / f"{name}.tflite").read_bytes()
    golden = np.load(SPARSE / f"{name}.npz")
    feeds = [golden[k] for k in sorted(golden.files) if k.startswith("input_")]
    ours = run(tl.lite.Interpreter(model_content=data,
                                   experimental_op_resolver_type=getattr(tl.lite.OpResolverType, resolver)), feeds)
    ref = run(litert_interpreter(data), feeds)
    for k, (a, b) in enumerate(zip(ours, ref)):
        _close(a, golden[f"output_{k}"])
        _close(a, b)


def test_tf_models_are_sparse():
    """The committed files do hold sparse tensors of each kind the tests claim."""
    from tests.litert import litert_schema
    schema, _ = litert_schema()
    kinds = set()
    for name in MODELS:
        m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel((SPARSE / f"{name}.tflite").read_bytes(), 0))
        for t in m.subgraphs[0].tensors:
            if t.sparsity is not None:
                kinds.add("block" if t.sparsity.blockMap is not None and len(t.sparsity.blockMap) else "csr")
                kinds.update({d.arrayIndicesType for d in t.sparsity.dimMetadata if d.format == 1})
    assert {"block", "csr", 2, 3} <= kinds  # 2: uint16 indices, 3: uint8


# ---- sparse encodings written here -------------------------------------------------------------------------

INDEX_TYPES = {"int32": ("Int32Vector", np.int32), "uint16": ("Uint16Vector", np.uint16),
               "uint8": ("Uint8Vector", np.uint8)}


def encode(dense, order, block_map=(), block_sizes=(), formats=None, index_type="int32"):
    """The SparsityParameters fields and the values buffer that store `dense`: levels are the dimensions in
    `order` (blocked ones divided by their block size), then the blocks; a SPARSE_CSR level keeps a child only
    when its subtree holds a non-zero."""
    rank = dense.ndim
    n_levels = rank + len(block_map)
    formats = formats or ["dense"] + ["sparse"] * (n_levels - 1)
    # axes of the blocked array: each dimension's outer part, then the blocks' inner parts
    shape = []
    for d in range(rank):
        b = block_map.index(d) if d in block_map else None
        shape.append(dense.shape[d] // block_sizes[b] if b is not None else dense.shape[d])
    blocked_shape = []
    for d in range(rank):
        if d in block_map:
            blocked_shape += [shape[d], block_sizes[block_map.index(d)]]
        else:
            blocked_shape += [shape[d]]
    split = dense.reshape(blocked_shape)
    # positions of the outer and inner axes in `split`
    pos, k = {}, 0
    for d in range(rank):
        pos[("outer", d)] = k
        k += 1
        if d in block_map:
            pos[("inner", block_map.index(d))] = k
            k += 1
    level_axes = [pos[("outer", d)] for d in order[:rank]] + [pos[("inner", b)] for b in range(len(block_map))]
    tree = np.transpose(split, level_axes)
    meta = [{"format": f, "dense_size": tree.shape[i], "segments": [0], "indices": []} for i, f in enumerate(formats)]
    values = []

    def walk(sub, level):
        if level == n_levels:
            values.append(sub)
            return
        m = meta[level]
        for i in range(sub.shape[0]):
            if m["format"] == "dense" or np.any(sub[i] != 0):
                if m["format"] == "sparse":
                    m["indices"].append(i)
                walk(sub[i], level + 1)
        if m["format"] == "sparse":
            m["segments"].append(len(m["indices"]))

    walk(tree, 0)
    return meta, np.array(values, dtype=dense.dtype)


def sparsity_table(schema, order, block_map, meta, index_type):
    vec_name, vec_dtype = INDEX_TYPES[index_type]
    sp = schema.SparsityParametersT()
    sp.traversalOrder, sp.blockMap, sp.dimMetadata = list(order), list(block_map), []
    for m in meta:
        dm = schema.DimensionMetadataT()
        if m["format"] == "dense":
            dm.format, dm.denseSize = schema.DimensionType.DENSE, int(m["dense_size"])
        else:
            dm.format = schema.DimensionType.SPARSE_CSR
            for field, data in (("arraySegments", m["segments"]), ("arrayIndices", m["indices"])):
                v = getattr(schema, vec_name + "T")()
                v.values = np.asarray(data, vec_dtype)
                setattr(dm, field, v)
                setattr(dm, field + "Type", getattr(schema.SparseIndexVector, vec_name))
        sp.dimMetadata.append(dm)
    return sp


def densify_model(dense, sparsity_fn, values, q=None, edit=None):
    """DENSIFY of a sparse constant holding `values`, its sparsity from sparsity_fn(schema); `edit(tensor)`
    may spoil the constant's table afterwards."""
    m = Model()
    g = m.subgraph()
    dtype = dense.dtype.name
    c = g.tensor("w", dense.shape, dtype, q, buffer=m.buffer(values.tobytes()))
    g.g.tensors[c].sparsity = sparsity_fn(m.schema)
    if edit:
        edit(g.g.tensors[c])
    y = g.tensor("y", dense.shape, dtype, q)
    g.op("DENSIFY", [c], [y])
    g.output(y)
    return m.build()


def _random_sparse(rng, shape, dtype, density, block_map=(), block_sizes=()):
    x = rng.standard_normal(shape).astype(np.float32) if dtype == "float32" else \
        rng.integers(-128, 128, shape).astype(np.int8)
    mask = rng.random(shape) < density
    if block_map:  # zero whole blocks
        coarse = [s // block_sizes[block_map.index(d)] if d in block_map else s for d, s in enumerate(shape)]
        mask = rng.random(coarse) < density
        for b, d in enumerate(block_map):
            mask = np.repeat(mask, block_sizes[b], axis=d)
    return np.where(mask, x, 0).astype(dtype)


CASES = [
    # shape, order, block_map, block_sizes, formats, index type, density
    ((10, 12), (0, 1), (), (), ["dense", "sparse"], "uint8", 0.3),
    ((10, 12), (0, 1), (), (), ["dense", "sparse"], "uint16", 0.3),
    ((10, 12), (0, 1), (), (), ["sparse", "sparse"], "int32", 0.2),
    ((10, 12), (1, 0), (), (), ["dense", "sparse"], "int32", 0.3),
    ((10, 12), (0, 1), (), (), ["dense", "dense"], "int32", 0.3),
    ((8, 12), (0, 1, 2), (0,), (4,), ["dense", "sparse", "dense"], "uint8", 0.4),
    ((8, 12), (0, 1, 2), (1,), (4,), ["dense", "sparse", "dense"], "uint16", 0.4),
    ((8, 12), (0, 1, 2, 3), (0, 1), (2, 3), ["dense", "sparse", "dense", "dense"], "int32", 0.4),
    ((4, 5, 6), (0, 1, 2), (), (), ["dense", "sparse", "sparse"], "int32", 0.25),
    ((4, 5, 6), (2, 0, 1), (), (), ["dense", "dense", "sparse"], "uint8", 0.25),
    ((2, 3, 4, 5), (0, 1, 2, 3), (), (), ["dense", "dense", "dense", "sparse"], "uint8", 0.3),
    ((17,), (0,), (), (), ["sparse"], "uint8", 0.3),
    ((6, 7), (0, 1), (), (), ["dense", "sparse"], "int32", 0.0),  # all zero
]


@pytest.mark.parametrize("case", range(len(CASES)))
@pytest.mark.parametrize("dtype", ["float32", "int8"])
def test_densify_matches_litert(case, dtype):
    shape, order, block_map, block_sizes, formats, index_type, density = CASES[case]
    rng = np.random.default_rng(case)
    dense = _random_sparse(rng, shape, dtype, density, block_map, block_sizes)
    meta, values = encode(dense, order, block_map, block_sizes, formats, index_type)
    q = quant(0.1, 3) if dtype == "int8" else None
    model = densify_model(dense, lambda s: sparsity_table(s, order, block_map, meta, index_type), values, q)
    ours = run(tl.lite.Interpreter(model_content=model), [])
    np.testing.assert_array_equal(ours[0], dense)
    if values.size:  # LiteRT's reader refuses a constant with an empty buffer
        np.testing.assert_array_equal(ours[0], run(litert_interpreter(model), [])[0])


def _spoiled(edit, match):
    dense = np.array([[0, 1.5, 0], [2, 0, 0], [0, 0, -3]], np.float32)
    meta, values = encode(dense, (0, 1), formats=["dense", "sparse"])
    model = densify_model(dense, lambda s: sparsity_table(s, (0, 1), (), meta, "int32"), values, edit=edit)
    with pytest.raises(ValueError, match=match):
        tl.lite.Interpreter(model_content=model).allocate_tensors()


def _set_csr(field, values):
    def edit(t):
        getattr(t.sparsity.dimMetadata[1], field).values = np.asarray(values, np.int32)
    return edit


@pytest.mark.parametrize("edit,match", [
    (_set_csr("arraySegments", [1, 1, 2, 3]), "array_segments do not start at 0"),
    (_set_csr("arraySegments", [0, 2, 1, 3]), "array_segments do not start at 0 and increase"),
    (_set_csr("arraySegments", [0, 1, 2]), "array_segments length"),
    (_set_csr("arraySegments", [0, 1, 2, 2]), "do not end at the index count"),
    (_set_csr("arrayIndices", [1, 0, 3]), "array_indices out of range"),
    (_set_csr("arrayIndices", [1, 0, -1]), "array_indices out of range"),
    (lambda t: setattr(t.sparsity, "traversalOrder", [0, 0]), "repeats a dimension"),
    (lambda t: setattr(t.sparsity, "traversalOrder", [0, 1, 2]), "lengths do not fit"),
    (lambda t: setattr(t.sparsity, "blockMap", [5]), "lengths do not fit|block_map"),
    (lambda t: setattr(t.sparsity.dimMetadata[0], "denseSize", 4), "dense_size differs from the shape"),
    (lambda t: setattr(t.sparsity.dimMetadata[1], "arrayIndices", None), "without an int32, uint16 or uint8"),
    (lambda t: setattr(t.sparsity.dimMetadata[1], "format", 7), "neither DENSE nor SPARSE_CSR"),
    (lambda t: setattr(t, "buffer", 0), "sparse tensor without a constant buffer"),
])
def test_inconsistent_sparsity_is_refused(edit, match):
    _spoiled(edit, match)


def test_value_count_must_match():
    dense = np.array([[0, 1.5, 0], [2, 0, 0]], np.float32)
    meta, values = encode(dense, (0, 1), formats=["dense", "sparse"])
    for wrong in (values[:1], np.concatenate([values, values])):
        model = densify_model(dense, lambda s: sparsity_table(s, (0, 1), (), meta, "uint8"), wrong)
        with pytest.raises(ValueError, match="one value per stored element"):
            tl.lite.Interpreter(model_content=model).allocate_tensors()


def test_encoder_round_trip():
    """The encoder above, checked against a plain decoding of its own output (so a case cannot pass on an
    encoder that drops values): every non-zero of the dense array is among the values, in traversal order."""
    rng = np.random.default_rng(5)
    for shape, order, block_map, block_sizes, formats, index_type, density in CASES:
        dense = _random_sparse(rng, shape, "float32", density, block_map, block_sizes)
        meta, values = encode(dense, order, block_map, block_sizes, formats, index_type)
        assert np.count_nonzero(values) == np.count_nonzero(dense)
        expected = [dense[idx] for idx in itertools.product(*[range(s) for s in dense.shape]) if dense[idx] != 0]
        if order == tuple(range(len(shape))) and not block_map:
            assert [v for v in values if v != 0] == expected


def spoiled_sparse_models(n: int, seed: int = 0) -> list[bytes]:
    """`n` variants of TensorFlow's sparse MLPs with their sparsity metadata spoiled at random (segments,
    indices, dense sizes, traversal orders, block maps, formats, vectors cut short), for the sanitizer test:
    each must load or be refused, never read or write outside its buffers."""
    from tests.litert import litert_schema
    from tests.runtime_c.tflite_graph import edit_model
    schema, _ = litert_schema()
    rng = np.random.default_rng(seed)
    sources = [(SPARSE / f"{name}.tflite").read_bytes() for name in ("mlp_float", "mlp_block4x1_float", "mlp_int8")]

    def spoil(model):
        tensors = [t for t in model.subgraphs[0].tensors if t.sparsity is not None]
        sp = tensors[rng.integers(len(tensors))].sparsity
        dm = sp.dimMetadata[rng.integers(len(sp.dimMetadata))]
        what = rng.integers(7)
        if what <= 1 and dm.format == schema.DimensionType.SPARSE_CSR:
            vec = dm.arraySegments if what == 0 else dm.arrayIndices
            vals = np.array(vec.values, np.int64)
            if len(vals) and rng.random() < 0.7:
                vals[rng.integers(len(vals))] = rng.integers(-2, 70000)
            else:
                vals = vals[: rng.integers(len(vals) + 1)]
            info = np.iinfo(np.asarray(vec.values).dtype)
            vec.values = np.clip(vals, info.min, info.max).astype(np.asarray(vec.values).dtype)
        elif what == 2:
            dm.denseSize = int(rng.integers(-1, 100))
        elif what == 3:
            sp.traversalOrder = rng.integers(-1, 4, rng.integers(0, 4)).astype(np.int32)
        elif what == 4:
            sp.blockMap = rng.integers(-1, 3, rng.integers(0, 3)).astype(np.int32)
        elif what == 5:
            dm.format = int(rng.integers(0, 3))
        else:
            sp.dimMetadata = sp.dimMetadata[: rng.integers(len(sp.dimMetadata) + 1)]

    out = []
    for k in range(n):
        out.append(edit_model(sources[k % len(sources)], spoil))
    return out


def test_spoiled_sparsity_loads_or_is_refused():
    """In process (the sanitizer test runs the same files under ASan + UBSan): a clear error or a model."""
    refused = 0
    for data in spoiled_sparse_models(150):
        try:
            tl.lite.Interpreter(model_content=data).allocate_tensors()
        except ValueError as e:
            refused += 1
            assert "sparse" in str(e) or "sparsity" in str(e) or "FlatBuffer" in str(e), str(e)
    assert refused > 50
