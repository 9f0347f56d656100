"""Reading a repo's files fast: a parse cache for warm runs, parallel parsing for cold ones.

The cache lives in `<repo>/.skillcycle/cache/` (a `.gitignore` holding `*` keeps
it out of git) and is the only thing a read command writes. It holds, per file,
(size, mtime_ns, blake2b of the bytes, the parsed plain value marshalled) for files that
parsed and validated cleanly; files with findings are always parsed again, so
their messages and positions come from the one code path. An unchanged stat is
a hit; a changed stat with the same hash (a `touch`, a checkout) is a hit too.

It is sharded by folder (e.g. `checkins/2025-03`), so one edited file rewrites
one shard. Every shard carries the code version (skillcycle, Python, and the
source of the modules that decide what a file parses to) and a MAC of its
payload under a key of this user's (`seal`): anything unexpected — another
version, a torn or garbage file, a file not made here — reads as an empty
shard and is rebuilt. Shards are written to a temporary file and
renamed, so two processes at once never see half a shard; the last writer wins.

Values, not models, are stored: re-validating plain values with pydantic-core
is several times faster than unpickling models, and `marshal` loads plain
values faster than `pickle` (benchmarks/README.md). Positions are not stored
either: they are needed only to point at a problem, so a clean file's positions
are read again from disk on first use (`_Positions`), which also keeps them out
of memory on large repos.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import sys
import time
from collections import deque
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterator

from pydantic import ValidationError

from .. import __version__
from ..core import schema, sources, walk, yamlstrict
from .cachefiles import MAX_ENTRY, RACY_NS, SUM, cache_folder, file_hash, seal
from ..core.loader import Consume, Progress, Reader
from ..core.kinds import RAW_KINDS
from ..core.sources import DirectorySource, FileSource, Reparse, SourceFile

PARALLEL_MIN = 2000  # below this, starting workers costs more than it saves
# Parsing and validating a file costs ~0.6 us per byte, reading its shard ~16 ns per byte
# of the shard (10k people, checkins/2025-01: 3.8 MB): a shard over 40x the bytes wanted
# from it is not read.
SHARD_WORTH = 40
# A worker's task: up to this many files or bytes of YAML (parsed values take ~10x the bytes,
# and all of a task's values arrive at once: one assessment batch can be 200 KB).
_CHUNK_FILES = 500
_CHUNK_BYTES = 256 * 1024
_AHEAD = 4  # tasks in flight per worker
_MAGIC = b"skillcycle parse cache\n"


def _code_version() -> bytes:
    digest = hashlib.blake2b(digest_size=SUM)
    digest.update(f"{__version__}\0{sys.version}\0".encode())
    for module in (schema, yamlstrict, sys.modules[__name__]):
        digest.update(Path(module.__file__).read_bytes())
    return digest.digest()


class _Shard:
    """The cached entries of one folder: rel -> [size, mtime_ns, digest, marshalled value].

    Each value stays marshalled until its file's turn comes: a load through the cache
    holds the hits it found ahead of the files it still parses, and their values would
    take ~6x the bytes as objects (15+ GiB at 100k people)."""

    def __init__(self, name: str, data: bytes | None, version: bytes) -> None:
        self.name = name
        self.entries: dict[str, list] = _read_shard(data, version) if data is not None else {}
        self.dirty = False


def _read_shard(data: bytes, version: bytes) -> dict[str, list]:
    head = len(_MAGIC)
    if data[:head] != _MAGIC or data[head:head + SUM] != version:
        return {}
    checksum, payload = data[head + SUM:head + 2 * SUM], memoryview(data)[head + 2 * SUM:]
    if seal(payload) != checksum:
        return {}
    try:
        entries = marshal.loads(payload)
    except Exception:  # the checksum makes this unlikely; never let a cache crash a run
        return {}
    return entries if isinstance(entries, dict) else {}


class Store:
    """The parse cache of one repo. Shards are read when a file of theirs is first looked up
    and let go (written first if they changed) with `release`, so that a cold run at 10k
    people does not hold every file's value twice, once in its model and once here."""

    def __init__(self, root: Path, listed: set[str] | None) -> None:
        self.folder = cache_folder(root)  # None: no cache
        self.version = _code_version()
        self.listed = listed  # every file of the repo now: entries of others are dropped (None: keep them)
        self.shards: dict[str, _Shard] = {}
        self.writable = self.folder is not None  # False once a write failed: a read-only repo runs without a cache

    def shard(self, rel: str) -> _Shard:
        folder = shard_of(rel)
        shard = self.shards.get(folder)
        if shard is None:
            name = self._name(folder)
            shard = self.shards[folder] = _Shard(name, self._read(name), self.version)
        return shard

    def _read(self, name: str) -> bytes | None:
        if self.folder is None:
            return None
        try:
            return self.folder.read(name, MAX_ENTRY)
        except OSError:
            return None

    @staticmethod
    def _name(folder: str) -> str:
        return hashlib.blake2b(folder.encode(), digest_size=8).hexdigest() + ".bin"

    def not_worth_reading(self, entries: list[tuple[str, str]], stats: Mapping[str, walk.Stat]) -> set[str]:
        """The folders of `entries` whose shard is so much bigger than the files wanted from it
        that parsing those files costs less than reading the shard (a review packet wants one
        person's check-in of each month: 300 bytes of a 7 MB shard)."""
        wanted: dict[str, int] = {}
        for rel, _ in entries:
            folder = shard_of(rel)
            wanted[folder] = wanted.get(folder, 0) + stats.get(rel, (0, 0))[0]
        skipped = set()
        for folder, size in wanted.items():
            try:
                shard_size = self.folder.size(self._name(folder)) if self.folder is not None else None
            except OSError:
                continue
            if shard_size is not None and shard_size > SHARD_WORTH * size:
                skipped.add(folder)
        return skipped

    def get(self, rel: str) -> list | None:
        return self.shard(rel).entries.get(rel)

    def put(self, rel: str, entry: list) -> None:
        shard = self.shard(rel)
        shard.entries[rel] = entry
        shard.dirty = True

    def release(self, folder: str) -> None:
        """Write the shard of `folder` if it changed or lost files, and forget it."""
        shard = self.shards.pop(folder, None)
        if shard is None or not self.writable:
            return
        stale = [rel for rel in shard.entries if rel not in self.listed] if self.listed is not None else []
        if not (shard.dirty or stale):
            return
        for rel in stale:
            del shard.entries[rel]
        try:
            self._write(shard)
        except OSError:
            self.writable = False

    def save(self) -> None:
        """Release every shard still held; silently nothing if the repo is read-only."""
        for folder in list(self.shards):
            self.release(folder)

    def _write(self, shard: _Shard) -> None:
        payload = marshal.dumps(shard.entries)
        sealed = seal(payload)
        if sealed is not None and self.folder is not None:
            self.folder.write(shard.name, _MAGIC + self.version + sealed, payload)


