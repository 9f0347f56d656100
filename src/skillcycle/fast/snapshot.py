"""The repo snapshot: what a warm run (nothing changed since the last) reads instead of the files.

The parse cache (cache.py) spares a warm run the parsing, but it still
rebuilds a model per file and runs every cross-file check: seconds per
thousand people. The snapshot spares that too. It lives in `.skillcycle/cache/`:

- `results.bin`: the validation problems for the last few (as-of, today)
  pairs. A warm `validate` reads only this.
- `repo.bin`: for a repo with no errors, the repo as tables (`Repo.tables_only`)
  and its static problems (those that depend on the files alone). `gap`,
  `metrics`, and `validate` on a new as-of or day read this, and compute the
  dated checks (C006, C007, C009) again from the tables. Each table is a file
  of its own (`table-<name>-<key>.bin`, the key a digest of the code version
  and of the files its rows come from), read when first used and written only
  when those files change.

Both are keyed by the repo's *content id*: a hash of every skills file's path
and bytes, and of what the walk reported (symlinks and the like), with the
code version. Hashing 300k files on every run would cost seconds, so
`head.bin` holds the listing key (paths, sizes, mtimes) the content was last
seen with (and how many files it had: a big repo is walked on every core from
the start), and `listing.bin` a record per folder of its files' names, sizes,
mtimes and hashes (or, written by a run that read the base's, only the records
that differ from it): an unchanged listing is the same content without reading
a file, a folder whose record matches is taken whole, and when only mtimes moved
(a `touch`, a checkout, a cache restored in CI) only those files are hashed.
A file modified in the last two seconds is always hashed (cachefiles.RACY_NS).

Anything new, deleted or different is a miss. The run then starts from the
*base*, the last content with no errors (`base.bin` names it; `index.bin` holds
its listing and names the files of its index of what each file defines and
points at, one per kind's folder or top-level file and table,
`index-<part>-<table>-<key>.bin`; `dated.bin` its dated findings): only the
files that differ from it are read, and the checks across files run over only
the base's index rows those files can meet (delta.py, `_since_base`).
`validate`, which needs no repo, then keeps the base's dated findings when
nothing they read changed (`_delta`); the base stays as it is. Otherwise (a
command that needs the repo, or a change to what the dated checks read) their
rows are spliced into the tables they feed, the other tables stay the base's
files, the dated checks run again, and the result becomes the base when valid
(`_from_base`). A change to a file that shapes the whole repo
(kinds.SHAPING_KINDS), or to most files, reads every file through the parse cache
instead. Either way the new listing and answer are written.

`report-<key>.bin` keep the last few reports computed (app.open_report), each for its
content: a report depends on the files, the code, its options and as-of alone, so the
same command on unchanged files prints what it printed, without loading a table.

`positions.bin` keeps the line and column findings pointed at in files not
parsed by the run that reported them, by the hash of the file's bytes.

Every file is sealed with a key of this user's (cachefiles.seal: a repo can arrive
with a forged cache committed) and written atomically; anything unexpected
reads as a miss and is never unpickled.
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import pickle
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from .. import __version__
from . import cachefiles
from ..core import walk
from ..core.problems import Problem
from ..validation.validate import Validation, disk_locator, revalidate

# The models, the loader and the checks are imported where a run needs them: a warm run
# that only reads the snapshot spends less than importing them would cost.
if TYPE_CHECKING:
    from ..validation import checks
    from . import delta
    from ..core import loader, sources
    from ..validation.index import RepoIndex

_MAGIC = b"skillcycle snapshot\n"
KEEP_RESULTS = 8  # (as-of, today) pairs remembered per listing
KEEP_REPORTS = 16  # reports remembered (report-*.bin), the newest
DATED_CODES = frozenset({"C006", "C007", "C009"})  # the findings that depend on as-of or today
# Where each dated finding that can sit in a file delta.py reads again points, to find it there
# again (C007 points at the person's role; C006 and C009 sit in goal and assessment files).
_DATED_AT = {"C007": ("role",)}


def load(*args, **kwargs) -> "loader.Loaded":
    """loader.load, imported when a run first reads files (see the imports above)."""
    from ..core.loader import load as load_files

    return load_files(*args, **kwargs)


@functools.cache  # a command may open the snapshot twice (app.open_report): the package is read once
def _code_version() -> bytes:
    """Every module and template of the package, and the libraries whose objects are pickled:
    any change to a check, a table or a page invalidates the snapshot (read from metadata: importing pandas costs
    a third of a second that a warm `validate` does not otherwise spend)."""
    from importlib.metadata import version

    digest = hashlib.blake2b(digest_size=cachefiles.SUM)
    digest.update(f"{__version__}\0{sys.version}\0{version('pandas')}\0{version('numpy')}\0".encode())
    package = Path(__file__).parent.parent
    # The templates too: a remembered page was rendered by them.
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.j2")]):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def _read_files(root: Path, only: list[str] | None) -> list:
    """A stored repo's files read again (Repo.read_files), through the parse cache: all of them
    when a command needs every per-file list, a few for a review packet (Repo.narrowed)."""
    from ..core.loader import load as load_files
    from .cache import reader

    return load_files(root, read=reader(True), only=only).files


def hash_content(records: list[tuple], problems: list[Problem]) -> bytes:
    """A digest of the repo's content (paths and bytes' hashes, a folder at a time: see
    `_records`; the walk's findings)."""
    return _digest([(prefix, names, digests) for prefix, names, _, _, digests in records], _plain(problems))


