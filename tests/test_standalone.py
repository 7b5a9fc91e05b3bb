"""The repository stands alone: no tracked file points outside it, a fresh clone of HEAD runs the
conformance suite on its own test data, and the repository paths README.md and docs/ name exist."""
import os
import pathlib
import re
import shutil
import subprocess
import sys

from tests.conftest import skip_or_fail
from tests.paths import REPO

# Where the project's notes and models used to live, outside the repository. Built from pieces so
# that this file does not match itself.
OUTSIDE = ("../" + "shared", "/work/" + "shared", "shared/" + "models")


def _git(*args: str, cwd: pathlib.Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)


def _require_checkout() -> None:
    if shutil.which("git") is None:
        skip_or_fail("git is not installed")
    top = _git("rev-parse", "--show-toplevel")
    if top.returncode != 0 or pathlib.Path(top.stdout.strip()).resolve() != REPO:
        skip_or_fail(f"{REPO} is not a git checkout (an unpacked sdist?): {top.stderr.strip()}")


def test_no_tracked_file_points_outside_the_repository():
    _require_checkout()
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    names = [os.fsdecode(n) for n in listed.split(b"\0") if n]
    assert len(names) > 100, f"git ls-files listed only {len(names)} files"
    found = []
    for name in names:
        path = REPO / name
        if path.is_symlink():
            lines = [os.readlink(path)]
        elif path.is_file():
            data = path.read_bytes()
            if b"\0" in data:  # binary: models, goldens, archives
                continue
            lines = data.decode("utf-8", errors="replace").splitlines()
        else:  # deleted in the working tree, or a submodule
            continue
        for number, line in enumerate(lines, 1):
            if any(s in line for s in OUTSIDE):
                found.append(f"{name}:{number}: {line.strip()[:120]}")
    assert not found, "tracked files refer to paths outside the repository:\n" + "\n".join(found)


def test_a_clone_of_head_runs_the_conformance_suite(tmp_path):
    _require_checkout()
    head = _git("rev-parse", "HEAD").stdout.strip()
    clone = tmp_path / "clone"
    for cmd, cwd in ((("clone", "--quiet", "--no-checkout", str(REPO), str(clone)), tmp_path),
                     (("-c", "advice.detachedHead=false", "checkout", "--quiet", head), clone)):
        done = _git(*cmd, cwd=cwd)
        assert done.returncode == 0, f"git {' '.join(cmd)}: {done.stderr}"

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["TENSORLITE_STRICT"] = "1"
    run = subprocess.run([sys.executable, "-c", RUN_IN_CLONE, "-q", "-p", "no:cacheprovider", "tests/conformance"],
                         cwd=clone, env=env, capture_output=True, text=True, timeout=600)
    output = run.stdout + run.stderr
    assert run.returncode == 0, f"conformance failed in a clone of HEAD:\n{output[-4000:]}"
    lines = output.strip().splitlines()
    used = lines[-1].removeprefix("tests.paths: ")
    assert pathlib.Path(used).resolve() == (clone / "tests" / "paths.py").resolve(), lines[-1]
    summary = lines[-2]
    assert re.search(r"\b[1-9]\d* passed\b", summary), summary
    assert "skipped" not in summary and "xfail" not in summary and "xpass" not in summary, summary


# `python3 -m pytest ARGS` in the clone, but with the installed tensorlite (this checkout's editable
# install) imported first, so that the clone's tensorlite/ folder does not shadow part of it. The
# clone contributes the test code and data: its root goes on sys.path for the tests package, and
# the last line says which tests/paths.py (where the data is found) the run used.
RUN_IN_CLONE = """
import os, sys
sys.path[:] = [p for p in sys.path if p not in ("", os.getcwd())]
import pytest
import tensorlite
code = pytest.main(sys.argv[1:])
print("tests.paths:", getattr(sys.modules.get("tests.paths"), "__file__", None))
sys.exit(code)
"""


# Backticked tokens starting with one of these folders are read as repository paths.
TOP_LEVEL = ("training/", "converter/", "quantize/", "runtimes/", "tests/", "tools/", "bench/", "scripts/",
             "docs/", "tensorlite/")
# Planned parts the docs describe before they exist (DESIGN.md "Layout"); serving/ and tfx/ are not
# among TOP_LEVEL, so they need no entry. Remove an entry once its folder exists.
PLANNED = ("runtimes/wasm", "runtimes/gpu")
FENCED = re.compile(r"^```.*?^```", re.S | re.M)
INLINE_CODE = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _documents() -> list[pathlib.Path]:
    docs = sorted((REPO / "docs").glob("*.md"))
    assert len(docs) >= 2, "docs/DESIGN.md and docs/STYLE.md are missing"
    return [REPO / "README.md", *docs]


def _named_paths(text: str) -> list[str]:
    paths = []
    for token in INLINE_CODE.findall(text):
        token = token.strip()
        if not token.startswith(TOP_LEVEL) or any(c in token for c in " *?<{[") or "..." in token:
            continue
        token = re.sub(r":\d+(-\d+)?$", "", token.rstrip(".,;:)"))
        if not any(token == p or token.startswith(p + "/") for p in PLANNED):
            paths.append(token)
    return paths


def test_paths_named_in_the_docs_exist():
    missing, checked = [], 0
    for doc in _documents():
        text = FENCED.sub("", doc.read_text())
        for token in _named_paths(text):
            checked += 1
            if not (REPO / token).exists():
                missing.append(f"{doc.relative_to(REPO)}: `{token}`")
        for target in LINK.findall(text):
            if target.startswith("#") or re.match(r"[a-z][a-z0-9+.-]*:", target):
                continue  # an anchor, or a URL
            checked += 1
            if not (doc.parent / target.split("#")[0]).exists():
                missing.append(f"{doc.relative_to(REPO)}: link ({target})")
    assert checked > 50, f"only {checked} paths found: is the pattern still right?"
    assert not missing, "named paths that do not exist:\n" + "\n".join(missing)


def test_the_path_pattern():
    text = ("`training/ops/conv.py`, `runtimes/c/src/planner.c:12`, `tests/conformance`. `training/ops/<op>.py` "
            "`make -C runtimes/c` `runtimes/gpu/kernels/conv_2d.cl` `tl.lite.Interpreter` `serving/` `bench/*.py` "
            "`quantize/rules.py`")
    assert _named_paths(text) == ["training/ops/conv.py", "runtimes/c/src/planner.c", "tests/conformance",
                                  "quantize/rules.py"]
