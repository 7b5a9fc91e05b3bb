"""`tl.lite.Converter` (also `tl.lite.TFLiteConverter`): a Keras model, traced functions or a saved
model -> `.tflite` bytes.

    converter = tl.lite.Converter.from_keras_model(model)
    open("model.tflite", "wb").write(converter.convert())

convert() per function: copy the traced graph, freeze the variables into constants, run the graph
optimizer (constant folding, batch-norm folding, CSE, DCE, ...), lower each op through its card's
rule, fuse biases and activations, then write one subgraph with a SignatureDef per function.
"""
from __future__ import annotations

import copy
import os
from dataclasses import dataclass

import numpy as np
from tensorlite.training.graph.ir import Graph
from tensorlite.training.graph.passes import freeze
from tensorlite.training.graph.passes import optimize as optimize_graph

from . import fuse
from .lower import ConversionError, lower_graph
from .model import Model, Signature
from .onnx import import_model as import_onnx
from .options import TargetSpec, plan
from .writer import write


@dataclass
class _Function:
    key: str                      # signature key
    graph: Graph
    variables: dict               # capture value id -> array
    input_shapes: list | None     # per input, the spec shape with None for dynamic dims
    output_names: list[str]


class Converter:
    """Converts traced graphs into a TFLite model; build one with a `from_*` class method."""

    def __init__(self, functions: list[_Function]):
        if not functions:
            raise ValueError("Converter: nothing to convert")
        object.__setattr__(self, "_functions", functions)
        self.optimizations: list = []          # tl.lite.Optimize.DEFAULT asks for quantization (options.py)
        self.representative_dataset = None
        self.target_spec = TargetSpec()
        self.inference_input_type = None       # float32; tl.int8 / tl.int16 with full integer quantization
        self.inference_output_type = None
        self.description = "converted by tensorlite"
        # tensorlite's own quantization settings
        self.calibration_method = "minmax"     # or "moving_average", "percentile", "mse"
        self.keep_float: list[str] = []        # builtins, tensor or layer names that stay float
        self.per_layer_report = False          # compute quantization_result.report (SQNR per tensor)
        self.quantization_result = None        # after convert(): operators left float, the report

    # TensorFlow converter settings that tensorlite honours as they are (it is always the "new"
    # converter and quantizer); anything else set on a converter is an error, not silently ignored.
    _ACCEPTED_AS_IS = {"experimental_new_converter": True, "experimental_new_quantizer": True,
                       "allow_custom_ops": None}

    def __setattr__(self, name, value):
        if name in self._ACCEPTED_AS_IS:
            wanted = self._ACCEPTED_AS_IS[name]
            if wanted is not None and value != wanted:
                raise ValueError(f"Converter.{name} = {value!r}: tensorlite only works as {name} = {wanted!r}")
            return
        if name not in self.__dict__ and name not in _SETTINGS:
            raise AttributeError(f"Converter has no setting {name!r} (tensorlite honours: "
                                 f"{', '.join(sorted(_SETTINGS))})")
        object.__setattr__(self, name, value)

    # ---- entry points ----
    @classmethod
    def from_keras_model(cls, model) -> Converter:
        """The model's inference call (training=False) on its declared inputs; a None batch
        dimension becomes -1 in the inputs' shape_signature."""
        import tensorlite as tl
        specs = _keras_input_specs(model)
        fn = tl.function(lambda *xs: model(list(xs) if len(xs) > 1 else xs[0], training=False),
                         name=getattr(model, "name", "model"))
        cf = fn.get_concrete_function(*[tl.TensorSpec(s.shape, s.dtype) for s in specs])
        names = [getattr(s, "name", "") or f"input_{i}" for i, s in enumerate(specs)]
        for v, name in zip(cf.graph.inputs, names):
            v.name = name
        out_names = _output_names(model, cf)
        return cls([_Function("serving_default", cf.graph, _values(cf), [tuple(s.shape) for s in specs],
                              out_names)])

    @classmethod
    def from_concrete_functions(cls, functions, trackable_obj=None) -> Converter:
        """Concrete functions (`fn.get_concrete_function(spec)`); one signature each
        (serving_default for the first, then each function's graph name)."""
        from tensorlite.training.function import ConcreteFunction
        out = []
        for i, cf in enumerate(functions):
            if not isinstance(cf, ConcreteFunction):
                raise TypeError(f"from_concrete_functions: item {i} is {type(cf).__name__}, not a ConcreteFunction "
                                "(call fn.get_concrete_function(tl.TensorSpec(...)))")
            shapes = [tuple(s.shape) for s in cf.structured_input_signature]
            out.append(_Function("serving_default" if i == 0 else cf.graph.name, cf.graph, _values(cf), shapes,
                                 _structure_names(cf.output_structure, len(cf.graph.outputs))))
        return cls(out)

    @classmethod
    def from_saved_model(cls, saved_model_dir: str, signature_keys: list[str] | None = None) -> Converter:
        from tensorlite.training.saved_model import load
        loaded = load(saved_model_dir)
        keys = signature_keys or list(loaded.signatures)
        missing = [k for k in keys if k not in loaded.signatures]
        if missing:
            raise ValueError(f"{saved_model_dir}: no signature(s) {missing}; it has {sorted(loaded.signatures)}")
        out = []
        for key in keys:
            fn = loaded.signatures[key]
            values = {vid: np.asarray(var._value) for vid, var in fn._captures.items()}
            out.append(_Function(key, fn.graph, values, [tuple(s.shape) for s in fn.input_signature],
                                 _structure_names(fn._outputs, len(fn.graph.outputs))))
        return cls(out)

    @classmethod
    def from_onnx(cls, path) -> Converter:
        """An ONNX model (path or onnx.ModelProto, opset 13+): NCHW inputs and outputs stay NCHW (one
        transpose each at the boundary), the inside runs in NHWC; a dynamic batch becomes -1."""
        try:
            graph, shapes, out_names = import_onnx(path)
        except ValueError as e:  # name the file the error is about
            if isinstance(path, (str, os.PathLike)) and str(path) not in str(e):
                raise ValueError(f"{path}: {e}") from None
            raise
        return cls([_Function("serving_default", graph, {}, shapes, out_names)])

    # ---- conversion ----
    def convert(self, progress=None) -> bytes:
        """The .tflite bytes; `progress(stage)` is called with a short description of each stage."""
        model = self.convert_model(progress)
        (progress or (lambda stage: None))("writing the FlatBuffer")
        return write(model)

    def convert_model(self, progress=None) -> Model:
        """The converted model as `converter.model.Model` data, before it is written."""
        say = progress or (lambda stage: None)
        model = self._float_model(say)
        learned = any(op.opcode == "FAKE_QUANT" for op in model.subgraphs[0].operators)
        quantization = plan(self.optimizations, self.representative_dataset, self.target_spec,
                            self.inference_input_type, self.inference_output_type, learned)
        if quantization is None:
            return model
        if learned and quantization.mode == "dynamic":   # trained with fake quantization: full integer
            quantization.mode = "int8"
        return self._quantize(model, quantization, say)

    def _quantize(self, model: Model, how, say) -> Model:
        from tensorlite import quantize as q
        samples = None
        if how.mode in ("int8", "int16x8") and self.representative_dataset is not None:
            sig = next((s for s in model.signatures if s.subgraph == 0), None)
            names = list(sig.inputs) if sig is not None else None
            samples = q.from_representative_dataset(self.representative_dataset, model.subgraphs[0], names)
            say(f"calibrating on {len(samples)} samples ({self.calibration_method})")
        say(f"quantizing ({how.mode})")
        result = q.quantize(model, how.mode, samples, method=self.calibration_method, keep_float=self.keep_float,
                            input_type=how.input_type, output_type=how.output_type, strict=how.strict,
                            report=self.per_layer_report)
        self.quantization_result = result
        return result.model

    def _float_model(self, say) -> Model:
        model = Model(description=self.description)
        entries = []
        for f in self._functions:
            say(f"{f.key}: freezing and optimizing the graph")
            graph = copy.deepcopy(f.graph)
            graph.name = f.key
            freeze(graph, {vid: f.variables[vid] for vid in graph.captures})
            optimize_graph(graph)
            say(f"{f.key}: lowering {len(graph.nodes)} ops to TFLite builtins")
            index = len(model.subgraphs)
            sg, _ = lower_graph(graph, f.key, model.subgraphs)   # appends it, then its branches
            _mark_dynamic(sg, f.input_shapes)
            in_names = [v.name or f"input_{i}" for i, v in enumerate(graph.inputs)]
            entries.append((f.key, in_names, f.output_names, index))
        for sg in model.subgraphs:
            fuse.optimize(sg)   # renumbers tensors: signatures are made after it
        for key, in_names, out_names, index in entries:
            sg = model.subgraphs[index]
            model.signatures.append(Signature(key, dict(zip(in_names, sg.inputs)), dict(zip(out_names, sg.outputs)),
                                              index))
        return model


