"""runtimes/c/src/builtin_ops.def and custom_ops.def agree with the schema and the kernel files: a builtin's
code and name are written once, in its builtin_ops.def line; kernels/<stem>.c defines tl_<stem>_prepare (the
entry point the op table names after the file) and repeats neither."""
import re

from tensorlite.converter.schema import BUILTIN_OPS

from .cbuild import RUNTIME


def _snake(code: str) -> str:
    """SignalFilterBankLog -> signal_filter_bank_log; SignalPCAN -> signal_pcan (acronyms stay one word);
    MaxUnpooling2D -> max_unpooling_2d (a number with its unit letter is one word)."""
    return "_".join(re.findall(r"\d+[A-Z]?(?![a-z])|[A-Z]+(?![a-z])|[A-Z]?[a-z]+", code)).lower()


def test_builtin_table_matches_kernel_files():
    rows = re.findall(r"^X\((\d+), (\w+), (\w+)\)", (RUNTIME / "src" / "builtin_ops.def").read_text(), re.M)
    custom = re.findall(r'^X\("(\w+)", (\w+)\)', (RUNTIME / "src" / "custom_ops.def").read_text(), re.M)
    assert rows and custom
    stems = {stem for _, _, stem in rows} | {stem for _, stem in custom}
    assert len(stems) == len(rows) + len(custom), "a kernel file is registered twice"
    files = {p.stem for p in (RUNTIME / "kernels").glob("*.c")}
    assert stems == files, f"table lines without a file: {sorted(stems - files)}; files without a line: " \
        f"{sorted(files - stems)}"
    names = [(name, stem) for _, name, stem in rows] + [(code, stem) for code, stem in custom]
    for code, name, stem in rows:
        assert BUILTIN_OPS.get(name) == int(code), f"{name}: the schema's code is {BUILTIN_OPS.get(name)}, not {code}"
        assert stem == name.lower(), f"{name}: kernel file must be named {name.lower()}.c"
    for code, stem in custom:  # CUSTOM (32) kernels, named by their custom code
        assert stem == _snake(code), f"{code}: kernel file must be named {_snake(code)}.c"
    for name, stem in names:
        src = (RUNTIME / "kernels" / f"{stem}.c").read_text()
        assert re.search(rf"^tl_status tl_{stem}_prepare\(tl_interpreter \*it, tl_node \*node\) \{{", src, re.M), \
            f"{stem}.c must define tl_{stem}_prepare"
        assert f'"{name}"' not in src, f"{stem}.c repeats its name; builtin_ops.def / custom_ops.def hold it"
