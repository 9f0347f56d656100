"""Read every file of a skills repo strictly, and check each against its model: the whole
repo at once (`load`), through the parse cache when asked.

What a file is and where it comes from is sources.py; this module puts them together with
the parse cache (cache.py), which builds on sources.py alone.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .cache import read_all
from .problems import Problem
from .sources import DirectorySource, FileSource, SourceFile, problems_of
from .walk import changed_ns, kind_of


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
    root: Path | FileSource, progress: Callable[[int, int], None] | None = None, overlay: dict[str, bytes] | None = None,
    use_cache: bool = False, listing: tuple[list[tuple[str, str]], list[Problem]] | None = None,
    digests: dict[str, bytes] | None = None, only: list[str] | None = None,
    consume: Callable[[SourceFile], SourceFile | None] | None = None,
) -> Loaded:
    """Read and schema-check every file of the repo (no cross-file checks yet).

    `root` is a folder, or any FileSource (a MemorySource holds a git revision).
    `overlay` maps repo-relative paths to content that replaces (or adds) files
    as if they were on disk: how an importer checks what it would write.
    `use_cache` reads unchanged files from the parse cache in <root>/.skillcycle/.
    `listing` is what `root.entries()` just returned, when the caller already listed it;
    `digests` receives the hash of each file's bytes (see cache.read_all).
    `only` reads just these files of a folder (sorted paths), without listing the rest.
    `consume` sees each file as it is read, in path order; `files` keeps those it returns.
    """
    source = root if isinstance(root, FileSource) else DirectorySource(root, overlay or {})
    if only is not None:
        listing = ([(rel, kind_of(rel)) for rel in only], [])
        for rel in only:  # the stats the parse cache compares, as a walk would have taken them
            try:
                info = os.lstat(os.path.join(source.root, rel))
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                source.stats[rel] = (info.st_size, changed_ns(info))  # type: ignore[attr-defined]
    entries, problems = listing or source.entries()
    loaded = Loaded(source.root, problems=list(problems), listed=list(problems))
    loaded.read_again = lambda paths: load(source, use_cache=use_cache, only=paths).files
    loaded.files = read_all(source, entries, progress, use_cache, digests, whole=only is None, consume=consume)
    loaded.read = len(entries)
    for file in loaded.files:
        loaded.problems.extend(problems_of(file))
    return loaded
