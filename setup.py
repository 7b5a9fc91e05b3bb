"""Packaging glue pyproject.toml cannot express: the top-level folders of DESIGN.md's layout map
onto `tensorlite.*` subpackages, and the C runtime's cffi extension is built by `pip install`."""
import os

from setuptools import setup

# import name -> folder in the repository (DESIGN.md "Layout")
ROOTS = {
    "tensorlite": "tensorlite",
    "tensorlite.training": "training",
    "tensorlite.converter": "converter",
    "tensorlite.quantize": "quantize",
    "tensorlite.tools": "tools",
    "tensorlite.tfx": "tfx",
    "tensorlite.runtime": "runtimes/c/binding",
    "tensorlite.serving": "serving",
}


def find_packages_mapped():
    packages, package_dir = [], {}
    for name, folder in ROOTS.items():
        if not os.path.isfile(os.path.join(folder, "__init__.py")):
            continue
        package_dir[name] = folder
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if not d.startswith((".", "_", "build"))]
            if "__init__.py" in filenames:
                rel = os.path.relpath(dirpath, folder)
                packages.append(name if rel == "." else name + "." + rel.replace(os.sep, "."))
    return packages, package_dir


packages, package_dir = find_packages_mapped()
ffi_builder = "runtimes/c/binding/build_ffi.py"

setup(
    packages=packages,
    package_dir=package_dir,
    package_data={"tensorlite.training": ["keras/datasets/*.csv.gz"]},
    include_package_data=True,
    cffi_modules=[ffi_builder + ":ffibuilder"] if os.path.exists(ffi_builder) else [],
)
