"""Small multi-subgraph TFLite models for the C runtime's tests, written with the schema's object API
(ai_edge_litert's generated schema module + flatbuffers), independently of the code under test.

    m = Model()
    g = m.subgraph()                                  # the first one is subgraph 0
    x = g.input("x", [2], "float32")
    y = g.tensor("y", [2], "bool")
    g.op("LESS", [x, g.const("ten", np.full(2, 10, np.float32))], [y])
    g.output(y)
    data = m.build()

Options are given by their schema names in snake_case (`g.op("WHILE", ..., cond_subgraph_index=1)`);
the options table is the op's own (WHILE -> WhileOptions).

`one_op` writes a one-op model; the kernel tests check it with `run_both` / `check_against_litert`
(against LiteRT's reference kernels) and `refused`, on inputs from `random_values` and `quant` parameters."""
from __future__ import annotations

import numpy as np
import pytest

import tensorlite as tl
from tests.litert import litert_interpreter, litert_schema, run

DTYPES = {"float32": 0, "float16": 1, "int32": 2, "uint8": 3, "int64": 4, "bool": 6, "int16": 7, "int8": 9,
          "uint64": 12, "uint32": 15, "uint16": 16, "float64": 10, "complex64": 8, "string": 5}
OPTIONS = {"UNIQUE": "UniqueOptions", "WHILE": "WhileOptions", "IF": "IfOptions", "GATHER": "GatherOptions",
           "SPLIT": "SplitOptions",
           "SPLIT_V": "SplitVOptions", "LESS": "LessOptions", "LESS_EQUAL": "LessEqualOptions",
           "GREATER": "GreaterOptions", "GREATER_EQUAL": "GreaterEqualOptions", "EQUAL": "EqualOptions",
           "NOT_EQUAL": "NotEqualOptions", "LOGICAL_AND": "LogicalAndOptions", "LOGICAL_OR": "LogicalOrOptions",
           "LOGICAL_NOT": "LogicalNotOptions", "ADD": "AddOptions", "SUB": "SubOptions",
           "FULLY_CONNECTED": "FullyConnectedOptions", "CONCATENATION": "ConcatenationOptions",
           "RESHAPE": "ReshapeOptions", "TRANSPOSE_CONV": "TransposeConvOptions", "SOFTMAX": "SoftmaxOptions",
           "MUL": "MulOptions", "MAXIMUM": "MaximumMinimumOptions", "MINIMUM": "MaximumMinimumOptions",
           "CAST": "CastOptions", "MEAN": "ReducerOptions", "SUM": "ReducerOptions", "REDUCE_MAX": "ReducerOptions",
           "DIV": "DivOptions", "SQUARED_DIFFERENCE": "SquaredDifferenceOptions",
           "GELU": "GeluOptions", "LOG_SOFTMAX": "LogSoftmaxOptions", "ARG_MAX": "ArgMaxOptions",
           "BATCH_MATMUL": "BatchMatMulOptions", "SLICE": "SliceOptions", "UNPACK": "UnpackOptions",
           "SELECT_V2": "SelectV2Options", "SQUEEZE": "SqueezeOptions", "RESIZE_BILINEAR": "ResizeBilinearOptions",
           "CONV_2D": "Conv2DOptions", "DEPTHWISE_CONV_2D": "DepthwiseConv2DOptions", "TILE": "TileOptions",
           "FILL": "FillOptions", "ZEROS_LIKE": "ZerosLikeOptions", "BROADCAST_TO": "BroadcastToOptions",
           "MIRROR_PAD": "MirrorPadOptions", "PADV2": "PadV2Options", "ONE_HOT": "OneHotOptions",
           "POW": "PowOptions", "SIGN": "SignOptions", "REDUCE_MIN": "ReducerOptions", "ARG_MIN": "ArgMinOptions",
           "ABS": "AbsOptions", "FAKE_QUANT": "FakeQuantOptions",
           "LEAKY_RELU": "LeakyReluOptions", "LOCAL_RESPONSE_NORMALIZATION": "LocalResponseNormalizationOptions",
           "L2_NORMALIZATION": "L2NormOptions", "SPACE_TO_DEPTH": "SpaceToDepthOptions",
           "DEPTH_TO_SPACE": "DepthToSpaceOptions", "CUMSUM": "CumsumOptions", "L2_POOL_2D": "Pool2DOptions",
           "REDUCE_PROD": "ReducerOptions", "REDUCE_ANY": "ReducerOptions", "REDUCE_ALL": "ReducerOptions",
           "RESIZE_NEAREST_NEIGHBOR": "ResizeNearestNeighborOptions", "SHAPE": "ShapeOptions",
           "RANDOM_UNIFORM": "RandomOptions",
           "RANDOM_STANDARD_NORMAL": "RandomOptions", "MULTINOMIAL": "RandomOptions", "RFFT2D": "Rfft2dOptions",
           "LSH_PROJECTION": "LSHProjectionOptions", "SKIP_GRAM": "SkipGramOptions",
           "EMBEDDING_LOOKUP_SPARSE": "EmbeddingLookupSparseOptions"}
