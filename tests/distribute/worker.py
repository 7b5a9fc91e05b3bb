"""One training process for the tl.distribute tests: a small CNN (no batch norm: replicas normalize
with their own shard's statistics) fit on fixed random data, weights written to --out (.npz).

    python3 -m tests.distribute.worker --strategy {none,mirrored,mpi,xla} --out w.npz [--backup DIR]
        [--kill-at-epoch E]   (worker 1 kills itself at the start of epoch E: a dead worker)
        [--hang-at-epoch E]   (worker 1 stops answering at epoch E: the others time out)

Run under mpirun for --strategy mpi (each rank writes --out with its rank appended)."""
from __future__ import annotations

import argparse
import contextlib
import os
import signal
import time

import numpy as np

import tensorlite as tl

EPOCHS, BATCH = 4, 16


def data():
    r = np.random.default_rng(0)
    return r.standard_normal((96, 8, 8, 1)).astype(np.float32), r.integers(0, 10, 96).astype(np.int32)


def build():
    layers = tl.keras.layers
    return tl.keras.Sequential([
        layers.Input(shape=(8, 8, 1)),
        layers.Conv2D(4, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(10),
        layers.Softmax(),
    ])


class _FailAt(tl.keras.callbacks.Callback):
    def __init__(self, epoch: int, strategy, hang: bool):
        self.epoch, self.strategy, self.hang = epoch, strategy, hang

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch and self.strategy.worker_index == 1:
            if self.hang:
                time.sleep(3600)
            os.kill(os.getpid(), signal.SIGKILL)


def strategy_named(name: str, timeout: float = 20.0):
    if name == "mirrored":
        return tl.distribute.MirroredStrategy(num_replicas=2)
    if name == "mpi":
        return tl.distribute.MultiWorkerMirroredStrategy(timeout=timeout)
    if name == "xla":
        return tl.distribute.XLAStrategy()
    return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--strategy", default="none", choices=["none", "mirrored", "mpi", "xla"])
    parser.add_argument("--out", required=True)
    parser.add_argument("--backup")
    parser.add_argument("--kill-at-epoch", type=int)
    parser.add_argument("--hang-at-epoch", type=int)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--eager", action="store_true")
    args = parser.parse_args(argv)
    strategy = strategy_named(args.strategy, args.timeout)
    tl.random.set_seed(0)
    with strategy.scope() if strategy else contextlib.nullcontext():
        model = build()
        model.compile(optimizer=tl.keras.optimizers.Adam(learning_rate=1e-2), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"], run_eagerly=args.eager)
    callbacks = []
    if args.backup:
        callbacks.append(tl.keras.callbacks.BackupAndRestore(args.backup))
    if args.kill_at_epoch is not None:
        callbacks.append(_FailAt(args.kill_at_epoch, strategy, hang=False))
    if args.hang_at_epoch is not None:
        callbacks.append(_FailAt(args.hang_at_epoch, strategy, hang=True))
    x, y = data()
    history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, callbacks=callbacks, verbose=0)
    rank = strategy.worker_index if strategy else 0
    out = args.out if args.strategy != "mpi" else f"{args.out}.{rank}.npz"
    np.savez(out, *[w.numpy() for w in model.weights], epochs_run=len(history.history["loss"]),
             loss=np.asarray(history.history["loss"]))
    print(f"worker {rank}: ran {len(history.history['loss'])} epochs", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
