"""Keras-parity: each new layer, given the inputs and weights Keras 3 was given, computes what Keras 3
computed (tests/data/keras3/layers.npz, written by scripts/make_keras3_expectations.py with real
Keras 3 on JAX; these tests never import Keras). Weight lists must line up with Keras's, in order
and shape, and count_params must agree."""
import json

import numpy as np
import pytest

import tensorlite as tl
from tensorlite.keras import layers as L
from tests.paths import DATA

FOLDER = DATA / "keras3"
ARRAYS = np.load(FOLDER / "layers.npz")
META = json.loads((FOLDER / "layers.json").read_text())

FACTORIES = {
    "leaky_relu": L.LeakyReLU,
    "leaky_relu_slope": lambda: L.LeakyReLU(negative_slope=0.1),
    "prelu_shared": lambda: L.PReLU(shared_axes=[1, 2]),
    "prelu": L.PReLU,
    "elu": lambda: L.ELU(alpha=0.7),
    "rescaling_uint8": lambda: L.Rescaling(1 / 255.0, offset=-0.5),
    "rescaling_channels": lambda: L.Rescaling([1.0, 2.0, 3.0], offset=[0.0, 1.0, -1.0]),
    "normalization_given": lambda: L.Normalization(mean=[1.0, 2.0, 3.0], variance=[4.0, 9.0, 0.0]),
    "normalization_invert": lambda: L.Normalization(mean=2.0, variance=4.0, invert=True),
    "resizing_up": lambda: L.Resizing(7, 9),
    "resizing_down": lambda: L.Resizing(3, 4),
    "resizing_nearest": lambda: L.Resizing(5, 13, interpolation="nearest"),
    "resizing_crop": lambda: L.Resizing(4, 4, crop_to_aspect_ratio=True),
    "zero_padding1d": lambda: L.ZeroPadding1D((1, 2)),
    "cropping1d": lambda: L.Cropping1D((1, 3)),
    "cropping2d": lambda: L.Cropping2D(((1, 0), (2, 1))),
    "upsampling1d": lambda: L.UpSampling1D(3),
    "global_max_pooling1d": L.GlobalMaxPooling1D,
    "global_max_pooling2d_keepdims": lambda: L.GlobalMaxPooling2D(keepdims=True),
    "global_average_pooling1d": L.GlobalAveragePooling1D,
    "max_pooling1d_same": lambda: L.MaxPooling1D(3, strides=2, padding="same"),
    "average_pooling1d": lambda: L.AveragePooling1D(2),
    "conv1d_same_stride": lambda: L.Conv1D(4, 3, strides=2, padding="same", activation="relu"),
    "conv1d_causal_dilated": lambda: L.Conv1D(2, 3, padding="causal", dilation_rate=2),
    "conv1d_groups": lambda: L.Conv1D(4, 2, groups=2),
    "conv1d_transpose_same": lambda: L.Conv1DTranspose(3, 3, strides=2, padding="same"),
    "conv1d_transpose_valid": lambda: L.Conv1DTranspose(2, 4, strides=3),
    "conv1d_transpose_output_padding": lambda: L.Conv1DTranspose(2, 3, strides=2, output_padding=1),
    "separable_conv1d": lambda: L.SeparableConv1D(5, 3, depth_multiplier=2, padding="same"),
    "time_distributed_dense": lambda: L.TimeDistributed(L.Dense(3)),
    "time_distributed_conv": lambda: L.TimeDistributed(L.Conv2D(2, 2)),
    "bidirectional_lstm_concat": lambda: L.Bidirectional(L.LSTM(3, return_sequences=True)),
    "bidirectional_gru_sum": lambda: L.Bidirectional(L.GRU(3), merge_mode="sum"),
    "einsum_dense": lambda: L.EinsumDense("ab,bc->ac", output_shape=4, bias_axes="c"),
    "einsum_dense_3d": lambda: L.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de"),
    "mha_self": lambda: L.MultiHeadAttention(num_heads=2, key_dim=3),
    "mha_cross_mask": lambda: L.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=4, output_shape=7),
    "mha_causal_scores": lambda: L.MultiHeadAttention(num_heads=2, key_dim=4, use_bias=False),
    "attention_dot": L.Attention,
    "attention_scale_masks": lambda: L.Attention(use_scale=True),
    "attention_concat_causal": lambda: L.Attention(score_mode="concat", use_scale=True),
    "additive_attention": L.AdditiveAttention,
    "identity": L.Identity,
    "permute": lambda: L.Permute((2, 1)),
    "repeat_vector": lambda: L.RepeatVector(3),
    "unit_normalization": lambda: L.UnitNormalization(axis=[1, 2]),
    "group_normalization": lambda: L.GroupNormalization(groups=3),
    "rms_normalization": L.RMSNormalization,
    "center_crop": lambda: L.CenterCrop(3, 4),
    "center_crop_resize": lambda: L.CenterCrop(5, 5),
    "global_average_pooling3d": L.GlobalAveragePooling3D,
    "global_max_pooling3d_keepdims": lambda: L.GlobalMaxPooling3D(keepdims=True),
    "zero_padding3d": lambda: L.ZeroPadding3D(((1, 0), (0, 2), (1, 1))),
    "cropping3d": lambda: L.Cropping3D(((1, 0), (1, 1), (0, 2))),
    "upsampling3d": lambda: L.UpSampling3D((2, 1, 3)),
    "depthwise_conv1d": lambda: L.DepthwiseConv1D(3, depth_multiplier=2, padding="same"),
    "dot_vectors": lambda: L.Dot(axes=1),
    "dot_sequences_normalize": lambda: L.Dot(axes=(2, 2), normalize=True),
    "simple_rnn": lambda: L.SimpleRNN(4, return_sequences=True),
}
LIST_INPUT = {"attention_dot", "attention_scale_masks", "attention_concat_causal", "additive_attention",
              "dot_vectors", "dot_sequences_normalize"}


