"""Quantization-aware training for Keras models (TensorFlow Model Optimization's `quantize_model`):

    qat = tl.quantize.quantize_model(model)        # a copy of `model` that trains through int8 rounding
    qat.compile(...); qat.fit(...)                  # fine-tune
    converter = tl.lite.Converter.from_keras_model(qat)
    converter.optimizations = [tl.lite.Optimize.DEFAULT]   # int8 from the learned ranges: no calibration
    int8_model = converter.convert()

The copy's layers run through fake quantization (`tl.quantization.fake_quant_with_min_max_vars`, with
straight-through gradients) wherever the int8 model will round:

- weights of Conv2D, DepthwiseConv2D and Dense: symmetric, narrow range, per output channel for
  convolutions and one scale for Dense, from the current weights (what the quantizer will do);
- activations: the model's inputs, and each layer's output that stays a tensor of its own in the
  TFLite model. Outputs fused into the next layer (a convolution before BatchNormalization or ReLU,
  BatchNormalization before ReLU), outputs that keep their input's grid (pooling, reshapes, dropout)
  and outputs with fixed ranges (Softmax, sigmoid, tanh) are left alone. Their ranges are
  non-trainable variables following the batch min/max by an exponential moving average
  (`ema_decay`), set from the first training batch.

The converter writes each fake quantization as TFLite's FAKE_QUANT operator (so a float model computes what
training computed); the quantizer takes those operators out and uses their ranges instead of calibrating
(`take_fake_quant`), for models made by tensorlite or by TensorFlow alike. Batch normalization is folded
into the convolution at conversion, as usual: per-channel weight scales absorb it. Layers inside nested
models train in float except for their output.
"""
from __future__ import annotations

import copy
import inspect

import numpy as np
from tensorlite.converter.fuse import compact_model_subgraph
from tensorlite.converter.model import Model

WEIGHTED = {"Conv2D": "kernel", "DepthwiseConv2D": "depthwise_kernel", "Dense": "kernel"}
SAME_GRID = {"InputLayer", "MaxPooling2D", "GlobalMaxPooling2D", "Flatten", "Reshape", "Dropout", "ZeroPadding2D",
             "UpSampling2D"}
FIXED_RANGE = {"Softmax"}
_FIXED_ACTIVATIONS = {"softmax", "sigmoid", "tanh"}
_FUSED_ACTIVATIONS = {"relu", "relu6"}


def quantize_model(model, ema_decay: float = 0.99):
    """A copy of the Keras `model` (functional or Sequential) with fake quantization; compile it again."""
    from tensorlite.training.keras.engine.sequential import Sequential
    from tensorlite.training.keras.trainer import Trainer

    if not getattr(model, "_functional", False) and not isinstance(model, Sequential):
        raise NotImplementedError(f"quantize_model: {type(model).__name__} is a subclassed model; build it with the "
                                  "functional API or Sequential")
    if not 0.0 < ema_decay < 1.0:
        raise ValueError(f"quantize_model: ema_decay must be in (0, 1), got {ema_decay}")
    qat = copy.deepcopy(model)
    Trainer.__init__(qat)                      # the float model's optimizer and compiled step are not copied
    qat.__dict__.pop("_train_function", None)
    consumers, reads_input, outputs = _graph(qat)
    for layer in _layers(qat):
        kind = type(layer).__name__
        out = _quantize_output(layer, consumers.get(id(layer), []), id(layer) in outputs)
        _install(layer, WEIGHTED.get(kind), out, id(layer) in reads_input, ema_decay)
    return qat


def _layers(model) -> list:
    return [la for la in model.layers if type(la).__name__ != "InputLayer"]


def _graph(model):
    """({layer id: [consumer layers]}, {ids of layers reading a model input}, {ids of layers giving an output})."""
    consumers: dict[int, list] = {}
    if getattr(model, "_functional", False):
        for node in model._nodes:
            for parent in node.parents:
                consumers.setdefault(id(parent.node.layer), []).append(node.layer)
        reads_input = {id(n.layer) for n in model._nodes for p in n.parents
                       if type(p.node.layer).__name__ == "InputLayer"}
        outputs = {id(t.node.layer) for t in model._outputs}
        return consumers, reads_input, outputs
    layers = _layers(model)
    for a, b in zip(layers, layers[1:]):
        consumers[id(a)] = [b]
    return consumers, {id(layers[0])} if layers else set(), {id(layers[-1])} if layers else set()


def _activation_name(layer) -> str | None:
    kind = type(layer).__name__
    if kind == "ReLU":
        return "relu" if not getattr(layer, "negative_slope", 0) and getattr(layer, "threshold", 0) == 0 else None
    fn = getattr(layer, "activation", None)
    return getattr(fn, "__name__", None) if fn is not None else None


