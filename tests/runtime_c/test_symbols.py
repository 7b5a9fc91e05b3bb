"""src/ and kernels/ use no malloc/free and hold no mutable static state (checked on the object
files): several interpreters can live side by side, each in its own arena. Tables of pointers
sit in .data.rel.ro (read-only after relocation), which is allowed."""
import shutil
import subprocess

from tests.conftest import skip_or_fail

from .cbuild import make

FORBIDDEN_CALLS = {"malloc", "calloc", "realloc", "free", "aligned_alloc", "posix_memalign"}
WRITABLE = (".data", ".bss", "COM")


def test_no_heap_and_no_writable_statics(tmp_path):
    for tool in ("nm", "objdump"):
        if shutil.which(tool) is None:
            skip_or_fail(f"{tool} (binutils) is not installed")
    out = make(tmp_path)
    objects = sorted((out / "src").glob("*.o")) + sorted((out / "kernels").rglob("*.o"))
    assert len(objects) >= 10
    for obj in objects:
        undefined = subprocess.run(["nm", "-u", str(obj)], capture_output=True, text=True, check=True).stdout.split()
        assert not FORBIDDEN_CALLS & set(undefined), f"{obj.name} calls {sorted(FORBIDDEN_CALLS & set(undefined))}"
        table = subprocess.run(["objdump", "-t", str(obj)], capture_output=True, text=True, check=True).stdout
        for line in table.splitlines():
            fields = line.split()
            if len(fields) >= 5 and " O " in line:  # data objects
                section = next(f for f in fields if f.startswith((".", "*")) or f == "COM")
                writable = section in WRITABLE or section.startswith((".data.", ".bss."))
                if section.startswith(".data.rel.ro"):
                    writable = False
                assert not writable, f"{obj.name}: writable static {line.strip()}"
