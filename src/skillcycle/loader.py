"""Find a skills repo, read every file strictly, and check each against its model.

The result keeps each file's parsed document (with positions) beside its
model, so that later cross-file checks can point at the exact key or value.
"""

from __future__ import annotations

import collections
import difflib
import functools
import hashlib
import marshal
import multiprocessing
import os
import stat
import sys
import types
import typing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel, ValidationError

from . import yamlstrict
from .problems import Problem
from .schema import FOLDERS, TOP_FILES, Model

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


@dataclass(slots=True)
class SourceFile:
    rel: str  # repo-relative, '/'-separated: the sort key of SPEC §4
    kind: str  # a key of TOP_FILES or FOLDERS
    doc: yamlstrict.Document
    model: Any = None  # the validated model, or None when the file has errors

    @property
    def stem(self) -> str:
        return self.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]


@dataclass(slots=True)
class Loaded:
    root: Path
    files: list[SourceFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the walk's and every file's findings
    listed: list[Problem] = field(default_factory=list)  # the walk's alone (symlinks and the like)

    def of_kind(self, kind: str) -> list[SourceFile]:
        return [f for f in self.files if f.kind == kind]


Stat = tuple[int, int]  # (size, mtime_ns) of a regular file, as the caches compare it


@dataclass(slots=True)
class Folder:
    """The regular skills files directly in one folder, by name, with their stats."""

    prefix: str  # the folder's repo-relative path with a trailing '/'; '' for the top
    kind: str | None  # the kind of every file in it; None at the top, where the name decides
    names: list[str] = field(default_factory=list)  # sorted
    sizes: list[int] = field(default_factory=list)
    mtimes: list[int] = field(default_factory=list)  # ns


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

    @functools.cached_property
    def entries(self) -> list[tuple[str, str]]:
        """Every skills file as (rel, kind), sorted by rel."""
        found = [(rel, kind_of(rel)) for rel in self.others]
        for folder in self.folders:
            prefix, kind = folder.prefix, folder.kind
            if kind is None:
                found += [(name, kind_of(name)) for name in folder.names]
            else:
                found += [(prefix + name, kind) for name in folder.names]
        found.sort()
        return found

    @functools.cached_property
    def stats(self) -> dict[str, Stat]:
        """(size, mtime_ns) per regular file."""
        return {
            folder.prefix + name: (size, mtime)
            for folder in self.folders for name, size, mtime in zip(folder.names, folder.sizes, folder.mtimes)
        }


def discover(root: Path) -> Listing:
    """Every skills file of the repo at root; symlinks are reported, never followed."""
    listing = Listing([], [], [])
    top = os.fspath(root)
    tops = Folder("", None)
    for kind in TOP_FILES:
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
                tops.mtimes.append(info.st_mtime_ns)
            else:
                listing.others.append(name)
        if len(names) > 1:
            listing.problems.append(_both_suffixes(names))
    listing.folders.append(tops)
    pending: collections.deque[tuple[str, str, str]] = collections.deque()
    for kind in FOLDERS:
        folder = os.path.join(top, kind)
        if os.path.islink(folder):
            listing.problems.append(Problem(kind, 1, 1, "Y009", f"{kind}/ is a symlink; skillcycle does not follow links"))
        elif os.path.isdir(folder):
            pending.append((folder, kind + "/", kind))
    _walk(pending, listing, parallel=True)
    listing.folders.sort(key=lambda f: f.prefix)
    listing.others.sort()
    listing.problems.sort(key=lambda p: (p.file, p.code, p.message))
    return listing


# Names listed before the folders left are shared among the cores: a fork costs
# milliseconds, a folder of 10k files about 40.
PARALLEL_WALK = 20_000


def _walk(pending: collections.deque[tuple[str, str, str]], listing: Listing, parallel: bool = False) -> None:
    """List the folders in `pending` (path, prefix, kind) and every folder below them, breadth
    first. With `parallel`, once many files are listed, the folders left are shared among
    the cores (see in_forks)."""
    listed = 0
    while pending:
        if parallel and listed >= PARALLEL_WALK and len(pending) > 1 and _walk_shared(pending, listing):
            return
        listed += _list_folder(*pending.popleft(), listing, pending)


def _walk_shared(pending: collections.deque[tuple[str, str, str]], listing: Listing) -> bool:
    """Walk `pending` in worker processes; False (nothing done) when they cannot run."""
    parts = in_forks(_walk_below, list(pending))
    if parts is None:
        return False
    for part in parts:
        listing.folders += part.folders
        listing.others += part.others
        listing.problems += part.problems
    pending.clear()
    return True


def in_forks(work: Callable[[Any], Any], tasks: list) -> list | None:
    """[work(task) for task in tasks], in forked processes, one per usable core; None when they
    cannot run (one core, no fork allowed here), and on other systems than Linux, where a worker
    starts a new interpreter: slower than the work it would share."""
    workers = min(usable_cores(), len(tasks))
    if workers < 2 or not sys.platform.startswith("linux"):
        return None
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(work, tasks))
    except (OSError, BrokenProcessPool):
        return None


