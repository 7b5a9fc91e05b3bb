"""converter.reader.read: (a) it inverts the writer, field for field, and reading then writing again
gives the same bytes; (b) every model of the TFLM corpus loads, and what it reads equals what
LiteRT's generated FlatBuffer schema module (ai_edge_litert.schema_py_generated, an independent
parser) reads from the same bytes; (c) a truncated or corrupted file raises ValueError naming the
file, never IndexError, struct.error or any other exception."""
import random

import numpy as np
import pytest
from tensorlite.converter.model import Model, Operator, Quantization, Signature, Subgraph, Tensor
from tensorlite.converter.reader import read
from tensorlite.converter.schema import OPTIONS_FIELDS
from tensorlite.converter.writer import options_table, write

import tensorlite as tl
from tests.converter.test_keras_models import MODELS, _randomize
from tests.litert import litert_interpreter, litert_schema, run
from tests.paths import CORPUS

CORPUS_MODELS = sorted(p for p in CORPUS.rglob("*.tflite") if "fuzz" not in p.parts)
FUZZ_SEEDS = sorted((CORPUS / "fuzz").glob("*.tflite"))


def _corpus_file(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


# ---- (a) round trip ----------------------------------------------------------------------------

def _keras_model(name) -> Model:
    model = MODELS[name]()
    _randomize(model)
    return tl.lite.Converter.from_keras_model(model).convert_model()


def _defaults(op: Operator) -> dict:
    table = options_table(op.opcode)
    return {} if table is None else {n: d for n, kind, d in OPTIONS_FIELDS[table] if kind is not None}


def _same_value(got, want):
    if isinstance(want, float):
        return got == float(np.float32(want))          # options are stored as float32
    return got == want


def assert_same_model(got: Model, want: Model):
    """`got` (read back) holds everything `want` (written) says; the writer's own additions are
    the producer and min_runtime_version metadata and a default description."""
    assert got.version == want.version
    assert got.description == (want.description or "tensorlite")
    assert set(got.metadata) == set(want.metadata) | {"producer", "min_runtime_version"}
    for k, v in want.metadata.items():
        assert got.metadata[k] == v
    assert got.metadata["producer"] == b"tensorlite"
    assert [(s.key, s.inputs, s.outputs, s.subgraph) for s in got.signatures] == \
           [(s.key, s.inputs, s.outputs, s.subgraph) for s in want.signatures]
    assert len(got.subgraphs) == len(want.subgraphs)
    for gg, wg in zip(got.subgraphs, want.subgraphs):
        assert (gg.name, gg.inputs, gg.outputs) == (wg.name, wg.inputs, wg.outputs)
        assert len(gg.tensors) == len(wg.tensors)
        for gt, wt in zip(gg.tensors, wg.tensors):
            assert (gt.name, gt.dtype, tuple(gt.shape), gt.is_variable) == \
                   (wt.name, wt.dtype, tuple(wt.shape), wt.is_variable)
            assert tuple(gt.shape_signature or gt.shape) == tuple(wt.shape_signature or wt.shape)
            if wt.data is None:
                assert gt.data is None, gt.name
            else:
                want_data = np.asarray(wt.data, dtype=wt.dtype)
                assert gt.data.dtype == want_data.dtype and gt.data.shape == want_data.shape, gt.name
                np.testing.assert_array_equal(gt.data, want_data)
            if wt.quantization is None:
                assert gt.quantization is None
            else:
                gq, wq = gt.quantization, wt.quantization
                np.testing.assert_array_equal(gq.scale, np.asarray(wq.scale, np.float32).ravel())
                np.testing.assert_array_equal(gq.zero_point, np.asarray(wq.zero_point, np.int64).ravel())
                assert gq.dimension == wq.dimension
                for g, w in ((gq.min, wq.min), (gq.max, wq.max)):
                    assert (g is None) == (w is None)
                    if w is not None:
                        np.testing.assert_array_equal(g, np.asarray(w, np.float32).ravel())
        assert len(gg.operators) == len(wg.operators)
        for go, wo in zip(gg.operators, wg.operators):
            assert (go.opcode, go.custom, go.version, go.inputs, go.outputs, go.intermediates, go.custom_options) == \
                   (wo.opcode, wo.custom, wo.version, wo.inputs, wo.outputs, wo.intermediates, wo.custom_options)
            want_options = {} if wo.custom else {**_defaults(wo), **wo.options}
            assert set(go.options) == set(want_options), wo.opcode
            for k, v in want_options.items():
                assert _same_value(go.options[k], v), (wo.opcode, k, go.options[k], v)


ROUND_TRIP = ["mlp", "conv_relu", "depthwise_separable", "conv_transpose", "pools", "layer_norm", "add",
              "concatenate", "lstm", "gru", "digits_cnn"]


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_round_trip_converted_keras_model(name):
    model = _keras_model(name)
    data = write(model)
    again = read(data, name)
    assert_same_model(again, model)
    assert write(again) == data


def _handmade() -> Model:
    """What the converter does not produce yet: per-channel int8 weights with min/max, a custom op
    with options, a variable tensor, intermediates, a dynamic dimension, an operator code above 127
    (written with deprecated_builtin_code 127), two subgraphs, metadata and a description."""
    rng = np.random.default_rng(0)
    g = Subgraph(name="main")
    x = g.add_tensor(Tensor("x", "int8", (1, 4, 4, 3), shape_signature=(-1, 4, 4, 3),
                            quantization=Quantization(np.array([0.5], np.float32), np.array([-3]))))
    w = g.add_tensor(Tensor("w", "int8", (2, 1, 1, 3), data=rng.integers(-127, 128, (2, 1, 1, 3)).astype(np.int8),
                            quantization=Quantization(np.array([0.1, 0.2], np.float32), np.zeros(2, np.int64),
                                                      dimension=0, min=np.array([-1.0, -2.0]),
                                                      max=np.array([1.0, 2.0]))))
    b = g.add_tensor(Tensor("b", "int32", (2,), data=np.array([7, -9], np.int32)))
    y = g.add_tensor(Tensor("y", "int8", (1, 4, 4, 2), quantization=Quantization(np.array([0.25]), np.array([1]))))
    state = g.add_tensor(Tensor("state", "float32", (1, 2), is_variable=True))
    scratch = g.add_tensor(Tensor("scratch", "int16", (1, 2)))
    z = g.add_tensor(Tensor("z", "float32", (1, 4, 4, 2)))
    g.add_tensor(Tensor("flag", "bool", (3,), data=np.array([True, False, True])))
    g.add_tensor(Tensor("half", "float16", (2,), data=np.array([1.5, -2.0], np.float16)))
    g.operators = [
        Operator("CONV_2D", [x, w, b], [y], {"padding": 1, "stride_w": 1, "stride_h": 1,
                                             "fused_activation_function": 1}, version=3, intermediates=[scratch]),
        Operator("MyCustom", [y, state, -1], [z], custom=True, custom_options=b"\x01\x02flex", version=2),
        Operator("GELU", [z], [z], {"approximate": True}),
        Operator("BUCKETIZE", [z], [y], {"boundaries": [0.5, 1.25]}),
    ]
    g.inputs, g.outputs = [x], [z]
    g2 = Subgraph(name="second")
    a = g2.add_tensor(Tensor("a", "float32", (2,)))
    c = g2.add_tensor(Tensor("c", "float32", (2,), data=np.array([1.0, 2.0], np.float32)))
    s = g2.add_tensor(Tensor("s", "float32", (2,)))
    g2.operators = [Operator("ADD", [a, c], [s], {"fused_activation_function": 0})]
    g2.inputs, g2.outputs = [a], [s]
    return Model(subgraphs=[g, g2], description="hand made",
                 signatures=[Signature("serve", {"x": x}, {"z": z}, 0), Signature("second", {"a": a}, {"s": s}, 1)],
                 metadata={"notes": b"\x00\x01anything"})


def test_round_trip_handmade_model():
    model = _handmade()
    data = write(model)
    again = read(data)
    assert_same_model(again, model)
    assert write(again) == data
    # the deprecated_builtin_code rule, seen by LiteRT's own parser of the same bytes
    schema, _ = litert_schema()
    codes = schema.ModelT.InitFromObj(schema.Model.GetRootAs(data, 0)).operatorCodes
    gelu = [c for c in codes if c.builtinCode == schema.BuiltinOperator.GELU]
    assert len(gelu) == 1 and gelu[0].deprecatedBuiltinCode == 127
    assert again.subgraphs[0].operators[2].opcode == "GELU"


# ---- (b) the corpus, against LiteRT's schema module ---------------------------------------------

def _names(enum_class) -> dict[int, str]:
    return {v: k for k, v in vars(enum_class).items() if not k.startswith("_")}


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(w.capitalize() for w in rest)


def _text(v):
    return v.decode() if isinstance(v, bytes) else v


def _external(raw: bytes, buffer) -> bytes | None:
    """A LiteRT BufferT's bytes: its data vector, or the slice at offset/size when offset > 1."""
    if buffer.offset > 1:
        return raw[buffer.offset:buffer.offset + buffer.size]
    return None if buffer.data is None or len(buffer.data) == 0 else bytes(np.asarray(buffer.data, np.uint8))


def assert_matches_litert(got: Model, raw: bytes):
    schema, _ = litert_schema()
    ref = schema.ModelT.InitFromObj(schema.Model.GetRootAs(raw, 0))
    op_names, type_names = _names(schema.BuiltinOperator), _names(schema.TensorType)
    union_names = _names(schema.BuiltinOptions)
    assert got.version == ref.version
    assert got.description == (_text(ref.description) or "")
    assert got.metadata == {_text(m.name): _external(raw, ref.buffers[m.buffer]) or b"" for m in ref.metadata or []}
    assert len(got.subgraphs) == len(ref.subgraphs)
    for gg, rg in zip(got.subgraphs, ref.subgraphs):
        assert gg.name == (_text(rg.name) or "")
        assert gg.inputs == list(rg.inputs) and gg.outputs == list(rg.outputs)
        assert len(gg.tensors) == len(rg.tensors)
        for gt, rt in zip(gg.tensors, rg.tensors):
            assert gt.name == (_text(rt.name) or "")
            assert list(gt.shape) == ([] if rt.shape is None else list(rt.shape)), gt.name
            assert (gt.shape_signature is None) == (rt.shapeSignature is None)
            if rt.shapeSignature is not None:
                assert list(gt.shape_signature) == list(rt.shapeSignature)
            assert gt.dtype == type_names[rt.type].lower(), gt.name
            assert gt.is_variable == bool(rt.isVariable)
            want = _external(raw, ref.buffers[rt.buffer])
            if want is None:
                assert gt.data is None, gt.name
            else:
                assert gt.data.tobytes() == want, gt.name
                assert gt.data.shape == tuple(rt.shape), gt.name
            rq = rt.quantization
            if rq is None or all(a is None or len(a) == 0 for a in (rq.scale, rq.zeroPoint, rq.min, rq.max)):
                assert gt.quantization is None, gt.name
            else:
                gq = gt.quantization
                assert gq.scale.tolist() == ([] if rq.scale is None else list(rq.scale))
                assert gq.zero_point.tolist() == ([] if rq.zeroPoint is None else list(rq.zeroPoint))
                assert gq.dimension == rq.quantizedDimension
        assert len(gg.operators) == len(rg.operators)
        for go, ro in zip(gg.operators, rg.operators):
            code = ref.operatorCodes[ro.opcodeIndex]
            builtin = max(code.builtinCode, code.deprecatedBuiltinCode)
            if builtin == schema.BuiltinOperator.CUSTOM:
                assert go.custom and go.opcode == _text(code.customCode)
            else:
                assert not go.custom and go.opcode == op_names[builtin]
            assert go.version == code.version
            assert go.inputs == list(ro.inputs) and go.outputs == list(ro.outputs)
            assert go.intermediates == ([] if ro.intermediates is None else list(ro.intermediates))
            want_custom = None if ro.customOptions is None else bytes(np.asarray(ro.customOptions, np.uint8))
            assert go.custom_options == want_custom
            if ro.builtinOptionsType == 0:
                assert go.options == {}
                continue
            # every field the reader decoded, against the generated class's attribute of the same name
            assert union_names[ro.builtinOptionsType] in OPTIONS_FIELDS
            for name, value in go.options.items():
                want = getattr(ro.builtinOptions, _camel(name))
                if isinstance(want, np.ndarray):
                    want = want.tolist()
                assert value == _text(want), (go.opcode, name)
    assert len(got.signatures) == len(ref.signatureDefs or [])
    for gs, rs in zip(got.signatures, ref.signatureDefs or []):
        assert gs.key == _text(rs.signatureKey) and gs.subgraph == rs.subgraphIndex
        assert gs.inputs == {_text(m.name): m.tensorIndex for m in rs.inputs or []}
        assert gs.outputs == {_text(m.name): m.tensorIndex for m in rs.outputs or []}


@pytest.mark.parametrize("path", CORPUS_MODELS, ids=lambda p: str(p.relative_to(CORPUS)))
def test_corpus_model_reads_as_litert_reads_it(path):
    raw = path.read_bytes()
    assert_matches_litert(read(raw, str(path)), raw)


def test_corpus_is_there():
    assert len(CORPUS_MODELS) >= 44


@pytest.mark.parametrize("name", ["conv_relu", "lstm"])
def test_converted_model_reads_as_litert_reads_it(name):
    raw = write(_keras_model(name))
    assert_matches_litert(read(raw), raw)


def test_handmade_model_reads_as_litert_reads_it():
    raw = write(_handmade())
    assert_matches_litert(read(raw), raw)


def _move_data_after_flatbuffer(raw: bytes) -> bytes:
    """The model re-packed by LiteRT's schema module with every buffer's data and every custom
    options vector moved behind the FlatBuffer (Buffer.offset/size, large_custom_options_offset/
    size), the layout of models over 2 GB."""
    import flatbuffers
    schema, _ = litert_schema()
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAs(raw, 0))
    blobs = []                                     # (object, attribute prefix, bytes)
    for b in m.buffers:
        if b.data is not None and len(b.data):
            blobs.append((b, "", bytes(np.asarray(b.data, np.uint8))))
            b.data = None
    for g in m.subgraphs:
        for op in g.operators:
            if op.customOptions is not None and len(op.customOptions):
                blobs.append((op, "largeCustomOptions", bytes(np.asarray(op.customOptions, np.uint8))))
                op.customOptions = None

    def pack(offsets):
        for (obj, prefix, blob), off in zip(blobs, offsets):
            setattr(obj, prefix + "Offset" if prefix else "offset", off)
            setattr(obj, prefix + "Size" if prefix else "size", len(blob))
        builder = flatbuffers.Builder(1024)
        builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
        return bytes(builder.Output())
    head = pack([2] * len(blobs))                  # placeholders of the same width fix the layout
    offsets, tail = [], b""
    for _, _, blob in blobs:
        pad = (-(len(head) + len(tail))) % 16
        tail += b"\0" * pad
        offsets.append(len(head) + len(tail))
        tail += blob
    packed = pack(offsets)
    assert len(packed) == len(head) and blobs
    return packed + tail


