"""ONNX -> Graph IR importer (`import_model`); `tl.lite.Converter.from_onnx(path)` converts the
result to TFLite. One rule per ONNX op type lives in rules.py (`RULES`); the layout tracking that
keeps NCHW models in NHWC inside is in importer.py."""
from .importer import ONNXImportError as ONNXImportError
from .importer import import_model as import_model
from .rules import RULES as RULES

SUPPORTED_OPS = sorted(RULES)
