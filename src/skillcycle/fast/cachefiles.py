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

from ..core import walk
from ..core.ownfiles import STATE_DIR, OwnFolder, Refused, read_regular, state_folder

CACHE_DIR = Path(STATE_DIR) / "cache"
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
    SHA-256 in hardware, about twice as fast (benchmarks/README.md).
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
        home = os.path.expanduser("~")
        base = os.environ.get("XDG_CACHE_HOME") or (os.path.join(home, ".cache") if home != "~" else None)
        path = Path(base or "~") / "skillcycle" / "cache.key"
        key = None
        if base is not None and os.path.isabs(base):
            try:
                _private_folder(path.parent)
                key = read_regular(path, 32)
            except OSError:
                try:
                    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(os.urandom(32))
                    key = read_regular(path, 32)
                except OSError:  # read-only home, or another process won the race and we cannot read
                    try:
                        key = read_regular(path, 32)
                    except OSError:
                        key = None
        if not (key and len(key) == 32):
            key = None
            notice(f"no cache key could be read or made at {path}; running without the cache")
        _KEY.append(key)
    return _KEY[0]


def _private_folder(folder: Path) -> None:
    """The key's folder, readable by this user alone (0700)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:  # made 0755 by skillcycle before 0.2: tightened
        info = os.stat(folder)
        if info.st_mode & 0o077 and info.st_uid == getattr(os, "getuid", lambda: info.st_uid)():
            os.chmod(folder, 0o700)


# The largest cache file read: the ratings table is 474 MB at 100k people. Anything larger
# was not written by skillcycle and is not read (nor is anything but a regular file).
MAX_ENTRY = 8 << 30


def cache_folder(root: Path) -> OwnFolder | None:
    """`<repo>/.skillcycle/cache` (see ownfiles), or None when a branch made any part of it a
    link or a file: then the run goes on without a cache, and says why once."""
    folder = state_folder(root, CACHE_DIR.name)
    try:
        folder.check()
        folder.tidy()
    except Refused as exc:
        notice(f"{exc.filename} {exc.strerror}; running without the cache")
        return None
    except OSError:  # not tidied (a read-only repo): no harm
        pass
    return folder


_NOTICES: set[str] = set()
NOTICE: list = []  # the CLI's printer of notices (cli/__init__.py); a library caller hears nothing


def notice(message: str) -> None:
    """Tell the user once per process why the cache is not used."""
    if message not in _NOTICES:
        _NOTICES.add(message)
        for printer in NOTICE:
            printer(message)
