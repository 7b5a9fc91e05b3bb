"""Where the test data lives, in one place: everything is inside the repository, so a clone stands alone."""
import pathlib

REPO = pathlib.Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
# Models from TensorFlow Lite Micro with LiteRT goldens (tests/data/tflm/PROVENANCE.md).
CORPUS = DATA / "tflm"
# Models written by TensorFlow's own converter (scripts/make_tf_models.py).
TF_CONVERTED = DATA / "tf_converted"
