"""Graph mode: the Graph IR (ir.py), tracing by recording (trace.py), the executor (executor.py).
`tl.function` (training/function.py) ties them together."""
