"""MobileNetV2 (Sandler et al. 2018) as Keras 3 builds it: layer names (Conv1, bn_Conv1,
block_<i>_expand/_depthwise/_project with _BN and _relu, expanded_conv_* for block 0, Conv_1,
out_relu, predictions), BatchNormalization(epsilon=1e-3, momentum=0.999), ReLU6 activations,
stride-2 depthwise convolutions after explicit zero padding. alpha 1.0 at 224x224 with the top has
3,538,984 parameters, as in Keras."""
from __future__ import annotations

from .. import layers
from ..engine.model import Model
from .common import check_weights, correct_pad, finish, image_input, make_divisible

_BLOCKS = [  # (filters, stride, expansion) of blocks 0..16
    (16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6), (64, 1, 6),
    (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6),
]


def _bn(name):
    return layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=name)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    in_channels = inputs.shape[-1]
    pointwise = make_divisible(int(filters * alpha), 8)
    x, prefix = inputs, f"block_{block_id}_"
    if block_id:
        x = layers.Conv2D(expansion * in_channels, 1, padding="same", use_bias=False, name=f"{prefix}expand")(x)
        x = _bn(f"{prefix}expand_BN")(x)
        x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(correct_pad(x.shape, 3), name=f"{prefix}pad")(x)
    x = layers.DepthwiseConv2D(3, strides=stride, use_bias=False, padding="same" if stride == 1 else "valid",
                               name=f"{prefix}depthwise")(x)
    x = _bn(f"{prefix}depthwise_BN")(x)
    x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(x)
    x = layers.Conv2D(pointwise, 1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _bn(f"{prefix}project_BN")(x)
    if in_channels == pointwise and stride == 1:
        return layers.Add(name=f"{prefix}add")([inputs, x])
    return x


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None,  # noqa: N802
                pooling=None, classes=1000, classifier_activation="softmax", name=None):
    """`keras.applications.MobileNetV2`. Inputs are images scaled to [-1, 1] (`preprocess_input`)."""
    weights = check_weights(weights, "MobileNetV2")
    if pooling not in (None, "avg", "max"):
        raise ValueError(f"MobileNetV2: pooling must be None, 'avg' or 'max', got {pooling!r}")
    img_input = image_input(input_shape, input_tensor, 224, "MobileNetV2")
    x = layers.Conv2D(make_divisible(32 * alpha, 8), 3, strides=(2, 2), padding="same", use_bias=False,
                      name="Conv1")(img_input)
    x = _bn("bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, expansion, stride, alpha, filters, block_id)
    last = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, 1, use_bias=False, name="Conv_1")(x)
    x = _bn("Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D()(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D()(x)
    rows = img_input.shape[1]
    model = Model(img_input, x, name=name or f"mobilenetv2_{alpha:0.2f}_{rows}")
    return finish(model, weights)


def preprocess_input(x, data_format=None):
    """Pixels in [0, 255] to [-1, 1] (Keras's "tf" mode)."""
    return x / 127.5 - 1.0
