"""Find a skills repo and list its files: the one part of loading a warm run needs.

Kept apart from the loader (and free of pydantic and PyYAML): when nothing
changed, a warm run does no more than walk the tree, hash the listing and print
what the snapshot stored, and importing the models would cost more than that.
"""

from __future__ import annotations

import collections
import functools
import hashlib
import marshal
import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterator, MutableMapping
from typing import Any, Callable

from .kinds import FOLDER_KINDS, TOP_KINDS
from .problems import Problem

SETTINGS_NAMES = ("skillcycle.yaml", "skillcycle.yml")
SUFFIXES = (".yaml", ".yml")


class RepoNotFound(Exception):
    """No skills repo where one was looked for (exit code 2)."""


def find_root(explicit: str | os.PathLike[str] | None = None, start: Path | None = None) -> Path:
    """The repo root: `explicit` (from --repo or SKILLCYCLE_REPO) or the first folder upward with skillcycle.yaml."""
    if explicit:
        root = Path(explicit)
        if not root.is_dir():
            raise RepoNotFound(f"no skills repo: {root} is not a folder")
        if not any((root / name).is_file() for name in SETTINGS_NAMES):
            raise RepoNotFound(f"no skills repo: {root} has no skillcycle.yaml")
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if any((folder / name).is_file() for name in SETTINGS_NAMES):
            return folder
    raise RepoNotFound(
        f"no skills repo: no skillcycle.yaml in {here} or any folder above it (use --repo PATH or SKILLCYCLE_REPO)"
    )


Stat = tuple[int, int]  # (size, changed_ns) of a regular file, as the caches compare it


def changed_ns(info: os.stat_result) -> int:
    """When the file last changed, as the caches compare it: the later of its mtime and its ctime.
    An mtime alone can be set back (`touch -d`, `os.utime`, tools that keep timestamps) after
    an edit of the same size; the ctime cannot, and moves on every write (git's rule too).
    The listing's `mtimes` hold these values."""
    return max(info.st_mtime_ns, info.st_ctime_ns)


@dataclass(slots=True)
class Folder:
    """The regular skills files directly in one folder, by name, with their stats."""

    prefix: str  # the folder's repo-relative path with a trailing '/'; '' for the top
    kind: str | None  # the kind of every file in it; None at the top, where the name decides
    names: list[str] = field(default_factory=list)  # sorted
    sizes: list[int] = field(default_factory=list)
    mtimes: list[int] = field(default_factory=list)  # ns

    @classmethod
    def recorded(cls, prefix: str, names: list[str], sizes: list[int], mtimes: list[int]) -> "Folder":
        """A folder as an earlier walk found it (its kind follows from the prefix)."""
        return cls(prefix, prefix.split("/", 1)[0] if prefix else None, names, sizes, mtimes)


@dataclass
class Listing:
    """What a walk of the repo found: every skills file and its (size, mtime), folder by folder.

    Kept as lists per folder, not a record per file: a warm run of a 300k-file repo
    does nothing with the listing but hash it (`key`), and the walk and the hash
    then cost little more than the system calls.
    """

    folders: list[Folder]  # sorted by prefix
    others: list[str]  # skills files that are not regular files (FIFOs, devices): listed, never stat-ed
    problems: list[Problem]  # the walk's findings (symlinks, unreadable folders), by file

    def key(self) -> bytes:
        """A digest of paths, sizes, mtimes and findings: equal keys, same listing."""
        folders = [(f.prefix, f.names, f.sizes, f.mtimes) for f in self.folders]
        plain = [(p.file, p.line, p.col, p.code, p.message) for p in self.problems]
        # marshal format 2: later formats share repeated objects depending on their reference
        # counts, so equal data could give different bytes from run to run.
        return hashlib.blake2b(marshal.dumps((folders, self.others, plain), 2), digest_size=16).digest()

    def count(self) -> int:
        """How many skills files: len(entries), without making them (3M at 100k people)."""
        return len(self.others) + sum(len(folder.names) for folder in self.folders)

    def kinds(self) -> set[str]:
        """The kinds of the skills files: {kind for _, kind in entries}, a folder at a time."""
        found = {folder.kind for folder in self.folders if folder.kind is not None and folder.names}
        tops = [folder.prefix + name for folder in self.folders if folder.kind is None for name in folder.names]
        return found | {kind_of(rel) for rel in tops + self.others}

    @functools.cached_property
    def entries(self) -> list[tuple[str, str]]:
        """Every skills file as (rel, kind), sorted by rel."""
        found = [(rel, kind_of(rel)) for rel in self.others]
        for folder in self.folders:
            prefix, kind = folder.prefix, folder.kind
            if kind is None:
                found += [(prefix + name, kind_of(prefix + name)) for name in folder.names]
            else:
                found += [(prefix + name, kind) for name in folder.names]
        found.sort()
        return found

    @functools.cached_property
    def stats(self) -> "ByFolder":
        """(size, mtime_ns) per regular file."""
        return ByFolder({folder.prefix: (folder.names, folder.sizes, folder.mtimes) for folder in self.folders})


