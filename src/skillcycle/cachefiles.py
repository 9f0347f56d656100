"""The files of the cache folder, `<repo>/.skillcycle/cache/`: where it is, how its files are
sealed against forgery and written atomically, and how skills files are hashed.

The parse cache (cache.py) and the snapshot (snapshot.py) both build on this. It
imports neither pydantic nor PyYAML: a warm run that reads only the snapshot
needs nothing more.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from . import walk
from .atomic import replace_file

CACHE_DIR = Path(".skillcycle") / "cache"
SUM = 16  # bytes of every digest
RACY_NS = 2_000_000_000  # files modified this recently are not trusted by their stat alone


def file_hash(raw: bytes) -> bytes:
    return hashlib.blake2b(raw, digest_size=SUM).digest()


# Files hashed before the rest is shared among the cores (see walk.in_forks).
PARALLEL_HASH = 5_000


def hash_files(root: Path, rels: list[str]) -> list[bytes | None]:
    """The hash of each file's bytes (None: unreadable). A checkout gives every file a new
    mtime, so the first run after one in CI hashes them all: 300k files at 10k people."""
    top = os.fspath(root)
    paths = [os.path.join(top, rel) for rel in rels]
    if len(paths) > PARALLEL_HASH:
        chunks = [paths[start:start + PARALLEL_HASH] for start in range(0, len(paths), PARALLEL_HASH)]
        shared = walk.in_forks(_hash_paths, chunks)
        if shared is not None:
            return [digest for chunk in shared for digest in chunk]
    return _hash_paths(paths)


def _hash_paths(paths: list[str]) -> list[bytes | None]:
    # os.open and os.read: a third of the time of Path.read_bytes on small files. Non-blocking:
    # a file swapped for a FIFO since the walk must not hang the run (it reads as changed).
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    digests: list[bytes | None] = []
    for path in paths:
        try:
            fd = os.open(path, flags)
        except OSError:
            digests.append(None)
            continue
        try:
            parts = []
            while part := os.read(fd, 1 << 20):
                parts.append(part)
            digests.append(file_hash(b"".join(parts)))
        except OSError:
            digests.append(None)
        finally:
            os.close(fd)
    return digests


def seal(payload: bytes | memoryview) -> bytes | None:
    """A MAC of `payload` under this user's cache key, or None when there is no key.

    The cache folder is inside the repo, so a repo can arrive with one committed (a
    hostile pull request): a plain checksum would let it forge parsed values or a
    stored "valid" verdict. Only files sealed with a key kept outside the repo, in
    this user's cache folder, are trusted. HMAC-SHA256 rather than keyed BLAKE2b: CPUs hash
    SHA-256 in hardware, twice as fast here (0.17 vs 0.32 s for the 300 MB a warm
    run reads at 10k people).
    """
    mac = sealer()
    if mac is None:
        return None
    # A piece at a time: OpenSSL takes at most 2 GiB in one call (the ratings table is more at 100k people)
    view = memoryview(payload)
    for start in range(0, len(view), SEAL_PIECE):
        mac.update(view[start:start + SEAL_PIECE])
    return mac.digest()[:SUM]


SEAL_PIECE = 1 << 30


def sealer() -> "hmac.HMAC | None":
    """The MAC that `seal` computes, to be fed a piece at a time (`update`, then `digest()[:SUM]`)
    as a payload is written; None when there is no key."""
    key = _secret()
    return None if key is None else hmac.new(key, digestmod="sha256")


_KEY: list[bytes | None] = []


def _secret() -> bytes | None:
    """32 random bytes kept in the user's cache folder ($XDG_CACHE_HOME or ~/.cache), made on
    first use, readable by the user alone; None (no caching) when it cannot be read or made."""
    if not _KEY:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        path = Path(base) / "skillcycle" / "cache.key"
        key = None
        try:
            key = path.read_bytes()
        except OSError:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    handle.write(os.urandom(32))
                key = path.read_bytes()
            except OSError:  # read-only home, or another process won the race and we cannot read
                try:
                    key = path.read_bytes()
                except OSError:
                    key = None
        _KEY.append(key if key and len(key) == 32 else None)
    return _KEY[0]


def write_entry(folder: Path, path: Path, *parts: bytes) -> None:
    """Write one file of the cache folder atomically (temporary file, then rename), creating the
    folder, ignored by git, on first use. Raises OSError when the repo is read-only."""
    if not folder.is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        ignore = folder.parent / ".gitignore"
        if not ignore.exists():
            ignore.write_text("*\n", encoding="utf-8")
    replace_file(path, *parts)