# Builtins whose options table sits in the operator's builtin_options_2 union.
OPTIONS_2 = {"STABLEHLO_SCATTER": "StablehloScatterOptions",
             "STABLEHLO_GATHER": "StablehloGatherOptions",
             "STABLEHLO_COMPOSITE": "StableHLOCompositeOptions", "REDUCE_WINDOW": "ReduceWindowOptions",
             "STABLEHLO_REDUCE_WINDOW": "StablehloReduceWindowOptions",
             "STABLEHLO_RNG_BIT_GENERATOR": "StablehloRngBitGeneratorOptions"}
# Opcode versions where LiteRT's resolver registers a builtin from a later version than 1.
VERSIONS = {"BROADCAST_TO": 2}
# Recurrent, resource-variable and 3-D convolution builtins.
OPTIONS.update({"RNN": "RNNOptions", "UNIDIRECTIONAL_SEQUENCE_RNN": "SequenceRNNOptions",
                "BIDIRECTIONAL_SEQUENCE_RNN": "BidirectionalSequenceRNNOptions", "LSTM": "LSTMOptions",
                "UNIDIRECTIONAL_SEQUENCE_LSTM": "UnidirectionalSequenceLSTMOptions",
                "BIDIRECTIONAL_SEQUENCE_LSTM": "BidirectionalSequenceLSTMOptions", "VAR_HANDLE": "VarHandleOptions",
                "CALL_ONCE": "CallOnceOptions", "READ_VARIABLE": "ReadVariableOptions",
                "ASSIGN_VARIABLE": "AssignVariableOptions", "CONV_3D": "Conv3DOptions",
                "CONV_3D_TRANSPOSE": "Conv3DOptions"})


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.capitalize() for w in rest)


