"""`check_layer`: the contract every layer keeps (Keras's run_layer_test, smaller)."""
import numpy as np

import tensorlite as tl


def check_layer(layer, x, expected_shape, n_weights, n_trainable=None, reference=None, rtol=1e-5, atol=1e-6):
    """Builds and calls `layer` on `x`; checks the output shape, weight counts, an optional NumPy
    reference (a function of the input and the layer's weights as arrays), the get/set_weights
    round trip, and that one gradient step on every trainable weight changes the output."""
    out = layer(x)
    y = out.numpy()
    assert y.shape == tuple(expected_shape), f"{layer.name}: shape {y.shape} != {expected_shape}"
    assert len(layer.weights) == n_weights, f"{layer.name}: {len(layer.weights)} weights != {n_weights}"
    if n_trainable is not None:
        assert len(layer.trainable_weights) == n_trainable
    if reference is not None:
        np.testing.assert_allclose(y, reference(np.asarray(x), *layer.get_weights()), rtol=rtol, atol=atol)
    saved = layer.get_weights()
    layer.set_weights([w * 0 + 0.5 for w in saved])
    layer.set_weights(saved)
    np.testing.assert_array_equal(layer(x).numpy(), y)
    if layer.trainable_weights:
        with tl.GradientTape() as tape:
            loss = tl.reduce_sum(tl.square(layer(x, training=True)))
        grads = tape.gradient(loss, layer.trainable_weights)
        assert all(g is not None for g in grads), f"{layer.name}: a trainable weight gets no gradient"
        for v, g in zip(layer.trainable_weights, grads):
            v.assign_sub(g * 0.1)
        assert not np.allclose(layer(x).numpy(), y), f"{layer.name}: a gradient step did not change the output"
    return y
