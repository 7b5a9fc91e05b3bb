"""The command line behaves: error texts show shapes as [1, 28, 28, 1] and name the file, the
missing-lowering hint names the real decorator."""
import re
import sys

import numpy as np
import pytest
from tensorlite.tools import cli
from tensorlite.training.shape_text import shape_text

import tensorlite as tl
from tests.paths import CORPUS
from tests.tools.test_convert_cli import UsesErf

PERSON = str(CORPUS / "person_detect.tflite")            # input int8 [1, 96, 96, 1]


def _one_line_error(err: str, prefix: str) -> str:
    assert err.startswith(prefix) and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


# ---- 6. shapes as [1, 28, 28, 1], the file by its name --------------------------------------------

def test_shape_text():
    assert shape_text((1, 28, 28, 1)) == "[1, 28, 28, 1]"
    assert shape_text(np.array([1, 96, 96, 1], np.int32)) == "[1, 96, 96, 1]"
    assert shape_text(tuple(np.array([2, 3]))) == "[2, 3]"         # NumPy integers, not np.int64(2)
    assert shape_text([None, 4]) == "[None, 4]" and shape_text(()) == "[]"


def _no_numpy_repr(text: str) -> str:
    assert "np.int" not in text and "array(" not in text and "dtype=" not in text, text
    return text


def test_interpreter_errors_show_plain_shapes():
    it = tl.lite.Interpreter(model_path=PERSON)
    it.allocate_tensors()
    index = it.get_input_details()[0]["index"]
    with pytest.raises(ValueError) as e:
        it.set_tensor(index, np.zeros((1, 2), np.int8))
    assert "Got [1, 2] but expected [1, 96, 96, 1]" in _no_numpy_repr(str(e.value))
    with pytest.raises(NotImplementedError) as e:
        it.resize_tensor_input(index, np.array([2, 96, 96, 1]))
    assert "has shape [1, 96, 96, 1], asked [2, 96, 96, 1]" in _no_numpy_repr(str(e.value))


def test_writer_error_shows_plain_shapes():
    from tensorlite.converter.model import Model, Subgraph, Tensor
    from tensorlite.converter.writer import write
    t = Tensor("w", "float32", (3, 2), data=np.zeros((2, 3), np.float32))
    with pytest.raises(ValueError) as e:
        write(Model([Subgraph("g", [t], [], [], [])]))
    assert "data shape [2, 3] differs from its shape [3, 2]" in _no_numpy_repr(str(e.value))


def test_interpreter_names_its_source():
    with pytest.raises(ValueError, match=r"^<model_content>: "):
        tl.lite.Interpreter(model_content=b"garbage")
    with pytest.raises(ValueError, match=r"^bad\.tflite: "):
        tl.lite.Interpreter(model_content=b"garbage", source="bad.tflite")


# ---- 7. the missing-lowering hint -----------------------------------------------------------------

def test_missing_lowering_hint_names_the_real_decorator(tmp_path, capsys):
    tl.saved_model.save(UsesErf(), str(tmp_path / "sm"))
    assert cli.main(["convert", str(tmp_path / "sm"), "-o", str(tmp_path / "m.tflite"), "--quiet"]) == 2
    err = _one_line_error(capsys.readouterr().err, "tensorlite convert: error: ")
    name = re.search(r"Add one with @(\w+)\.lower in its card", err).group(1)
    from tensorlite.training.ops.registry import OPS
    cards = [m for m in sys.modules.values() if getattr(m, "__name__", "").startswith("tensorlite.training.ops.")]
    assert any(getattr(m, name, None) is OPS["erf"] for m in cards) and callable(OPS["erf"].lower)
