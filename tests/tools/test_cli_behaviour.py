"""The command line behaves: files written with the user's umask (and whole or not at all), convert
to a folder that cannot take the file is one line and exit code 2, error texts show shapes as
[1, 28, 28, 1] and name the file, the missing-lowering hint names the real decorator."""
import os
import re
import stat
import sys

import numpy as np
import pytest
from tensorlite.tools import cli
from tensorlite.training.files import atomic_directory, atomic_write_bytes
from tensorlite.training.shape_text import shape_text

import tensorlite as tl
from tests.paths import CORPUS
from tests.tools.test_convert_cli import Affine, UsesErf

HELLO = str(CORPUS / "hello_world_int8.tflite")          # input int8 [1, 1]
PERSON = str(CORPUS / "person_detect.tflite")            # input int8 [1, 96, 96, 1]


def _one_line_error(err: str, prefix: str) -> str:
    assert err.startswith(prefix) and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


# ---- 2. the user's umask, whole files -------------------------------------------------------------

@pytest.fixture(params=[0o022, 0o077], ids=["umask022", "umask077"])
def umask(request):
    old = os.umask(request.param)
    yield request.param
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _assert_modes(root, mask):
    """root and everything under it: folders 0777 & ~umask, files 0666 & ~umask."""
    paths = [root] + [os.path.join(d, n) for d, dirs, files in os.walk(root) for n in dirs + files]
    for p in paths:
        want = (0o777 if os.path.isdir(p) else 0o666) & ~mask
        assert _mode(p) == want, (p, oct(_mode(p)), oct(want))


def test_atomic_writers_follow_the_umask(tmp_path, umask):
    atomic_write_bytes(str(tmp_path / "f.bin"), b"abc")
    with atomic_directory(str(tmp_path / "d")) as tmp:
        with open(os.path.join(tmp, "inside.txt"), "w") as f:
            f.write("x")
    assert (tmp_path / "f.bin").read_bytes() == b"abc" and (tmp_path / "d" / "inside.txt").read_text() == "x"
    _assert_modes(str(tmp_path / "d"), umask)
    assert _mode(tmp_path / "f.bin") == 0o666 & ~umask


def test_failed_writes_leave_nothing(tmp_path):
    with pytest.raises(TypeError):
        atomic_write_bytes(str(tmp_path / "f.bin"), "text, not bytes")
    with pytest.raises(RuntimeError, match="half way"):
        with atomic_directory(str(tmp_path / "d")) as tmp:
            open(os.path.join(tmp, "part"), "w").close()
            raise RuntimeError("half way")
    assert os.listdir(tmp_path) == []
    with pytest.raises(FileNotFoundError) as e:      # the error names the file asked for, not a temporary
        atomic_write_bytes(str(tmp_path / "no" / "f.bin"), b"")
    assert e.value.filename == str(tmp_path / "no" / "f.bin")


def test_saved_model_weights_and_cli_files_follow_the_umask(tmp_path, umask):
    tl.saved_model.save(Affine(), str(tmp_path / "sm"))
    _assert_modes(str(tmp_path / "sm"), umask)

    model = tl.keras.Sequential([tl.keras.layers.Input(shape=(3,)), tl.keras.layers.Dense(2)])
    model.save_weights(str(tmp_path / "w.tlw"))
    assert _mode(tmp_path / "w.tlw") == 0o666 & ~umask

    assert cli.main(["convert", str(tmp_path / "sm"), "-o", str(tmp_path / "m.tflite"), "--quiet"]) == 0
    assert _mode(tmp_path / "m.tflite") == 0o666 & ~umask

    assert cli.main(["codegen", HELLO, "-o", str(tmp_path / "gen")]) == 0
    _assert_modes(str(tmp_path / "gen"), umask)
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".")]


# ---- 5. convert -o a missing folder or a folder ---------------------------------------------------

@pytest.mark.parametrize("where", ["missing_folder", "a_folder"])
def test_convert_output_that_cannot_be(tmp_path, where, capsys):
    tl.saved_model.save(Affine(), str(tmp_path / "sm"))
    if where == "missing_folder":
        out, words = tmp_path / "nowhere" / "m.tflite", f"there is no folder {tmp_path / 'nowhere'}"
    else:
        out, words = tmp_path / "folder", f"{tmp_path / 'folder'} is a folder"
        out.mkdir()
    before = sorted(os.listdir(tmp_path))
    assert cli.main(["convert", str(tmp_path / "sm"), "-o", str(out), "--quiet"]) == 2
    err = _one_line_error(capsys.readouterr().err, "tensorlite convert: error: ")
    assert words in err and ".tmp" not in err
    assert sorted(os.listdir(tmp_path)) == before
    assert where == "missing_folder" or os.listdir(out) == []


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
