"""`tensorflow_transform` as Transform modules use it (`from tensorlite.tfx import tft`): full-pass analyzers
in a `preprocessing_fn(inputs)` written in tl ops. Transform calls the function twice: once over the whole
analysis split as eager [N, 1] tensors, where each analyzer computes its constants (mean and std, quantile
boundaries, a vocabulary) from all the data, and again wherever the transform is applied (materializing
transformed examples, or inside the exported model through `transform_features_layer()`), where the
analyzers, in the same call order, read those constants back. Applying is plain tl ops (subtract, divide,
compare, sum), so the transform traces into the saved model and lowers into its `.tflite`. String features
are analysed and mapped on the CPU when materializing; tl tensors hold no strings, so a model that must
take raw strings cannot be exported (a clear error says so)."""
from __future__ import annotations

import json
import os
import threading

import numpy as np

ANALYZERS_FILE = "analyzers.json"


class _Phase(threading.local):
    def __init__(self):
        self.mode, self.values, self.index = None, [], 0


_phase = _Phase()


class analysis:  # noqa: N801  (a context manager used like a function)
    """Runs preprocessing_fn so that analyzers compute (mode 'analyze') or read back (mode 'apply')."""

    def __init__(self, mode: str, values: list | None = None):
        self.mode, self.values = mode, values if values is not None else []

    def __enter__(self):
        self._saved = (_phase.mode, _phase.values, _phase.index)
        _phase.mode, _phase.values, _phase.index = self.mode, self.values, 0
        return self

    def __exit__(self, *exc):
        if exc[0] is None and self.mode == "apply" and _phase.index != len(self.values):
            raise RuntimeError(f"preprocessing_fn called {_phase.index} analyzers, the analysis recorded "
                               f"{len(self.values)}: it must call the same analyzers in the same order every time")
        _phase.mode, _phase.values, _phase.index = self._saved


def _constants(name: str, x, compute) -> dict:
    if _phase.mode is None:
        raise RuntimeError(f"tft.{name} runs inside Transform's preprocessing_fn (the component calls it)")
    i = _phase.index
    _phase.index += 1
    if _phase.mode == "analyze":
        values = compute(_numpy(x, name))
        _phase.values.append(dict(values, analyzer=name))
        return _phase.values[-1]
    if i >= len(_phase.values) or _phase.values[i]["analyzer"] != name:
        raise RuntimeError(f"tft.{name}: analyzer {i} of the recorded analysis is "
                           f"{_phase.values[i]['analyzer'] if i < len(_phase.values) else 'missing'}")
    return _phase.values[i]


def _numpy(x, name: str) -> np.ndarray:
    if isinstance(x, np.ndarray):
        return x.reshape(-1)
    if getattr(x, "_keras_history", None) is not None or not hasattr(x, "numpy"):
        raise RuntimeError(f"tft.{name}: the analysis pass needs concrete data")
    return np.asarray(x.numpy()).reshape(-1)


def _tl():
    import tensorlite as tl
    return tl


def _float(x):
    tl = _tl()
    return tl.cast(x, tl.float32) if x.dtype != tl.float32 else x


# -- numeric analyzers -------------------------------------------------------------------------------------
def mean(x, name=None):
    c = _constants("mean", x, lambda a: {"mean": float(a.astype(np.float64).mean())})
    return _tl().constant(np.float32(c["mean"]))


def var(x, name=None):
    c = _constants("var", x, lambda a: {"var": float(a.astype(np.float64).var())})
    return _tl().constant(np.float32(c["var"]))


def min(x, name=None):  # noqa: A001  (tft.min)
    c = _constants("min", x, lambda a: {"min": float(a.min())})
    return _tl().constant(np.float32(c["min"]))


def max(x, name=None):  # noqa: A001  (tft.max)
    c = _constants("max", x, lambda a: {"max": float(a.max())})
    return _tl().constant(np.float32(c["max"]))


def scale_to_z_score(x, elementwise: bool = False, name=None, output_dtype=None):
    """(x - mean) / std over the analysis data (population std, as TFT); x - mean where std is 0."""
    if elementwise:
        raise NotImplementedError("tft.scale_to_z_score(elementwise=True) is not supported")

    def compute(a):
        a = a.astype(np.float64)
        return {"mean": float(a.mean()), "std": float(a.std())}
    c = _constants("scale_to_z_score", x, compute)
    tl = _tl()
    centred = _float(x) - tl.constant(np.float32(c["mean"]))
    return centred if c["std"] == 0 else centred / tl.constant(np.float32(c["std"]))


