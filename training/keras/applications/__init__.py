"""`tl.keras.applications`: Keras's model architectures, built layer for layer with Keras's layer
names, so parameter counts and weight lists match Keras 3 (`weights=None`, or a weights file;
ImageNet weights are not downloaded)."""
from . import mobilenet_v2 as mobilenet_v2
from . import mobilenet_v3 as mobilenet_v3
from .mobilenet_v2 import MobileNetV2 as MobileNetV2
from .mobilenet_v3 import MobileNetV3Large as MobileNetV3Large
from .mobilenet_v3 import MobileNetV3Small as MobileNetV3Small
