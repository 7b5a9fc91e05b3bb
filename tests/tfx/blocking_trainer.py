"""penguin_simple's run_fn, which first stops forever when TFX_TEST_BLOCK names a marker file (written once
training is reached), so a test can kill the pipeline run in the middle of the Trainer."""
import os
import time

from tests.tfx.tutorials.penguin_simple_trainer import run_fn as _tutorial_run_fn


def run_fn(fn_args):
    marker = os.environ.get("TFX_TEST_BLOCK")
    if marker:
        with open(marker, "w") as f:
            f.write(fn_args.model_run_dir)
        time.sleep(600)
    _tutorial_run_fn(fn_args)
