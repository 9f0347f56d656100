"""The repo snapshot: what a warm run (nothing changed since the last) reads instead of the files.

The parse cache (cache.py) spares a warm run the parsing, but it still
rebuilds a model per file and runs every cross-file check: seconds per
thousand people. The snapshot spares that too. It lives in `.skillcycle/cache/`:

- `results.bin`: the validation problems for the last few (as-of, today)
  pairs. A warm `validate` reads only this.
- `repo.bin`: for a repo with no errors, the repo as tables (`Repo.tables_only`)
  and its static problems (those that depend on the files alone). `gap`,
  `metrics`, and `validate` on a new as-of or day read this, and compute the
  dated checks (C006, C007, C009) again from the tables.

Both are keyed by the repo's *content id*: a hash of every skills file's path
and bytes, and of what the walk reported (symlinks and the like), with the
code version. Hashing 300k files on every run would cost seconds, so
`head.bin` holds the listing key (paths, sizes, mtimes) the content was last
seen with, and `listing.bin` each file's size, mtime and hash: an unchanged
listing is the same content without reading a file, and when only mtimes moved
(a `touch`, a checkout, a cache restored in CI) only those files are hashed.
A file modified in the last two seconds is always hashed (cache.RACY_NS).
Anything new, deleted or different is a miss: the run goes through the parse
cache, where only changed bytes are parsed, and writes a new snapshot. Every
file is sealed with a key of this user's (cache.seal: a repo can arrive with a
forged cache committed) and written atomically; anything unexpected reads as a
miss and is never unpickled.
"""

from __future__ import annotations