@pytest.mark.parametrize("name", ["hello_world_float.tflite", "audio_preprocessor_int8.tflite"])
def test_data_after_the_flatbuffer(name):
    raw = _corpus_file(name)
    moved = _move_data_after_flatbuffer(raw)
    if name.startswith("hello"):                    # the layout is right: LiteRT runs it as the original
        x = np.array([[1.3]], np.float32)
        outs = [run(litert_interpreter(data, reference=False), [x])[0] for data in (raw, moved)]
        assert outs[0] == outs[1]
    got, want = read(moved, name), read(raw, name)
    for gg, wg in zip(got.subgraphs, want.subgraphs):
        for gt, wt in zip(gg.tensors, wg.tensors):
            assert (gt.data is None) == (wt.data is None)
            if wt.data is not None:
                assert gt.data.tobytes() == wt.data.tobytes() and gt.data.shape == wt.data.shape
        assert [op.custom_options for op in gg.operators] == [op.custom_options for op in wg.operators]
    assert got.metadata == want.metadata
    assert any(t.data is not None for t in got.subgraphs[0].tensors)
    with pytest.raises(ValueError, match="lies outside the"):
        read(moved[:len(moved) - 1], name)             # the last blob now ends past the file


# ---- (c) malformed files ------------------------------------------------------------------------

