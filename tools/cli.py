"""The `tensorlite` command line: `tensorlite <command> ...` or `python3 -m tensorlite <command>`.

Each command is a module in tools/ exposing `add_arguments(parser)` and a function taking the
parsed arguments; adding a command is one entry in COMMANDS.
"""
from __future__ import annotations

import argparse
import sys

from . import bench_cmd, codegen_cmd, convert_cmd, inspect_cmd, pipeline, quantize_cmd, serve_cmd, tfx_cmd

# name -> (help, add_arguments, run)
COMMANDS = {
    "pipeline": ("the main job: train the digits CNN, convert it, run it in LiteRT and the C runtime, one table",
                 pipeline.add_arguments, pipeline.run_pipeline),
    "convert": ("convert a saved model or an ONNX file to a .tflite model",
                convert_cmd.add_arguments, convert_cmd.run_convert),
    "quantize": ("quantize a float model (saved model, ONNX or .tflite) to float16, dynamic range, int8 or int16x8",
                 quantize_cmd.add_arguments, quantize_cmd.run_quantize),
    "codegen": ("write a .tflite as C source (model array, its kernel list) for firmware",
                codegen_cmd.add_arguments, codegen_cmd.run_codegen),
    "inspect": ("what a .tflite model holds: inputs, outputs, operators, parameters, MACs, C runtime arena",
                inspect_cmd.add_arguments, inspect_cmd.run_inspect),
    "bench": ("time one .tflite in tensorlite's C runtime and in LiteRT, side by side",
              bench_cmd.add_arguments, bench_cmd.run_bench),
    "serve": ("serve .tflite models over TF Serving's REST API and the Open Inference Protocol v2",
              serve_cmd.add_arguments, serve_cmd.run_serve),
    "tfx": ("TFX pipelines (tensorlite.tfx): `tfx lineage` prints a pushed model's chain back to its examples",
            tfx_cmd.add_arguments, tfx_cmd.run_tfx),
}


class OneLineParser(argparse.ArgumentParser):
    """A usage error is one line on stderr and exit code 2 (argparse's default prints the usage first)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    import tensorlite
    parser = OneLineParser(prog="tensorlite", description="tensorlite: train with a "
                           "TensorFlow-style API, deploy TFLite models everywhere")
    parser.add_argument("--version", action="version", version=f"tensorlite {tensorlite.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="command")
    for name, (help_text, add_arguments, _) in COMMANDS.items():
        add_arguments(sub.add_parser(name, help=help_text, description=help_text))
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    result = COMMANDS[args.command][2](args)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
