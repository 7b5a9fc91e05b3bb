"""`type=` checks for numeric command-line options: a bad value becomes argparse's one-line error
(exit code 2), never a traceback from deep inside a command."""
from __future__ import annotations

import argparse


def _integer(text: str, least: int, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}")
    return value


def positive_int(text: str) -> int:
    """A count: 1, 2, 3, ..."""
    return _integer(text, 1, "a whole number >= 1")


def non_negative_int(text: str) -> int:
    """A seed: 0, 1, 2, ..."""
    return _integer(text, 0, "a whole number >= 0")


def non_negative_float(text: str) -> float:
    """A duration in seconds: 0, 0.5, 30, ..."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number >= 0") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number >= 0")
    return value
