"""Run every check of SPEC §8 over a repo, in layers: each layer runs only on
what the layers before it accepted, so one mistake yields one finding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .problems import Problem, has_errors, sort_problems

# Light to import: a warm run unpickles its stored Validation and reads nothing else of this
# module; the checks and the loader come with the functions that run them.
if TYPE_CHECKING:
    from . import checks
    from .index import RepoIndex
    from .loader import Loaded, SourceFile
    from .repo import Repo


@dataclass
class Validation:
    counts: dict[str, int]  # files, and people, skills, roles when the repo is valid
    problems: list[Problem]
    repo: "Repo | None"  # None when there are errors: nothing may be computed from it
    static: list[Problem]  # the problems that depend on neither as-of nor today: what a snapshot keeps
    index: "RepoIndex | None" = None  # what the static checks read (a full load's; not kept in results)

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
    from .repo import build_repo

    files = {source.rel: source for source in loaded.files}
    index = build_index(loaded.files)
    static = static_problems(index, {source.kind for source in loaded.files}, loaded.listed, files.__getitem__)
    locate = locate or doc_locator(loaded.files)
    problems = static + checks.check_future_ratings(checks.dated_ratings(loaded), today, locate)
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
    import numpy as np

    from . import checks

    ratings = repo.ratings
    late = ratings[ratings["date"] > np.datetime64(today, "s")]
    rows = zip(late["file"].tolist(), late["item"].tolist(), late["dated"].tolist(), late["date"].dt.date.tolist())
    problems = static + checks.check_future_ratings(rows, today, locate)
    if has_errors(static):
        return Validation(_counts(repo.file_count, None), sort_problems(problems), None, static, index)
    problems += checks.check_development(repo, as_of, locate)
    return Validation(_counts(repo.file_count, repo), sort_problems(problems), repo, static, index)


def validate_path(
    root: Path, as_of: date, today: date, progress: Callable[[int, int], None] | None = None,
    overlay: dict[str, bytes] | None = None,
) -> Validation:
    """Validate the repo at root; `overlay` (rel path -> content) is checked as if already written."""
    from .loader import load

    return validate_loaded(load(root, progress, overlay), as_of, today)
