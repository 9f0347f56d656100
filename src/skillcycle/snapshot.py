"""The repo snapshot: what a warm run (nothing changed since the last) reads instead of the files.

The parse cache (cache.py) spares a warm run the parsing, but it still
rebuilds a model per file and runs every cross-file check: seconds per
thousand people. The snapshot spares that too. It is keyed by the listing of
the repo — every skills file's path, size and mtime, and what the walk
reported — plus the code version, and holds, in `.skillcycle/cache/`:

- `results.bin`: the validation problems for the last few (as-of, today)
  pairs. A warm `validate` reads only this.
- `repo.bin`: for a repo with no errors, the repo as tables (`Repo.tables_only`)
  and its static problems (those that depend on the files alone). `gap`,
  `metrics`, and `validate` on a new as-of or day read this, and compute the
  dated checks (C006, C007, C009) again from the tables.

Any change to the listing — an edit, a new or deleted file, a `touch` — is a
miss: the run goes through the parse cache (where only changed bytes are
parsed) and writes a new snapshot. A listing with a file modified in the last
two seconds is never snapshotted, so an edit within the same mtime tick cannot
hide (cache.RACY_NS). Both files carry a checksum and are written atomically;
anything unexpected reads as a miss.
"""

from __future__ import annotations

import hashlib
import marshal
import pickle
import sys
import time
import zlib
from datetime import date
from pathlib import Path
from typing import Callable

from . import __version__, cache, yamlstrict
from .loader import DirectorySource, load
from .problems import Problem
from .validate import Validation, revalidate, validate_loaded

_MAGIC = b"skillcycle snapshot\n"
_SUM = 16
KEEP_RESULTS = 8  # (as-of, today) pairs remembered per listing


def _code_version() -> bytes:
    """Every module of the package: any change to a check or a table invalidates the snapshot."""
    import numpy
    import pandas

    digest = hashlib.blake2b(digest_size=_SUM)
    digest.update(f"{__version__}\0{sys.version}\0{pandas.__version__}\0{numpy.__version__}\0".encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def listing_key(
    entries: list[tuple[str, str]], problems: list[Problem], stats: dict[str, tuple[int, int]],
) -> bytes | None:
    """A digest of the repo's listing, or None when a stat cannot be trusted (modified in the
    last moments, or not a regular file): such a listing is never snapshotted."""
    infos = [stats.get(rel) for rel, _ in entries]
    if None in infos or (infos and max(mtime for _, mtime in infos) >= time.time_ns() - cache.RACY_NS):
        return None
    listed = [(p.file, p.line, p.col, p.code, p.message) for p in problems]
    return hashlib.blake2b(marshal.dumps((entries, infos, listed)), digest_size=_SUM).digest()


def _checksum(payload: bytes) -> bytes:
    """Catches torn and damaged files (the key and version are checked before); CRC-32 reads
    hundreds of MiB in a fraction of the time a cryptographic hash takes."""
    return zlib.crc32(payload).to_bytes(4, "big")


class Snapshot:
    """The two snapshot files of one repo, for one listing key."""

    def __init__(self, root: Path, key: bytes) -> None:
        self.folder = root / cache.CACHE_DIR
        self.stamp = key + _code_version()

    def _read(self, name: str) -> object | None:
        try:
            data = (self.folder / name).read_bytes()
        except OSError:
            return None
        head = len(_MAGIC) + len(self.stamp)
        if data[:head] != _MAGIC + self.stamp:
            return None
        checksum, payload = data[head:head + 4], data[head + 4:]
        if _checksum(payload) != checksum:
            return None
        try:
            return pickle.loads(payload)
        except Exception:  # the checksum makes this unlikely; never let a cache crash a run
            return None

    def _write(self, name: str, value: object) -> None:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        checksum = _checksum(payload)
        try:
            cache.write_entry(self.folder, self.folder / name, _MAGIC + self.stamp + checksum + payload)
        except OSError:  # a read-only repo: no snapshot, same answers
            pass

    def results(self) -> dict[tuple[date, date], Validation]:
        found = self._read("results.bin")
        return found if isinstance(found, dict) else {}

    def save_result(self, results: dict[tuple[date, date], Validation], as_of: date, today: date, validation: Validation) -> None:
        kept = {k: v for k, v in results.items() if k != (as_of, today)}
        kept[(as_of, today)] = Validation(validation.counts, validation.problems, None, [])
        self._write("results.bin", dict(list(kept.items())[-KEEP_RESULTS:]))

    def repo(self):
        found = self._read("repo.bin")
        return found if isinstance(found, tuple) and len(found) == 2 else None

    def save_repo(self, validation: Validation) -> None:
        self._write("repo.bin", (validation.repo.tables_only(), validation.static))


def _disk_locator(root: Path) -> Callable[[str, tuple, bool], tuple[int, int]]:
    """Positions in files not parsed this run: each file parsed once, when first pointed into."""
    docs: dict[str, yamlstrict.Document] = {}

    def locate(rel: str, path: tuple, key: bool) -> tuple[int, int]:
        if rel not in docs:
            try:
                docs[rel] = yamlstrict.parse((root / rel).read_bytes())
            except OSError:
                docs[rel] = yamlstrict.Document()
        return docs[rel].at(path, key=key)

    return locate


def validate_warm(
    root: Path, as_of: date, today: date, progress: Callable[[int, int], None] | None = None, need_repo: bool = True,
) -> Validation:
    """validate_loaded's answer for the repo at root, from the snapshot when the listing is unchanged.

    With `need_repo` False a hit may come back with `repo` None although the repo
    is valid: enough for `validate`, which reports only problems and counts.
    """
    source = DirectorySource(root)
    entries, listed = source.entries()
    key = listing_key(entries, listed, source.stats)
    snapshot = Snapshot(root, key) if key is not None else None
    results = snapshot.results() if snapshot else {}
    known = results.get((as_of, today))
    if known is not None and not (need_repo and known.ok):
        return known
    stored = snapshot.repo() if snapshot else None
    if stored is not None:
        repo, static = stored
        validation = known or revalidate(repo, static, as_of, today, _disk_locator(root))
        validation = Validation(validation.counts, validation.problems, repo, static)
        if known is None:
            snapshot.save_result(results, as_of, today, validation)
        return validation
    validation = validate_loaded(load(source, progress, use_cache=True, listing=(entries, listed)), as_of, today)
    if snapshot is not None:
        if validation.repo is not None:
            snapshot.save_repo(validation)
        snapshot.save_result({}, as_of, today, validation)
    return validation

