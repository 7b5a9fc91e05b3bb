"""runtimes/c/src/builtin_ops.def and custom_ops.def, the kernel files and each kernel's registration agree."""
import re

from .cbuild import RUNTIME


def _snake(code: str) -> str:
    """SignalFilterBankLog -> signal_filter_bank_log; SignalPCAN -> signal_pcan (acronyms stay one word)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", code).lower()


def test_builtin_table_matches_kernel_files():
    rows = re.findall(r"^X\((\d+), (\w+), (\w+)\)", (RUNTIME / "src" / "builtin_ops.def").read_text(), re.M)
    custom = re.findall(r'^X\("(\w+)", (\w+)\)', (RUNTIME / "src" / "custom_ops.def").read_text(), re.M)
    assert rows and custom
    stems = {stem for _, _, stem in rows} | {stem for _, stem in custom}
    assert len(stems) == len(rows) + len(custom), "a kernel file is registered twice"
    files = {p.stem for p in (RUNTIME / "kernels").glob("*.c")}
    assert stems == files, f"table lines without a file: {sorted(stems - files)}; files without a line: " \
        f"{sorted(files - stems)}"
    for code, name, stem in rows:
        assert stem == name.lower(), f"{name}: kernel file must be named {name.lower()}.c"
        src = (RUNTIME / "kernels" / f"{stem}.c").read_text()
        m = re.search(rf"const tl_kernel tl_kernel_{stem} = \{{(\d+), \"(\w+)\"", src)
        assert m and m.group(1) == code and m.group(2) == name, f"{stem}.c registers {m.groups() if m else None}"
    for code, stem in custom:  # CUSTOM (32) kernels, named by their custom code
        assert stem == _snake(code), f"{code}: kernel file must be named {_snake(code)}.c"
        src = (RUNTIME / "kernels" / f"{stem}.c").read_text()
        m = re.search(rf"const tl_kernel tl_kernel_{stem} = \{{\s*(\d+), \"(\w+)\"", src)
        assert m and m.group(1) == "32" and m.group(2) == code, f"{stem}.c registers {m.groups() if m else None}"
