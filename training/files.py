"""Files and folders written whole or not at all: each is built under a temporary name next to its
destination and renamed into place, so a failed write leaves nothing behind. They get the mode a plain
`open(path, "w")` or `os.makedirs` gives (0666 / 0777 less the umask): the temporary is created with
that mode and the kernel applies the umask. An error names the destination, never the temporary."""
from __future__ import annotations

import contextlib
import os
import secrets
import shutil


def _temp_beside(path: str) -> str:
    folder, name = os.path.split(os.path.abspath(path))
    return os.path.join(folder, f".tmp-{name}-{secrets.token_hex(6)}")


def _naming(error: OSError, path: str) -> OSError:
    """The same error, naming `path` instead of the temporary file."""
    return type(error)(error.errno, error.strerror, path)


def atomic_write_bytes(path: str, data: bytes) -> None:
    tmp = _temp_beside(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as e:
        raise _naming(e, path) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException as e:
        os.unlink(tmp)
        if isinstance(e, OSError):
            raise _naming(e, path) from None
        raise


@contextlib.contextmanager
def atomic_directory(path: str):
    """`with atomic_directory(path) as tmp:` fill the folder `tmp`; when the block succeeds it replaces
    `path` (a folder already there is removed), when it fails it is removed."""
    tmp = _temp_beside(path)
    try:
        os.mkdir(tmp, 0o777)
    except OSError as e:
        raise _naming(e, path) from None
    try:
        yield tmp
        if os.path.isdir(path):
            shutil.rmtree(path)
        os.replace(tmp, path)
    except BaseException as e:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(e, OSError) and e.filename == tmp:
            raise _naming(e, path) from None
        raise
