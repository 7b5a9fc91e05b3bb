"""Training throughput: tensorlite's `fit()` against PyTorch on the CPU, side by side in one run.

    pip install -e '.[bench]'      # PyTorch, for this benchmark only
    python3 bench/bench_training.py [--epochs 12] [--batch-size 32] [--json out.json]

Both train the main job's digits CNN (tools/pipeline.py: conv-BN-ReLU-pool twice, dense,
softmax) on the same 1,437 images with the same batch size, optimizer (Adam, lr 1e-2, eps 1e-7),
BatchNormalization settings (moving averages keep 0.9 of the old value, eps 1e-3) and epochs, feeding
arrays shuffled every epoch. The clock covers the whole training call: tensorlite's
`model.fit(x, y, ...)` and PyTorch's loop (shuffle, batch, forward, backward, step). Thread
counts are left at each library's default and printed. Samples/second is images per second of
training. Rows: tensorlite eager (`run_eagerly=True`), graph mode (fit's default, a traced train
step run by the NumPy executor), the same graph compiled by XLA (`with tl.device("xla")`, when JAX
is installed), PyTorch. Ratios: above 1, the first is faster.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
from tensorlite.tools import pipeline


def bench_tensorlite(data, epochs: int, batch_size: int, seed: int, run_eagerly: bool = False,
                     device: str = "cpu") -> dict:
    import tensorlite as tl

    (x, y), (x_test, y_test) = data
    tl.random.set_seed(seed)
    model = pipeline.build_digits_cnn()
    model.compile(optimizer=tl.keras.optimizers.Adam(learning_rate=pipeline.LEARNING_RATE),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"], run_eagerly=run_eagerly)
    start = time.perf_counter()
    with tl.device(device):
        model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0)
    seconds = time.perf_counter() - start
    probs = np.asarray(model.predict(x_test, batch_size=256, verbose=0))
    return {"seconds": seconds, "test_accuracy": float(np.mean(probs.argmax(-1) == y_test)),
            "weights": pipeline.count_weights(model), "threads": _numpy_threads()}


def bench_torch(data, epochs: int, batch_size: int, seed: int) -> dict:
    import torch
    from torch import nn

    (x, y), (x_test, y_test) = data
    torch.manual_seed(seed)

    def bn(c):  # the CNN's BatchNormalization(momentum=0.9) in PyTorch's terms
        return nn.BatchNorm2d(c, eps=1e-3, momentum=0.1)
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, bias=False), bn(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1, bias=False), bn(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(2 * 2 * 32, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=pipeline.LEARNING_RATE, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()  # softmax + sparse categorical cross-entropy, fused
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))  # NHWC -> NCHW
    yt = torch.from_numpy(y.astype(np.int64))
    order = torch.Generator().manual_seed(seed)
    model.train()
    start = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(len(xt), generator=order)
        for i in range(0, len(xt), batch_size):
            idx = perm[i:i + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(xt[idx]), yt[idx])
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - start
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(np.ascontiguousarray(x_test.transpose(0, 3, 1, 2))))
    weights = sum(p.numel() for p in model.parameters()) + sum(b.numel() for b in model.buffers()
                                                               if b.dtype.is_floating_point)
    return {"seconds": seconds, "test_accuracy": float((logits.argmax(-1).numpy() == y_test).mean()),
            "weights": int(weights), "threads": torch.get_num_threads(),
            "version": torch.__version__}


def _numpy_threads() -> str:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(var):
            return f"{var}={os.environ[var]}"
    return f"BLAS default ({os.cpu_count()} cores)"


def tl_xla_available() -> bool:
    from tensorlite.training.devices import xla
    return xla.available()[0]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=pipeline.EPOCHS)
    parser.add_argument("--batch-size", type=int, default=pipeline.BATCH_SIZE)
    parser.add_argument("--seed", type=int, default=pipeline.SEED)
    parser.add_argument("--json", metavar="PATH", help="also write the numbers as JSON")
    args = parser.parse_args(argv)
    try:
        import torch  # noqa: F401
    except ImportError:
        print("bench_training: PyTorch is not installed; run: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    data = pipeline.digits_arrays()
    n = len(data[0][0]) * args.epochs
    results = {}
    runs = [("tl eager", lambda *a: bench_tensorlite(*a, run_eagerly=True)), ("tl graph", bench_tensorlite)]
    if tl_xla_available():
        runs.append(("tl xla", lambda *a: bench_tensorlite(*a, device="xla")))
    runs.append(("pytorch", bench_torch))
    for name, fn in runs:
        r = fn(data, args.epochs, args.batch_size, args.seed)
        r["samples_per_s"] = n / r["seconds"]
        results[name] = r
    ratio = results["tl graph"]["samples_per_s"] / results["pytorch"]["samples_per_s"]
    speedup = results["tl graph"]["samples_per_s"] / results["tl eager"]["samples_per_s"]
    print(f"digits CNN, {len(data[0][0])} images x {args.epochs} epochs, batch {args.batch_size}, CPU")
    print(f"{'framework':<12} {'samples/s':>10} {'fit (s)':>8} {'test acc':>9} {'weights':>8}  threads")
    for name, r in results.items():
        print(f"{name:<12} {r['samples_per_s']:>10.0f} {r['seconds']:>8.2f} {r['test_accuracy']:>9.4f} "
              f"{r['weights']:>8}  {r['threads']}")
    print(f"ratio tensorlite graph / pytorch (samples/s): {ratio:.3f}")
    print(f"ratio tensorlite graph / eager (samples/s): {speedup:.3f}")
    if "tl xla" in results:
        print(f"ratio tensorlite xla / pytorch (samples/s): "
              f"{results['tl xla']['samples_per_s'] / results['pytorch']['samples_per_s']:.3f}")
    if args.json:
        tmp = f"{args.json}.tmp"
        with open(tmp, "w") as f:
            json.dump({"settings": vars(args), "results": results, "ratio": ratio, "graph_speedup": speedup}, f,
                      indent=2)
        os.replace(tmp, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
