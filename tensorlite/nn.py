"""`tl.nn`: TensorFlow's neural-network namespace (re-exports from the op cards)."""
