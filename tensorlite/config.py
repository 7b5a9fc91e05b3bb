"""`tl.config`: graph optimizer options (TensorFlow's tf.config.optimizer names) and devices."""
from types import SimpleNamespace

from tensorlite.training.devices import DEVICES as _DEVICES
from tensorlite.training.graph.passes import get_experimental_options, set_experimental_options

optimizer = SimpleNamespace(set_experimental_options=set_experimental_options,
                            get_experimental_options=get_experimental_options)


def list_physical_devices(device_type: str | None = None) -> list[str]:
    """Device names this process can place ops on now (e.g. ["cpu", "xla"]), optionally of one type."""
    return [name for name, dev in _DEVICES.items()
            if (device_type is None or name == device_type.lower()) and dev.available()[0]]
