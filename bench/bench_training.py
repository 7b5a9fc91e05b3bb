"""Training throughput: tensorlite's `fit()` against PyTorch on the CPU, side by side in one run.

    pip install -e '.[bench]'      # PyTorch, for this benchmark only
    python3 bench/bench_training.py [--epochs 12] [--batch-size 32] [--models digits,wide] [--json out.json]

Both train two CNNs on the same 1,437 digits images with the same batch size, optimizer (Adam,
lr 1e-2, eps 1e-7) and epochs, feeding arrays shuffled every epoch: the main job's digits CNN
(tools/pipeline.py: conv-BN-ReLU-pool twice, dense, softmax; BatchNormalization's moving averages
keep 0.9 of the old value, eps 1e-3) and "wide", a CNN without normalization and with more
channels (conv 32 + bias + ReLU twice, max pool, conv 64 + ReLU, global average pool, dense).
The clock covers the whole training call: tensorlite's `model.fit(x, y, ...)` and PyTorch's loop
(shuffle, batch, forward, backward, step). Thread counts are left at each library's default and
printed. Samples/second is images per second of training. Rows: tensorlite eager
(`run_eagerly=True`), graph mode (fit's default, a traced train step run by the NumPy executor),
the same step compiled whole by XLA (`with tl.device("xla")`, when JAX is installed; its
compilations, one per batch shape, are inside the clock, from an empty compilation cache), the same
again for a new model whose compiled programs come from JAX's persistent cache ("cached": what a
second process gets), PyTorch. The /pytorch column is
samples/s over PyTorch's: above 1, tensorlite is faster.

One run's test accuracy (360 images) moves by a few images with the seed, so `--accuracy-seeds N` also trains
tensorlite's graph mode and PyTorch N times each (seeds 0..N-1, outside the throughput table) and prints the mean,
standard deviation and median of their test accuracies: the "same test accuracy" comparison.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

import numpy as np
from tensorlite.tools import pipeline


def build_wide_cnn():
    """The second CNN: more channels and work per image than the digits CNN, no normalization."""
    import tensorlite as tl

    layers = tl.keras.layers
    return tl.keras.Sequential([
        layers.Input(shape=(8, 8, 1)),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, padding="same", activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(10),
        layers.Softmax(),
    ])


def torch_model(name: str):
    from torch import nn

    if name == "digits":
        def bn(c):  # the CNN's BatchNormalization(momentum=0.9) in PyTorch's terms
            return nn.BatchNorm2d(c, eps=1e-3, momentum=0.1)
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1, bias=False), bn(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1, bias=False), bn(32), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(2 * 2 * 32, 10))
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))


BUILDERS = {"digits": lambda: pipeline.build_digits_cnn(), "wide": build_wide_cnn}


def bench_tensorlite(data, epochs: int, batch_size: int, seed: int, run_eagerly: bool = False,
                     device: str = "cpu", model_name: str = "digits") -> dict:
    import tensorlite as tl

    (x, y), (x_test, y_test) = data
    tl.random.set_seed(seed)
    model = BUILDERS[model_name]()
    model.compile(optimizer=tl.keras.optimizers.Adam(learning_rate=pipeline.LEARNING_RATE),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"], run_eagerly=run_eagerly)
    start = time.perf_counter()
    with tl.device(device):
        model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=True, verbose=0)
    seconds = time.perf_counter() - start
    probs = np.asarray(model.predict(x_test, batch_size=256, verbose=0))
    return {"seconds": seconds, "test_accuracy": float(np.mean(probs.argmax(-1) == y_test)),
            "weights": pipeline.count_weights(model), "threads": _numpy_threads()}


def bench_torch(data, epochs: int, batch_size: int, seed: int, model_name: str = "digits") -> dict:
    import torch
    from torch import nn

    (x, y), (x_test, y_test) = data
    torch.manual_seed(seed)
    model = torch_model(model_name)
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


def _pin_threads(n: int) -> None:
    import torch
    from tensorlite.training import blas
    torch.set_num_threads(n)
    if not blas.set_threads(n):
        print("bench_training: NumPy's BLAS is not OpenBLAS; its thread count is left alone", file=sys.stderr)
    os.environ["OPENBLAS_NUM_THREADS"] = str(n)  # what the threads column reports
    if n == 1:  # read when JAX starts its CPU client (not started yet: XLA is first used below)
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                                   " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1").strip()


def _numpy_threads() -> str:
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        if os.environ.get(var):
            return f"{var}={os.environ[var]}"
    return f"BLAS default ({os.cpu_count()} cores)"


def tl_xla_available() -> bool:
    from tensorlite.training.devices import xla
    return xla.available()[0]


def _accuracy_over_seeds(data, args, model_name: str) -> dict:
    accs = {"tl graph": [], "pytorch": []}
    for seed in range(args.accuracy_seeds):
        accs["tl graph"].append(bench_tensorlite(data, args.epochs, args.batch_size, seed,
                                                 model_name=model_name)["test_accuracy"])
        accs["pytorch"].append(bench_torch(data, args.epochs, args.batch_size, seed,
                                           model_name=model_name)["test_accuracy"])
    print(f"{model_name} CNN, test accuracy over seeds 0..{args.accuracy_seeds - 1}")
    print(f"{'framework':<15} {'mean':>7} {'std':>7} {'median':>7} {'min':>7}")
    for name, a in accs.items():
        print(f"{name:<15} {np.mean(a):>7.4f} {np.std(a):>7.4f} {np.median(a):>7.4f} {np.min(a):>7.4f}")
    print()
    return accs


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=pipeline.EPOCHS)
    parser.add_argument("--batch-size", type=int, default=pipeline.BATCH_SIZE)
    parser.add_argument("--seed", type=int, default=pipeline.SEED)
    parser.add_argument("--models", default="digits,wide", help="comma-separated: digits, wide")
    parser.add_argument("--skip-eager", action="store_true", help="leave out the (slow) eager rows")
    parser.add_argument("--threads", type=int, help="pin every library to N threads (BLAS, PyTorch, XLA's CPU "
                        "client when N is 1); default: each library's own choice")
    parser.add_argument("--accuracy-seeds", type=int, default=0, metavar="N",
                        help="also compare test accuracy over N seeds (graph mode and PyTorch)")
    parser.add_argument("--json", metavar="PATH", help="also write the numbers as JSON")
    args = parser.parse_args(argv)
    try:
        import torch  # noqa: F401
    except ImportError:
        print("bench_training: PyTorch is not installed; run: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    if args.threads:
        _pin_threads(args.threads)
    data = pipeline.digits_arrays()
    n = len(data[0][0]) * args.epochs
    cache = tempfile.TemporaryDirectory(prefix="bench-xla-cache-")  # XLA starts cold: nothing compiled before
    os.environ["TENSORLITE_XLA_CACHE"] = cache.name
    everything = {}
    for model_name in args.models.split(","):
        if model_name not in BUILDERS:
            parser.error(f"--models: unknown model {model_name!r} (known: {', '.join(BUILDERS)})")
        runs = [("tl eager", lambda *a, m=model_name: bench_tensorlite(*a, run_eagerly=True, model_name=m)),
                ("tl graph", lambda *a, m=model_name: bench_tensorlite(*a, model_name=m))]
        if tl_xla_available():
            # first with an empty compilation cache (XLA compiles inside the clock), then a new model of the
            # same shapes, whose programs come from the persistent cache (a later process's case)
            runs.append(("tl xla", lambda *a, m=model_name: bench_tensorlite(*a, device="xla", model_name=m)))
            runs.append(("tl xla, cached", lambda *a, m=model_name: bench_tensorlite(*a, device="xla", model_name=m)))
        runs.append(("pytorch", lambda *a, m=model_name: bench_torch(*a, model_name=m)))
        results = {}
        for name, fn in runs:
            if name == "tl eager" and args.skip_eager:
                continue
            r = fn(data, args.epochs, args.batch_size, args.seed)
            r["samples_per_s"] = n / r["seconds"]
            results[name] = r
        torch_rate = results["pytorch"]["samples_per_s"]
        print(f"{model_name} CNN, {len(data[0][0])} images x {args.epochs} epochs, batch {args.batch_size}, CPU")
        print(f"{'framework':<15} {'samples/s':>10} {'fit (s)':>8} {'test acc':>9} {'weights':>8} "
              f"{'/pytorch':>9}  threads")
        for name, r in results.items():
            r["ratio_to_pytorch"] = r["samples_per_s"] / torch_rate
            print(f"{name:<15} {r['samples_per_s']:>10.0f} {r['seconds']:>8.2f} {r['test_accuracy']:>9.4f} "
                  f"{r['weights']:>8} {r['ratio_to_pytorch']:>9.3f}  {r['threads']}")
        if "tl eager" in results:
            print(f"ratio tensorlite graph / eager (samples/s): "
                  f"{results['tl graph']['samples_per_s'] / results['tl eager']['samples_per_s']:.3f}")
        print()
        everything[model_name] = results
        if args.accuracy_seeds:
            everything[model_name]["accuracy_over_seeds"] = _accuracy_over_seeds(data, args, model_name)
    if args.json:
        tmp = f"{args.json}.tmp"
        with open(tmp, "w") as f:
            json.dump({"settings": vars(args), "results": everything}, f, indent=2)
        os.replace(tmp, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
