"""Read every file of a skills repo strictly, and check each against its model: the whole
repo at once (`load`).

What a file is and where it comes from is sources.py. How the files are read is a Reader:
here each in turn; the fast layer brings one that remembers parsed files between runs and
parses many in parallel (fast/cache.py), and gives the same files.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol

from .problems import Problem
from .sources import DirectorySource, FileSource, SourceFile, problems_of, read_source
from .walk import changed_ns, kind_of


Progress = Callable[[int, int], None]
Consume = Callable[[SourceFile], "SourceFile | None"]


class Reader(Protocol):
    def __call__(
        self, source: FileSource, entries: list[tuple[str, str]], progress: Progress | None, whole: bool,
        consume: Consume | None,
    ) -> list[SourceFile]:
        """Every entry (path, kind) of `source` read, parsed and validated, in the order of
        `entries`. `whole` says they are all the repo's files. `consume` is handed each file
        as soon as it is read; only the files it returns are kept (a big repo's models need
        not all be held at once)."""


def read_each(
    source: FileSource, entries: list[tuple[str, str]], progress: Progress | None = None, whole: bool = True,
    consume: Consume | None = None,
) -> list[SourceFile]:
    """The plain Reader: each file read and parsed in turn."""
    files = []
    for done, (rel, kind) in enumerate(entries, 1):
        file = read_source(source, rel, kind)
        if progress is not None:
            progress(done, len(entries))
        if consume is not None:
            file = consume(file)
        if file is not None:
            files.append(file)
    return files


@dataclass(slots=True)
class Loaded:
    root: Path
    files: list[SourceFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # the walk's and every file's findings
    listed: list[Problem] = field(default_factory=list)  # the walk's alone (symlinks and the like)
    read: int = 0  # files read: more than `files` holds when a consumer let some go
    # Its files read again, all (None) or these paths, from the same source and cache: a repo
    # made from this load gets its per-file lists back through it (Repo.read_files).
    read_again: Callable[[list[str] | None], list[SourceFile]] | None = None

    def of_kind(self, kind: str) -> list[SourceFile]:
        return [f for f in self.files if f.kind == kind]


def load(
    root: Path | FileSource, progress: Progress | None = None, overlay: dict[str, bytes] | None = None,
    read: Reader = read_each, listing: tuple[list[tuple[str, str]], list[Problem]] | None = None,
    only: list[str] | None = None, consume: Consume | None = None,
) -> Loaded:
    """Read and schema-check every file of the repo (no cross-file checks yet).

    `root` is a folder, or any FileSource (a MemorySource holds a git revision).
    `overlay` maps repo-relative paths to content that replaces (or adds) files
    as if they were on disk: how an importer checks what it would write.
    `read` reads the files listed (see Reader).
    `listing` is what `root.entries()` just returned, when the caller already listed it.
    `only` reads just these files of a folder (sorted paths), without listing the rest.
    `consume` sees each file as it is read, in path order; `files` keeps those it returns.
    """
    source = root if isinstance(root, FileSource) else DirectorySource(root, overlay or {})
    if only is not None:
        listing = ([(rel, kind_of(rel)) for rel in only], [])
        for rel in only:  # the stats a walk would have taken (a Reader may compare them with earlier ones)
            try:
                info = os.lstat(os.path.join(source.root, rel))
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                source.stats[rel] = (info.st_size, changed_ns(info))  # type: ignore[attr-defined]
    entries, problems = listing or source.entries()
    loaded = Loaded(source.root, problems=list(problems), listed=list(problems))
    loaded.read_again = lambda paths: load(source, read=read, only=paths).files
    loaded.files = read(source, entries, progress, only is None, consume)
    loaded.read = len(entries)
    for file in loaded.files:
        loaded.problems.extend(problems_of(file))
    return loaded
