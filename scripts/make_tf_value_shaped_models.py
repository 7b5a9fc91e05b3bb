"""Writes tests/data/tf_value_shaped/: models whose tensors get their shape from values at invoke (tf.where's
coordinates, tf.unique's values) and are read by other ops, made by TensorFlow's own converter;
tests/runtime_c/test_value_shaped.py runs them against LiteRT over inputs giving different lengths, 0 included.
Needs TensorFlow, which is not a tensorlite dependency: run it with a separate venv's Python,

    tfenv/bin/python scripts/make_tf_value_shaped_models.py tests/data/tf_value_shaped

Made with TensorFlow 2.21."""
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402


class WhereGather(tf.Module):
    """The positive elements of x by tf.where + tf.gather_nd, their sum, and their coordinates as int32."""

    @tf.function(input_signature=[tf.TensorSpec([3, 4], tf.float32)])
    def __call__(self, x):
        coords = tf.where(x > 0)
        picked = tf.gather_nd(x, coords)
        return {"sum": tf.reduce_sum(picked), "count": tf.shape(picked)[0],
                "coords": tf.cast(coords, tf.int32), "scaled": picked * 2.0 + 1.0}


class UniqueSize(tf.Module):
    """tf.unique's values, how many there are, and the values plus an offset."""

    @tf.function(input_signature=[tf.TensorSpec([8], tf.int32)])
    def __call__(self, x):
        y, idx = tf.unique(x)
        return {"size": tf.size(y), "shifted": y + 100, "idx": idx}


def convert(module):
    with tempfile.TemporaryDirectory() as d:
        tf.saved_model.save(module, d, signatures={"serving_default": module.__call__})
        return tf.lite.TFLiteConverter.from_saved_model(d).convert()


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for name, module in (("where_gather_nd", WhereGather()), ("unique_size", UniqueSize())):
        data = convert(module)
        with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
            f.write(data)
        print(f"{name}.tflite: {len(data):,} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/tf_value_shaped")
