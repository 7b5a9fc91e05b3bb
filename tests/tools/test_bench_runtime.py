"""bench/bench_runtime.py end to end on one small model: the tables carry numbers (latency, arena,
callgrind instruction counts) for tensorlite and the three LiteRT resolvers, and the 2-thread table. No
timing is asserted."""
import importlib.util
import pathlib
import re
import shutil
import subprocess
import sys

from tests.conftest import skip_or_fail

REPO = pathlib.Path(__file__).resolve().parents[2]
BENCH = REPO / "bench" / "bench_runtime.py"
NUMBER = r"[0-9][0-9,]*(?:\.[0-9]+)?"


def test_bench_runtime_quick_table_has_numbers(tmp_path):
    for module, package in (("ai_edge_litert", "ai-edge-litert"), ("tflite_micro", "tflite-micro")):
        if importlib.util.find_spec(module) is None:
            skip_or_fail(f"{module} is not installed (pip install -e '.[dev]' installs {package})")
    if shutil.which("valgrind") is None:
        skip_or_fail("valgrind is not installed (bash bootstrap.sh installs it)")
    r = subprocess.run([sys.executable, str(BENCH), "--quick", "--models", "hello_world_int8",
                        "--threads", "1,2", "--build", str(tmp_path / "build"), "--json", str(tmp_path / "r.json")],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    rows = [line for line in r.stdout.splitlines() if line.startswith("| `hello_world_int8`")]
    assert len(rows) == 3, r.stdout  # latency/arena table, 2-thread table and instruction table
    latency = [c.strip() for c in rows[0].strip("|").split("|")][1:]
    threads = [c.strip() for c in rows[1].strip("|").split("|")][1:]
    instructions = [c.strip() for c in rows[2].strip("|").split("|")][1:]
    assert all(re.fullmatch(NUMBER, c) for c in threads), rows[1]
    assert all(re.fullmatch(NUMBER, c) for c in latency), rows[0]
    assert all(re.fullmatch(NUMBER, c) for c in instructions), rows[1]
    assert latency[8] == "1,504"  # TFLM's arena as INDEX.md records it
    assert int(instructions[0].replace(",", "")) > 1000  # three FULLY_CONNECTED nodes, not an empty count
    assert (tmp_path / "r.json").exists()
