"""Writing a file so that no reader ever sees half of it: a temporary file beside it, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable


TEMPORARY = ".tmp"  # `.<name>.<pid>.<random>.tmp`: the pid tells whether its writer still runs


def writer_gone(name: str) -> bool:
    """True for a temporary file of `replace_file` whose process no longer runs (killed while
    writing: nothing else leaves one behind)."""
    parts = name[:-len(TEMPORARY)].rsplit(".", 2) if name.startswith(".") and name.endswith(TEMPORARY) else []
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive, another user's, or a platform without signals: keep it
        return False
    return False


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
    tmp = _stage(path, parts, mode)
    try:
        os.replace(tmp, path)
    except BaseException:
        _unlink(tmp)
        raise


def replace_files(files: dict[Path, bytes], mode: int | None = None) -> None:
    """`replace_file` for several files, all or none: each is written to its temporary file
    (and its folders made) before any is renamed, so a failure on the last one (a full disk,
    a read-only folder) leaves no file written and no folder made."""
    staged: list[tuple[str, Path]] = []
    made: list[Path] = []
    try:
        for path, data in files.items():
            try:
                made += _make_folders(path.parent)
                staged.append((_stage(path, (data,), mode), path))
            except OSError as exc:  # named by the file wanted, not its temporary one
                raise OSError(exc.errno, exc.strerror, str(path)) from None
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            _unlink(tmp)
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                pass
        raise


def _make_folders(folder: Path) -> list[Path]:
    """Make `folder` and its missing parents; the folders made, outermost first."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for each in reversed(missing):
        each.mkdir()
    return missing[::-1]


def _stage(path: Path, parts: tuple, mode: int | None) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMPORARY, dir=path.parent)
    try:
        if mode is not None:
            os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as handle:
            for data in parts:
                if callable(data):
                    data(handle)
                else:
                    handle.write(data)
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