def _walk_below(task: tuple[str, str, str]) -> Listing:
    part = Listing([], [], [])
    _walk(collections.deque([task]), part)
    return part


def usable_cores() -> int:
    """Cores this process may run on (taskset and container limits), not the machine's."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


# Stat by name relative to an open folder where the platform can: no path to resolve per file.
_AT_FOLDER = os.stat in os.supports_dir_fd and os.listdir in os.supports_fd


def _list_folder(folder: str, prefix: str, kind: str, listing: Listing, pending: collections.deque) -> int:
    """Add one folder's skills files to `listing` and its subfolders to `pending`; how many names it held."""
    # The hot loop of a warm run (300k files at 10k people): one lstat per name and
    # three list appends per file.
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if _AT_FOLDER else None
        try:
            names = sorted(os.listdir(folder if fd is None else fd))
        except BaseException:
            if fd is not None:
                os.close(fd)
            raise
    except OSError as exc:
        listing.problems.append(Problem(prefix.rstrip("/"), 1, 1, "Y009", f"cannot read folder: {exc.strerror}"))
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
                    here.mtimes.append(info.st_mtime_ns)
            elif stat.S_ISDIR(mode):
                pending.append((os.path.join(folder, name), prefix + name + "/", kind))
            elif stat.S_ISLNK(mode):
                if name.endswith(SUFFIXES) or os.path.isdir(os.path.join(folder, name)):
                    listing.problems.append(Problem(prefix + name, 1, 1, "Y009", _SYMLINK))
            elif name.endswith(SUFFIXES):  # a FIFO or device: listed, so that reading it reports it
                listing.others.append(prefix + name)
    finally:
        if fd is not None:
            os.close(fd)
    listing.folders.append(here)
    return len(names)


class FileSource:
    """Where `load()` reads a repo's files from: a folder on disk, or bytes held in memory."""

    root: Path

    def entries(self) -> tuple[list[tuple[str, str]], list[Problem]]:
        """Every skills file as (rel, kind), sorted by rel, and problems found while listing."""
        raise NotImplementedError

    def read(self, rel: str) -> bytes | yamlstrict.Finding:
        """The file's bytes, or the finding that says why they cannot be read."""
        raise NotImplementedError


_SYMLINK = "is a symlink; skillcycle does not follow links (copy the file instead)"


def _too_big(size: int) -> yamlstrict.Finding | None:
    if size > yamlstrict.MAX_BYTES:
        return yamlstrict.Finding(
            "Y009", 1, 1, f"file is {size / 2**20:.1f} MiB, over the {yamlstrict.MAX_BYTES // 2**20} MiB limit for one skills file; split it"
        )
    return None


@dataclass
class DirectorySource(FileSource):
    """A repo on disk; `overlay` (rel -> bytes) replaces or adds files as if they were written."""

    root: Path
    overlay: typing.Mapping[str, bytes] = field(default_factory=dict)
    stats: dict[str, Stat] = field(default_factory=dict)  # filled by entries(): regular files only

    def entries(self) -> tuple[list[tuple[str, str]], list[Problem]]:
        listing = discover(self.root)
        self.stats = listing.stats
        entries, problems = list(listing.entries), listing.problems
        if self.overlay:
            known = {rel for rel, _ in entries}
            entries += [(rel, kind_of(rel)) for rel in self.overlay if rel not in known and kind_of(rel)]
            entries.sort()
        return entries, problems

    def read(self, rel: str) -> bytes | yamlstrict.Finding:
        if rel in self.overlay:
            return self.overlay[rel]
        path = self.root / rel
        if path.is_symlink():
            return yamlstrict.Finding("Y009", 1, 1, _SYMLINK)
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
                return yamlstrict.Finding("Y009", 1, 1, "is not a regular file")
            return _too_big(info.st_size) or path.read_bytes()
        except OSError as exc:
            return yamlstrict.Finding("Y009", 1, 1, f"cannot read file: {exc.strerror or exc}")


