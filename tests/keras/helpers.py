"""`check_layer`: the contract every layer keeps (Keras's run_layer_test, smaller)."""
import numpy as np

import tensorlite as tl


def _first(out):
    return out[0] if isinstance(out, (list, tuple)) else out


def check_layer(layer, x, expected_shape, n_weights, n_trainable=None, reference=None, rtol=1e-5, atol=1e-6,
                input_grad=True):
    """Builds and calls `layer` on `x` (an array, or a list of arrays for merge layers) and checks:
    the output shape; the weight counts; an optional NumPy `reference(x, *weights)`; that shape
    inference on a symbolic Input (batch unknown) agrees with the eager output; the
    get/set_weights round trip; that the tape gives a gradient for the input and for every
    trainable weight; and that one gradient step on the weights changes the output.
    Returns the first output as an array."""
    out = layer(x)
    y = _first(out).numpy()
    assert y.shape == tuple(expected_shape), f"{layer.name}: shape {y.shape} != {tuple(expected_shape)}"
    assert len(layer.weights) == n_weights, f"{layer.name}: {len(layer.weights)} weights != {n_weights}"
    if n_trainable is not None:
        assert len(layer.trainable_weights) == n_trainable, f"{layer.name}: trainable weights"
    assert layer.count_params() == sum(w.size for w in layer.get_weights())
    if reference is not None:
        xs = [np.asarray(a) for a in x] if isinstance(x, list) else np.asarray(x)
        np.testing.assert_allclose(y, reference(xs, *layer.get_weights()), rtol=rtol, atol=atol)

    arrays = x if isinstance(x, list) else [x]
    symbolic = [tl.keras.Input(np.shape(a)[1:], dtype=tl.as_dtype(np.asarray(a).dtype)) for a in arrays]
    spec = _first(layer(symbolic if isinstance(x, list) else symbolic[0]))
    assert spec.shape == (None,) + y.shape[1:], f"{layer.name}: inferred {spec.shape}, eager {y.shape}"

    saved = layer.get_weights()
    layer.set_weights([w * 0 + 0.5 for w in saved])
    if saved:
        assert all(np.all(w == 0.5) for w in layer.get_weights())
    layer.set_weights(saved)
    np.testing.assert_array_equal(_first(layer(x)).numpy(), y)

    inputs = [tl.constant(a) for a in arrays]
    floating = [t for t in inputs if t.dtype.is_floating] if input_grad else []
    with tl.GradientTape() as tape:
        for t in floating:
            tape.watch(t)
        loss = tl.reduce_sum(tl.square(_first(layer(inputs if isinstance(x, list) else inputs[0], training=True))))
    grads = tape.gradient(loss, floating + layer.trainable_weights)
    names = [f"input {i}" for i in range(len(floating))] + [v.name for v in layer.trainable_weights]
    missing = [n for n, g in zip(names, grads) if g is None]
    assert not missing, f"{layer.name}: no gradient for {missing}"
    if layer.trainable_weights:
        for v, g in zip(layer.trainable_weights, grads[len(floating):]):
            v.assign_sub(g * 0.1)
        assert not np.allclose(_first(layer(x)).numpy(), y), f"{layer.name}: a gradient step did not change the output"
    return y