def shard_of(rel: str) -> str:
    """The shard a file's entry lives in: its folder."""
    return rel.rsplit("/", 1)[0] if "/" in rel else ""


class _Positions(Mapping):
    """`Document.values` or `.keys` of a file parsed earlier, read from disk on first use."""

    __slots__ = ("reparse", "which")

    def __init__(self, reparse: Reparse, which: str) -> None:
        self.reparse, self.which = reparse, which

    def __getitem__(self, path: tuple) -> tuple[int, int]:
        return self.reparse.positions(self.which)[path]

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.reparse.positions(self.which))

    def __len__(self) -> int:
        return len(self.reparse.positions(self.which))


def _clean_file(path: str, file: SourceFile, value: Any) -> SourceFile | None:
    """`file` (parsed clean, or known clean from the cache) with positions read lazily, and its
    raw value only where a check reads it (kinds.RAW_KINDS); None if `value` no longer validates."""
    if file.model is None:
        model_cls = schema.TOP_FILES.get(file.kind) or schema.FOLDERS[file.kind]
        try:
            file.model = model_cls.model_validate(value)
        except ValidationError:
            return None
    reparse = Reparse(path)
    kept = value if file.kind in RAW_KINDS else None
    file.doc = yamlstrict.Document(kept, _Positions(reparse, "values"), _Positions(reparse, "keys"))  # type: ignore[arg-type]
    return file