@dataclass
class MemorySource(FileSource):
    """A repo held in memory, e.g. one git revision: repo-relative path -> bytes.

    `links` are paths that are symbolic links there; they are reported exactly
    as on disk, never followed. `root` is only where the repo is said to be.
    """

    root: Path
    files: typing.Mapping[str, bytes]
    links: frozenset[str] = frozenset()

    def entries(self) -> tuple[list[tuple[str, str]], list[Problem]]:
        found: list[tuple[str, str]] = []
        problems: list[Problem] = []
        for rel in sorted(set(self.files) | self.links):
            parts = rel.split("/")
            if len(parts) > 1 and parts[0] in FOLDERS and any(p.startswith(".") for p in parts[1:]):
                continue  # as on disk: dot-names inside the folders are skipped
            if rel in self.links and rel in FOLDERS:
                problems.append(Problem(rel, 1, 1, "Y009", f"{rel}/ is a symlink; skillcycle does not follow links"))
            kind = kind_of(rel)
            if kind is None:
                continue
            if rel in self.links and "/" in rel:
                problems.append(Problem(rel, 1, 1, "Y009", _SYMLINK))
            else:
                found.append((rel, kind))
        for kind in TOP_FILES:
            names = [name for name in (kind + s for s in SUFFIXES) if name in self.files or name in self.links]
            if len(names) > 1:
                problems.append(_both_suffixes(names))
        return found, problems

    def read(self, rel: str) -> bytes | yamlstrict.Finding:
        if rel in self.links:
            return yamlstrict.Finding("Y009", 1, 1, _SYMLINK)
        raw = self.files[rel]
        return _too_big(len(raw)) or raw


def _both_suffixes(names: list[str]) -> Problem:
    return Problem(names[1], 1, 1, "R006", f"both {names[0]} and {names[1]} exist; keep one")


def read_source(source: FileSource, rel: str, kind: str) -> SourceFile:
    """Parse one file of `source` strictly and validate it against its kind's model."""
    file = SourceFile(rel, kind, yamlstrict.Document())
    raw = source.read(rel)
    if isinstance(raw, yamlstrict.Finding):
        file.doc.findings.append(raw)
        return file
    return _parse_into(file, raw)


def read_file(root: Path, rel: str, kind: str, path: Path | None = None, raw: bytes | None = None) -> SourceFile:
    """Parse one file of the repo at root (`raw`: content not yet on disk)."""
    return read_source(DirectorySource(root, {rel: raw} if raw is not None else {}), rel, kind)


def _parse_into(source: SourceFile, raw: bytes) -> SourceFile:
    kind = source.kind
    source.doc = doc = yamlstrict.parse(raw)
    if doc.findings:
        return source
    model_cls = TOP_FILES.get(kind) or FOLDERS[kind]
    try:
        source.model = model_cls.model_validate(doc.value)
    except ValidationError as exc:
        doc.findings.extend(schema_findings(model_cls, doc, exc))
    return source


def problems_of(source: SourceFile) -> list[Problem]:
    return [Problem(source.rel, f.line, f.col, f.code, f.message) for f in source.doc.findings]


def kind_of(rel: str) -> str | None:
    """The file kind a repo-relative path would be read as, or None when the loader would not read it."""
    if not rel.endswith(SUFFIXES):
        return None
    if "/" not in rel:
        stem = rel.rsplit(".", 1)[0]
        return stem if stem in TOP_FILES else None
    folder = rel.split("/", 1)[0]
    return folder if folder in FOLDERS else None


def load(
    root: Path | FileSource, progress: Callable[[int, int], None] | None = None, overlay: dict[str, bytes] | None = None,
    use_cache: bool = False, listing: tuple[list[tuple[str, str]], list[Problem]] | None = None,
    digests: dict[str, bytes] | None = None, only: list[str] | None = None,
) -> Loaded:
    """Read and schema-check every file of the repo (no cross-file checks yet).

    `root` is a folder, or any FileSource (a MemorySource holds a git revision).
    `overlay` maps repo-relative paths to content that replaces (or adds) files
    as if they were on disk: how an importer checks what it would write.
    `use_cache` reads unchanged files from the parse cache in <root>/.skillcycle/.
    `listing` is what `root.entries()` just returned, when the caller already listed it;
    `digests` receives the hash of each file's bytes (see cache.read_all).
    `only` reads just these files of a folder (sorted paths), without listing the rest.
    """
    from .cache import read_all  # cache builds on this module

    source = root if isinstance(root, FileSource) else DirectorySource(root, overlay or {})
    if only is not None:
        listing = ([(rel, kind_of(rel)) for rel in only], [])
        for rel in only:  # the stats the parse cache compares, as a walk would have taken them
            try:
                info = os.lstat(os.path.join(source.root, rel))
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                source.stats[rel] = (info.st_size, info.st_mtime_ns)  # type: ignore[attr-defined]
    entries, problems = listing or source.entries()
    loaded = Loaded(source.root, problems=list(problems), listed=list(problems))
    loaded.files = read_all(source, entries, progress, use_cache, digests, whole=only is None)
    for file in loaded.files:
        loaded.problems.extend(problems_of(file))
    return loaded