def scale_by_min_max(x, output_min: float = 0.0, output_max: float = 1.0, elementwise: bool = False, name=None):
    if elementwise:
        raise NotImplementedError("tft.scale_by_min_max(elementwise=True) is not supported")
    c = _constants("scale_by_min_max", x, lambda a: {"min": float(a.min()), "max": float(a.max())})
    tl = _tl()
    span = c["max"] - c["min"]
    if span == 0:
        return _float(x) * 0.0 + np.float32((output_min + output_max) / 2)
    scale = np.float32((output_max - output_min) / span)
    return (_float(x) - tl.constant(np.float32(c["min"]))) * tl.constant(scale) + tl.constant(np.float32(output_min))


def scale_to_0_1(x, elementwise: bool = False, name=None):
    return scale_by_min_max(x, 0.0, 1.0, elementwise, name)


def bucketize(x, num_buckets: int, epsilon=None, weights=None, elementwise: bool = False, name=None):
    """Bucket index in [0, num_buckets): the number of quantile boundaries (i / num_buckets, i = 1 ..
    num_buckets - 1, of the analysis data) at or below the value; int64 as TFT returns it."""
    if num_buckets < 1:
        raise ValueError(f"tft.bucketize: num_buckets must be >= 1, got {num_buckets}")
    if weights is not None or elementwise:
        raise NotImplementedError("tft.bucketize: weights and elementwise are not supported")
    c = _constants("bucketize", x, lambda a: {"boundaries": [float(b) for b in np.unique(np.quantile(
        a.astype(np.float64), np.arange(1, num_buckets) / num_buckets))] if num_buckets > 1 else []})
    return apply_buckets(x, [c["boundaries"]])


def apply_buckets(x, bucket_boundaries, name=None):
    tl = _tl()
    bounds = np.asarray(bucket_boundaries, np.float32).reshape(1, -1)
    if bounds.size == 0:
        return tl.cast(_float(x) * 0.0, tl.int64)
    hits = tl.cast(tl.greater_equal(_float(x), tl.constant(bounds)), tl.float32)
    return tl.cast(tl.reduce_sum(hits, axis=-1, keepdims=True), tl.int64)


# -- vocabularies ------------------------------------------------------------------------------------------
def _vocabulary(a: np.ndarray, top_k, frequency_threshold) -> list:
    values, counts = np.unique(a, return_counts=True)
    order = sorted(range(len(values)), key=lambda i: (-counts[i], str(values[i])))  # most frequent first
    keep = [i for i in order if frequency_threshold is None or counts[i] >= frequency_threshold]
    if top_k is not None:
        keep = keep[:top_k]
    return [values[i].item() if hasattr(values[i], "item") else str(values[i]) for i in keep]


def vocabulary(x, top_k=None, frequency_threshold=None, vocab_filename=None, name=None):
    """The vocabulary's file name (analysis) as TFT returns it; the values are in the transform output."""
    i = _phase.index
    c = _constants("vocabulary", x, lambda a: {"vocabulary": _vocabulary(a, top_k, frequency_threshold),
                                               "filename": vocab_filename or f"vocab_{i}"})
    return c["filename"]


def compute_and_apply_vocabulary(x, top_k=None, frequency_threshold=None, num_oov_buckets: int = 0,
                                 vocab_filename=None, default_value: int = -1, name=None):
    """Each value's index in the vocabulary (most frequent first); an unseen value gets `default_value`, or
    index len(vocabulary) with num_oov_buckets=1."""
    if num_oov_buckets > 1:
        raise NotImplementedError("compute_and_apply_vocabulary: num_oov_buckets > 1 (hashing unseen values into "
                                  "several buckets) is not supported; use 0 or 1")
    i = _phase.index
    c = _constants("compute_and_apply_vocabulary", x, lambda a: {
        "vocabulary": _vocabulary(a, top_k, frequency_threshold), "filename": vocab_filename or f"vocab_{i}"})
    vocab = c["vocabulary"]
    unseen = len(vocab) if num_oov_buckets == 1 else default_value
    tl = _tl()
    if isinstance(x, np.ndarray):  # strings: mapped on the CPU (tl tensors hold no strings)
        index = {v: j for j, v in enumerate(vocab)}
        flat = np.array([index.get(v, unseen) for v in x.reshape(-1)], np.int64)
        return tl.constant(flat.reshape(x.shape))
    if vocab and isinstance(vocab[0], str):
        raise TypeError("compute_and_apply_vocabulary: a string vocabulary applied to a numeric tensor")
    values = np.asarray(vocab, np.float32).reshape(1, -1)
    xf = _float(x)
    hits = tl.cast(tl.equal(xf, tl.constant(values)), tl.float32)  # one-hot over the vocabulary
    found = tl.reduce_sum(hits, axis=-1, keepdims=True)
    idx = tl.reduce_sum(hits * tl.constant(np.arange(len(vocab), dtype=np.float32).reshape(1, -1)), axis=-1,
                        keepdims=True)
    return tl.cast(idx + (1.0 - found) * np.float32(unseen), tl.int64)