def _parse(
    source: FileSource, rel: str, kind: str, known: bytes | None, validate: bool = True,
) -> tuple[bytes | None, SourceFile | None]:
    """Read and parse one file: (digest, file), or (digest, None) when its digest is `known`
    (the digest is None when the file cannot be read). Without `validate`, a file that parses
    comes with its value alone: no model, no positions."""
    raw = source.read(rel)
    if isinstance(raw, yamlstrict.Finding):
        return None, sources.read_source(source, rel, kind)
    digest = file_hash(raw)
    if digest == known:
        return digest, None
    file = SourceFile(rel, kind, yamlstrict.Document())
    if validate:
        return digest, sources.parse_into(file, raw)
    file.doc = yamlstrict.parse(raw)
    if not file.doc.findings:
        file.doc = yamlstrict.Document(file.doc.value)
    return digest, file


def _parse_chunk(root: Path, items: list[tuple[str, str, bytes | None]]) -> list[tuple[bytes | None, SourceFile | None]]:
    """`_parse` in a worker process, without validating: the main process validates each value
    anyway when it makes the file's model (_clean_file), and pickling models and positions
    would cost more. A file whose value does not validate is read again there, for positions."""
    source = DirectorySource(root)
    return [_parse(source, rel, kind, known, validate=False) for rel, kind, known in items]


def reader(use_cache: bool = False, digests: dict[str, bytes] | None = None) -> Reader:
    """The loader's Reader of this module (read_all): files looked up in the parse cache when
    `use_cache`, the others parsed in worker processes when many are left; `digests`, when
    given, receives the hash of each file's bytes, for the snapshot's content id."""

    def read(source: FileSource, entries: list[tuple[str, str]], progress: Progress | None, whole: bool, consume: Consume | None) -> list[SourceFile]:
        return read_all(source, entries, progress, use_cache, digests, whole, consume)

    return read


def read_all(
    source: FileSource, entries: list[tuple[str, str]], progress: Callable[[int, int], None] | None = None,
    use_cache: bool = False, digests: dict[str, bytes] | None = None, whole: bool = True,
    consume: Callable[[SourceFile], SourceFile | None] | None = None,
) -> list[SourceFile]:
    """Every entry of `source` read, parsed and validated, in the order of `entries`.

    Files of a folder on disk (not overlaid) are looked up in the parse cache
    when `use_cache`, and parsed in worker processes when many are left.
    `digests`, when given, receives the hash of every such file's bytes (known
    from the cache or computed while reading), for the snapshot's content id.
    `whole` says `entries` are all the repo's files: the cache then drops entries of others.
    `consume` is handed each file as soon as it is read, in the order of `entries`; only
    the files it returns are kept (a big repo's models need not all be held at once).
    """
    # Loading allocates millions of small acyclic objects; the cyclic GC would walk the
    # growing heap again and again for nothing (about a fifth of a cold load's CPU). They
    # live as long as the run, so they are then frozen: moved out of the GC's generations,
    # or its first collections after loading would walk them all (seconds at 10k people).
    collecting = gc.isenabled()
    gc.disable()
    try:
        files = _read_all(source, entries, progress, use_cache, {} if digests is None else digests, whole)
        return [file for file in (map(consume, files) if consume else files) if file is not None]
    finally:
        gc.freeze()
        if collecting:
            gc.enable()


