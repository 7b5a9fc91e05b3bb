"""bench/bench_serving.py end to end, shortened (one connection count, one 1-second round, no MobileNetV2, 300
requests in process): wrk drives both the baseline and tensorlite serve, and the table carries numbers and no
errors. No timing is asserted."""
import importlib.util
import json
import pathlib
import shutil
import subprocess
import sys

from tests.conftest import skip_or_fail

REPO = pathlib.Path(__file__).resolve().parents[2]
BENCH = REPO / "bench" / "bench_serving.py"


def test_bench_serving_runs_both_servers(tmp_path):
    if shutil.which("wrk") is None:
        skip_or_fail("wrk is not installed (bash bootstrap.sh installs it)")
    for module in ("uvicorn", "uvloop", "httptools", "orjson", "ai_edge_litert"):
        if importlib.util.find_spec(module) is None:
            skip_or_fail(f"{module} is not installed (pip install -e '.[dev]')")
    out = tmp_path / "r.json"
    r = subprocess.run([sys.executable, str(BENCH), "--connections", "4", "--seconds", "1", "--rounds", "1",
                        "--no-mobilenet", "--in-process", "300", "--json", str(out)],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    rows = json.loads(out.read_text())["tiny"]
    assert {row["server"] for row in rows} == {"uvicorn + LiteRT (baseline)", "tensorlite serve"}
    for row in rows:
        assert row["rps"] > 0 and row["p99_ms"] > 0 and row["cpu_us"] > 0, row
        assert row["non2xx"] == 0 and row["socket_errors"] == 0, row
    assert sum(line.startswith("| tiny model:") for line in r.stdout.splitlines()) >= 2
    results = json.loads(out.read_text())
    (ratios,) = results["tiny_ratios"]  # tensorlite / baseline of the one round's back-to-back runs
    ours, base = ({row["server"]: row for row in rows}[k] for k in ("tensorlite serve", "uvicorn + LiteRT (baseline)"))
    assert ratios["connections"] == 4 and ratios["rps"] == ours["rps"] / base["rps"], (ratios, rows)
    assert ratios["cpu_us"] == ours["cpu_us"] / base["cpu_us"]
    assert len(results["load_average"]) == 2 and "1-minute load average" in r.stdout
    in_process = results["in_process_cpu_us"]  # both servers' Python path without sockets
    assert set(in_process) == {"uvicorn + LiteRT (baseline)", "tensorlite serve"}
    assert all(0 < us < 10_000 for us in in_process.values()), in_process