# -- the transform output ----------------------------------------------------------------------------------
class _Metadata:
    def __init__(self, path: str):
        from . import schema_pb2
        from .utils import parse_pbtxt_file
        self.schema = parse_pbtxt_file(path, schema_pb2.Schema())


class TFTransformOutput:
    """`tft.TFTransformOutput(transform_graph_uri)`: the transform a Transform component wrote."""

    TRANSFORM_FN_DIR = "transform_fn"
    TRANSFORMED_METADATA_DIR = "transformed_metadata"
    RAW_METADATA_DIR = "metadata"

    def __init__(self, transform_output_dir: str):
        self.dir = transform_output_dir
        with open(os.path.join(self.dir, self.TRANSFORM_FN_DIR, ANALYZERS_FILE)) as f:
            data = json.load(f)
        self.analyzers = data["analyzers"]
        self.raw_names = data["raw_features"]
        self.transformed_names = data["transformed_features"]
        self.module_file = os.path.join(self.dir, self.TRANSFORM_FN_DIR, "module.py")
        self.transformed_metadata = _Metadata(os.path.join(self.dir, self.TRANSFORMED_METADATA_DIR, "schema.pbtxt"))
        self.raw_metadata = _Metadata(os.path.join(self.dir, self.RAW_METADATA_DIR, "schema.pbtxt"))

    def preprocessing_fn(self):
        from .components.base import load_module
        return load_module(self.module_file, "transform").preprocessing_fn

    def transform_raw_features(self, raw_features: dict) -> dict:
        with analysis("apply", self.analyzers):
            return dict(self.preprocessing_fn()(dict(raw_features)))

    def transformed_feature_spec(self) -> dict:
        from .schema_utils import schema_as_feature_spec
        return schema_as_feature_spec(self.transformed_metadata.schema)

    def raw_feature_spec(self) -> dict:
        from .schema_utils import schema_as_feature_spec
        return schema_as_feature_spec(self.raw_metadata.schema)

    def vocabulary_by_name(self, vocab_filename: str) -> list:
        for a in self.analyzers:
            if a.get("filename") == vocab_filename:
                return a["vocabulary"]
        raise KeyError(f"no vocabulary named {vocab_filename!r} in {self.dir}")

    def transform_features_layer(self, exclude=()):
        """A Keras layer applying the transform: called with a dict of raw feature tensors (Keras inputs in
        a functional model), it returns the dict of transformed features, so the model exported with it
        takes raw features."""
        return _transform_layer(self, tuple(exclude))


def _transform_layer(output: TFTransformOutput, exclude: tuple):
    from tensorlite import keras

    class TransformFeaturesLayer(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self._output = output
            self._fn = output.preprocessing_fn()
            self._in_names: tuple = ()
            self._out_names: tuple = ()

        def __call__(self, inputs, **kwargs):
            if isinstance(inputs, dict):
                self._in_names = tuple(sorted(inputs))
                result = super().__call__([inputs[n] for n in self._in_names], **kwargs)
                result = result if isinstance(result, (list, tuple)) else [result]
                return dict(zip(self._out_names, result))
            return super().__call__(inputs, **kwargs)

        def call(self, inputs):
            inputs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
            raw = dict(zip(self._in_names, inputs))
            raw.update(_stand_ins(output, raw))
            with analysis("apply", output.analyzers):
                try:
                    out = self._fn(raw)
                except KeyError as exc:
                    raise KeyError(f"the transform reads feature {exc} that the exported model does not take "
                                   f"(raw inputs: {list(self._in_names)}; string features cannot be model "
                                   "inputs: tl tensors hold no strings)") from None
            names = tuple(k for k in sorted(out) if k not in exclude)
            self._out_names = names
            return [out[k] for k in names]

    return TransformFeaturesLayer(name="transform_features_layer")


def _stand_ins(output: TFTransformOutput, raw: dict) -> dict:
    """Zeros for raw features the exported model does not take (the label): preprocessing_fn may read them
    for outputs the model excludes; nothing the model returns depends on them."""
    from . import schema_pb2
    tl = _tl()
    if not raw:
        return {}
    like = next(iter(raw.values()))
    out = {}
    for feature in output.raw_metadata.schema.feature:
        if feature.name in raw:
            continue
        if feature.type == schema_pb2.FLOAT:
            out[feature.name] = tl.zeros_like(_float(like))
        elif feature.type == schema_pb2.INT:
            out[feature.name] = tl.cast(tl.zeros_like(_float(like)), tl.int64)
    return out
