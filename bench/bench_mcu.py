"""What tensorlite's runtime costs on a Cortex-M4 (runtimes/c/ports/cortex-m, arm-none-eabi-gcc -O2):
per model, the firmware's code size (arm-none-eabi-size), the runtime + kernels part of it with
only the model's kernels linked and with all of them, and the arena the model needs on the M4
(32-bit pointers; Cortex-M builds keep weights in flash: pack_weights 0), beside the arena on this
host with the reference kernels (64-bit pointers) and TFLite Micro's on this host (the installed
tflite_micro's RecordingMicroAllocator, as bench/bench_runtime.py measures it).

    python3 bench/bench_mcu.py [--models hello_world_int8 person_detect ...] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

from tensorlite.tools import mcu

CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "data", "tflm")
DEFAULT = ["hello_world_int8", "magic_wand", "micro_speech_quantized", "mnist_lstm_int8", "keyword_scrambled_8bit",
           "person_detect"]


def host_arenas(path: str) -> tuple[int, int | None]:
    """Ours on this host (reference kernels) and TFLM's (None when it cannot run the model)."""
    from tensorlite.runtime import Interpreter, OpResolverType
    it = Interpreter(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    code = ("import sys\nfrom tflite_micro import runtime\n"
            "runtime.Interpreter.from_file(sys.argv[1], arena_size=64 << 20).print_allocations()\n")
    r = subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True, timeout=300)
    m = re.search(r"Arena allocation total (\d+) bytes", r.stdout + r.stderr)
    return it.arena_bytes_used(), int(m.group(1)) if m else None


def measure(name: str) -> dict:
    path = os.path.join(CORPUS, name + ".tflite")
    with tempfile.TemporaryDirectory() as work:
        elf = mcu.build_firmware(path, b"", work, "model")
        size = subprocess.run(["arm-none-eabi-size", elf], capture_output=True, text=True, check=True).stdout
        text, data, bss = (int(v) for v in size.splitlines()[1].split()[:3])
        run = mcu.run_elf(elf)
        own = mcu.runtime_bytes(elf)
        every = mcu.runtime_bytes(mcu.build_firmware(path, b"", work, "all"))
    host, tflm = host_arenas(path)
    return {"model": name, "model bytes": os.path.getsize(path), "firmware text": text, "firmware data": data,
            "runtime+kernels text (model's kernels)": own["text"], "runtime+kernels text (all kernels)": every["text"],
            "arena bytes": run["arena"], "arena bytes (x86_64 host)": host,
            "TFLM arena bytes (x86_64 host)": tflm if tflm is not None else "-"}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--models", nargs="+", default=DEFAULT)
    p.add_argument("--json")
    args = p.parse_args(argv)
    missing = mcu.missing_tools()
    if missing:
        print(f"bench_mcu: missing {', '.join(missing)} (bash bootstrap.sh installs them)", file=sys.stderr)
        return 2
    rows = [measure(m) for m in args.models]
    cols = list(rows[0])
    print("| " + " | ".join(cols) + " |")
    print("| " + " | ".join(["---"] + ["---:"] * (len(cols) - 1)) + " |")
    for r in rows:
        print("| " + " | ".join(f"{v:,}" if isinstance(v, int) else str(v) for v in r.values()) + " |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