class Subgraph:
    def __init__(self, model: Model, index: int):
        self.model, self.index = model, index
        self.schema = model.schema
        self.g = self.schema.SubGraphT()
        self.g.tensors, self.g.inputs, self.g.outputs, self.g.operators = [], [], [], []

    def tensor(self, name, shape, dtype, quant=None, buffer=0) -> int:
        t = self.schema.TensorT()
        t.name, t.shape, t.type, t.buffer = name, list(shape), DTYPES[dtype], buffer
        if quant is not None:
            q = self.schema.QuantizationParametersT()
            q.scale, q.zeroPoint = list(quant["scale"]), list(quant["zero_point"])
            q.quantizedDimension = quant.get("quantized_dimension", 0)
            t.quantization = q
        self.g.tensors.append(t)
        return len(self.g.tensors) - 1

    def input(self, name, shape, dtype, quant=None) -> int:
        i = self.tensor(name, shape, dtype, quant)
        self.g.inputs.append(i)
        return i

    def const(self, name, array, quant=None) -> int:
        array = np.asarray(array)
        if array.dtype.kind in "SUO":  # a STRING constant, in TFLite's string buffer
            return self.tensor(name, array.shape, "string", buffer=self.model.buffer(string_buffer(array)))
        dtype = "bool" if array.dtype == np.bool_ else array.dtype.name
        return self.tensor(name, array.shape, dtype, quant, buffer=self.model.buffer(array.tobytes()))

    def output(self, *indices: int) -> None:
        self.g.outputs.extend(indices)

    def custom(self, code: str, inputs, outputs, options: bytes = b"") -> None:
        """A CUSTOM operator with this custom code; `options` are its raw custom_options bytes
        (e.g. a FlexBuffer map from flatbuffers.flexbuffers.Dumps)."""
        op = self.schema.OperatorT()
        op.opcodeIndex, op.inputs, op.outputs = self.model.opcode("CUSTOM:" + code), list(inputs), list(outputs)
        op.customOptions = list(options) if options else None
        op.customOptionsFormat = 0  # FLEXBUFFERS
        self.g.operators.append(op)

    def op(self, name: str, inputs, outputs, /, **options) -> None:
        op = self.schema.OperatorT()
        op.opcodeIndex, op.inputs, op.outputs = self.model.opcode(name), list(inputs), list(outputs)
        if name in OPTIONS or name in OPTIONS_2:
            kind = OPTIONS.get(name) or OPTIONS_2[name]
            table = getattr(self.schema, kind + "T")()
            for key, value in options.items():
                if not hasattr(table, _camel(key)):
                    raise ValueError(f"{kind} has no field {key}")
                setattr(table, _camel(key), value)
            if name in OPTIONS:
                op.builtinOptionsType, op.builtinOptions = getattr(self.schema.BuiltinOptions, kind), table
            else:
                op.builtinOptions2Type, op.builtinOptions2 = getattr(self.schema.BuiltinOptions2, kind), table
        elif options:
            raise ValueError(f"no options known for {name}")
        self.g.operators.append(op)


class Model:
    def __init__(self):
        self.schema, self.flatbuffers = litert_schema()
        self.subgraphs: list[Subgraph] = []
        self.codes: list[str] = []
        self.buffers = [self.schema.BufferT()]
        self.signatures = []

    def subgraph(self) -> Subgraph:
        self.subgraphs.append(Subgraph(self, len(self.subgraphs)))
        return self.subgraphs[-1]

    def buffer(self, data: bytes) -> int:
        b = self.schema.BufferT()
        b.data = np.frombuffer(data, np.uint8)
        self.buffers.append(b)
        return len(self.buffers) - 1

    def signature(self, key: str, subgraph: Subgraph, inputs: dict, outputs: dict) -> None:
        """A SignatureDef naming `subgraph`'s tensors: {name: tensor index}."""
        def maps(d):
            out = []
            for name, index in d.items():
                t = self.schema.TensorMapT()
                t.name, t.tensorIndex = name, index
                out.append(t)
            return out
        sig = self.schema.SignatureDefT()
        sig.signatureKey, sig.subgraphIndex = key, subgraph.index
        sig.inputs, sig.outputs = maps(inputs), maps(outputs)
        self.signatures.append(sig)

    def opcode(self, name: str) -> int:
        if name not in self.codes:
            self.codes.append(name)
        return self.codes.index(name)

    def build(self) -> bytes:
        s = self.schema
        model = s.ModelT()
        model.version, model.buffers = 3, self.buffers
        model.subgraphs = [sg.g for sg in self.subgraphs]
        model.signatureDefs = self.signatures or None
        model.operatorCodes = []
        for name in self.codes:
            code = s.OperatorCodeT()
            if name.startswith("CUSTOM:"):
                name, code.customCode = "CUSTOM", name[len("CUSTOM:"):]
            code.builtinCode = getattr(s.BuiltinOperator, name)
            code.deprecatedBuiltinCode = min(code.builtinCode, 127)
            code.version = VERSIONS.get(name, 1)
            model.operatorCodes.append(code)
        b = self.flatbuffers.Builder(1024)
        b.Finish(model.Pack(b), file_identifier=b"TFL3")
        return bytes(b.Output())