import hashlib
import marshal
import pickle
import sys
import time
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
    """Every module of the package, and the libraries whose objects are pickled: any change to
    a check or a table invalidates the snapshot (read from metadata: importing pandas costs
    a third of a second that a warm `validate` does not otherwise spend)."""
    from importlib.metadata import version

    digest = hashlib.blake2b(digest_size=_SUM)
    digest.update(f"{__version__}\0{sys.version}\0{version('pandas')}\0{version('numpy')}\0".encode())
    package = Path(__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


# Keys hash marshal format 2: later formats share repeated objects depending on their
# reference counts, so equal data could give different bytes from run to run.
_KEY_FORMAT = 2


def listing_key(entries: list[tuple[str, str]], problems: list[Problem], stats: dict[str, tuple[int, int]]) -> bytes:
    """A digest of the repo's listing: paths, kinds, sizes and mtimes, and what the walk reported."""
    infos = [stats.get(rel) for rel, _ in entries]
    return hashlib.blake2b(marshal.dumps((entries, infos, _plain(problems)), _KEY_FORMAT), digest_size=_SUM).digest()


def content_id(entries: list[tuple[str, str]], problems: list[Problem], digests: dict[str, bytes]) -> bytes | None:
    """A digest of the repo's content (paths, kinds, bytes' hashes, walk findings); None when a
    file could not be read, so that nothing is stored for it."""
    hashes = [digests.get(rel) for rel, _ in entries]
    if None in hashes:
        return None
    return hashlib.blake2b(marshal.dumps((entries, hashes, _plain(problems)), _KEY_FORMAT), digest_size=_SUM).digest()


class Snapshot:
    """The snapshot files of one repo."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / cache.CACHE_DIR
        self.version = _code_version()

    def _read(self, name: str, stamp: bytes, loads: Callable[[bytes], object] = pickle.loads) -> object | None:
        try:
            data = (self.folder / name).read_bytes()
        except OSError:
            return None
        head = len(_MAGIC) + len(self.version) + len(stamp)
        if data[:head] != _MAGIC + self.version + stamp:
            return None
        checksum, payload = data[head:head + _SUM], data[head + _SUM:]
        if cache.seal(payload) != checksum:  # torn, damaged, or not made by this user: never unpickled
            return None
        try:
            return loads(payload)
        except Exception:  # the checksum makes this unlikely; never let a cache crash a run
            return None

    def _write(self, name: str, stamp: bytes, payload: bytes) -> None:
        sealed = cache.seal(payload)
        if sealed is None:
            return
        data = _MAGIC + self.version + stamp + sealed + payload
        try:
            cache.write_entry(self.folder, self.folder / name, data)
        except OSError:  # a read-only repo: no snapshot, same answers
            pass

    # -- which content is on disk ------------------------------------------------

    def identify(self, entries: list[tuple[str, str]], listed: list[Problem], stats: dict[str, tuple[int, int]]) -> bytes | None:
        """The content id of the files as listed, if the last run saw the same paths and
        bytes; None otherwise (new, deleted or changed files, or no snapshot yet)."""
        key = listing_key(entries, listed, stats)
        head = self._read("head.bin", b"", marshal.loads)
        if not (isinstance(head, tuple) and len(head) == 2):
            return None
        known_key, content = head
        if key == known_key:
            return content
        known = self._read("listing.bin", content, marshal.loads)
        if not (isinstance(known, tuple) and len(known) == 2):
            return None
        files, known_listed = known
        if [(rel, kind) for rel, kind, *_ in files] != entries or known_listed != _plain(listed):
            return None
        racy = time.time_ns() - cache.RACY_NS
        for rel, _, size, mtime, digest in files:
            info = stats.get(rel)
            if info is None or info[0] != size:
                return None
            if info[1] != mtime or info[1] >= racy:
                try:
                    if cache._hash((self.root / rel).read_bytes()) != digest:
                        return None
                except OSError:
                    return None
        self.remember(entries, listed, stats, content, {rel: digest for rel, _, _, _, digest in files}, key)
        return content

    def remember(
        self, entries: list[tuple[str, str]], listed: list[Problem], stats: dict[str, tuple[int, int]], content: bytes,
        digests: dict[str, bytes], key: bytes | None = None,
    ) -> None:
        """Record that the files as listed (`key`: their listing_key, if known) hold `content`.
        Files modified in the last moments are recorded with no mtime, so the next run reads
        their bytes again."""
        racy = time.time_ns() - cache.RACY_NS
        files = []
        for rel, kind in entries:
            size, mtime = stats[rel]
            files.append((rel, kind, size, mtime if mtime < racy else -1, digests[rel]))
        self._write("listing.bin", content, marshal.dumps((files, _plain(listed))))
        settled = all(file[3] >= 0 for file in files)
        if settled and key is None:
            key = listing_key(entries, listed, stats)
        self._write("head.bin", b"", marshal.dumps((key if settled else b"", content)))

    # -- what is known about that content -------------------------------------------

    def results(self, content: bytes) -> dict[tuple[date, date], Validation]:
        found = self._read("results.bin", content)
        return found if isinstance(found, dict) else {}

    def save_result(
        self, content: bytes, results: dict[tuple[date, date], Validation], as_of: date, today: date, validation: Validation,
    ) -> None:
        kept = {k: v for k, v in results.items() if k != (as_of, today)}
        kept[(as_of, today)] = Validation(validation.counts, validation.problems, None, [])
        self._write("results.bin", content, pickle.dumps(dict(list(kept.items())[-KEEP_RESULTS:]), pickle.HIGHEST_PROTOCOL))

    def repo(self, content: bytes):
        found = self._read("repo.bin", content)
        return found if isinstance(found, tuple) and len(found) == 2 else None

    def save_repo(self, content: bytes, validation: Validation) -> None:
        payload = pickle.dumps((validation.repo.tables_only(), validation.static), pickle.HIGHEST_PROTOCOL)
        self._write("repo.bin", content, payload)


def _plain(problems: list[Problem]) -> list[tuple]:
    return [(p.file, p.line, p.col, p.code, p.message) for p in problems]


def _disk_locator(root: Path) -> Callable[[str, tuple, bool], tuple[int, int]]:
    """Positions in files not parsed this run: each file parsed once, when first pointed into."""
    files: dict[str, cache.Reparse] = {}

    def locate(rel: str, path: tuple, key: bool) -> tuple[int, int]:
        if rel not in files:
            files[rel] = cache.Reparse(str(root / rel))
        return files[rel].document().at(path, key=key)

    return locate


def validate_warm(
    root: Path, as_of: date, today: date, progress: Callable[[int, int], None] | None = None, need_repo: bool = True,
) -> Validation:
    """validate_loaded's answer for the repo at root, from the snapshot when the content is unchanged.

    With `need_repo` False a hit may come back with `repo` None although the repo
    is valid: enough for `validate`, which reports only problems and counts.
    """
    source = DirectorySource(root)
    entries, listed = source.entries()
    snapshot = Snapshot(root)
    content = snapshot.identify(entries, listed, source.stats)
    results = snapshot.results(content) if content else {}
    known = results.get((as_of, today))
    if known is not None and not (need_repo and known.ok):
        return known
    stored = snapshot.repo(content) if content else None
    if stored is not None:
        repo, static = stored
        validation = known or revalidate(repo, static, as_of, today, _disk_locator(root))
        validation = Validation(validation.counts, validation.problems, repo, static)
        if known is None:
            snapshot.save_result(content, results, as_of, today, validation)
        return validation
    digests: dict[str, bytes] = {}
    validation = validate_loaded(
        load(source, progress, use_cache=True, listing=(entries, listed), digests=digests), as_of, today,
    )
    content = content_id(entries, listed, digests)
    if content is not None and all(rel in source.stats for rel, _ in entries):
        snapshot.remember(entries, listed, source.stats, content, digests)
        if validation.repo is not None:
            snapshot.save_repo(content, validation)
        snapshot.save_result(content, {}, as_of, today, validation)
    return validation
