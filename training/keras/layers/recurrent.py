"""SimpleRNN, LSTM and GRU with Keras's weight layout and gate order, unrolled over time with tl ops
(correct and differentiable; the converter will later lower them to fused TFLite ops).

LSTM: z = x K + h R + b split as (i, f, c, o); c' = f c + i tanh(z_c); h' = o tanh(c').
GRU (reset_after=True): x K + b_in and h R + b_rec each split as (z, r, h);
      z = s(x_z + h_z), r = s(x_r + h_r), n = tanh(x_h + r * h_h), h' = z h + (1 - z) n.
"""
from __future__ import annotations

import tensorlite as tl

from .. import activations
from ..engine.layer import Layer
from ..regularizers import attach


class _RNN(Layer):
    gates = n_states = 1

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 dropout=0.0, recurrent_dropout=0.0, return_sequences=False, return_state=False,
                 go_backwards=False, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._extras = {"kernel": (kernel_regularizer, kernel_constraint),
                        "recurrent_kernel": (recurrent_regularizer, recurrent_constraint),
                        "bias": (bias_regularizer, bias_constraint)}
        for what, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not 0 <= rate < 1:
                raise ValueError(f"{type(self).__name__}: {what} must be in [0, 1), got {rate}")
        self.units, self.use_bias = int(units), use_bias
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.inits = (kernel_initializer, recurrent_initializer, bias_initializer)
        self.dropout, self.recurrent_dropout = float(dropout), float(recurrent_dropout)
        self.return_sequences, self.return_state, self.go_backwards = return_sequences, return_state, go_backwards

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"{self.name}: {type(self).__name__} expects inputs (batch, timesteps, features), "
                             f"got shape {list(input_shape)}")
        g = self.gates * self.units
        self.kernel = self._weight("kernel", (input_shape[-1], g), self.inits[0])
        self.recurrent_kernel = self._weight("recurrent_kernel", (self.units, g), self.inits[1])
        self._build_bias()

    def _weight(self, name, shape, initializer):
        return attach(self.add_weight(name, shape, initializer), *self._extras[name])

    def _mask(self, rate, inputs, size, training):
        """One dropout mask for the whole sequence (Keras's cells reuse it at every step)."""
        if not training or rate == 0:
            return None
        return tl.nn.dropout(_filled(inputs, size, 1.0), rate=rate)

    def call(self, inputs, initial_state=None, training=None):
        batch, steps = inputs.shape[0], inputs.shape[1]
        if steps is None:
            raise NotImplementedError(f"{self.name}: {type(self).__name__} unrolls its time steps, so their number "
                                      "must be known when it runs in a traced graph (the input_signature's "
                                      f"shape {list(inputs.shape)} leaves it symbolic); fix the sequence length")
        if initial_state is None:
            states = [_filled(inputs, self.units, 0.0) for _ in range(self.n_states)]
        else:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            states = [tl.convert_to_tensor(s, dtype=inputs.dtype) if not isinstance(s, tl.Tensor) else s
                      for s in states]
            if len(states) != self.n_states or any(tuple(s.shape) != (batch, self.units) for s in states):
                raise ValueError(f"{self.name}: initial_state must be {self.n_states} tensor(s) of shape "
                                 f"{(batch, self.units)}, got {[tuple(s.shape) for s in states]}")
        x_mask = self._mask(self.dropout, inputs, inputs.shape[2], training)
        h_mask = self._mask(self.recurrent_dropout, inputs, self.units, training)
        outputs = []
        for t in range(steps - 1, -1, -1) if self.go_backwards else range(steps):
            x = inputs[:, t, :]
            h, states = self.step(x if x_mask is None else x * x_mask, states, h_mask)
            outputs.append(h)
        out = tl.stack(outputs, axis=1) if self.return_sequences else outputs[-1]
        return [out] + states if self.return_state else out


def _filled(inputs, size: int, value: float):
    """A [batch, size] tensor of `value` for a (batch, steps, features) input; with a symbolic batch
    (a traced graph serving every batch size) it is made from the input, so it follows the batch."""
    batch = inputs.shape[0]
    if batch is not None:
        return tl.fill([batch, size], tl.constant(value, inputs.dtype))
    return tl.zeros_like(inputs[:, 0, :1]) + tl.fill([size], tl.constant(value, inputs.dtype))


class LSTM(_RNN):
    gates, n_states = 4, 2

    def __init__(self, units, unit_forget_bias=True, **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias

    def _build_bias(self):
        if not self.use_bias:
            self.bias = None
            return
        self.bias = self._weight("bias", (4 * self.units,), self.inits[2])
        if self.unit_forget_bias:
            b = self.bias.numpy()
            b[self.units:2 * self.units] = 1.0
            self.bias.assign(b)

    def step(self, x, states, h_mask):
        h, c = states
        z = tl.matmul(x, self.kernel) + tl.matmul(h if h_mask is None else h * h_mask, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        zi, zf, zc, zo = tl.split(z, 4, axis=-1)
        i, f, o = self.recurrent_activation(zi), self.recurrent_activation(zf), self.recurrent_activation(zo)
        c = f * c + i * self.activation(zc)
        h = o * self.activation(c)
        return h, [h, c]


class GRU(_RNN):
    gates, n_states = 3, 1

    def __init__(self, units, reset_after=True, **kwargs):
        super().__init__(units, **kwargs)
        if not reset_after:
            raise NotImplementedError("GRU(reset_after=False) is not supported; Keras's default is True")

    def _build_bias(self):
        self.bias = self._weight("bias", (2, 3 * self.units), self.inits[2]) if self.use_bias else None

    def step(self, x, states, h_mask):
        (h,) = states
        xz = tl.matmul(x, self.kernel)
        hz = tl.matmul(h if h_mask is None else h * h_mask, self.recurrent_kernel)
        if self.bias is not None:
            xz = xz + self.bias[0]
            hz = hz + self.bias[1]
        x_z, x_r, x_h = tl.split(xz, 3, axis=-1)
        h_z, h_r, h_h = tl.split(hz, 3, axis=-1)
        z = self.recurrent_activation(x_z + h_z)
        r = self.recurrent_activation(x_r + h_r)
        n = self.activation(x_h + r * h_h)
        h = z * h + (1.0 - z) * n
        return h, [h]




class SimpleRNN(_RNN):
    """h' = activation(x K + h R + b) (Keras's SimpleRNN; its recurrent_activation is unused)."""

    def _build_bias(self):
        self.bias = self._weight("bias", (self.units,), self.inits[2]) if self.use_bias else None

    def step(self, x, states, h_mask):
        (h,) = states
        z = tl.matmul(x, self.kernel) + tl.matmul(h if h_mask is None else h * h_mask, self.recurrent_kernel)
        if self.bias is not None:
            z = z + self.bias
        h = self.activation(z)
        return h, [h]