def _read_or_value_error(data: bytes, source: str):
    """read() either returns a Model or raises ValueError naming `source`; anything else fails."""
    try:
        return read(data, source)
    except ValueError as e:
        assert str(e).startswith(f"{source}: "), str(e)
        return None


def test_truncated_files_raise_value_error():
    for name in ("hello_world_int8.tflite", "mnist_lstm_int8.tflite"):
        raw = _corpus_file(name)
        lengths = range(0, len(raw)) if len(raw) < 4000 else sorted(set(range(0, len(raw), 13)) | {len(raw) - 1})
        for n in lengths:
            _read_or_value_error(raw[:n], f"{name}[:{n}]")
    data = write(_keras_model("conv_relu"))
    # The file ends with a string's NUL byte and alignment padding; only the padding may go.
    content = len(data.rstrip(b"\0")) + 1
    for n in [*range(0, content, 7), content - 1]:
        with pytest.raises(ValueError, match="conv_relu"):
            read(data[:n], "conv_relu")


@pytest.mark.parametrize("name", ["hello_world_int8.tflite", "mnist_lstm_int8.tflite",
                                  "audio_preprocessor_int8.tflite"])
def test_random_byte_flips_raise_only_value_error(name):
    raw = _corpus_file(name)
    rng = random.Random(name)
    loaded = failed = 0
    for i in range(2000):
        data = bytearray(raw)
        for _ in range(rng.choice((1, 1, 2, 4, 16))):
            pos = rng.randrange(len(data))
            data[pos] = rng.randrange(256) if rng.random() < 0.7 else data[pos] ^ (1 << rng.randrange(8))
        if _read_or_value_error(bytes(data), f"{name}#{i}") is None:
            failed += 1
        else:
            loaded += 1
    assert failed > 50 and loaded > 50          # both outcomes happen: the mutations reach deep fields


