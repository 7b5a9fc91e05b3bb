"""tl.distribute throughput: fit samples/s with 1 and 2 MPI workers, and the all-reduce bandwidth.

    python3 bench/bench_distribute.py [--epochs 3] [--global-batch 64] [--json out.json]

Starts `mpirun -np N --oversubscribe --allow-run-as-root` on itself for N = 1 and 2. Each run trains
bench_training's "wide" CNN (graph mode, Adam) on the 1,437 digits images under
MultiWorkerMirroredStrategy with the same global batch (split over the workers), and times
fit (samples/s: images of the global batches per second). Then the 2 workers sum float32 buffers
of 64 KiB to 16 MiB with the strategy's all-reduce (one MPI Iallreduce, the call fit makes per step),
min of 5 after a warm-up; bandwidth is buffer bytes / time. Both workers share this machine's cores,
so 2 workers cannot be faster than 1 here: the numbers show the cost of the collective and the split.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SIZES = [1 << 16, 1 << 20, 1 << 22, 1 << 24]  # bytes


def worker(epochs: int, global_batch: int, out: str) -> None:
    import tensorlite as tl

    sys.path.insert(0, HERE)
    import bench_training
    from tensorlite.tools import pipeline

    strategy = tl.distribute.MultiWorkerMirroredStrategy(timeout=120)
    (x, y), _ = pipeline.digits_arrays()
    tl.random.set_seed(0)
    with strategy.scope():
        model = bench_training.build_wide_cnn()
        model.compile(optimizer=tl.keras.optimizers.Adam(learning_rate=pipeline.LEARNING_RATE),
                      loss="sparse_categorical_crossentropy")
    model.fit(x[:global_batch], y[:global_batch], batch_size=global_batch, epochs=1, verbose=0)  # traces
    strategy._barrier()
    start = time.perf_counter()
    model.fit(x, y, batch_size=global_batch, epochs=epochs, verbose=0)
    strategy._barrier()
    seconds = time.perf_counter() - start
    result = {"workers": strategy.num_workers, "samples_per_s": len(x) * epochs / seconds, "seconds": seconds}
    if strategy.num_workers > 1:
        bandwidth = {}
        for size in SIZES:
            buf = np.ones(size // 4, np.float32)
            strategy._all_sum([buf])
            times = []
            for _ in range(5):
                strategy._barrier()
                t = time.perf_counter()
                strategy._all_sum([buf])
                times.append(time.perf_counter() - t)
            bandwidth[size] = {"seconds": min(times), "gb_per_s": size / min(times) / 1e9}
        result["allreduce"] = bandwidth
    if strategy.is_chief:
        with open(out, "w") as f:
            json.dump(result, f)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--global-batch", type=int, default=64)
    parser.add_argument("--json", metavar="PATH", help="also write the numbers as JSON")
    parser.add_argument("--worker-out", help=argparse.SUPPRESS)  # set when mpirun starts this file
    args = parser.parse_args(argv)
    if args.worker_out:
        worker(args.epochs, args.global_batch, args.worker_out)
        return 0
    results = {}
    for n in (1, 2):
        out = f"/tmp/bench_distribute_{os.getpid()}_{n}.json"
        cmd = ["mpirun", "-np", str(n), "--oversubscribe", "--allow-run-as-root", sys.executable, __file__,
               "--epochs", str(args.epochs), "--global-batch", str(args.global_batch), "--worker-out", out]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
        if r.returncode != 0:
            print(r.stdout[-2000:], r.stderr[-4000:], file=sys.stderr)
            return 1
        with open(out) as f:
            results[n] = json.load(f)
        os.remove(out)
    print(f"wide CNN, MultiWorkerMirroredStrategy, global batch {args.global_batch}, {args.epochs} epochs, "
          f"{os.cpu_count()} cores shared by the workers")
    for n, r in results.items():
        print(f"{n} worker{'s' if n > 1 else ' '}  {r['samples_per_s']:>8.0f} samples/s  ({r['seconds']:.2f} s)")
    print("all-reduce (2 workers, float32 sum, min of 5):")
    for size, b in results[2]["allreduce"].items():
        print(f"  {int(size) / 1024:>8.0f} KiB  {b['seconds'] * 1e3:>8.3f} ms  {b['gb_per_s']:>6.2f} GB/s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"settings": vars(args), "results": results}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
