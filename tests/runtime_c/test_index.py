"""tests/runtime_c/README.md, the index of where each builtin is tested, stays true: it has one row for every
builtin of runtimes/c/src/builtin_ops.def and every custom code of custom_ops.def, and each test file it names
exists here and mentions the builtin of its row (op_coverage.py holds the cases test_op_coverage.py compares
with LiteRT's reference kernels)."""
import pathlib
import re

from .cbuild import RUNTIME

HERE = pathlib.Path(__file__).parent


def test_readme_indexes_every_builtin_and_existing_files():
    readme = (HERE / "README.md").read_text()
    rows = re.findall(r"^\| (\w+) \| (.+) \|$", readme, re.M)
    names = [name for name, _ in rows if name != "builtin"]
    builtins = re.findall(r"^X\(\d+, (\w+), \w+\)", (RUNTIME / "src" / "builtin_ops.def").read_text(), re.M)
    custom = re.findall(r'^X\("(\w+)", \w+\)', (RUNTIME / "src" / "custom_ops.def").read_text(), re.M)
    assert builtins and custom
    assert len(names) == len(set(names)), f"rows repeated: {sorted({n for n in names if names.count(n) > 1})}"
    registered = set(builtins) | set(custom)
    assert set(names) == registered, (f"README.md lacks rows for {sorted(registered - set(names))}; has rows for "
                                      f"builtins the runtime does not register: {sorted(set(names) - registered)}")
    named = set(re.findall(r"(?<![\w/])(?:test_\w+|op_coverage)\.py", readme))
    missing = sorted(f for f in named if not (HERE / f).exists())
    assert not missing, f"README.md names test files that do not exist: {missing}"
    for name, files in rows:
        for f in re.findall(r"(?:test_\w+|op_coverage)\.py", files):   # op_coverage.py: test_op_coverage.py's cases
            assert re.search(rf"\b{name}\b", (HERE / f).read_text()), f"README.md: {f} never mentions {name}"