def _quantize_output(layer, consumers: list, is_output: bool) -> bool:
    kind = type(layer).__name__
    if kind in SAME_GRID or kind in FIXED_RANGE:
        return False
    if kind in ("Activation", "ReLU") and _activation_name(layer) in _FIXED_ACTIVATIONS:
        return False
    if kind in WEIGHTED and _activation_name(layer) in _FIXED_ACTIVATIONS:
        return False
    if len(consumers) == 1 and not is_output:
        nxt = type(consumers[0]).__name__
        act = _activation_name(consumers[0])
        if nxt == "BatchNormalization" and kind in WEIGHTED:
            return False
        if nxt in ("ReLU", "Activation") and act in _FUSED_ACTIVATIONS and \
                (kind in WEIGHTED or kind in ("BatchNormalization", "Add")):
            return False
    return True


class _Range:
    """A moving-average [min, max] as three non-trainable variables of the layer."""

    def __init__(self, layer, name: str, decay: float):
        self.lo = layer.add_weight(f"{name}_min", (), "zeros", trainable=False)
        self.hi = layer.add_weight(f"{name}_max", (), "zeros", trainable=False)
        self.seen = layer.add_weight(f"{name}_steps", (), "zeros", trainable=False)
        self.decay = decay

    def __call__(self, x, training):
        import tensorlite as tl
        if training:
            lo, hi = tl.reduce_min(x), tl.reduce_max(x)
            first = tl.equal(self.seen, 0.0)
            self.lo.assign(tl.where(first, lo, self.lo * self.decay + lo * (1.0 - self.decay)))
            self.hi.assign(tl.where(first, hi, self.hi * self.decay + hi * (1.0 - self.decay)))
            self.seen.assign(self.seen + 1.0)
        return tl.quantization.fake_quant_with_min_max_vars(x, self.lo, self.hi)


def _fake_quant_weights(kind: str, w):
    """The weights on the grid the quantizer will use (symmetric int8, narrow range)."""
    import tensorlite as tl
    fq = tl.quantization.fake_quant_with_min_max_vars
    if kind == "Dense":
        bound = tl.stop_gradient(tl.reduce_max(tl.abs(w)))
        return fq(w, -bound, bound, narrow_range=True)
    if kind == "DepthwiseConv2D":             # TFLite's channels are (input channel, multiplier) pairs
        kh, kw, c, m = w.shape
        flat = tl.reshape(w, (kh, kw, c * m))
        bound = tl.stop_gradient(tl.reduce_max(tl.abs(flat), axis=[0, 1]))
        return tl.reshape(fq(flat, -bound, bound, narrow_range=True), (kh, kw, c, m))
    bound = tl.stop_gradient(tl.reduce_max(tl.abs(w), axis=[0, 1, 2]))   # Conv2D: per output channel
    return fq(w, -bound, bound, narrow_range=True)


def _install(layer, weight_attr: str | None, quantize_output: bool, quantize_input: bool, decay: float) -> None:
    """Replaces the layer's call (on this instance) with one that fake-quantizes around the original."""
    if not (weight_attr or quantize_output or quantize_input):
        return
    original = layer.call
    takes_training = "training" in inspect.signature(original).parameters
    in_range = _Range(layer, "input", decay) if quantize_input else None
    out_range = _Range(layer, "output", decay) if quantize_output else None
    kind = type(layer).__name__

    def call(inputs, training=None, **kwargs):
        if in_range is not None:
            inputs = in_range(inputs, training)
        if takes_training:
            kwargs["training"] = training
        if weight_attr is None:
            out = original(inputs, **kwargs)
        else:
            weights = getattr(layer, weight_attr)
            setattr(layer, weight_attr, _fake_quant_weights(kind, weights))
            try:
                out = original(inputs, **kwargs)
            finally:
                setattr(layer, weight_attr, weights)
        return out_range(out, training) if out_range is not None else out

    layer.call = call


def has_fake_quant(model: Model) -> bool:
    return any(op.opcode == "FAKE_QUANT" and not op.custom for op in model.subgraphs[0].operators)


def take_fake_quant(model: Model) -> dict[int, tuple[float, float]]:
    """Removes subgraph 0's FAKE_QUANT operators (in place): each one's input takes the place of its output,
    and its nudged range (as the kernel computes it, in float32) is returned as {tensor index: (lo, hi)}."""
    from tensorlite.training.ops.fake_quant import nudged_range
    sg = model.subgraphs[0]
    found: dict[int, tuple[float, float]] = {}
    kept = []
    for op in sg.operators:
        if op.opcode != "FAKE_QUANT" or op.custom:
            kept.append(op)
            continue
        src, out = op.inputs[0], op.outputs[0]
        lo, hi, _ = nudged_range(np, np.float32(op.options.get("min", 0.0)), np.float32(op.options.get("max", 0.0)),
                                 int(op.options.get("num_bits", 8)), bool(op.options.get("narrow_range", False)))
        found[src] = (float(lo), float(hi))
        for other in sg.operators:
            other.inputs = [src if i == out else i for i in other.inputs]
        if out in sg.outputs:
            sg.tensors[src].name = sg.tensors[out].name
            sg.outputs = [src if o == out else o for o in sg.outputs]
            for sig in model.signatures:
                if sig.subgraph == 0:
                    sig.outputs = {k: src if v == out else v for k, v in sig.outputs.items()}
    sg.operators = kept
    new = compact_model_subgraph(model, 0)
    return {new[i]: r for i, r in found.items() if i in new}
