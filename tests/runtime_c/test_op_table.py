"""runtimes/c/src/builtin_ops.def, the kernel files and each kernel's registration agree."""
import re

from .cbuild import RUNTIME


def test_builtin_table_matches_kernel_files():
    rows = re.findall(r"^X\((\d+), (\w+), (\w+)\)", (RUNTIME / "src" / "builtin_ops.def").read_text(), re.M)
    assert rows
    stems = {stem for _, _, stem in rows}
    files = {p.stem for p in (RUNTIME / "kernels").glob("*.c")}
    assert stems == files, f"table lines without a file: {sorted(stems - files)}; files without a line: " \
        f"{sorted(files - stems)}"
    for code, name, stem in rows:
        assert stem == name.lower(), f"{name}: kernel file must be named {name.lower()}.c"
        src = (RUNTIME / "kernels" / f"{stem}.c").read_text()
        m = re.search(rf"const tl_kernel tl_kernel_{stem} = \{{(\d+), \"(\w+)\"", src)
        assert m and m.group(1) == code and m.group(2) == name, f"{stem}.c registers {m.groups() if m else None}"
