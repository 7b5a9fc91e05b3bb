"""`tl.config`: graph optimizer options (TensorFlow's tf.config.optimizer names) and devices."""
from collections import namedtuple
from types import SimpleNamespace

from tensorlite.training.devices import DEVICES as _DEVICES
from tensorlite.training.graph.passes import get_experimental_options, set_experimental_options

optimizer = SimpleNamespace(set_experimental_options=set_experimental_options,
                            get_experimental_options=get_experimental_options)

# tensorlite device -> TensorFlow's device type
_TF_TYPES = {"cpu": "CPU", "cuda": "GPU", "xla": "XLA", "tpu": "TPU"}


class PhysicalDevice(namedtuple("PhysicalDevice", ["name", "device_type"])):
    """TensorFlow's PhysicalDevice: `name` ("/physical_device:GPU:0") and `device_type` ("GPU").
    `device` is the tensorlite device name to place ops with (`tl.device(d.device)`); the object
    also equals that name, so code comparing with the names ("cpu" in ...) keeps working."""

    @property
    def device(self) -> str:
        return next(k for k, v in _TF_TYPES.items() if v == self.device_type)

    def __eq__(self, other):
        if isinstance(other, str):
            return other.lower() == self.device
        return tuple.__eq__(self, other)

    def __ne__(self, other):
        return not self == other

    __hash__ = tuple.__hash__


def list_physical_devices(device_type: str | None = None) -> list[PhysicalDevice]:
    """The devices this process can place ops on now, as TensorFlow lists them, optionally of one
    type: TensorFlow's ("CPU", "GPU", "TPU", "XLA") or tensorlite's ("cpu", "cuda", "xla", "tpu")."""
    want = None if device_type is None else device_type.upper()
    out = []
    for name, dev in _DEVICES.items():
        kind = _TF_TYPES[name]
        if want is not None and want not in (kind, name.upper()):
            continue
        if dev.available()[0]:
            out.append(PhysicalDevice(f"/physical_device:{kind}:0", kind))
    return out
