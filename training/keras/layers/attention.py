"""Attention layers: EinsumDense (a dense layer written as an einsum), MultiHeadAttention,
Attention (Luong dot-product or concat scores) and AdditiveAttention (Bahdanau), with Keras 3's
weights and names.

MultiHeadAttention projects query, key and value with EinsumDense sublayers named query, key and
value (kernels (dim, heads, key_dim)), scores softmax(q k^T / sqrt(key_dim)) over the positions,
mixes the values and projects back with attention_output (kernel (heads, value_dim, dim)).
Masked positions (attention_mask False, or later positions with use_causal_mask) get a score of
-1e9 before the softmax, as Keras's Softmax does.
"""
from __future__ import annotations

import math

import numpy as np

import tensorlite as tl

from .. import activations
from ..engine.layer import Layer
from ..regularizers import attach

LARGE_NEGATIVE = -1e9


class EinsumDense(Layer):
    """y = einsum(equation, x, kernel) (+ bias along `bias_axes`). `output_shape` lists the output's
    sizes after the batch dimension (None: the input's size for that letter)."""

    def __init__(self, equation, output_shape, activation=None, bias_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        lhs, _, out = equation.replace(" ", "").partition("->")
        terms = lhs.split(",")
        if len(terms) != 2 or not out or "." in equation:
            raise ValueError(f"EinsumDense: equation must read 'input,kernel->output' without '...', got {equation!r}")
        self.equation, (self._in, self._kernel), self._out = equation, terms, out
        self.partial_output_shape = (output_shape,) if isinstance(output_shape, int) or output_shape is None \
            else tuple(output_shape)
        self.activation, self.bias_axes = activations.get(activation), bias_axes
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self._regs = ((kernel_regularizer, kernel_constraint), (bias_regularizer, bias_constraint))

    def build(self, input_shape):
        if len(input_shape) != len(self._in):
            raise ValueError(f"{self.name}: equation {self.equation!r} reads inputs of rank {len(self._in)}, "
                             f"got shape {list(input_shape)}")
        given = list(self.partial_output_shape)
        if len(given) != len(self._out) - 1:
            raise ValueError(f"{self.name}: output_shape {list(given)} must list the {len(self._out) - 1} output "
                             f"sizes after the batch for equation {self.equation!r}")
        sizes = dict(zip(self._in, input_shape))
        for c, d in zip(self._out[1:], given):
            if d is not None:
                if c in sizes and sizes[c] != d:
                    raise ValueError(f"{self.name}: output_shape gives {c!r} size {d}, the input has {sizes[c]}")
                sizes[c] = d
        missing = [c for c in self._kernel if sizes.get(c) is None]
        if missing:
            raise ValueError(f"{self.name}: no size for kernel letters {missing} of {self.equation!r}")
        self.full_output_shape = tuple(sizes.get(c) for c in self._out)
        self.kernel = attach(self.add_weight("kernel", tuple(sizes[c] for c in self._kernel), self.kernel_initializer),
                             *self._regs[0])
        self.bias = None
        if self.bias_axes:
            first = min(self._out.index(c) for c in self.bias_axes)
            shape = tuple(sizes[c] if c in self.bias_axes else 1 for c in self._out[first:])
            self.bias = attach(self.add_weight("bias", shape, self.bias_initializer), *self._regs[1])

    def call(self, inputs):
        y = tl.einsum(self.equation, inputs, self.kernel.read_value())
        if self.bias is not None:
            y = y + self.bias
        return self.activation(y)


class MultiHeadAttention(Layer):
    """Keras 3's MultiHeadAttention, called as `mha(query, value, key=None, attention_mask=None,
    return_attention_scores=False, training=None, use_causal_mask=False)`. Attention runs over
    every axis between the batch and the features (Keras's default `attention_axes`)."""

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        if attention_axes is not None:
            raise NotImplementedError("MultiHeadAttention(attention_axes=...): only the default (every axis "
                                      "between the batch and the features) is supported")
        self.num_heads, self.key_dim = int(num_heads), int(key_dim)
        self.value_dim = int(value_dim) if value_dim else self.key_dim
        self.dropout, self.use_bias, self.seed = float(dropout), use_bias, seed
        self._output_shape = output_shape
        common = dict(kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                      kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                      kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
        h, kd, vd = self.num_heads, self.key_dim, self.value_dim
        bias = "de" if use_bias else None
        self._common = common
        self._query_dense = EinsumDense("abc,cde->abde", (None, h, kd), bias_axes=bias, name="query", **common)
        self._key_dense = EinsumDense("abc,cde->abde", (None, h, kd), bias_axes=bias, name="key", **common)
        self._value_dense = EinsumDense("abc,cde->abde", (None, h, vd), bias_axes=bias, name="value", **common)
        self._output_dense = None  # made at the first call, when the query's feature size is known
        self._dropout_layer = None
        if self.dropout:
            from .core import Dropout
            self._dropout_layer = Dropout(self.dropout, seed=seed)

    def __call__(self, query, value=None, key=None, **kwargs):
        # Keras's positional order (query, value, key); Layer.__call__ takes one positional input
        return super().__call__(query, value=value, key=key, **kwargs)

    @property
    def query_dense(self):
        return self._query_dense

    @property
    def key_dense(self):
        return self._key_dense

    @property
    def value_dense(self):
        return self._value_dense

    @property
    def output_dense(self):
        return self._output_dense

    @staticmethod
    def _flat(x, heads_and_dim):
        """(B, positions..., H, D) -> (B, P, H, D)."""
        return tl.reshape(x, [-1, math.prod(x.shape[1:-2])] + heads_and_dim)

    def call(self, query, value=None, key=None, attention_mask=None, return_attention_scores=False,
             training=None, use_causal_mask=False):
        if value is None:
            raise ValueError(f"{self.name}: MultiHeadAttention needs `value` (call it as mha(query, value))")
        key = value if key is None else key
        if self._output_dense is None:
            out = self._output_shape if self._output_shape is not None else query.shape[-1]
            out = tuple(out) if isinstance(out, (list, tuple)) else (int(out),)
            if len(out) != 1:
                raise NotImplementedError(f"{self.name}: output_shape must be one size, got {list(out)}")
            self._output_dense = EinsumDense("abcd,cde->abe", (None, out[0]), name="attention_output",
                                             bias_axes="e" if self.use_bias else None, **self._common)
        q = self._query_dense(self._positions(query))
        k = self._key_dense(self._positions(key))
        v = self._value_dense(self._positions(value))
        q_pos, v_pos = tuple(query.shape[1:-1]), tuple(value.shape[1:-1])
        q = q * (1.0 / math.sqrt(self.key_dim))
        scores = tl.einsum("aecd,abcd->acbe", k, q)  # (B, heads, T, S)
        mask = self._mask(attention_mask, use_causal_mask, math.prod(q_pos), math.prod(v_pos))
        if mask is not None:
            scores = tl.where(mask, scores, tl.constant(LARGE_NEGATIVE, scores.dtype))
        weights = tl.nn.softmax(scores, axis=-1)
        mixed = weights if self._dropout_layer is None else self._dropout_layer(weights, training=training)
        y = tl.einsum("acbe,aecd->abcd", mixed, v)  # (B, T, heads, value_dim)
        y = self._output_dense(y)
        y = tl.reshape(y, [-1, *q_pos, y.shape[-1]])
        if not return_attention_scores:
            return y
        return y, tl.reshape(weights, [-1, self.num_heads, *q_pos, *v_pos])

    def _positions(self, x):
        """Inputs with several position axes are flattened to one (the projection is per position)."""
        return x if x.ndim == 3 else tl.reshape(x, [-1, math.prod(x.shape[1:-1]), x.shape[-1]])

    def _mask(self, attention_mask, causal, t, s):
        """A boolean (B or 1, 1, T, S) mask, or None."""
        mask = None
        if attention_mask is not None:
            m = tl.convert_to_tensor(attention_mask)
            m = m if m.dtype == tl.bool else tl.greater(m, tl.constant(0.5, m.dtype))
            mask = tl.reshape(m, [-1, 1, t, s])
        if causal:
            tri = tl.constant(np.tril(np.ones((t, s), bool)).reshape(1, 1, t, s))
            mask = tri if mask is None else tl.logical_and(mask, tri)
        return mask


class Attention(Layer):
    """Dot-product attention over [query, value] or [query, value, key] of shape (B, T, dim) and
    (B, S, dim): scores q k^T ('dot', times a learned `scale` with use_scale) or
    concat_score_weight * sum(tanh(q + k)) ('concat', tanh(scale * (q + k)) with use_scale),
    softmax over S, then the weighted sum of values. `mask=[query_mask, value_mask]` (booleans
    (B, T) and (B, S)) hides value steps and zeroes masked query steps."""

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"Attention: score_mode must be 'dot' or 'concat', got {score_mode!r}")
        self.use_scale, self.score_mode, self.dropout, self.seed = use_scale, score_mode, float(dropout), seed
        self._dropout_layer = None
        if self.dropout:
            from .core import Dropout
            self._dropout_layer = Dropout(self.dropout, seed=seed)

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) not in (2, 3):
            raise ValueError(f"{self.name}: Attention takes a list [query, value] or [query, value, key]")
        self.scale = self.add_weight("scale", (), "ones") if self.use_scale else None
        self.concat_score_weight = self.add_weight("concat_score_weight", (), "ones") \
            if self.score_mode == "concat" else None

    def _scores(self, q, k):
        if self.score_mode == "dot":
            scores = tl.matmul(q, tl.transpose(k, [0, 2, 1]))
            return scores if self.scale is None else scores * self.scale
        summed = tl.expand_dims(q, -2) + tl.expand_dims(k, -3)  # (B, T, S, dim)
        if self.scale is not None:
            summed = summed * self.scale
        return tl.reduce_sum(tl.tanh(summed), axis=-1) * self.concat_score_weight

    def call(self, inputs, mask=None, training=None, return_attention_scores=False, use_causal_mask=False):
        q, v = inputs[0], inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        scores = self._scores(q, k)
        q_mask, v_mask = (mask[0], mask[1]) if mask else (None, None)
        keep = None
        if v_mask is not None:
            keep = tl.expand_dims(tl.cast(tl.convert_to_tensor(v_mask), tl.bool), -2)  # (B, 1, S)
        if use_causal_mask:
            t, s = scores.shape[-2], scores.shape[-1]
            tri = tl.constant(np.tril(np.ones((1, t, s), bool)))
            keep = tri if keep is None else tl.logical_and(keep, tri)
        if keep is not None:
            scores = tl.where(keep, scores, scores - 1e9)
        weights = tl.nn.softmax(scores, axis=-1)
        mixed = weights if self._dropout_layer is None else self._dropout_layer(weights, training=training)
        out = tl.matmul(mixed, v)
        if q_mask is not None:
            qm = tl.expand_dims(tl.cast(tl.convert_to_tensor(q_mask), tl.bool), -1)
            out = tl.where(qm, out, tl.zeros_like(out))
        return (out, weights) if return_attention_scores else out


class AdditiveAttention(Attention):
    """Bahdanau-style attention: scores sum(scale * tanh(q + k)) over the features, with a learned
    per-feature `scale` (use_scale=True, the default) or none."""

    def __init__(self, use_scale=True, dropout=0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or len(input_shape) not in (2, 3):
            raise ValueError(f"{self.name}: AdditiveAttention takes a list [query, value] or [query, value, key]")
        self.scale = self.add_weight("scale", (input_shape[0][-1],), "glorot_uniform") if self.use_scale else None
        self.concat_score_weight = None

    def _scores(self, q, k):
        summed = tl.tanh(tl.expand_dims(q, -2) + tl.expand_dims(k, -3))  # (B, T, S, dim)
        return tl.reduce_sum(summed if self.scale is None else summed * self.scale, axis=-1)