class Snapshot:
    """The snapshot files of one repo."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = cachefiles.cache_folder(root)  # None: a branch made it a link; no snapshot
        self.version = _code_version()
        self.key: bytes | None = None  # this run's listing key, once identify() computed it
        self.mark: tuple | None = None  # the watcher's mark taken before this run's listing (watch.Mark)
        self._listings: dict[bytes, tuple | None] = {}  # content id -> listing.bin's (records, findings)
        self._index_bins: dict[bytes, tuple | None] = {}  # content id -> index.bin's (keys, records)
        self._compared: dict[bytes, tuple] = {}  # content id -> changes() against its listing

    def _read(self, name: str, stamp: bytes, loads: Callable[[bytes], object] = pickle.loads) -> object | None:
        if self.folder is None:
            return None
        try:
            data = self.folder.read(name, cachefiles.MAX_ENTRY)
        except OSError:
            return None
        if data is None:
            return None
        head = len(_MAGIC) + len(self.version) + len(stamp)
        if data[:head] != _MAGIC + self.version + stamp:
            return None
        # A view, not a slice: the ratings table alone is 474 MB at 100k people.
        checksum, payload = data[head:head + cachefiles.SUM], memoryview(data)[head + cachefiles.SUM:]
        if cachefiles.seal(payload) != checksum:  # torn, damaged, or not made by this user: never unpickled
            return None
        try:
            return loads(payload)
        except Exception:  # the checksum makes this unlikely; never let a cache crash a run
            return None

    def _write(self, name: str, stamp: bytes, payload: bytes) -> None:
        sealed = cachefiles.seal(payload)
        if sealed is None or self.folder is None:
            return
        try:
            self.folder.write(name, _MAGIC + self.version + stamp + sealed, payload)
        except OSError:  # a read-only repo: no snapshot, same answers
            pass

    def _dump(self, name: str, stamp: bytes, obj: object) -> None:
        """`_write` of `obj` pickled, straight into the file and sealed as it goes: the pickle is
        never held whole (the ratings table's is 474 MB at 100k people)."""
        mac = cachefiles.sealer()
        if mac is None or self.folder is None:
            return

        def payload(handle) -> None:
            start = handle.tell()
            handle.write(bytes(cachefiles.SUM))  # the seal's place, filled once it is known
            pickle.dump(obj, _Sealing(handle, mac), pickle.HIGHEST_PROTOCOL)
            handle.seek(start)
            handle.write(mac.digest()[:cachefiles.SUM])

        try:
            self.folder.write(name, _MAGIC + self.version + stamp, payload)
        except OSError:  # a read-only repo: no snapshot, same answers
            pass

    def _drop_others(self, pattern: str, live: set[str]) -> None:
        """Delete the files of `pattern` not named in `live` (those of contents no longer current)."""
        if self.folder is None:
            return
        prefix, suffix = pattern.split("*")
        try:
            for stale, _ in self.folder.names(prefix, suffix):
                if stale not in live:
                    self.folder.remove(stale)
        except OSError:  # a read-only repo, or the folder changed under this run
            pass

    def _has(self, name: str) -> bool:
        try:
            return self.folder is not None and self.folder.size(name) is not None
        except OSError:
            return False

    def _remove(self, name: str) -> None:
        if self.folder is not None:
            try:
                self.folder.remove(name)
            except OSError:  # a read-only repo, or the folder changed under this run
                pass

    # -- which content is on disk ------------------------------------------------

    @functools.cached_property
    def head(self) -> tuple[bytes, bytes, int, tuple | None] | None:
        """(listing key, content id, number of files, watch mark taken before the listing) of the last run."""
        head = self._read("head.bin", b"", marshal.loads)
        return head if isinstance(head, tuple) and len(head) == 4 else None

    def discover(self) -> walk.Listing | None:
        """The repo's listing; None when the watcher (watch.py) saw nothing change since the
        listing the last run recorded. Without a watcher, walked, on every core at once when
        the last walk found many files; with one, only the folders it saw change are listed."""
        from . import watch

        self.mark = watch.sync(self.root)
        head = self.head
        # A file modified just before the last run (no key recorded: its stat is not trusted) is
        # as safe here: the watcher journals every change, stat or no stat.
        if self.mark is not None and head is not None and head[3] is not None:
            changed = watch.changes(self.root, watch.Mark(*head[3]), self.mark)
            if changed == []:
                return None
            recorded = self._recorded_folders(head[1]) if changed else None
            listing = walk.relisted(self.root, recorded, changed) if recorded is not None else None
            if listing is not None:
                return listing
        return walk.discover(self.root, expected=head[2] if head else 0)

    def _recorded(self, content_id: bytes) -> tuple | None:
        """(records, walk findings) of listing.bin when it is `content`'s (read once a run: 188 MB at
        100k people). listing.bin holds them whole, or as the folders whose record differs from
        the base's listing (index.bin), when written by a run that had that at hand: an edit
        then writes one folder's record, not 3M files'."""
        if content_id not in self._listings:
            known = self._read("listing.bin", content_id, marshal.loads)
            if isinstance(known, tuple) and len(known) == 4:  # (base content, prefixes, differing records, findings)
                base, prefixes, differing, findings = known
                indexed = self._indexed(base)
                by_prefix = {record[0]: record for record in indexed[1]} if indexed else {}
                records = [differing.get(prefix) or by_prefix.get(prefix) for prefix in prefixes]
                known = (records, findings) if indexed and None not in records else None
            self._listings[content_id] = known if isinstance(known, tuple) and len(known) == 2 else None
        return self._listings[content_id]

    def _indexed(self, content_id: bytes) -> tuple | None:
        """index.bin's (index keys, listing) when it is `content`'s: the base's."""
        if content_id not in self._index_bins:
            found = self._read("index.bin", content_id, marshal.loads)
            self._index_bins[content_id] = found if isinstance(found, tuple) and len(found) == 2 else None
        return self._index_bins[content_id]

    def _recorded_folders(self, content_id: bytes) -> list[walk.Folder] | None:
        """The folders as listing.bin recorded them for `content`; None when it is unreadable or
        the walk had findings then (a watcher's changes are applied to a clean listing only)."""
        known = self._recorded(content_id)
        if known is None or known[1]:
            return None
        return [walk.Folder.recorded(prefix, names, sizes, mtimes) for prefix, names, sizes, mtimes, _ in known[0]]

    def recorded_listing(self) -> walk.Listing:
        """The listing the last run recorded, when discover() found nothing changed since (walked if it is unreadable)."""
        folders = self._recorded_folders(self.head[1]) if self.head else None
        return walk.Listing(folders, [], []) if folders is not None else walk.discover(self.root)

    def identify(self, listing: walk.Listing | None) -> bytes | None:
        """The content id of the files as listed (None: as the last run recorded them), if the
        last run saw the same paths and bytes; None otherwise (new, deleted or changed files,
        or no snapshot yet)."""
        head = self.head
        if listing is None:
            self.key = head[0]
            return head[1]
        key = self.key = listing.key()
        if head is None:
            return None
        known_key, content_id, files, mark = head
        if key == known_key:
            if self.mark is not None and tuple(self.mark) != mark:  # what the watcher saw changed nothing
                self._write_head(key, content_id, files)
            return content_id
        known = self._recorded(content_id)
        if known is None:
            return None
        records, known_listed = known
        same_paths = [(r[0], r[1]) for r in records] == [(f.prefix, f.names) for f in listing.folders]
        if not same_paths or listing.others or known_listed != _plain(listing.problems):
            return None
        digests, changed = self.changes(listing, content_id, records)
        if changed:
            return None
        self.remember(listing, content_id, _records(listing, digests))  # type: ignore[arg-type]  # changes() hashed every file
        return content_id

    def changes(self, listing: walk.Listing, content_id: bytes, records: list[tuple]) -> tuple[walk.ByFolder, list[tuple[str, str]]]:
        """Which files of `listing` differ from `records`, the listing stored for `content`: the
        digests of those that do not, and the (rel, kind) of those new or changed. A folder
        whose names, sizes and mtimes are all as recorded is taken whole; in the others only
        files whose stat moved (or that are too recent to trust it) are read, once per run
        and content."""
        if content_id not in self._compared:
            self._compared[content_id] = self._changes(listing, records)
        return self._compared[content_id]

    def _changes(self, listing: walk.Listing, records: list[tuple]) -> tuple[walk.ByFolder, list[tuple[str, str]]]:
        known = {record[0]: record for record in records}
        racy = time.time_ns() - cachefiles.RACY_NS
        digests = walk.ByFolder({})
        changed = [(rel, walk.kind_of(rel)) for rel in listing.others]
        moved = []  # same size, another mtime (or too recent to trust it): the bytes tell
        for folder in listing.folders:
            prefix, record = folder.prefix, known.get(folder.prefix)
            if record is not None and record[1:4] == (folder.names, folder.sizes, folder.mtimes) and max(folder.mtimes, default=0) < racy:
                digests.whole[prefix] = (folder.names, record[4])
                continue
            was = dict(zip(record[1], zip(record[2], record[3], record[4]))) if record is not None else {}
            for name, size, mtime in zip(folder.names, folder.sizes, folder.mtimes):
                rel, old = prefix + name, was.get(name)
                if old is None or old[0] != size:
                    changed.append((rel, folder.kind or walk.kind_of(name)))
                elif old[1] != mtime or mtime >= racy:
                    moved.append((rel, folder.kind or walk.kind_of(name), old[2]))
                else:
                    digests.loose[rel] = old[2]
        for (rel, kind, old), digest in zip(moved, cachefiles.hash_files(self.root, [rel for rel, _, _ in moved])):
            if digest == old:
                digests.loose[rel] = digest
            else:
                changed.append((rel, kind))
        changed.sort()
        return digests, changed

    def remember(self, listing: walk.Listing, content_id: bytes, records: list[tuple]) -> None:
        """Record that the files as listed (identify() saw them: `self.key`), whose `_records`
        are `records`, hold `content`."""
        findings = _plain(listing.problems)
        base = self._read("base.bin", b"", marshal.loads)
        indexed = self._index_bins.get(base) if isinstance(base, bytes) else None  # only if this run read it
        if indexed is not None:
            by_prefix = {record[0]: record for record in indexed[1]}
            differing = {record[0]: record for record in records if by_prefix.get(record[0]) != record}
            self._write("listing.bin", content_id, marshal.dumps((base, [record[0] for record in records], differing, findings)))
        else:
            self._write("listing.bin", content_id, marshal.dumps((records, findings)))
        settled = all(min(record[3], default=0) >= 0 for record in records)
        files = len(listing.others) + sum(len(record[1]) for record in records)
        self._write_head(self.key if settled and self.key else b"", content_id, files)

    def _write_head(self, key: bytes, content_id: bytes, files: int) -> None:
        mark = tuple(self.mark) if self.mark is not None else None
        self._write("head.bin", b"", marshal.dumps((key, content_id, files, mark)))

    # -- what is known about that content -------------------------------------------

    def results(self, content_id: bytes) -> dict[tuple[date, date], Validation]:
        found = self._read("results.bin", content_id)
        return found if isinstance(found, dict) else {}

    def save_result(
        self, content_id: bytes, results: dict[tuple[date, date], Validation], as_of: date, today: date, validation: Validation,
    ) -> None:
        kept = {k: v for k, v in results.items() if k != (as_of, today)}
        kept[(as_of, today)] = Validation(validation.counts, validation.problems, None, [])
        self._dump("results.bin", content_id, dict(list(kept.items())[-KEEP_RESULTS:]))

    def repo(self, content_id: bytes):
        """(tables-only repo, static problems) of `content`, its tables read on first use."""
        found = self._read("repo.bin", content_id)
        if not (isinstance(found, tuple) and len(found) == 3):
            return None
        repo, static, keys = found
        repo.root = self.root  # the repo may have been moved or copied, cache and all, since
        repo.stored_tables = StoredTables(self, keys)
        repo.read_files = functools.partial(_read_files, self.root)
        return repo, static

    def save_repo(self, content_id: bytes, validation: Validation, records: list[tuple]) -> None:
        """Write the repo of `content` (valid): repo.bin, and each table in a file of its own named
        by the files its rows come from, so that a table no change touched is not written again,
        nor read to be (the ratings are 80% of the bytes at 10k people; an edited check-in leaves
        them as they are)."""
        from ..core.kinds import PER_FILE
        from ..core.repo import DERIVED, TABLES

        repo, keys = validation.repo, table_keys(records, self.version)
        stored = StoredTables(self, keys)
        for name in keys:
            if not self._has(stored.file(name)):
                stored.write(name, getattr(repo, name))
        light = repo.without(*PER_FILE, *TABLES, "stored_tables", "read_files", *DERIVED)
        self._dump("repo.bin", content_id, (light, validation.static, keys))
        self._drop_others("table-*.bin", {stored.file(name) for name in keys})

    def report(self, content_id: bytes, key: tuple) -> object | None:
        """The report `key` (a command, its options and as-of) computed before on `content`."""
        return self._read(_report_file(content_id, key), content_id)

    def save_report(self, content_id: bytes, key: tuple, report: object) -> None:
        """A file per report (a person-level CSV of 10k people is megabytes: one file of all of
        them would be read and written whole each time); the newest KEEP_REPORTS are kept."""
        self._dump(_report_file(content_id, key), content_id, report)
        if self.folder is None:
            return
        try:
            made = sorted(self.folder.names("report-", ".bin"), key=lambda entry: entry[1], reverse=True)
            for stale, _ in made[KEEP_REPORTS:]:
                self.folder.remove(stale)
        except OSError:  # the folder changed under this run: the next run tidies up
            return

    def digests(self, content_id: bytes) -> walk.ByFolder:
        """The hash of each file's bytes as last recorded for `content`."""
        known = self._recorded(content_id)
        return walk.ByFolder({prefix: (names, hashes) for prefix, names, _, _, hashes in known[0]} if known else {})

    # -- the last valid content: what a run after a few changes starts from ---------------

    def save_base(
        self, content_id: bytes, validation: Validation, index_part: "Callable[[str], RepoIndex]", records: list[tuple],
        as_of: date, today: date,
    ) -> None:
        """Make `content` (valid; its repo.bin written) the base: its index and listing, kept
        until the next valid content, however many invalid states come between. The index is a
        file per part of the repo and table (`index-<part>-<table>-<key>.bin`, the key a digest
        of that part's files; `index_part(part)` its rows): an edit writes its own part again,
        not all 53 MB of it (10k people), and delta.py reads only the tables an edit can meet.
        `dated.bin` keeps the run's dated findings (C006, C007, C009) for its as-of and day, and
        what of each person they depend on, for delta.py's runs."""
        from ..validation.index import INDEX_PARTS

        keys = index_keys(records, self.version)
        stored = StoredIndex(self, keys)
        try:
            for part, key in keys.items():
                if not all(self._has(stored.file(part, name)) for name in INDEX_PARTS):
                    whole = index_part(part)
                    for name in INDEX_PARTS:
                        self._dump(stored.file(part, name), key, getattr(whole, name))
        except StaleBase:  # a part of the last base to keep is damaged: no base until a full read
            self._remove("base.bin")
            return
        self._write("index.bin", content_id, marshal.dumps((keys, records)))
        self._index_bins[content_id] = (keys, records)  # the listing written next is told as this one's
        self._drop_others("index-*.bin", {stored.file(part, name) for part in keys for name in INDEX_PARTS})
        repo = validation.repo
        from ..core.gaps import tracks as tracks_on

        tracks, files = tracks_on(repo, as_of), repo.person_files
        # Per person what their development findings depend on, beside their goals: role, active
        # on as-of, track, and the file C007 points at; per finding the person it is about.
        signature = {pid: (person.role, person.active_on(as_of), tracks.get(pid, "none"), files[pid]) for pid, person in repo.people.items()}
        dated = [p for p in validation.problems if p.code in DATED_CODES]
        goals = repo.goals[repo.goals["file"].isin({p.file for p in dated if p.code == "C006"})] if dated else repo.goals.iloc[:0]
        about = {rel: pid for pid, rel in files.items()} | dict(zip(goals["file"], goals["person"]))
        owned = [(about.get(p.file) if p.code != "C009" else None, p) for p in dated]
        self._dump("dated.bin", content_id, {(as_of, today): (owned, validation.counts, signature, repo.settings)})
        self._write("base.bin", b"", marshal.dumps(content_id))

    def base_index(self) -> "tuple[bytes, StoredIndex, list[tuple], dict] | None":
        """(content id, index, listing, dated findings by (as-of, today)) of the last valid
        content, or None; the index's files read when asked for."""
        content_id = self._read("base.bin", b"", marshal.loads)
        indexed = self._indexed(content_id) if isinstance(content_id, bytes) else None
        if indexed is None:
            return None
        dated = self._read("dated.bin", content_id)
        keys, records = indexed
        return content_id, StoredIndex(self, keys), records, dated if isinstance(dated, dict) else {}

class StaleBase(Exception):
    """A file of the base's index is gone or damaged: the base cannot be used."""


class StoredIndex:
    """The base's index as files, a part of the repo and a table each, read when first asked
    for and then kept (delta.BaseIndex)."""

    def __init__(self, snapshot: Snapshot, keys: dict[str, bytes]) -> None:
        self.snapshot, self.keys = snapshot, keys
        self.parts = sorted(keys)
        self._tables: dict[tuple[str, str], object] = {}

    def file(self, part: str, name: str) -> str:
        return f"index-{part}-{name}-{self.keys[part].hex()}.bin"

    def table(self, part: str, name: str):
        if (part, name) not in self._tables:
            found = self.snapshot._read(self.file(part, name), self.keys[part])
            if found is None:
                raise StaleBase(self.file(part, name))
            self._tables[(part, name)] = found
        return self._tables[(part, name)]


class StoredTables:
    """The table files a repo.bin names (Repo reads them through `stored_tables`): each read
    when first used; one damaged or gone is built from the files by the repo and written
    back here, so that the next run reads it again."""

    def __init__(self, snapshot: Snapshot, keys: dict[str, bytes]) -> None:
        self.snapshot, self.keys = snapshot, keys

    def file(self, name: str) -> str:
        return f"table-{name}-{self.keys[name].hex()}.bin"

    def read(self, name: str):
        found = self.snapshot._read(self.file(name), self.keys[name])
        if found is None:
            self.snapshot._remove(self.file(name))
        return found

    def write(self, name: str, table) -> None:
        self.snapshot._dump(self.file(name), self.keys[name], table)


def table_keys(records: list[tuple], version: bytes) -> dict[str, bytes]:
    """Per table, a digest of the code version and of the paths and bytes of the files it is
    built from (a table file of another version must not pass for this one's)."""
    from ..core.kinds import SHAPING_KINDS, TABLE_KINDS

    parts = _by_part(records)
    # Every table also depends on the files that shape the whole repo (settings decide the
    # fiscal year a goal's cycle starts in).
    shaping = [files for part, files in sorted(parts.items()) if (walk.kind_of(part) or part) in SHAPING_KINDS]
    return {name: _digest(version, name, shaping, parts.get(kind, [])) for name, kind in TABLE_KINDS.items()}


def index_keys(records: list[tuple], version: bytes) -> dict[str, bytes]:
    """Per part of the repo (index.part_of), a digest of the code version and of the paths and
    bytes of its files: a part's index rows come from its files alone."""
    return {part: _digest(version, part, files) for part, files in sorted(_by_part(records).items())}


def _by_part(records: list[tuple]) -> dict[str, list[tuple]]:
    """The stored listing's (prefix, names, digests) per part of the repo (index.part_of): each
    kind's folder, and each top-level file on its own. A folder at a time, not a file at a time
    (300k files at 10k people)."""
    parts: dict[str, list[tuple]] = {}
    for prefix, names, _, _, digests in records:
        if prefix:
            parts.setdefault(prefix.split("/", 1)[0], []).append((prefix, names, digests))
        else:
            for name, digest in zip(names, digests):
                parts[name] = [("", [name], [digest])]
    return parts


def _digest(*data) -> bytes:
    # marshal format 2, as in Listing.key: equal data, equal bytes
    return hashlib.blake2b(marshal.dumps(data, 2), digest_size=cachefiles.SUM).digest()


def _report_file(content_id: bytes, key: tuple) -> str:
    return f"report-{_digest(content_id, repr(key)).hex()}.bin"  # the key is plain: text, numbers, dates


def _records(listing: walk.Listing, digests: Mapping[str, bytes]) -> list[tuple] | None:
    """The listing as stored, a record per folder: (prefix, names, sizes, mtimes, digests); None
    when a file has no digest (it could not be read: nothing is stored for such content). A
    file modified in the last moments gets no mtime (-1), so the next run reads its bytes again."""
    racy = time.time_ns() - cachefiles.RACY_NS
    records = []
    for folder in listing.folders:
        mtimes = folder.mtimes
        if max(mtimes, default=0) >= racy:
            mtimes = [mtime if mtime < racy else -1 for mtime in mtimes]
        prefix = folder.prefix
        whole = digests.whole.get(prefix) if isinstance(digests, walk.ByFolder) else None
        if whole is not None and whole[0] is folder.names:
            hashes = whole[1]
        else:
            hashes = [digests.get(prefix + name) for name in folder.names]
        if None in hashes:
            return None
        records.append((prefix, folder.names, folder.sizes, mtimes, hashes))
    return records


def _plain(problems: list[Problem]) -> list[tuple]:
    return [(p.file, p.line, p.col, p.code, p.message) for p in problems]


class _Sealing:
    """A file that feeds what is written to it to a MAC as well."""

    __slots__ = ("handle", "mac")

    def __init__(self, handle, mac) -> None:
        self.handle, self.mac = handle, mac

    def write(self, data) -> int:
        self.mac.update(data)
        return self.handle.write(data)


class Positions:
    """A locator that remembers: where findings pointed in earlier runs (`positions.bin`), by
    the hash of the file's bytes, in front of `locate`.

    Pointing at a finding means parsing its file again, and a dated check on a new as-of or
    day can point into hundreds of batches: at 10k people that is most of a run. A position
    depends on the file's bytes alone, so any later run with the same bytes can reuse it.
    """

    def __init__(self, snapshot: Snapshot, digest_of: Callable[[str], bytes | None], locate: checks.Locate) -> None:
        self.snapshot, self.digest_of, self.locate = snapshot, digest_of, locate
        self.known: dict | None = None  # read on first use: most runs point at nothing
        self.added = False

    def __call__(self, rel: str, path: tuple, key: bool) -> tuple[int, int]:
        if self.known is None:
            found = self.snapshot._read("positions.bin", b"", marshal.loads)
            self.known = found if isinstance(found, dict) else {}
        digest = self.digest_of(rel)
        at = self.known.get(digest, {}).get((path, key))
        if at is None:
            at = self.locate(rel, path, key)
            if digest is not None:
                self.known.setdefault(digest, {})[(path, key)] = at
                self.added = True
        return at

    def save(self, live: Iterable[bytes]) -> None:
        """Write what was learnt, keeping only the files in `live` (the repo's hashes now)."""
        if self.added:
            live = set(live)
            kept = {digest: found for digest, found in self.known.items() if digest in live}
            self.snapshot._write("positions.bin", b"", marshal.dumps(kept))


def validate_warm(
    root: Path, as_of: date, today: date, progress: Callable[[int, int], None] | None = None, need_repo: bool = True,
) -> Validation:
    """validate_loaded's answer for the repo at root, from the snapshot when the content is unchanged,
    from the last valid content and the files changed since when there are few, else from every file.

    With `need_repo` False a hit may come back with `repo` None although the repo
    is valid: enough for `validate`, which reports only problems and counts.
    """
    snapshot = Snapshot(root)
    listing = snapshot.discover()
    content_id = snapshot.identify(listing)
    results = snapshot.results(content_id) if content_id else {}
    known = results.get((as_of, today))
    if known is not None and not (need_repo and known.ok):
        return Validation(known.counts, known.problems, None, [], content_id=content_id)
    stored = snapshot.repo(content_id) if content_id else None
    if stored is not None:
        repo, static = stored
        if known is None:
            digests = functools.cache(lambda: snapshot.digests(content_id))
            locate = Positions(snapshot, lambda rel: digests().get(rel), disk_locator(root))
            known = revalidate(repo, static, as_of, today, locate)
            snapshot.save_result(content_id, results, as_of, today, known)
            locate.save(digests().values() if locate.added else ())
        return Validation(known.counts, known.problems, repo, static, content_id=content_id)
    return _read_changes(snapshot, root, listing or snapshot.recorded_listing(), as_of, today, progress, need_repo)


def _read_changes(
    snapshot: Snapshot, root: Path, listing: walk.Listing, as_of: date, today: date,
    progress: Callable[[int, int], None] | None, need_repo: bool = True,
) -> Validation:
    """A miss: validate from the base and the files changed since (without a repo, through
    its dated findings when they still hold: `_delta`), or from every file; then record the
    new content, its repo and base (when valid) and its answer."""
    from ..core.sources import DirectorySource
    from ..validation.validate import validate_streamed
    from .cache import reader

    source = DirectorySource(root, stats=listing.stats)
    try:
        since = _since_base(snapshot, source, listing, progress)
        found = _delta(since, listing, as_of, today) if since is not None and not need_repo else None
        if found is None and since is not None:
            found = _from_base(snapshot, since, listing, as_of, today)
    except StaleBase:  # a file of the base went while this run read it (another run replaced the base)
        found = None
    if found is None:
        digests: Mapping[str, bytes] = {}
        # Positions the dated checks point at, kept for later runs (a new as-of, an edit)
        # that do not parse these files: at 10k people, 456 batches to parse again.
        locate = Positions(snapshot, digests.get, disk_locator(root))
        validation = validate_streamed(source, as_of, today, progress, (listing.entries, listing.problems), reader(True, digests), locate)
        locate.save(digests.values())
        index_part = validation.index.part
    else:
        validation, digests, index_part = found
    records = _records(listing, digests)
    if records is not None and not listing.others:  # every file stat-ed and read: the listing can be recorded
        content_id = hash_content(records, listing.problems)
        if validation.repo is not None:
            snapshot.save_repo(content_id, validation, records)
            snapshot.save_base(content_id, validation, index_part, records, as_of, today)
        snapshot.remember(listing, content_id, records)  # after the base: the listing may be told as the base's and the folders that differ
        snapshot.save_result(content_id, {}, as_of, today, validation)
        validation.content_id = content_id
    return validation


@dataclass
class _SinceBase:
    """The files changed since the base, read, and what they make of the checks that depend on
    the files alone."""

    content_id: bytes  # the base's
    dated: dict  # the base's dated findings by (as-of, today): see Snapshot.save_base
    removed: set[str]  # the files whose base rows no longer hold: changed or deleted
    files: dict[str, "sources.SourceFile"]  # the files read: changed or new
    find: "checks.SourceOf"  # those, and any other read when a finding points into it
    now: "delta.EditedIndex"  # the index as it is
    static: list[Problem]  # the findings that depend on the files alone
    digests: walk.ByFolder  # every file's hash

    def locate(self, rel: str, path: tuple, key: bool) -> tuple[int, int]:
        """A position in a file read (checks.Locate)."""
        return self.find(rel).doc.at(path, key=key)


def _since_base(
    snapshot: Snapshot, source: "sources.DirectorySource", listing: walk.Listing, progress: Callable[[int, int], None] | None,
) -> _SinceBase | None:
    """The files changed since the base read, their rows put in place of theirs in its index,
    and the checks across files run over what they can meet (delta.py). None (read
    everything) when there is no base, when a file that shapes the whole repo changed
    (kinds.SHAPING_KINDS), or when most files did."""
    from . import delta
    from ..validation.index import build_index
    from ..core.kinds import SHAPING_KINDS
    from ..validation.validate import source_of
    from .cache import reader

    base = snapshot.base_index()
    if base is None:
        return None
    content_id, stored, records, dated = base
    unchanged, changed = snapshot.changes(listing, content_id, records)
    removed = {rel for rel, _ in changed} | _gone(records, listing)
    if len(removed) > listing.count() // 2 or any(walk.kind_of(rel) in SHAPING_KINDS for rel in removed):
        return None
    read: dict[str, bytes] = {}
    part = load(source, progress, read=reader(False, read), only=[rel for rel, _ in changed])
    files = {file.rel: file for file in part.files}
    find = source_of(source, dict(files))
    now = delta.EditedIndex(stored, removed, build_index(part.files))
    try:
        own = [p for name in stored.parts for p in stored.table(name, "own") if p.file not in removed]
        static = listing.problems + own + now.new.own + delta.cross_file_delta(now, listing.kinds(), find)
    except StaleBase:
        return None
    digests = walk.ByFolder(unchanged.whole, {**unchanged.loose, **read})
    return _SinceBase(content_id, dated, removed, files, find, now, static, digests)


def _delta(since: _SinceBase, listing: walk.Listing, as_of: date, today: date) -> tuple[Validation, walk.ByFolder, None] | None:
    """The validation without a repo: the base's dated findings for this as-of and day, and
    those of the files read. None when they cannot tell: none found for this as-of and day,
    or, with no errors (the checks of development then run), a change to ratings, or to who
    is in the repo or a person's role or dates; a person's goal file changed makes their
    development findings again, from their track as the base had it."""
    from ..validation import checks
    from ..core.quarters import Quarter
    from ..core.problems import has_errors, sort_problems
    from ..core.repo import Repo

    known = since.dated.get((as_of, today))
    if known is None:
        return None
    late, counts, signature, settings = known
    removed, files, static, now, locate = since.removed, since.files, since.static, since.now, since.locate
    if has_errors(static):  # no checks of development (they run on a valid repo): C009 alone, per batch
        future = checks.check_future_ratings(checks.dated_ratings(files.values()), today, locate)
        dated = [p for _, p in late if p.code == "C009" and p.file not in removed] + future
        return Validation({"files": listing.count()}, sort_problems(static + dated), None, static), since.digests, None
    if "assessments" in {walk.kind_of(rel) for rel in removed}:
        return None
    for rel in removed:
        if walk.kind_of(rel) == "people":
            person = files.get(rel)
            if person is None or (person.model.role, person.model.active_on(as_of)) != signature.get(person.stem, ())[:2]:
                return None  # someone gone or new, or with another role or dates: their gaps change
    cycle = Quarter.containing(as_of, settings.fiscal_year_start).label
    written = [now.gone(part, "goal_files") for part in now.removed] + [now.new.goal_files]
    again = {person for table in written for person, of in zip(table["person"], table["cycle"]) if of == cycle}
    kept = [p for about, p in late if about not in again]
    if any(p.file in removed and p.code not in _DATED_AT for p in kept):
        return None
    kept = [Problem(p.file, *locate(p.file, _DATED_AT[p.code], False), p.code, p.message) if p.file in removed else p for p in kept]
    mine = [(f.rel, f.model) for f in files.values() if f.kind == "goals" and f.model.person in again]  # no errors: each has a model
    goals = Repo(Path(), settings, {}, goal_files=sorted(mine, key=lambda item: item[0])).goals
    people = sorted(again & signature.keys())
    fresh = checks.development_findings(
        [(pid, signature[pid][2]) for pid in people], goals, {pid: signature[pid][3] for pid in people}, settings, as_of, locate,
    )
    return Validation({**counts, "files": listing.count()}, sort_problems(static + kept + fresh), None, static), since.digests, None


def _from_base(
    snapshot: Snapshot, since: _SinceBase, listing: walk.Listing, as_of: date, today: date,
) -> tuple[Validation, walk.ByFolder, Callable[[str], "RepoIndex"]] | None:
    """The validation with its repo: the base's tables with the changed files' rows spliced in
    (the others read when first used), the dated checks run again; and the index's parts as
    they are now, for the next base. None (read everything) when the base's repo or a table
    of it to splice is gone or damaged."""
    from ..core.repo import patch_repo

    stored = snapshot.repo(since.content_id)
    if stored is None:
        return None
    repo = stored[0]
    tables = repo.stored_tables

    def base_table(name: str):
        table = tables.read(name)
        if table is None:  # never built from the files, which are no longer the base's
            raise StaleBase(tables.file(name))
        return table

    now = since.now
    try:
        repo = patch_repo(repo, since.removed, [file for file in since.files.values() if file.model is not None], listing.count(), base_table)
        # C009 reads the ratings even when the files are invalid, and an invalid repo cannot
        # build a table: the base's, or a full read. The other tables come when first used.
        if "ratings" not in repo.__dict__:  # not spliced (no batch changed): read, once
            repo.__dict__["ratings"] = base_table("ratings")
        parts = {part: now.whole(part) for part in now.changed}  # now, while a damaged base part can still send the run to a full read
    except StaleBase:
        return None
    locate = Positions(snapshot, since.digests.get, since.locate)
    validation = revalidate(repo, since.static, as_of, today, locate)
    locate.save(since.digests.values())
    return validation, since.digests, lambda part: parts[part] if part in parts else now.whole(part)


def _gone(records: list[tuple], listing: walk.Listing) -> set[str]:
    """The files of `records` that `listing` no longer has."""
    names = {folder.prefix: folder.names for folder in listing.folders}
    gone: set[str] = set()
    for prefix, was, *_ in records:
        now = names.get(prefix, [])
        if was != now:
            gone.update(prefix + name for name in set(was) - set(now))
    return gone
