"""Build and run tensorlite's Cortex-M firmware (runtimes/c/ports/cortex-m) for one model under
QEMU, and measure what the runtime adds to a firmware. Used by tests/runtime_c/test_cortex_m.py
and bench/bench_mcu.py.

    result = run_firmware("model.tflite", input_bytes, work_dir)   # {"outputs": [bytes...], "arena": n}
"""
from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
from contextlib import contextmanager

# The firmware is built from the C runtime's sources, which live in a checkout of the repository (an editable
# install, `pip install -e .`); a wheel carries only the compiled binding.
PORT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "runtimes", "c", "ports",
                    "cortex-m")
TOOLS = ("arm-none-eabi-gcc", "arm-none-eabi-size", "qemu-system-arm")


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


@contextmanager
def _port_lock():
    """One make at a time: the runtime's objects are shared by every firmware build."""
    if not os.path.isfile(os.path.join(PORT, "Makefile")):
        raise FileNotFoundError(f"the Cortex-M firmware is built from the C runtime's sources, not found at {PORT}: "
                                "install tensorlite from a checkout (git clone, then pip install -e .)")
    os.makedirs(os.path.join(PORT, "build"), exist_ok=True)
    with open(os.path.join(PORT, "build", ".lock"), "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)


def build_firmware(model_path: str, input_bytes: bytes, work_dir: str, ops: str = "model") -> str:
    """codegen + make; returns the firmware ELF path. Empty input_bytes: a firmware without an input."""
    from tensorlite.tools.codegen_cmd import generate
    gen = os.path.join(work_dir, "gen")
    input_path = None
    if input_bytes:
        input_path = os.path.join(work_dir, "input.bin")
        with open(input_path, "wb") as f:
            f.write(input_bytes)
    generate(model_path, gen, input_path=input_path)
    build = os.path.join(work_dir, f"fw-{ops}")
    with _port_lock():
        r = subprocess.run(["make", "-s", "-C", PORT, f"GEN={gen}", f"BUILD={build}", f"OPS={ops}"],
                           capture_output=True, text=True, timeout=900)
    if r.returncode:
        raise RuntimeError(f"firmware build failed:\n{r.stdout}\n{r.stderr}")
    return os.path.join(build, "firmware.elf")


def firmware_text_bytes(elf: str) -> int:
    """The firmware's code and constants (arm-none-eabi-size's text column): the model, runtime, kernels, libc."""
    out = subprocess.run(["arm-none-eabi-size", elf], capture_output=True, text=True, check=True).stdout
    return int(out.splitlines()[1].split()[0])


def run_elf(elf: str, timeout: float = 300) -> dict:
    """Runs the firmware under qemu-system-arm; parses its output (see ports/cortex-m/main.c)."""
    r = subprocess.run(["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none", "-serial", "none",
                        "-semihosting-config", "enable=on,target=native", "-kernel", elf],
                       capture_output=True, text=True, timeout=timeout)
    lines = [line.strip() for line in r.stderr.splitlines()]  # QEMU writes semihosting text to stderr
    if r.returncode != 0 or "done" not in lines:
        raise RuntimeError(f"firmware exited with {r.returncode}:\n{r.stdout}\n{r.stderr}")
    outputs, arena, current = [], None, None
    for line in lines:
        if line.startswith("arena "):
            arena = int(line.split()[1])
        elif line.startswith("output "):
            _, _, type_code, nbytes = line.split()
            current = bytearray()
            outputs.append((int(type_code), int(nbytes), current))
        elif line == "done":
            break
        elif current is not None:
            current.extend(bytes.fromhex(line))
    for _, nbytes, data in outputs:
        if len(data) != nbytes:
            raise RuntimeError(f"firmware printed {len(data)} of {nbytes} output bytes")
    return {"outputs": [bytes(d) for _, _, d in outputs], "types": [t for t, _, _ in outputs], "arena": arena}


def run_firmware(model_path: str, input_bytes: bytes, work_dir: str, ops: str = "model") -> dict:
    return run_elf(build_firmware(model_path, input_bytes, work_dir, ops))


_MAP_LINE = re.compile(r"^\s*(\.(?:text|rodata|data|bss)\S*)?\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S+)$")


def runtime_bytes(elf: str) -> dict:
    """Bytes of code+constants (text), initialized data and bss that the runtime and its kernels
    (libtensorlite.a members and the op table) occupy in the linked firmware, from the link map."""
    sizes = {"text": 0, "data": 0, "bss": 0}
    section = None
    with open(os.path.join(os.path.dirname(elf), "firmware.map")) as f:
        lines = f.read().split("Linker script and memory map", 1)[-1].splitlines()
    for line in lines:
        head = re.match(r"^ (\.(?:text|rodata|data|bss)\S*)\s*$", line)
        if head:                       # a long section name: its address, size and file follow
            section = head.group(1)
            continue
        m = _MAP_LINE.match(line)
        if not m:
            section = None
            continue
        name = m.group(1) or section
        section = None
        if name is None or int(m.group(3), 16) == 0:
            continue
        if "libtensorlite.a" in m.group(4) or m.group(4).endswith("op_table.o"):
            kind = "bss" if name.startswith(".bss") else "data" if name.startswith(".data") else "text"
            sizes[kind] += int(m.group(3), 16)
    return sizes