class ByFolder(MutableMapping):
    """A value per file by rel, kept a folder at a time: `whole` maps a folder's prefix to its
    sorted names and one list per field of their values (a value is the field, or the tuple of
    fields), `loose` holds other files (and overrides). A folder's own name -> position dict is
    made when first asked: a flat dict of 3M paths (100k people) costs seconds to build, and a
    run that reads one edited file asks of that file alone."""

    def __init__(self, whole: dict[str, tuple[list[str], ...]], loose: dict | None = None) -> None:
        self.whole, self.loose = whole, loose if loose is not None else {}
        self._at: dict[str, dict[str, int]] = {}

    def __getitem__(self, rel: str):
        if rel in self.loose:
            return self.loose[rel]
        folder, _, name = rel.rpartition("/")
        prefix = folder + "/" if folder else ""
        names, *fields = self.whole[prefix]
        at = self._at.get(prefix)
        if at is None:
            at = self._at[prefix] = {name: i for i, name in enumerate(names)}
        i = at[name]
        return fields[0][i] if len(fields) == 1 else tuple(field[i] for field in fields)

    def __setitem__(self, rel: str, value) -> None:
        self.loose[rel] = value

    def __delitem__(self, rel: str) -> None:
        raise TypeError("a listing's values are not deleted")

    def __iter__(self) -> Iterator[str]:
        yield from self.loose
        for prefix, (names, *_) in self.whole.items():
            yield from (prefix + name for name in names if prefix + name not in self.loose)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def values(self):  # type: ignore[override]  # no lookup per file; a generator: most callers never look
        yield from self.loose.values()
        loose = self.loose
        for prefix, (names, *fields) in self.whole.items():
            values = fields[0] if len(fields) == 1 else zip(*fields)
            yield from (value for name, value in zip(names, values) if not loose or prefix + name not in loose)

    def add_to(self, flat: dict) -> None:
        """Put every (rel, value) into `flat`, a folder at a time."""
        for prefix, (names, *fields) in self.whole.items():
            flat.update(zip([prefix + name for name in names], fields[0] if len(fields) == 1 else zip(*fields)))
        flat.update(self.loose)