def test_offsets_pointing_anywhere_raise_value_error():
    """Every 32-bit word of a small model replaced by large, negative-looking and small values."""
    raw = _corpus_file("hello_world_int8.tflite")
    for pos in range(0, len(raw) - 3, 4):
        for value in (0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, len(raw), len(raw) - 2, 1, 0):
            data = bytearray(raw)
            data[pos:pos + 4] = value.to_bytes(4, "little")
            _read_or_value_error(bytes(data), f"word {pos}")


@pytest.mark.parametrize("path", FUZZ_SEEDS, ids=lambda p: p.name)
def test_fuzz_seed_corpus(path):
    """TFLM's OSS-Fuzz seeds (deliberately malformed models), as they are and with the TFL3
    identifier they mostly lack patched in, so the parse goes past the first check."""
    raw = path.read_bytes()
    _read_or_value_error(raw, path.name)
    _read_or_value_error(raw[:4] + b"TFL3" + raw[8:], path.name)


def test_not_a_tflite_file():
    with pytest.raises(ValueError, match="^x.bin: .*too short"):
        read(b"TFL", "x.bin")
    with pytest.raises(ValueError, match="^x.png: not a TFLite file"):
        read(b"\x89PNG\r\n\x1a\n" + bytes(100), "x.png")
    with pytest.raises(ValueError, match="takes the file's bytes"):
        read("model.tflite")