def _read_all(
    source: FileSource, entries: list[tuple[str, str]], progress: Callable[[int, int], None] | None, use_cache: bool,
    digests: dict[str, bytes], whole: bool,
) -> Iterator[SourceFile]:
    """The files of `entries`, in their order, each made when its turn comes: a cached file's
    model is built only then, so a consumer that lets go of models never holds them all."""
    total = len(entries)
    on_disk = isinstance(source, DirectorySource)
    store = Store(source.root, {rel for rel, _ in entries} if whole else None) if use_cache and on_disk else None
    stats = source.stats if on_disk else {}  # type: ignore[attr-defined]
    skipped = store.not_worth_reading(entries, stats) if store is not None and not whole else set()
    # Per entry: the cached entry that matches its stat (a hit), else None; misses go to `todo`.
    hits: list[list | None] = [None] * total
    todo: list[tuple[int, walk.Stat | None, list | None]] = []  # (index, stat, cached entry)
    root = os.fspath(source.root)  # str paths: pathlib costs more than the stat on a warm run
    # Entries come sorted by path, so a folder's files come together: its shard is let go as
    # soon as none of them is left to parse (see Store).
    pending: dict[str, int] = {}  # shard -> files of it still to parse
    current = None
    for i, (rel, kind) in enumerate(entries):
        if not on_disk or rel in source.overlay:  # type: ignore[attr-defined]
            continue
        info = entry = None
        if store is not None and shard_of(rel) not in skipped:
            folder = shard_of(rel)
            if folder != current:
                if current is not None and not pending.get(current):
                    store.release(current)
                current = folder
            info = stats.get(rel)
            entry = store.get(rel) if info is not None else None
            if entry is not None and (entry[0], entry[1]) == info:
                hits[i] = entry
                continue
            pending[folder] = pending.get(folder, 0) + 1
        todo.append((i, info, entry))
    if store is not None and current is not None and not pending.get(current):
        store.release(current)
    if progress:
        progress(total - len(todo), total)

    racy = time.time_ns() - RACY_NS
    items = [(entries[i][0], entries[i][1], entry[2] if entry else None) for i, _, entry in todo]
    parsed = _parse_many(source, items, progress, total - len(todo), total)
    misses = iter(todo)
    for i, (rel, kind) in enumerate(entries):
        path = os.path.join(root, rel)
        entry = hits[i]
        if entry is not None:
            hits[i] = None
            file = _clean_file(path, SourceFile(rel, kind, yamlstrict.Document()), marshal.loads(entry[3]))
            if file is not None:
                digests[rel] = entry[2]
            # A cached value that no longer validates (it should not happen: the code version
            # keys the cache) is read again here, past the cache.
            yield file or sources.read_source(source, rel, kind)
            continue
        if not on_disk or rel in source.overlay:  # type: ignore[attr-defined]
            yield sources.read_source(source, rel, kind)
            continue
        _, info, entry = next(misses)
        digest, file = next(parsed)
        if file is None:  # same bytes as cached: only the stat moved
            packed = entry[3]  # type: ignore[index]
            file = _clean_file(path, SourceFile(rel, kind, yamlstrict.Document()), marshal.loads(packed))
        elif not file.doc.findings:
            packed = marshal.dumps(file.doc.value) if store is not None else None
            file = _clean_file(path, file, file.doc.value)
        file = file or sources.read_source(source, rel, kind)
        if digest is not None:
            digests[rel] = digest
        if store is not None and info is not None and digest is not None and file.model is not None:
            size, mtime = info
            # Written just now, the file may change again within the same mtime tick: such an
            # entry is stored with no mtime, so the next run compares its bytes (git's "racy" rule).
            store.put(rel, [size, mtime if mtime < racy else -1, digest, packed])
        if store is not None and shard_of(rel) not in skipped:
            folder = shard_of(rel)
            pending[folder] -= 1
            if not pending[folder]:
                store.release(folder)
        yield file
    if store is not None:
        store.save()


def _chunks(items: list[tuple[str, str, bytes | None]], stats: Mapping[str, walk.Stat]) -> list[list]:
    """`items` in order, cut into workers' tasks (see _CHUNK_BYTES)."""
    chunks: list[list] = [[]]
    size = 0
    for item in items:
        if len(chunks[-1]) >= _CHUNK_FILES or size >= _CHUNK_BYTES:
            chunks.append([])
            size = 0
        chunks[-1].append(item)
        size += stats.get(item[0], (0, 0))[0]
    return chunks if items else []


def _results(item: tuple, progress: Callable[[int, int], None] | None, done: int, total: int) -> Iterator:
    chunk, future = item
    yield from future.result()
    if progress:
        progress(done + len(chunk), total)
    return done + len(chunk)


def _parse_many(
    source: FileSource, items: list[tuple[str, str, bytes | None]], progress: Callable[[int, int], None] | None,
    done: int, total: int,
) -> Iterator[tuple[bytes | None, SourceFile | None]]:
    """`_parse` over items, in order; in worker processes when there are many and several cores."""
    chunks = _chunks(items, source.stats if isinstance(source, DirectorySource) else {})
    workers = min(walk.usable_cores(), len(chunks))
    if len(items) > PARALLEL_MIN and workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            # A few chunks ahead of the one being consumed, not all of them: when the consumer
            # is the slower side, parsed values would otherwise pile up in this process.
            ahead: deque = deque()
            for chunk in chunks:
                ahead.append((chunk, pool.submit(_parse_chunk, source.root, chunk)))
                if len(ahead) > _AHEAD * workers:
                    done = yield from _results(ahead.popleft(), progress, done, total)
            while ahead:
                done = yield from _results(ahead.popleft(), progress, done, total)
        return
    for rel, kind, known in items:
        yield _parse(source, rel, kind, known)
        done += 1
        if progress:
            progress(done, total)
