"""The main job: a pipeline of stages that ends in one results table.

    python3 -m tensorlite pipeline [--epochs N] [--batch-size B] [--seed S] [--json results.json]

Stages run in order over one shared `Run`. A stage reads what earlier stages left in
`run.artifacts` (the data, the trained model, later the .tflite file ...) and writes cells of the
results table with `run.results.set(row, column, value)`: one row per model artefact and the
engine that ran it, one column per measurement. Growing the job is appending to `STAGES`: a
convert stage adds a row for the .tflite model run by LiteRT, a quantize stage one for its int8
twin, each runtime a row with the same columns, so the table compares them side by side. It is
printed turned (models across, measurements down) to fit the terminal as measurements grow.

The digits CNN and its training recipe live here, so the test suite (tests/keras/
test_digits_cnn.py) and the benchmark (bench/bench_training.py) train exactly the main job's model.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tensorlite.training.files import atomic_write_bytes

from .argtypes import non_negative_int, positive_int

# The recipe: Adam at 1e-2 over a seeded, shuffled tl.data pipeline.
EPOCHS = 12
BATCH_SIZE = 32
LEARNING_RATE = 1e-2
SEED = 0
ROW_KERAS = "Keras float32"
ROW_LITERT = "LiteRT float32"
ROW_C = "C float32"
ROW_LITERT_INT8 = "LiteRT int8"
ROW_C_INT8 = "C int8"
ROW_MCU_INT8 = "Cortex-M4 int8"
CALIBRATION_IMAGES = 100   # training images the int8 model is calibrated on


def digits_arrays():
    """The digits split as the model wants it: float32 images in [0, 1], shape (n, 8, 8, 1), and
    int32 labels."""
    from tensorlite.training.keras.datasets import digits

    (x_train, y_train), (x_test, y_test) = digits.load_data()

    def images(x):
        return (x.astype(np.float32) / 16.0)[..., None]
    return (images(x_train), y_train.astype(np.int32)), (images(x_test), y_test.astype(np.int32))


def build_digits_cnn():
    """Conv-BN-ReLU-pool twice, then a dense softmax classifier: 6,234 weights (6,138 trainable).
    BatchNormalization uses momentum 0.9, not Keras's 0.99: a few hundred steps are too few for
    0.99's moving statistics to forget their initial values."""
    import tensorlite as tl

    layers = tl.keras.layers
    return tl.keras.Sequential([
        layers.Input(shape=(8, 8, 1)),
        layers.Conv2D(16, 3, padding="same", use_bias=False),
        layers.BatchNormalization(momentum=0.9),
        layers.ReLU(),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, padding="same", use_bias=False),
        layers.BatchNormalization(momentum=0.9),
        layers.ReLU(),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dense(10),
        layers.Softmax(),
    ])


def train_dataset(x, y, batch_size: int = BATCH_SIZE, seed: int = SEED):
    """A tl.data pipeline over the training arrays: reshuffled every epoch, batched, prefetched."""
    import tensorlite as tl

    return (tl.data.Dataset.from_tensor_slices((x, y))
            .shuffle(len(x), seed=seed)
            .batch(batch_size)
            .prefetch(tl.data.AUTOTUNE))


