"""Benchmarks: scripts run from a checkout (`python3 bench/bench_<name>.py`), never installed. Each prints a
table side by side with its anchor, measured in one run."""