TFLiteConverter = Converter


_SETTINGS = {"optimizations", "representative_dataset", "target_spec", "inference_input_type",
             "inference_output_type", "description", "calibration_method", "keep_float", "per_layer_report",
             "quantization_result"}



def _values(cf) -> dict:
    return {vid: np.asarray(var._value) for vid, var in cf._variables.items()}


def _keras_input_specs(model):
    inputs = getattr(model, "inputs", None)
    if not inputs:
        raise ConversionError(f"from_keras_model: {getattr(model, 'name', model)!r} has no known inputs; build it "
                              "with an Input layer (or input_shape=), or convert a traced function with "
                              "from_concrete_functions")
    return inputs


def _output_names(model, cf) -> list[str]:
    n = len(cf.graph.outputs)
    outs = getattr(model, "outputs", None) or []
    names = []
    for i in range(n):
        layer = getattr(getattr(outs[i], "node", None), "layer", None) if i < len(outs) else None
        names.append(getattr(layer, "name", None) or f"output_{i}")
    return names if len(set(names)) == n else [f"output_{i}" for i in range(n)]


def _structure_names(structure, n: int) -> list[str]:
    if isinstance(structure, dict) and all(v == "t" for v in structure.get("dict", {}).values()) \
            and len(structure["dict"]) == n:
        return list(structure["dict"])
    return [f"output_{i}" for i in range(n)]


def _mark_dynamic(sg, input_shapes) -> None:
    """A traced graph's symbolic dimensions are already -1 in every tensor they reach (lower.py). A graph
    built at batch 1 for inputs whose spec says None (an ONNX import) gets -1 there in its inputs'
    shape_signature, and the outputs' leading dimension follows a dynamic batch."""
    if not input_shapes:
        return
    dynamic_batch = False
    for t_index, shape in zip(sg.inputs, input_shapes):
        t = sg.tensors[t_index]
        if t.shape_signature is not None:  # symbolic in the graph itself
            continue
        if any(d is None for d in shape) and len(shape) == len(t.shape):
            t.shape_signature = tuple(-1 if d is None else int(d) for d in shape)
            dynamic_batch |= shape[0] is None
    if dynamic_batch:
        for t_index in sg.outputs:
            t = sg.tensors[t_index]
            if t.shape and t.shape[0] == 1 and t.shape_signature is None:
                t.shape_signature = (-1,) + tuple(t.shape[1:])