def train_digits_cnn(x, y, epochs: int = EPOCHS, batch_size: int = BATCH_SIZE, seed: int = SEED,
                     run_eagerly: bool = False):
    """Seeds tl.random, builds, compiles and fits the CNN (graph mode unless run_eagerly); returns
    (model, history)."""
    import tensorlite as tl

    tl.random.set_seed(seed)
    model = build_digits_cnn()
    model.compile(optimizer=tl.keras.optimizers.Adam(learning_rate=LEARNING_RATE),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"], run_eagerly=run_eagerly)
    history = model.fit(train_dataset(x, y, batch_size, seed), epochs=epochs, verbose=0)
    return model, history


def count_weights(model) -> int:
    return sum(int(np.prod(v.shape)) for v in model.weights)


@dataclass
class Results:
    """The results table: rows (model artefact + engine) by columns (measurements)."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)

    def set(self, row: str, column: str, value) -> None:
        self.rows.setdefault(row, {})[column] = value

    def columns(self) -> list[str]:
        seen: dict[str, None] = {}
        for cells in self.rows.values():
            seen.update(dict.fromkeys(cells))
        return list(seen)

    def render(self, file=None) -> None:
        """The table turned: one column per model, one line per measurement, as wide as the terminal
        allows (rich wraps the headers)."""
        from rich.console import Console
        from rich.table import Table

        table = Table(title="tensorlite pipeline: digits CNN (C: tensorlite's C runtime; Cortex-M4: its firmware "
                            "under QEMU)")
        table.add_column("measurement", no_wrap=True)
        for name in self.rows:
            table.add_column(name, justify="right")
        for c in self.columns():
            table.add_row(c, *(_fmt(cells.get(c)) for cells in self.rows.values()))
        Console(file=file or sys.stdout).print(table)


def _fmt(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


@dataclass
class Run:
    args: argparse.Namespace
    results: Results = field(default_factory=Results)
    artifacts: dict[str, Any] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)


def stage_load(run: Run) -> None:
    run.artifacts["digits"] = digits_arrays()


def stage_train(run: Run) -> None:
    (x, y), _ = run.artifacts["digits"]
    start = time.perf_counter()
    model, history = train_digits_cnn(x, y, run.args.epochs, run.args.batch_size, run.args.seed)
    seconds = time.perf_counter() - start
    run.artifacts["model"] = model
    run.results.set(ROW_KERAS, "weights", count_weights(model))
    run.results.set(ROW_KERAS, "train loss", float(history.history["loss"][-1]))
    run.results.set(ROW_KERAS, "train time (s)", seconds)
    run.results.set(ROW_KERAS, "train samples/s", len(x) * run.args.epochs / seconds)


def stage_evaluate(run: Run) -> None:
    _, (x, y) = run.artifacts["digits"]
    model = run.artifacts["model"]
    start = time.perf_counter()
    probs = np.asarray(model.predict(x, batch_size=256, verbose=0))
    seconds = time.perf_counter() - start
    run.artifacts["test_predictions"] = probs
    run.results.set(ROW_KERAS, "test accuracy", float(np.mean(probs.argmax(-1) == y)))
    run.results.set(ROW_KERAS, "predict ms/image", 1000 * seconds / len(x))


def stage_convert(run: Run) -> None:
    """The trained model to a float32 .tflite (tl.lite.Converter), kept in --output-dir."""
    import tempfile

    import tensorlite as tl

    start = time.perf_counter()
    data = tl.lite.Converter.from_keras_model(run.artifacts["model"]).convert()
    seconds = time.perf_counter() - start
    out_dir = run.args.output_dir or tempfile.mkdtemp(prefix="tensorlite-pipeline-")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "digits.tflite")
    atomic_write_bytes(path, data)
    run.artifacts["tflite_path"] = path
    run.results.set(ROW_KERAS, "model bytes", 4 * count_weights(run.artifacts["model"]))
    for row in (ROW_LITERT, ROW_C):
        run.results.set(row, "model bytes", len(data))
    run.results.set(ROW_LITERT, "convert time (s)", seconds)


def _interpreters(path: str) -> dict:
    from ai_edge_litert.interpreter import Interpreter as LiteRT

    import tensorlite as tl

    return {ROW_LITERT: LiteRT(model_path=path, num_threads=1), ROW_C: tl.lite.Interpreter(model_path=path)}


def stage_run_tflite(run: Run) -> None:
    """Every test image through LiteRT and through tensorlite's C runtime, one image per invoke:
    accuracy, latency, and agreement with the Keras model's predictions."""
    _, (x, y) = run.artifacts["digits"]
    keras_probs = run.artifacts["test_predictions"]
    for row, it in _interpreters(run.artifacts["tflite_path"]).items():
        it.allocate_tensors()
        inp, out = it.get_input_details()[0]["index"], it.get_output_details()[0]["index"]
        probs = np.empty_like(keras_probs)
        start = time.perf_counter()
        for i in range(len(x)):
            it.set_tensor(inp, x[i:i + 1])
            it.invoke()
            probs[i] = it.get_tensor(out)[0]
        seconds = time.perf_counter() - start
        run.results.set(row, "test accuracy", float(np.mean(probs.argmax(-1) == y)))
        run.results.set(row, "predict ms/image", 1000 * seconds / len(x))
        run.results.set(row, "top-1 agrees with keras", float(np.mean(probs.argmax(-1) == keras_probs.argmax(-1))))
        run.results.set(row, "max |p - p_keras|", float(np.max(np.abs(probs - keras_probs))))


def stage_quantize(run: Run) -> None:
    """The trained model to a full int8 .tflite (int8 input and output), calibrated on training images
    through the converter's TensorFlow-style settings; kept beside digits.tflite."""
    import tensorlite as tl

    (x, _), _ = run.artifacts["digits"]
    start = time.perf_counter()
    converter = tl.lite.Converter.from_keras_model(run.artifacts["model"])
    converter.optimizations = [tl.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([image[None]] for image in x[:CALIBRATION_IMAGES])
    converter.target_spec.supported_ops = [tl.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tl.int8
    converter.inference_output_type = tl.int8
    data = converter.convert()
    seconds = time.perf_counter() - start
    path = os.path.join(os.path.dirname(run.artifacts["tflite_path"]), "digits_int8.tflite")
    atomic_write_bytes(path, data)
    run.artifacts["int8_path"] = path
    for row in (ROW_LITERT_INT8, ROW_C_INT8, ROW_MCU_INT8):
        run.results.set(row, "model bytes", len(data))
    run.results.set(ROW_LITERT_INT8, "convert time (s)", seconds)


def _int8_io(path: str):
    """(quantize images, dequantize outputs) for the int8 model's input and output parameters."""
    import tensorlite as tl

    it = tl.lite.Interpreter(model_path=path)
    (s_in, z_in), (s_out, z_out) = it.get_input_details()[0]["quantization"], it.get_output_details()[0]["quantization"]

    def quantize(images):
        return np.clip(np.round(images / s_in) + z_in, -128, 127).astype(np.int8)

    def dequantize(q):
        return (np.asarray(q, np.float32) - z_out) * s_out
    return quantize, dequantize


def _agreement(run: Run, row: str, outputs: np.ndarray, reference: np.ndarray, seconds: float | None) -> None:
    """The int8 rows' columns: accuracy, agreement with Keras, and how many images give exactly LiteRT's
    reference kernels' int8 output."""
    _, (_, y) = run.artifacts["digits"]
    keras_probs = run.artifacts["test_predictions"]
    _, dequantize = _int8_io(run.artifacts["int8_path"])
    probs = dequantize(outputs)
    run.results.set(row, "test accuracy", float(np.mean(probs.argmax(-1) == y)))
    if seconds is not None:
        run.results.set(row, "predict ms/image", 1000 * seconds / len(y))
    run.results.set(row, "top-1 agrees with keras", float(np.mean(probs.argmax(-1) == keras_probs.argmax(-1))))
    run.results.set(row, "max |p - p_keras|", float(np.max(np.abs(probs - keras_probs))))
    run.results.set(row, "int8 = LiteRT ref", float(np.mean(np.all(outputs == reference, axis=-1))))


def stage_run_int8(run: Run) -> None:
    """Every test image through the int8 model in LiteRT (its default kernels; its reference kernels give the
    exact-output column) and in tensorlite's C runtime."""
    from ai_edge_litert.interpreter import Interpreter as LiteRT
    from ai_edge_litert.interpreter import OpResolverType

    import tensorlite as tl

    _, (x, _) = run.artifacts["digits"]
    path = run.artifacts["int8_path"]
    quantize, _ = _int8_io(path)
    images = quantize(x)
    engines = {"ref": LiteRT(model_path=path, experimental_op_resolver_type=OpResolverType.BUILTIN_REF),
               ROW_LITERT_INT8: LiteRT(model_path=path, num_threads=1),
               ROW_C_INT8: tl.lite.Interpreter(model_path=path)}
    outputs, seconds = {}, {}
    for name, it in engines.items():
        it.allocate_tensors()
        inp, out = it.get_input_details()[0]["index"], it.get_output_details()[0]["index"]
        got = []
        start = time.perf_counter()
        for i in range(len(images)):
            it.set_tensor(inp, images[i:i + 1])
            it.invoke()
            got.append(it.get_tensor(out)[0].copy())
        seconds[name] = time.perf_counter() - start
        outputs[name] = np.array(got)
    run.artifacts["int8_reference_outputs"] = outputs["ref"]
    for row in (ROW_LITERT_INT8, ROW_C_INT8):
        _agreement(run, row, outputs[row], outputs["ref"], seconds[row])


def stage_mcu(run: Run) -> None:
    """The int8 model as firmware for a Cortex-M4 (tensorlite codegen + the runtime's Cortex-M port, built
    with arm-none-eabi-gcc), every test image run under qemu-system-arm."""
    import tempfile

    from . import mcu

    missing = mcu.missing_tools()
    if missing:
        run.results.set(ROW_MCU_INT8, "test accuracy", f"not run: {', '.join(missing)} missing (bash bootstrap.sh)")
        return
    _, (x, _) = run.artifacts["digits"]
    quantize, _ = _int8_io(run.artifacts["int8_path"])
    with tempfile.TemporaryDirectory(prefix="tensorlite-mcu-") as work:
        elf = mcu.build_firmware(run.artifacts["int8_path"], quantize(x).tobytes(), work)
        text = mcu.firmware_text_bytes(elf)
        result = mcu.run_elf(elf, timeout=900)
    outputs = np.array([np.frombuffer(o, np.int8) for o in result["outputs"]])
    _agreement(run, ROW_MCU_INT8, outputs, run.artifacts["int8_reference_outputs"], None)
    run.results.set(ROW_MCU_INT8, "arena bytes", result["arena"])
    run.results.set(ROW_MCU_INT8, "firmware text bytes", text)


@dataclass(frozen=True)
class Stage:
    name: str
    fn: Callable[[Run], None]
    help: str


STAGES = [
    Stage("load", stage_load, "the embedded digits dataset, split 1,437 / 360"),
    Stage("train", stage_train, "fit the CNN on a tl.data pipeline"),
    Stage("evaluate", stage_evaluate, "test accuracy of the trained model"),
    Stage("convert", stage_convert, "convert it to a float32 .tflite with tl.lite.Converter"),
    Stage("run", stage_run_tflite, "run the .tflite in LiteRT and in tensorlite's C runtime"),
    Stage("quantize", stage_quantize, "quantize it to a full int8 .tflite, calibrated on training images"),
    Stage("run-int8", stage_run_int8, "run the int8 .tflite in LiteRT and in tensorlite's C runtime"),
    Stage("mcu", stage_mcu, "run the int8 model as Cortex-M4 firmware under QEMU"),
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epochs", type=positive_int, default=EPOCHS, help=f"training epochs (default {EPOCHS})")
    parser.add_argument("--batch-size", type=positive_int, default=BATCH_SIZE, help=f"default {BATCH_SIZE}")
    parser.add_argument("--seed", type=non_negative_int, default=SEED, help=f"seed of tl.random (default {SEED})")
    parser.add_argument("--json", metavar="PATH", help="also write the results table as JSON")
    parser.add_argument("--output-dir", metavar="DIR",
                        help="where digits.tflite and digits_int8.tflite are written (default: a temp folder)")


def run_pipeline(args: argparse.Namespace, stages=None, file=None) -> Run:
    """Runs every stage in order, then prints the table (and writes --json)."""
    out = file or sys.stdout
    run = Run(args)
    for stage in stages or STAGES:
        print(f"[{stage.name}] {stage.help}", file=out, flush=True)
        start = time.perf_counter()
        try:
            stage.fn(run)
        except Exception:
            print(f"pipeline: stage {stage.name!r} failed", file=sys.stderr)
            raise
        run.stage_seconds[stage.name] = time.perf_counter() - start
    run.results.render(out)
    if args.json:
        payload = {"results": run.results.rows, "stage_seconds": run.stage_seconds,
                   "settings": {"epochs": args.epochs, "batch_size": args.batch_size, "seed": args.seed}}
        atomic_write_bytes(args.json, json.dumps(payload, indent=2).encode())  # never a half-written file
    return run


def main(argv=None) -> int:
    """`python3 -m tensorlite.tools.pipeline ...` is `tensorlite pipeline ...`."""
    from .cli import main as cli_main
    return cli_main(["pipeline", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
