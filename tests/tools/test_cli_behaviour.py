"""The command line behaves: --version, files written with the user's umask (and whole or not at all),
bad numbers and bad files are one line on stderr with exit code 2, error texts show shapes as
[1, 28, 28, 1] and name the file, the missing-lowering hint names the real decorator, and the
pipeline's table fits a 100-column terminal."""
import importlib.metadata
import os
import re
import stat
import subprocess
import sys

import numpy as np
import pytest
from tensorlite.tools import argtypes, cli
from tensorlite.training.files import atomic_directory, atomic_write_bytes
from tensorlite.training.shape_text import shape_text

import tensorlite as tl
from tests.paths import CORPUS
from tests.tools.test_convert_cli import Affine, UsesErf

HELLO = str(CORPUS / "hello_world_int8.tflite")          # input int8 [1, 1]
PERSON = str(CORPUS / "person_detect.tflite")            # input int8 [1, 96, 96, 1]


def _tensorlite(*args, env=None):
    return subprocess.run([sys.executable, "-m", "tensorlite", *args], capture_output=True, text=True,
                          env=env, timeout=300)


def _one_line_error(err: str, prefix: str) -> str:
    assert err.startswith(prefix) and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


# ---- 1. --version ---------------------------------------------------------------------------------

def test_version_flag_and_attribute():
    installed = importlib.metadata.version("tensorlite")
    assert tl.__version__ == installed
    done = _tensorlite("--version")
    assert done.returncode == 0 and done.stdout == f"tensorlite {installed}\n" and done.stderr == ""


def test_version_falls_back_to_pyproject(monkeypatch):
    """From a source tree that is not installed, the version is pyproject.toml's (the installed one here)."""
    installed = importlib.metadata.version("tensorlite")

    def not_installed(name):
        raise importlib.metadata.PackageNotFoundError(name)
    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    assert tl._version() == installed


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


# ---- 3. bad numbers -------------------------------------------------------------------------------

BAD_NUMBERS = [
    ["bench", HELLO, "--runs", "0"], ["bench", HELLO, "--runs", "-5"], ["bench", HELLO, "--runs", "ten"],
    ["bench", HELLO, "--runs", "1.5"], ["bench", HELLO, "--seed", "-1"], ["bench", HELLO, "--threads", "0"],
    ["pipeline", "--epochs", "0"], ["pipeline", "--epochs", "-2"], ["pipeline", "--batch-size", "0"],
    ["pipeline", "--seed", "-1"], ["pipeline", "--seed", "x"],
    ["serve", "--rest_api_port", "-1"], ["serve", "--rest_api_num_threads", "two"],
    ["serve", "--file_system_poll_wait_seconds", "-0.5"], ["serve", "--graceful_shutdown_seconds", "soon"],
]


@pytest.mark.parametrize("argv", BAD_NUMBERS, ids=" ".join)
def test_bad_numbers_are_one_line_and_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as e:
        cli.main(argv)
    assert e.value.code == 2
    captured = capsys.readouterr()
    err = _one_line_error(captured.err, f"tensorlite {argv[0]}: error: argument {argv[-2]}: ")
    assert repr(argv[-1]) in err and captured.out == ""


def test_good_numbers_still_parse():
    args = cli.build_parser().parse_args(["bench", HELLO, "--runs", "1", "--seed", "0"])
    assert (args.runs, args.seed) == (1, 0)


def test_every_numeric_option_is_checked():
    """A tripwire: an option added with a bare type=int or type=float would take 0 and negatives."""
    commands = next(a for a in cli.build_parser()._actions if a.dest == "command").choices
    checked = set()
    for name, sub in commands.items():
        for action in sub._actions:
            assert action.type not in (int, float), f"tensorlite {name} {action.option_strings}: use tools/argtypes"
            if action.type in (argtypes.positive_int, argtypes.non_negative_int, argtypes.non_negative_float):
                checked.add(f"{name} {action.option_strings[0]}")
    assert {f"{argv[0]} {argv[-2]}" for argv in BAD_NUMBERS} == checked


def test_bench_runs_0_from_the_shell():
    done = _tensorlite("bench", HELLO, "--runs", "0")
    assert done.returncode == 2 and done.stdout == ""
    _one_line_error(done.stderr, "tensorlite bench: error: argument --runs: '0' is not a whole number >= 1")


# ---- 4. codegen --input ---------------------------------------------------------------------------

def test_codegen_input_of_the_wrong_size(tmp_path, capsys):
    (tmp_path / "in.bin").write_bytes(bytes(100))
    assert cli.main(["codegen", PERSON, "-o", str(tmp_path / "gen"), "--input", str(tmp_path / "in.bin")]) == 2
    err = _one_line_error(capsys.readouterr().err, "tensorlite codegen: error: ")
    assert "in.bin holds 100 bytes; the model expects 9,216 bytes (int8 [1, 96, 96, 1]) per sample" in err
    assert not (tmp_path / "gen").exists()


def test_codegen_input_of_the_right_size(tmp_path):
    (tmp_path / "in.bin").write_bytes(b"\x07")
    assert cli.main(["codegen", HELLO, "-o", str(tmp_path / "gen"), "--input", str(tmp_path / "in.bin")]) == 0
    text = (tmp_path / "gen" / "input_data.c").read_text()
    assert "0x07," in text and "g_input_len = 1u;" in text


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
    with pytest.raises(ValueError) as e:   # person_detect's batch is fixed (shape_signature 1), a NumPy shape asked
        it.resize_tensor_input(index, np.array([2, 96, 96, 1]), strict=True)
    assert "dimension 0 of tensor 88 is fixed at 1 in its shape_signature, asked 2" in _no_numpy_repr(str(e.value))


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


@pytest.mark.parametrize("command", ["bench", "codegen"])
def test_cli_errors_name_the_file(tmp_path, command, capsys):
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"garbage, not a model")
    argv = [command, str(bad)] + (["-o", str(tmp_path / "gen")] if command == "codegen" else [])
    assert cli.main(argv) == 2
    err = _one_line_error(capsys.readouterr().err, f"tensorlite {command}: ")
    assert f"{bad}: " in err and "<model_content>" not in err and err.count(str(bad)) == 1


# ---- 7. the missing-lowering hint -----------------------------------------------------------------

def test_missing_lowering_hint_names_the_real_decorator(tmp_path, capsys):
    tl.saved_model.save(UsesErf(), str(tmp_path / "sm"))
    assert cli.main(["convert", str(tmp_path / "sm"), "-o", str(tmp_path / "m.tflite"), "--quiet"]) == 2
    err = _one_line_error(capsys.readouterr().err, "tensorlite convert: error: ")
    name = re.search(r"Add one with @(\w+)\.lower in its card", err).group(1)
    from tensorlite.training.ops.registry import OPS
    cards = [m for m in sys.modules.values() if getattr(m, "__name__", "").startswith("tensorlite.training.ops.")]
    assert any(getattr(m, name, None) is OPS["erf"] for m in cards) and callable(OPS["erf"].lower)


# ---- 8. the pipeline's table in 100 columns -------------------------------------------------------

def test_pipeline_table_fits_100_columns(tmp_path):
    done = _tensorlite("pipeline", "--epochs", "1", "--output-dir", str(tmp_path),
                       env={**os.environ, "COLUMNS": "100"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100, done.stdout
    assert "…" not in done.stdout                     # no cell cut short to fit
    for measurement in ("test accuracy", "model bytes", "max |p - p_keras|"):
        assert any(line.startswith(f"│ {measurement} ") for line in lines), done.stdout
