"""Pieces the application builders share: input checks, Keras's channel rounding and the
padding a stride-2 'valid' depthwise convolution gets (TensorFlow's SAME split, odd pixel last)."""
from __future__ import annotations


def make_divisible(v: float, divisor: int = 8, min_value: int | None = None) -> int:
    """v rounded to the nearest multiple of `divisor` (at least min_value), never more than 10% below v."""
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def correct_pad(shape, kernel_size: int) -> tuple:
    """((top, bottom), (left, right)) zero padding before a stride-2 'valid' convolution of an image
    of `shape` (batch, height, width, channels), matching what 'same' padding would give."""
    h, w = shape[1], shape[2]
    adjust = (1, 1) if h is None else (1 - h % 2, 1 - w % 2)
    correct = (kernel_size // 2, kernel_size // 2)
    return (correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1])


def image_input(input_shape, input_tensor, default_size: int, what: str):
    """The model's input: `input_tensor`, or an Input of `input_shape` (default square RGB)."""
    from ..engine.input_layer import Input
    from ..engine.keras_tensor import KerasTensor
    if input_tensor is not None:
        if not isinstance(input_tensor, KerasTensor):
            raise ValueError(f"{what}: input_tensor must be a tl.keras.Input (KerasTensor), "
                             f"got {type(input_tensor).__name__}")
        return input_tensor
    shape = (default_size, default_size, 3) if input_shape is None else tuple(input_shape)
    if len(shape) != 3:
        raise ValueError(f"{what}: input_shape must be (height, width, channels), got {shape}")
    if shape[0] is not None and (shape[0] < 32 or shape[1] < 32):
        raise ValueError(f"{what}: input sizes must be at least 32x32, got {shape}")
    return Input(shape)


def check_weights(weights, what: str):
    if weights == "imagenet":
        raise ValueError(f"{what}: ImageNet weights are not available (tensorlite does not download them); pass "
                         "weights=None, or the path of a weights file saved from this architecture")
    return weights


def finish(model, weights):
    if weights is not None:
        model.load_weights(weights)
    return model