# --- pydantic errors -> findings -------------------------------------------

_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date YYYY-MM-DD",
}
_CODE_OF_TYPE = {"bad_level": "S004", "bad_date": "S005", "bad_id": "S006", "bad_value": "S007"}


def describe(value: Any) -> str:
    """How a value read from YAML is named in a message."""
    if value is None:
        return "nothing (empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _data_path(value: Any, loc: tuple) -> tuple:
    """Keep the loc segments that address the document; drop pydantic's union/validator labels."""
    path: list[Any] = []
    for segment in loc:
        if isinstance(value, dict) and segment in value:
            value = value[segment]
        elif isinstance(value, list) and isinstance(segment, int) and 0 <= segment < len(value):
            value = value[segment]
        else:
            continue
        path.append(segment)
    return tuple(path)


def _model_at(model_cls: type[BaseModel], path: tuple) -> type[BaseModel] | None:
    """The model class that reads the mapping at path, if any (for 'did you mean' on keys)."""
    annotation: Any = model_cls
    for segment in path:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field_info = annotation.model_fields.get(segment)
            if field_info is None:
                return None
            annotation = field_info.annotation
        elif typing.get_origin(annotation) in (list, dict):
            annotation = typing.get_args(annotation)[-1]
        else:
            return None
    annotation = _unwrap(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation


def did_you_mean(word: str, choices: typing.Iterable[str]) -> str:
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" — did you mean {match[0]!r}?" if match else ""


def schema_findings(model_cls: type[Model], doc: yamlstrict.Document, exc: ValidationError) -> list[yamlstrict.Finding]:
    findings: list[yamlstrict.Finding] = []
    seen: set[tuple] = set()
    for err in exc.errors(include_url=False):
        kind, loc = err["type"], err["loc"]
        if kind == "missing":
            parent = _data_path(doc.value, loc[:-1])
            if parent + (loc[-1],) in seen:
                continue
            seen.add(parent + (loc[-1],))
            line, col = doc.at(parent)
            findings.append(yamlstrict.Finding("S002", line, col, f"missing required key {loc[-1]!r}"))
            continue
        path = _data_path(doc.value, loc)
        if path in seen:  # a union reports once per member: keep the first
            continue
        seen.add(path)
        if kind == "extra_forbidden":
            line, col = doc.at(path, key=True)
            owner = _model_at(model_cls, path[:-1])
            allowed = sorted(owner.model_fields) if owner else []
            hint = did_you_mean(path[-1], allowed) or (f" (allowed: {', '.join(allowed)})" if allowed else "")
            findings.append(yamlstrict.Finding("S001", line, col, f"unknown key {path[-1]!r}{hint}"))
            continue
        line, col = doc.at(path)
        where = f"{path[-1]}: " if path and isinstance(path[-1], str) else ""
        if kind in _CODE_OF_TYPE:
            findings.append(yamlstrict.Finding(_CODE_OF_TYPE[kind], line, col, f"{where}{err['msg']}"))
        elif kind in _TYPE_WORDS:
            findings.append(yamlstrict.Finding(
                "S003", line, col, f"{where}expected {_TYPE_WORDS[kind]}, got {describe(err['input'])}"
            ))
        elif kind == "literal_error":
            expected = err["ctx"]["expected"]
            options = [o.strip(" '") for o in expected.replace(" or ", ", ").split(",")]
            hint = did_you_mean(err["input"], options) if isinstance(err["input"], str) else ""
            findings.append(yamlstrict.Finding(
                "S007", line, col, f"{where}{describe(err['input'])} is not allowed; expected {expected}{hint}"
            ))
        else:  # ranges and lengths: pydantic's own wording is clear enough
            findings.append(yamlstrict.Finding("S007", line, col, f"{where}{err['msg'].lower()}, got {describe(err['input'])}"))
    return findings
