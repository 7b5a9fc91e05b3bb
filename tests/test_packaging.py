"""The installed package stands on its own: a wheel built from the checkout, installed into an empty folder
and imported from elsewhere, holds no benchmark or model-making scripts, imports every module without the
checkout, and converts, quantizes and runs a model."""
import os
import pathlib
import subprocess
import sys
import zipfile

from tests.conftest import skip_or_fail
from tests.paths import REPO

SMOKE = """
import importlib, pkgutil, sys
import numpy as np
import tensorlite as tl
assert tl.__file__.startswith(sys.argv[1]), tl.__file__
for info in pkgutil.walk_packages(tl.__path__, "tensorlite."):
    if not info.name.endswith(("build_ffi", "__main__")):   # the cffi build script runs at install time only
        importlib.import_module(info.name)
model = tl.keras.Sequential([tl.keras.layers.Input(shape=(4,)), tl.keras.layers.Dense(3)])
c = tl.lite.Converter.from_keras_model(model)
c.optimizations = [tl.lite.Optimize.DEFAULT]
c.representative_dataset = lambda: ([np.ones((1, 4), np.float32) * k] for k in range(4))
it = tl.lite.Interpreter(model_content=c.convert())
it.allocate_tensors()
it.set_tensor(it.get_input_details()[0]["index"], np.ones((1, 4), np.float32))
it.invoke()
print("ok", it.get_tensor(it.get_output_details()[0]["index"]).shape)
"""


def test_wheel_installs_and_runs_without_the_checkout(tmp_path):
    wheels = tmp_path / "wheels"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)],
                           capture_output=True, text=True, timeout=900)
    if built.returncode:
        skip_or_fail(f"pip could not build the wheel (it needs setuptools, wheel and cffi from PyPI):\n"
                     f"{built.stderr[-2000:]}")
    wheel = next(wheels.glob("tensorlite-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    scripts = [p.stem for folder in ("bench", "scripts") for p in (REPO / folder).glob("*.py") if p.stem != "__init__"]
    assert scripts and not [n for n in names if pathlib.PurePath(n).stem in scripts], names
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)               # ahead of the editable install of the checkout
    done = subprocess.run([sys.executable, "-c", SMOKE, str(site)], cwd=away, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().splitlines()[-1] == "ok (1, 3)"
    assert {p.split("-")[0] for p in os.listdir(site)} == {"tensorlite", "bin"}   # the package and its command
