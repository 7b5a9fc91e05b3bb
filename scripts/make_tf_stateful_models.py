"""Writes tests/data/tf_stateful/: models with resource variables made by TensorFlow's own converter (a
tf.Variable updated in a tf.function becomes CALL_ONCE + VAR_HANDLE + READ_VARIABLE + ASSIGN_VARIABLE);
tests/runtime_c/test_resource_variables.py runs them over several invokes against LiteRT. Needs TensorFlow, which
is not a tensorlite dependency: run it with a separate venv's Python,

    tfenv/bin/python scripts/make_tf_stateful_models.py tests/data/tf_stateful

Made with TensorFlow 2.21."""
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402


class Accumulator(tf.Module):
    """A decaying float32 accumulator and an int32 call counter."""

    def __init__(self):
        self.acc = tf.Variable(tf.constant([[1.0, -2.0, 0.5]]), name="acc")
        self.count = tf.Variable(tf.constant(0, tf.int32), name="count")

    @tf.function(input_signature=[tf.TensorSpec([1, 3], tf.float32)])
    def __call__(self, x):
        self.acc.assign(self.acc * 0.5 + x)
        self.count.assign_add(1)
        return {"out": self.acc.read_value() * 2.0, "count": self.count.read_value()}


class Streaming(tf.Module):
    """A streaming moving average over the last frames (a [4, 8] ring kept as a shifted buffer), with two
    signatures on one variable: 'step' pushes a frame, 'peek' reads the average without changing it."""

    def __init__(self):
        self.frames = tf.Variable(tf.zeros([4, 8]), name="frames")
        self.w = tf.constant(tf.random.stateless_normal([8, 5], seed=[1, 2]))

    @tf.function(input_signature=[tf.TensorSpec([1, 8], tf.float32)])
    def step(self, frame):
        new = tf.concat([self.frames[1:], frame], axis=0)
        self.frames.assign(new)
        return {"features": tf.tanh(tf.reduce_mean(new, axis=0, keepdims=True) @ self.w)}

    @tf.function(input_signature=[tf.TensorSpec([1], tf.float32)])
    def peek(self, scale):
        return {"mean": tf.reduce_mean(self.frames.read_value(), axis=0) * scale}


class Branches(tf.Module):
    """A variable updated inside tf.cond branches and a tf.while_loop body: the converter passes its handle into
    the IF and WHILE subgraphs as an input."""

    def __init__(self):
        self.v = tf.Variable(tf.zeros([2]), name="v")

    @tf.function(input_signature=[tf.TensorSpec([2], tf.float32), tf.TensorSpec([], tf.bool)])
    def __call__(self, x, flag):
        if flag:
            self.v.assign_add(x)
        else:
            self.v.assign(self.v * 0.5)
        i = tf.constant(0)
        while i < 3:
            self.v.assign(self.v + 1.0)
            i += 1
        return {"v": self.v.read_value()}


class BatchSum(tf.Module):
    """Running column sums and a row count over inputs of any batch (a -1 batch in the shape signature): the
    variables' shapes do not depend on the batch, so they carry over a resize."""

    def __init__(self):
        self.total = tf.Variable(tf.zeros([3]), name="total")
        self.rows = tf.Variable(tf.constant(0, tf.int32), name="rows")

    @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
    def __call__(self, x):
        self.total.assign_add(tf.reduce_sum(x, axis=0))
        self.rows.assign_add(tf.shape(x)[0])
        return {"total": self.total.read_value(), "rows": self.rows.read_value()}


def convert(module, signatures):
    with tempfile.TemporaryDirectory() as d:
        tf.saved_model.save(module, d, signatures=signatures)
        return tf.lite.TFLiteConverter.from_saved_model(d, signature_keys=list(signatures)).convert()


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    acc = Accumulator()
    stream = Streaming()
    branches = Branches()
    batch_sum = BatchSum()
    for name, data in (("accumulator", convert(acc, {"serving_default": acc.__call__})),
                       ("streaming_two_signatures", convert(stream, {"step": stream.step, "peek": stream.peek})),
                       ("cond_while", convert(branches, {"serving_default": branches.__call__})),
                       ("batch_sum", convert(batch_sum, {"serving_default": batch_sum.__call__}))):
        with open(os.path.join(out_dir, name + ".tflite"), "wb") as f:
            f.write(data)
        print(f"{name}.tflite: {len(data):,} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tests/data/tf_stateful")
