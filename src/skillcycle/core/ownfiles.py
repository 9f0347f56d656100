"""The only way skillcycle opens, writes and deletes the files it keeps for itself inside a
repo (`.skillcycle/cache/`, `.skillcycle/watch/`) and the templates a repo brings.

A repo arrives from a pull request, and git stores symbolic links, FIFOs aside: whatever a
branch commits under `.skillcycle/` or `templates/` is there on checkout. So every folder on
the way from the repo's root is checked to be a real folder (not a link), every file is opened
without following a link and without blocking, must be a regular file, and is read up to a
size given in advance; a name is deleted or replaced, never what it points at.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Callable

from .atomic import replace_file, writer_gone

_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)


LINK = "is a symbolic link, which skillcycle does not follow"


class Refused(OSError):
    """A path skillcycle will not use: a link, not a regular file or folder, or too large."""


def open_regular(path: Path, limit: int, flags: int = _READ_FLAGS) -> tuple[int, int]:
    """(descriptor, size) of the regular file at `path`, opened without following a link or
    waiting on a FIFO; Refused when it is anything else or larger than `limit` bytes."""
    try:
        fd = os.open(path, flags, 0o600)  # the mode, should `flags` create it: skillcycle's own file
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW's answer to a link
            raise Refused(exc.errno, LINK, str(path)) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(0, "is not a regular file", str(path))
        if info.st_size > limit:
            raise Refused(0, f"is larger than {limit} bytes", str(path))
    except BaseException:
        os.close(fd)
        raise
    return fd, info.st_size


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path` (see `open_regular`): at most the size it had
    when opened, so a file that grows meanwhile cannot make the read endless."""
    fd, size = open_regular(path, limit)
    try:
        parts, left = [], size
        while left > 0 and (part := os.read(fd, min(left, 1 << 24))):
            parts.append(part)
            left -= len(part)
        return b"".join(parts)
    finally:
        os.close(fd)


def open_binary(path: Path, limit: int) -> BinaryIO:
    """`read_regular`'s file as a file object, for reading a part at a time."""
    fd, _ = open_regular(path, limit)
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _refuse_unless_folder(path: Path) -> bool:
    """True for a real folder, False for nothing there; Refused for anything else."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return False
    if not stat.S_ISDIR(mode):
        raise Refused(0, LINK if stat.S_ISLNK(mode) else "is not a folder", str(path))
    return True


class OwnFolder:
    """A folder skillcycle keeps inside a repo, e.g. `.skillcycle/cache`: `rel` below `root`.

    The root is the user's choice and trusted as given; every folder of `rel` must be a real
    folder. Raises Refused (an OSError) when one is not; callers that can do without the
    folder (the cache) go on without it.
    """

    def __init__(self, root: Path, rel: str | PurePosixPath, on_create: Callable[[Path], None] | None = None) -> None:
        self.root = root
        self.parts = PurePosixPath(rel).parts
        self.path = root.joinpath(*self.parts)
        self.on_create = on_create  # called with the first folder a write had to make

    def check(self) -> bool:
        """True when the folder exists as real folders all the way; False when some part is
        missing; Refused when some part is a link or not a folder."""
        at = self.root
        for part in self.parts:
            at = at / part
            if not _refuse_unless_folder(at):
                return False
        return True

    def ensure(self) -> Path:
        """Make the missing folders, each checked as it is reached. The folder's path."""
        at, on_create = self.root, self.on_create
        for part in self.parts:
            at = at / part
            try:
                os.mkdir(at)
            except FileExistsError:
                _refuse_unless_folder(at)  # before anything is made inside it
            else:
                if on_create is not None:
                    on_create(at)
                    on_create = None
        return self.path

    def read(self, name: str, limit: int) -> bytes | None:
        """The bytes of the file `name`, None when there is none; Refused as `read_regular`."""
        if not self.check():
            return None
        try:
            return read_regular(self.path / name, limit)
        except FileNotFoundError:
            return None

    def open(self, name: str, limit: int) -> BinaryIO:
        if not self.check():
            raise FileNotFoundError(2, "no such folder", str(self.path))
        return open_binary(self.path / name, limit)

    def write(self, name: str, *parts: bytes | Callable[[BinaryIO], None]) -> None:
        """Write `name` atomically; a link of that name is replaced, never written through."""
        self.ensure()
        replace_file(self.path / name, *parts)

    def remove(self, name: str) -> None:
        """Delete the name itself (a link is removed, never what it points at)."""
        if self.check():
            try:
                os.unlink(self.path / name)
            except FileNotFoundError:
                pass

    def size(self, name: str) -> int | None:
        """The size of the regular file `name`; None for anything else or nothing."""
        if not self.check():
            return None
        try:
            info = os.lstat(self.path / name)
        except OSError:
            return None
        return info.st_size if stat.S_ISREG(info.st_mode) else None

    def tidy(self) -> None:
        """Remove the temporary files of writers that were killed mid-write."""
        for name, _ in self.names(".", ".tmp"):
            if writer_gone(name):
                self.remove(name)

    def names(self, prefix: str = "", suffix: str = "") -> list[tuple[str, int]]:
        """(name, mtime in ns) of every entry that is no folder, `prefix`...`suffix`, sorted by name:
        links included, so that they can be removed, but none is followed."""
        if not self.check():
            return []
        found = []
        with os.scandir(self.path) as entries:
            for entry in entries:
                if entry.name.startswith(prefix) and entry.name.endswith(suffix) and not entry.is_dir(follow_symlinks=False):
                    try:
                        found.append((entry.name, entry.stat(follow_symlinks=False).st_mtime_ns))
                    except OSError:
                        continue
        return sorted(found)


STATE_DIR = ".skillcycle"


def state_folder(root: Path, name: str) -> OwnFolder:
    """`.skillcycle/<name>` of the repo at `root`, ignored by git from the moment it is made."""
    return OwnFolder(root, f"{STATE_DIR}/{name}", on_create=_ignore_in_git)


def _ignore_in_git(made: Path) -> None:
    top = made if made.name == STATE_DIR else made.parent
    try:  # O_EXCL: whatever stands there already, a dangling link included, is left alone
        fd = os.open(top / ".gitignore", os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o666)
    except OSError:
        return
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("*\n")