def case_arrays(name: str, prefix: str) -> list:
    """The arrays `<name>/<prefix>0`, `<name>/<prefix>1`, ... in order."""
    start = len(name) + len(prefix) + 1
    keys = [k for k in ARRAYS.files if k.startswith(f"{name}/{prefix}") and k[start:].isdigit()]
    return [ARRAYS[k] for k in sorted(keys, key=lambda k: int(k[start:]))]


def call_kwargs(name: str) -> dict:
    kwargs = dict(META[name]["kwargs"])
    for key in ARRAYS.files:
        if key.startswith(f"{name}/kw_"):
            arg = key[len(name) + 4:]
            if arg[-1].isdigit():  # a list argument (Attention's mask=[query_mask, value_mask])
                kwargs.setdefault(arg.rstrip("0123456789"), []).append(ARRAYS[key])
            else:
                kwargs[arg] = ARRAYS[key]
    return kwargs


def test_every_case_has_a_factory():
    assert sorted(FACTORIES) == sorted(n for n in META if not n.startswith("normalization_adapt"))


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_layer_equals_keras3(name):
    tl.keras.backend.clear_session()
    layer = FACTORIES[name]()
    xs, weights, expected = case_arrays(name, "x"), case_arrays(name, "w"), case_arrays(name, "y")
    args = [xs] if name in LIST_INPUT else xs
    kwargs = call_kwargs(name)
    layer(*args, **kwargs)
    assert len(layer.weights) == len(weights), f"{name}: {[v.name for v in layer.weights]} vs {META[name]['weights']}"
    layer.set_weights(weights)
    for ours, theirs in zip(layer.weights, META[name]["weights"]):  # same weights, named as Keras names them
        assert ours.name.split("/")[-1] == theirs.split("/")[-1], (ours.name, theirs)
    assert layer.count_params() == META[name]["count_params"]
    out = layer(*args, **kwargs)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    assert len(outs) == len(expected)
    for got, want in zip(outs, expected):
        np.testing.assert_allclose(got.numpy(), want, rtol=2e-5, atol=2e-5, err_msg=name)


@pytest.mark.parametrize("name,make", [("normalization_adapt", lambda: L.Normalization()),
                                       ("normalization_adapt_none", lambda: L.Normalization(axis=None)),
                                       ("normalization_adapt_axis", lambda: L.Normalization(axis=(1, 2)))])
def test_normalization_adapt_equals_keras3(name, make):
    layer = make()
    layer.adapt(ARRAYS[f"{name}/data"])
    for got, want in zip(layer.get_weights(), case_arrays(name, "w"), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer(ARRAYS[f"{name}/x0"]).numpy(), ARRAYS[f"{name}/y0"], rtol=1e-5, atol=1e-5)
    # the same statistics from batches of a tl.data pipeline
    batched = make()
    batched.adapt(tl.data.Dataset.from_tensor_slices(ARRAYS[f"{name}/data"]).batch(3))
    for got, want in zip(batched.get_weights(), layer.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
