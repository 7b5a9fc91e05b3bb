"""Layer wrappers: TimeDistributed (one layer applied to every step of a sequence) and
Bidirectional (a recurrent layer run forwards and a copy of it run backwards, merged)."""
from __future__ import annotations

import copy

import tensorlite as tl

from ..engine.layer import Layer


class Wrapper(Layer):
    """The base of layers that wrap another layer (`self.layer`)."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"{type(self).__name__}: expects a Layer, got {type(layer).__name__}")
        super().__init__(**kwargs)
        self.layer = layer


class TimeDistributed(Wrapper):
    """`layer` applied to each slice along axis 1 of (batch, steps, ...), sharing its weights: the
    steps are folded into the batch, the layer runs once, and the steps are unfolded again."""

    def call(self, inputs, training=None):
        if inputs.ndim < 3:
            raise ValueError(f"{self.name}: TimeDistributed expects inputs (batch, steps, ...), "
                             f"got shape {list(inputs.shape)}")
        steps = inputs.shape[1]
        folded = tl.reshape(inputs, [-1, *inputs.shape[2:]])
        y = self.layer(folded, training=training)
        return tl.reshape(y, [-1, steps, *y.shape[1:]])


_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(Layer):
    """A recurrent layer (LSTM, GRU) copied twice, as Keras does: `forward_<name>` reading the
    sequence in order and `backward_<name>` (go_backwards=True) reading it reversed; with
    return_sequences the backward outputs are flipped back into time order. merge_mode joins the
    two ('concat' on the last axis, 'sum', 'mul', 'ave', or None for both); return_state appends
    the forward then the backward states. Weights: the forward layer's, then the backward's."""

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Bidirectional: expects a Layer, got {type(layer).__name__}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Bidirectional: merge_mode must be one of {_MERGE_MODES}, got {merge_mode!r}")
        if layer.built or (backward_layer is not None and backward_layer.built):
            raise ValueError("Bidirectional: wrap a layer that has not been built (called) yet")
        super().__init__(**kwargs)
        base = layer.name.removeprefix("forward_")
        self.forward_layer = copy.deepcopy(layer)
        self.forward_layer.name = f"forward_{base}"
        if backward_layer is None:
            self.backward_layer = copy.deepcopy(layer)
            self.backward_layer.name = f"backward_{layer.name.removeprefix('backward_')}"
            self.backward_layer.go_backwards = not layer.go_backwards
        else:
            self.backward_layer = backward_layer
        fwd, bwd = self.forward_layer, self.backward_layer
        if fwd.go_backwards == bwd.go_backwards:
            raise ValueError("Bidirectional: the forward and backward layers must differ in go_backwards")
        for attr in ("return_sequences", "return_state"):
            if getattr(fwd, attr) != getattr(bwd, attr):
                raise ValueError(f"Bidirectional: the forward and backward layers differ in {attr}")
        self.merge_mode = merge_mode
        self.return_sequences, self.return_state = fwd.return_sequences, fwd.return_state
        self._initial_weights = weights

    def build(self, input_shape):
        if self._initial_weights:  # the sublayers build on a zero batch, then take the given weights
            x = tl.zeros([1 if d is None else d for d in input_shape])
            self.forward_layer(x)
            self.backward_layer(x)
            half = len(self._initial_weights) // 2
            self.forward_layer.set_weights(self._initial_weights[:half])
            self.backward_layer.set_weights(self._initial_weights[half:])

    def call(self, inputs, initial_state=None, training=None):
        fwd_state = bwd_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            fwd_state, bwd_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(inputs, initial_state=fwd_state, training=training)
        y_rev = self.backward_layer(inputs, initial_state=bwd_state, training=training)
        states = []
        if self.return_state:
            states = list(y[1:]) + list(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = y_rev[:, ::-1]  # back into time order
        if self.merge_mode == "concat":
            out = tl.concat([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            out = y + y_rev
        elif self.merge_mode == "ave":
            out = (y + y_rev) / 2.0
        elif self.merge_mode == "mul":
            out = y * y_rev
        else:
            return [y, y_rev] + states
        return [out] + states if self.return_state else out
