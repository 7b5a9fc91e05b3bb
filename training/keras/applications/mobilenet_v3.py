"""MobileNetV3Small and MobileNetV3Large (Howard et al. 2019) as Keras 3 builds them: Rescaling to
[-1, 1] inside the model, expanded_conv_<i>_expand/_depthwise/_squeeze_excite_*/_project layers
with _bn, hard-swish and ReLU activations, a 1x1-convolution head (conv_2, logits, predictions).
Small at 224x224 with the top has 2,554,968 parameters, as in Keras 3.

Keras writes the squeeze-excite gate hard_sigmoid(x) = ReLU6(x + 3) / 6 with tensor arithmetic
between layers; tensorlite's functional models take layers only, so the + 3 and the / 6 are two
Rescaling layers (`<block>squeeze_excite_plus3`, `<block>squeeze_excite_div6`, no weights). Every
other layer, its name and its weights are Keras's."""
from __future__ import annotations

from .. import layers
from ..engine.model import Model
from .common import check_weights, correct_pad, finish, image_input, make_divisible


def _relu(x):
    return layers.ReLU()(x)


def _hard_swish(x):
    return layers.Activation("hard_swish")(x)


def _hard_sigmoid(x, prefix):
    x = layers.Rescaling(1.0, offset=3.0, name=f"{prefix}squeeze_excite_plus3")(x)
    x = layers.ReLU(6.0)(x)
    return layers.Rescaling(1.0 / 6.0, name=f"{prefix}squeeze_excite_div6")(x)


def _bn(name):
    return layers.BatchNormalization(epsilon=1e-3, momentum=0.999, name=name)


def _se_block(inputs, filters, se_ratio, prefix):
    x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(make_divisible(filters * se_ratio), 1, padding="same", name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, 1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
    x = _hard_sigmoid(x, prefix)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_res_block(x, expansion, filters, kernel_size, stride, se_ratio, activation, block_id):
    shortcut, prefix, infilters = x, "expanded_conv_", x.shape[-1]
    if block_id:
        prefix = f"expanded_conv_{block_id}_"
        x = layers.Conv2D(make_divisible(infilters * expansion), 1, padding="same", use_bias=False,
                          name=f"{prefix}expand")(x)
        x = _bn(f"{prefix}expand_bn")(x)
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(correct_pad(x.shape, kernel_size), name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, padding="same" if stride == 1 else "valid",
                               use_bias=False, name=f"{prefix}depthwise")(x)
    x = _bn(f"{prefix}depthwise_bn")(x)
    x = activation(x)
    if se_ratio:
        x = _se_block(x, make_divisible(infilters * expansion), se_ratio, prefix)
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=f"{prefix}project")(x)
    x = _bn(f"{prefix}project_bn")(x)
    if stride == 1 and infilters == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


# (expansion, filters, kernel ("k": 5, or 3 when minimalistic; or a fixed size), stride, squeeze-excite,
#  activation ("relu", or "act": hard-swish unless minimalistic)) per block
_SMALL = [(1, 16, 3, 2, True, "relu"), (72 / 16, 24, 3, 2, False, "relu"), (88 / 24, 24, 3, 1, False, "relu"),
          (4, 40, "k", 2, True, "act"), (6, 40, "k", 1, True, "act"), (6, 40, "k", 1, True, "act"),
          (3, 48, "k", 1, True, "act"), (3, 48, "k", 1, True, "act"), (6, 96, "k", 2, True, "act"),
          (6, 96, "k", 1, True, "act"), (6, 96, "k", 1, True, "act")]
_LARGE = [(1, 16, 3, 1, False, "relu"), (4, 24, 3, 2, False, "relu"), (3, 24, 3, 1, False, "relu"),
          (3, 40, "k", 2, True, "relu"), (3, 40, "k", 1, True, "relu"), (3, 40, "k", 1, True, "relu"),
          (6, 80, 3, 2, False, "act"), (2.5, 80, 3, 1, False, "act"), (2.3, 80, 3, 1, False, "act"),
          (2.3, 80, 3, 1, False, "act"), (6, 112, 3, 1, True, "act"), (6, 112, 3, 1, True, "act"),
          (6, 160, "k", 2, True, "act"), (6, 160, "k", 1, True, "act"), (6, 160, "k", 1, True, "act")]


def _mobilenet_v3(blocks, last_point_ch, input_shape, alpha, minimalistic, include_top, weights, input_tensor,
                  classes, pooling, dropout_rate, classifier_activation, include_preprocessing, name, what):
    weights = check_weights(weights, what)
    if pooling not in (None, "avg", "max"):
        raise ValueError(f"{what}: pooling must be None, 'avg' or 'max', got {pooling!r}")
    kernel, activation, se_ratio = (3, _relu, None) if minimalistic else (5, _hard_swish, 0.25)
    img_input = image_input(input_shape, input_tensor, 224, what)
    x = img_input
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, 3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = _bn("conv_bn")(x)
    x = activation(x)
    for block_id, (expansion, filters, k, stride, se, act) in enumerate(blocks):
        x = _inverted_res_block(x, expansion, make_divisible(filters * alpha), kernel if k == "k" else k, stride,
                                se_ratio if se else None, activation if act == "act" else _relu, block_id)
    last_conv_ch = make_divisible(x.shape[-1] * 6)
    if alpha > 1.0:
        last_point_ch = make_divisible(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, 1, padding="same", use_bias=False, name="conv_1")(x)
    x = _bn("conv_1_bn")(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, 1, padding="same", use_bias=True, name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, 1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        x = layers.Activation(classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        x = layers.GlobalMaxPooling2D(name="max_pool")(x)
    return finish(Model(img_input, x, name=name), weights)


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,  # noqa: N802
                     weights="imagenet", input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                     classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Small"):
    """`keras.applications.MobileNetV3Small`. Inputs are pixels in [0, 255] (the model rescales)."""
    return _mobilenet_v3(_SMALL, 1024, input_shape, alpha, minimalistic, include_top, weights, input_tensor, classes,
                         pooling, dropout_rate, classifier_activation, include_preprocessing, name, "MobileNetV3Small")


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,  # noqa: N802
                     weights="imagenet", input_tensor=None, classes=1000, pooling=None, dropout_rate=0.2,
                     classifier_activation="softmax", include_preprocessing=True, name="MobileNetV3Large"):
    """`keras.applications.MobileNetV3Large`."""
    return _mobilenet_v3(_LARGE, 1280, input_shape, alpha, minimalistic, include_top, weights, input_tensor, classes,
                         pooling, dropout_rate, classifier_activation, include_preprocessing, name, "MobileNetV3Large")


def preprocess_input(x, data_format=None):
    """The identity: MobileNetV3 models rescale their [0, 255] inputs themselves."""
    return x
