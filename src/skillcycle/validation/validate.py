"""Run every check of SPEC §8 over a repo, in layers: each layer runs only on
what the layers before it accepted, so one mistake yields one finding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..core.problems import Problem, has_errors, sort_problems

# Light to import: a warm run unpickles its stored Validation and reads nothing else of this
# module; the checks and the loader come with the functions that run them.
if TYPE_CHECKING:
    import pandas as pd

    from . import checks
    from ..core.facts import TableRows
    from .index import IndexBuilder, RepoIndex
    from ..core.loader import Loaded, Reader
    from ..core.sources import DirectorySource, FileSource, SourceFile
    from ..core.repo import Repo


@dataclass
class Validation:
    counts: dict[str, int]  # files, and people, skills, roles when the repo is valid
    problems: list[Problem]
    repo: "Repo | None"  # None when there are errors: nothing may be computed from it
    static: list[Problem]  # the problems that depend on neither as-of nor today: what a snapshot keeps
    index: "RepoIndex | None" = None  # what the static checks read (a full load's; not kept in results)
    content_id: bytes | None = None  # the snapshot's id of the files validated, when it recorded them

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def static_problems(index: "RepoIndex", kinds: set[str], listed: list[Problem], source_of: checks.SourceOf) -> list[Problem]:
    """Every check whose answer depends on the files alone: what the walk found, each file's
    own findings, and the checks across files."""
    from . import checks

    return listed + index.own + checks.cross_file_problems(index, kinds, source_of)


def doc_locator(files: list[SourceFile]) -> checks.Locate:
    """Positions in the parsed documents of `files`."""
    by_rel = {source.rel: source for source in files}

    def locate(rel: str, path: tuple, key: bool) -> tuple[int, int]:
        return by_rel[rel].doc.at(path, key=key)

    return locate


def validate_loaded(loaded: Loaded, as_of: date, today: date, locate: checks.Locate | None = None) -> Validation:
    """Every check over a full load; the dated checks find positions with `locate`, by default
    in the loaded documents."""
    from . import checks
    from .index import build_index
    from ..core.repo import build_repo

    files = {source.rel: source for source in loaded.files}
    index = build_index(loaded.files)
    static = static_problems(index, {source.kind for source in loaded.files}, loaded.listed, files.__getitem__)
    locate = locate or doc_locator(loaded.files)
    problems = static + checks.check_future_ratings(checks.dated_ratings(loaded.files), today, locate)
    repo = None
    if not has_errors(problems):
        repo = build_repo(loaded)
        problems += checks.check_development(repo, as_of, locate)
    return Validation(_counts(len(loaded.files), repo), sort_problems(problems), repo, static, index)


def _counts(files: int, repo: Repo | None) -> dict[str, int]:
    if repo is None:
        return {"files": files}
    return {"files": files, "people": len(repo.people), "skills": len(repo.skills), "roles": len(repo.roles)}


def revalidate(
    repo: Repo, static: list[Problem], as_of: date, today: date, locate: checks.Locate, index: "RepoIndex | None" = None,
) -> Validation:
    """The validation on another as-of or today, from the repo's tables and its static problems
    alone: what validate_loaded would answer for the same files. With errors among `static`
    (the tables then hold the valid files' rows) only C009 is added and no repo comes back."""
    from . import checks

    problems = static + _future_ratings(repo.ratings, today, locate)
    if has_errors(static):
        return Validation(_counts(repo.file_count, None), sort_problems(problems), None, static, index)
    problems += checks.check_development(repo, as_of, locate)
    return Validation(_counts(repo.file_count, repo), sort_problems(problems), repo, static, index)


def _future_ratings(ratings: "pd.DataFrame", today: date, locate: "checks.Locate") -> list[Problem]:
    """C009 over a ratings table (facts.ratings_frame)."""
    import numpy as np

    from . import checks

    late = ratings[ratings["date"] > np.datetime64(today, "s")]
    rows = zip(late["file"].tolist(), late["item"].tolist(), late["dated"].tolist(), late["date"].dt.date.tolist())
    return checks.check_future_ratings(rows, today, locate)


def validate_path(
    root: Path, as_of: date, today: date, progress: Callable[[int, int], None] | None = None,
    overlay: dict[str, bytes] | None = None, read: "Reader | None" = None,
) -> Validation:
    """Validate the repo at root; `overlay` (rel path -> content) is checked as if already written.
    `read` reads the files (default: loader.read_each)."""
    from ..core.loader import load, read_each
    from ..core.sources import DirectorySource

    if overlay:
        return validate_loaded(load(root, progress, overlay, read=read or read_each), as_of, today)
    return validate_streamed(DirectorySource(root), as_of, today, progress, read=read or read_each)


def validate_streamed(
    source: "DirectorySource", as_of: date, today: date, progress: Callable[[int, int], None] | None = None,
    listing: tuple[list[tuple[str, str]], list[Problem]] | None = None, read: "Reader | None" = None,
    locate: "checks.Locate | None" = None,
) -> Validation:
    """validate_loaded's answer for a folder on disk, without holding every file's model.

    Each file's index rows and table rows are taken as it is read, and the models of
    the kinds that grow with time (ratings, goals, check-ins, reviews, completions) are
    let go at once: at 10k people they are most of a full load's memory. The repo
    comes back as tables and small files; its per-file lists are read again when
    first asked for (repo.Repo.__getattr__). `locate` finds positions for the dated
    checks (default: in the files on disk).
    """
    from . import checks
    from ..core import loader
    from ..core.facts import TableRows
    from .index import IndexBuilder
    from ..core.repo import streamed_repo

    stream = _RowsTakenModelsLetGo(IndexBuilder(), TableRows())
    loaded = loader.load(source, progress, read=read or loader.read_each, listing=listing, consume=stream)
    kept = {file.rel: file for file in loaded.files}
    index = stream.index.index()
    kinds = {file.kind for file in loaded.files} | stream.kinds
    static = static_problems(index, kinds, loaded.listed, source_of(source, kept))
    locate = locate or disk_locator(source.root)
    ratings = stream.tables.ratings()
    problems = static + _future_ratings(ratings, today, locate)
    repo = None
    if not has_errors(problems):
        repo = streamed_repo(loaded, stream.tables, ratings, stream.completion_files)
        problems += checks.check_development(repo, as_of, locate)
    return Validation(_counts(loaded.read, repo), sort_problems(problems), repo, static, index)


class _RowsTakenModelsLetGo:
    """validate_streamed's consumer of each file read: index and table rows taken, the model
    of a kind that grows with time let go."""

    def __init__(self, index: "IndexBuilder", tables: "TableRows") -> None:
        from ..core.kinds import GROWING_KINDS

        self.let_go = GROWING_KINDS
        self.index, self.tables = index, tables
        self.kinds: set[str] = set()  # of the files let go
        self.completion_files: list[str] = []

    def __call__(self, file: "SourceFile") -> "SourceFile | None":
        self.index.add(file)
        if file.model is None or file.kind not in self.let_go:
            return file
        if file.kind in self.tables.KINDS:
            self.tables.add(file.kind, file.rel, file.model)
        elif file.kind == "completions":
            self.completion_files.append(file.rel)
        self.kinds.add(file.kind)
        return None


def source_of(source: "FileSource", parsed: dict[str, "SourceFile"]) -> "checks.SourceOf":
    """The files of `parsed`, and any other of `source` read again (once) when a finding points into it."""
    from ..core import sources, walk

    def find(rel: str) -> "SourceFile":
        if rel not in parsed:
            parsed[rel] = sources.read_source(source, rel, walk.kind_of(rel))
        return parsed[rel]

    return find


def disk_locator(root: Path) -> "checks.Locate":
    """Positions in files not parsed this run, each file parsed when pointed into. Only the last
    one is kept: the checks point into one file's rows at a time, and the positions of a
    calibration batch take megabytes (105 future-dated batches held 150 MB at 10k people)."""
    from ..core.sources import Reparse

    last: dict[str, Reparse] = {}

    def locate(rel: str, path: tuple, key: bool) -> tuple[int, int]:
        if rel not in last:
            last.clear()
            last[rel] = Reparse(str(root / rel))
        return last[rel].document().at(path, key=key)

    return locate