def discover(root: Path, expected: int = 0) -> Listing:
    """Every skills file of the repo at root; symlinks are reported, never followed.

    `expected` is how many files the last walk of this repo found (0: not known):
    from PARALLEL_WALK on, the folders are shared among the cores from the start
    instead of after the first PARALLEL_WALK names.
    """
    listing = Listing([], [], [])
    top = os.fspath(root)
    tops = Folder("", None)
    for kind in TOP_KINDS:
        names = []
        for name in (kind + s for s in SUFFIXES):
            try:
                info = os.lstat(os.path.join(top, name))
            except OSError:
                continue
            names.append(name)
            if stat.S_ISREG(info.st_mode):
                tops.names.append(name)
                tops.sizes.append(info.st_size)
                tops.mtimes.append(changed_ns(info))
            else:
                listing.others.append(name)
        if len(names) > 1:
            listing.problems.append(both_suffixes(names))
    listing.folders.append(tops)
    tasks: list[Task] = []
    for kind in FOLDER_KINDS:
        folder = os.path.join(top, kind)
        if os.path.islink(folder):
            listing.problems.append(Problem(kind, 1, 1, "Y009", f"{kind}/ is a symlink; skillcycle does not follow links"))
        elif os.path.isdir(folder):
            _split(folder, kind, listing, tasks)
    _walk_tasks(tasks, listing, share_after=0 if expected >= PARALLEL_WALK else PARALLEL_WALK)
    listing.folders.sort(key=lambda f: f.prefix)
    listing.others.sort()
    listing.problems.sort(key=lambda p: (p.file, p.code, p.message))
    return listing


def relisted(root: Path, folders: list[Folder], changed: list[tuple[str, bool]]) -> Listing | None:
    """What `discover` would find now, from `folders` (an earlier walk's, which found nothing to
    report) and the paths changed since (watch.changes: (rel, whether a folder)): only the
    folders holding a changed path are listed again, and a changed folder's whole tree.
    None when that cannot say (a change at the top of the repo, a finding): walk it all."""
    dirty, trees = set(), []
    for rel, tree in changed:
        if "/" not in rel:
            return None  # settings, a top-level file, a kind's folder: rare, and the walk knows them
        dirty.add(rel.rsplit("/", 1)[0] + "/")
        if tree:
            trees.append(rel + "/")
    kept = {folder.prefix: folder for folder in folders if not folder.prefix.startswith(tuple(trees))}
    listing, pending = Listing([], [], []), collections.deque()
    top = os.fspath(root)
    for prefix in sorted(dirty & kept.keys()):
        del kept[prefix]
        below: collections.deque = collections.deque()
        _list_folder(os.path.join(top, prefix), prefix, prefix.split("/", 1)[0], None, listing, below)
        pending += [task for task in below if task[1] not in kept]  # new (or changed) folders, walked whole
    while pending:
        _walk(pending.popleft(), listing)
    if listing.problems or listing.others:
        return None
    listing.folders += kept.values()
    listing.folders.sort(key=lambda f: f.prefix)
    return listing


# A folder to walk: (path, repo-relative prefix, kind, its names when already listed).
Task = tuple[str, str, str, "list[str] | None"]

# Names listed before the folders left are shared among the cores: below this the workers
# cost what they save (the walk's timings are in benchmarks/README.md).
PARALLEL_WALK = 50_000


def _split(folder: str, kind: str, listing: Listing, tasks: list[Task]) -> None:
    """The tasks that walk a kind's folder: one per subfolder, and one for the files in it.
    The names' types come from the directory entries, so nothing is stat-ed yet (a kind's
    folder holds 10k people or one subfolder per month: the tasks to share)."""
    below, names = [], []
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name[0] == ".":
                    continue
                if entry.is_dir(follow_symlinks=False):
                    below.append(entry.name)
                else:
                    names.append(entry.name)
    except OSError as exc:
        listing.problems.append(_unreadable(kind, exc))
        return
    tasks.append((folder, kind + "/", kind, sorted(names)))
    tasks += [(os.path.join(folder, name), f"{kind}/{name}/", kind, None) for name in sorted(below)]


def _walk_tasks(tasks: list[Task], listing: Listing, share_after: int) -> None:
    """Walk every task's folder and the folders below it; once `share_after` names are listed,
    the tasks left are shared among the cores (see in_forks)."""
    listed = 0
    for at, task in enumerate(tasks):
        if listed >= share_after and len(tasks) - at > 1 and _walk_shared(tasks[at:], listing):
            return
        listed += _walk(task, listing)


