"""Model- and golden-making scripts, run from a checkout by hand (some in their own venv, e.g. TensorFlow's);
never installed and never run by the tests."""
