"""Every public name of Keras 3's keras.layers (tests/data/keras3/layer_names.txt, listed from real
Keras 3 by scripts/make_keras3_expectations.py) is provided by tl.keras.layers or declared, with its
reason, in the one gap table (training/keras/layers/gaps.py), never both."""
import inspect

from tensorlite.training.keras.layers.gaps import GAPS

import tensorlite as tl
from tests.paths import DATA

KERAS_NAMES = [line.strip() for line in (DATA / "keras3" / "layer_names.txt").read_text().splitlines()
               if line.strip() and not line.startswith("#")]


def test_every_keras3_layer_name_is_provided_or_a_declared_gap():
    provided = set(dir(tl.keras.layers))
    missing = [n for n in KERAS_NAMES if n not in provided and n not in GAPS]
    assert not missing, f"Keras 3 layer names neither in tl.keras.layers nor in layers/gaps.py: {missing}"
    both = sorted(n for n in GAPS if n in provided)
    assert not both, f"provided by tl.keras.layers yet declared gaps (remove them from GAPS): {both}"
    stale = sorted(set(GAPS) - set(KERAS_NAMES))
    assert not stale, f"gaps that are no Keras 3 layer name: {stale}"
    assert all(isinstance(r, str) and len(r) > 20 for r in GAPS.values())


def test_provided_names_are_layers_or_functions():
    for name in KERAS_NAMES:
        if name in GAPS:
            continue
        obj = getattr(tl.keras.layers, name)
        assert inspect.isfunction(obj) or (inspect.isclass(obj) and issubclass(obj, tl.keras.layers.Layer)) \
            or name == "Input", name


def test_coverage():
    provided = [n for n in KERAS_NAMES if n not in GAPS]
    assert len(KERAS_NAMES) == 175 and len(provided) >= 100  # Keras 3.15's count; this tree's share