def edit_model(content: bytes, fn) -> bytes:
    """The model with `fn(model)` applied to its object-API form (LiteRT's schema ModelT), written again."""
    schema, flatbuffers = litert_schema()
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(content, 0))
    fn(model)
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def run_both(content: bytes, feeds) -> tuple[list, list]:
    """Runs `content` with `feeds` (one array per graph input, in order) on tensorlite's
    tl.lite.Interpreter and on LiteRT's reference kernels (BUILTIN_REF); returns each one's outputs."""
    return run(tl.lite.Interpreter(model_content=content), feeds), run(litert_interpreter(content), feeds)


def check_against_litert(content: bytes, feeds, rtol: float = 0.0, atol: float = 0.0) -> None:
    """`run_both`: as many outputs as LiteRT, each of its shape and type, and equal bit for bit (NaN equals
    NaN) or, given a tolerance, within it."""
    ours, ref = run_both(content, feeds)
    assert len(ours) == len(ref)
    for a, b in zip(ours, ref):
        assert a.shape == b.shape and a.dtype == b.dtype
        if rtol or atol:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
        else:
            np.testing.assert_array_equal(a, b)


def refused(content: bytes, op: str, match: str) -> None:
    """tl.lite.Interpreter refuses `content` at allocate_tensors: a ValueError naming node 0 and its builtin
    `op`, its message matching the regular expression `match`."""
    with pytest.raises(ValueError, match=rf"node 0 \({op}\): .*{match}"):
        tl.lite.Interpreter(model_content=content).allocate_tensors()


def random_values(rng, dtype: str, shape, low: int | None = None, high: int | None = None) -> np.ndarray:
    """Test input of a tensor type: bool 0 or 1, float32 standard normal, integers uniform in [low, high]
    (both included, clipped to the type; the type's whole range by default)."""
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if dtype == "float32":
        return rng.standard_normal(shape).astype(np.float32)
    info = np.iinfo(dtype)
    low = info.min if low is None else max(low, info.min)
    high = info.max if high is None else min(high, info.max)
    return rng.integers(low, high, shape, endpoint=True).astype(dtype)


def string_buffer(values) -> bytes:
    """TFLite's string buffer of `values` (bytes, or str as UTF-8): int32 count, count + 1 offsets, the bytes."""
    items = [v.encode() if isinstance(v, str) else bytes(v) for v in np.asarray(values).reshape(-1).tolist()]
    offsets = np.cumsum([4 * (len(items) + 2)] + [len(v) for v in items])
    return np.array([len(items)], "<i4").tobytes() + offsets.astype("<i4").tobytes() + b"".join(items)


def quant(scale: float, zero_point: int) -> dict:
    """Per-tensor quantization parameters, as `Subgraph.tensor` and `one_op` take them."""
    return {"scale": [scale], "zero_point": [zero_point]}


def one_op(name: str, inputs, outputs, consts=(), **options) -> bytes:
    """A one-op model: `inputs` are (shape, dtype[, quant]) graph inputs or, by position in
    `consts`, constant arrays ({input position: array or (array, quant)}); `outputs` (shape, dtype[, quant])."""
    consts = dict(consts)
    m = Model()
    g = m.subgraph()
    ins = []
    for k, spec in enumerate(inputs):
        if k in consts:
            c = consts[k]
            ins.append(g.const(f"c{k}", *c) if isinstance(c, tuple) else g.const(f"c{k}", c))
        elif spec is None:
            ins.append(-1)
        else:
            ins.append(g.input(f"x{k}", *spec))
    outs = [g.tensor(f"y{k}", *spec) for k, spec in enumerate(outputs)]
    g.op(name, ins, outs, **options)
    g.output(*outs)
    return m.build()
