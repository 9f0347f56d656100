"""Writing a file so that no reader ever sees half of it: a temporary file beside it, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it: put back at once
    os.umask(mask)
    return mask


# What a user's own files get (0644 under the usual umask 022): mkstemp alone makes 0600.
NEW_FILE_MODE = 0o666 & ~_umask()


def replace_file(path: Path, *parts: bytes | Callable[[BinaryIO], None], mode: int | None = None) -> None:
    """Write `parts` one after the other (a header and a payload need not be joined into one
    copy; a callable part writes to the file itself) to a temporary file in `path`'s folder
    and rename it over `path` (atomic on POSIX and Windows); the temporary file never
    outlives a failure. The file is the user's alone (0600) unless `mode` says otherwise."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if mode is not None:
            os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as handle:
            for data in parts:
                if callable(data):
                    data(handle)
                else:
                    handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