def _walk_shared(tasks: list[Task], listing: Listing) -> bool:
    """Walk `tasks` in worker processes; False (nothing done) when they cannot run."""
    parts = in_forks(_walk_apart, tasks)
    if parts is None:
        return False
    for part in parts:
        listing.folders += part.folders
        listing.others += part.others
        listing.problems += part.problems
    return True


def _walk_apart(task: Task) -> Listing:
    part = Listing([], [], [])
    _walk(task, part)
    return part


def _walk(task: Task, listing: Listing) -> int:
    """List the task's folder and every folder below it, breadth first; how many names they held."""
    pending = collections.deque([task])
    listed = 0
    while pending:
        listed += _list_folder(*pending.popleft(), listing, pending)
    return listed


def in_forks(work: Callable[[Any], Any], tasks: list) -> list | None:
    """[work(task) for task in tasks], in forked processes, one per usable core; None when they
    cannot run (one core, no fork allowed here), and on other systems than Linux, where a worker
    starts a new interpreter: slower than the work it would share."""
    workers = min(usable_cores(), len(tasks))
    if workers < 2 or not sys.platform.startswith("linux"):
        return None
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(work, tasks))
    except (OSError, BrokenProcessPool):
        return None


def usable_cores() -> int:
    """Cores this process may run on (taskset and container limits), not the machine's."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Stat by name relative to an open folder where the platform can: no path to resolve per file.
_AT_FOLDER = os.stat in os.supports_dir_fd and os.listdir in os.supports_fd


def _list_folder(folder: str, prefix: str, kind: str, names: list[str] | None, listing: Listing, pending: collections.deque) -> int:
    """Add one folder's skills files to `listing` and its subfolders to `pending`; how many names it
    held (`names`, sorted, when the caller listed them)."""
    # The hot loop of a warm run (300k files at 10k people): one lstat per name and
    # three list appends per file.
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if _AT_FOLDER else None
        try:
            if names is None:
                names = sorted(os.listdir(folder if fd is None else fd))
        except BaseException:
            if fd is not None:
                os.close(fd)
            raise
    except OSError as exc:
        listing.problems.append(_unreadable(prefix.rstrip("/"), exc))
        return 0
    here = Folder(prefix, kind)
    try:
        for name in names:
            if name[0] == ".":
                continue
            try:
                info = os.stat(name, dir_fd=fd, follow_symlinks=False) if fd is not None else os.lstat(os.path.join(folder, name))
            except OSError:  # gone since listed
                continue
            mode = info.st_mode
            if stat.S_ISREG(mode):
                if name.endswith(SUFFIXES):
                    here.names.append(name)
                    here.sizes.append(info.st_size)
                    here.mtimes.append(changed_ns(info))
            elif stat.S_ISDIR(mode):
                pending.append((os.path.join(folder, name), prefix + name + "/", kind, None))
            elif stat.S_ISLNK(mode):
                if name.endswith(SUFFIXES) or os.path.isdir(os.path.join(folder, name)):
                    listing.problems.append(Problem(prefix + name, 1, 1, "Y009", SYMLINK))
            elif name.endswith(SUFFIXES):  # a FIFO or device: listed, so that reading it reports it
                listing.others.append(prefix + name)
    finally:
        if fd is not None:
            os.close(fd)
    listing.folders.append(here)
    return len(names)


def _unreadable(folder: str, exc: OSError) -> Problem:
    return Problem(folder, 1, 1, "Y009", f"cannot read folder: {exc.strerror}")


SYMLINK = "is a symlink; skillcycle does not follow links (copy the file instead)"


def both_suffixes(names: list[str]) -> Problem:
    return Problem(names[1], 1, 1, "R006", f"both {names[0]} and {names[1]} exist; keep one")


def kind_of(rel: str) -> str | None:
    """The file kind a repo-relative path would be read as, or None when the loader would not read it."""
    if not rel.endswith(SUFFIXES):
        return None
    if "/" not in rel:
        stem = rel.rsplit(".", 1)[0]
        return stem if stem in TOP_KINDS else None
    folder = rel.split("/", 1)[0]
    return folder if folder in FOLDER_KINDS else None
