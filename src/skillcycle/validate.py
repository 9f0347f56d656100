"""Run every check of SPEC §8 over a repo, in layers: each layer runs only on
what the layers before it accepted, so one mistake yields one finding."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from . import checks
from .loader import Loaded, load
from .problems import Problem, has_errors, sort_problems
from .repo import Repo, build_repo

REQUIRED_FILES = ("skillcycle", "competencies")


@dataclass
class Validation:
    counts: dict[str, int]  # files, and people, skills, roles when the repo is valid
    problems: list[Problem]
    repo: Repo | None  # None when there are errors: nothing may be computed from it
    static: list[Problem]  # the problems that depend on neither as-of nor today: what a snapshot keeps

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def static_problems(loaded: Loaded) -> list[Problem]:
    """Every check whose answer depends on the files alone."""
    problems = list(loaded.problems)
    present = {source.kind for source in loaded.files}
    for kind in REQUIRED_FILES:
        if kind not in present:
            problems.append(Problem(f"{kind}.yaml", 1, 1, "S002", f"{kind}.yaml is missing; every skills repo needs it"))
    ids, duplicate_problems = checks.defined_ids(loaded)
    problems += duplicate_problems
    problems += checks.check_file_names(loaded)
    problems += checks.check_references(loaded, ids)
    for source in loaded.files:
        if source.model is not None:
            problems += checks.check_file_rules(source)
    problems += checks.check_manager_cycles(loaded)
    problems += checks.check_goal_files(loaded, ids)
    return problems


def validate_loaded(loaded: Loaded, as_of: date, today: date) -> Validation:
    static = static_problems(loaded)
    files = {source.rel: source for source in loaded.files}

    def locate(rel: str, path: tuple, key: bool) -> tuple[int, int]:
        return files[rel].doc.at(path, key=key)

    problems = static + checks.check_future_ratings(checks.dated_ratings(loaded), today, locate)
    repo = None
    if not has_errors(problems):
        repo = build_repo(loaded)
        problems += checks.check_development(repo, as_of, locate)
    return Validation(_counts(len(loaded.files), repo), sort_problems(problems), repo, static)


def _counts(files: int, repo: Repo | None) -> dict[str, int]:
    if repo is None:
        return {"files": files}
    return {"files": files, "people": len(repo.people), "skills": len(repo.skills), "roles": len(repo.roles)}


def revalidate(repo: Repo, static: list[Problem], as_of: date, today: date, locate: checks.Locate) -> Validation:
    """A valid repo's validation on another as-of or today, from its tables and its static problems
    alone: what validate_loaded would answer for the same files."""
    import numpy as np

    ratings = repo.ratings
    late = ratings[ratings["date"] > np.datetime64(today, "s")]
    rows = zip(late["file"].tolist(), late["item"].tolist(), late["dated"].tolist(), late["date"].dt.date.tolist())
    problems = static + checks.check_future_ratings(rows, today, locate) + checks.check_development(repo, as_of, locate)
    return Validation(_counts(repo.file_count, repo), sort_problems(problems), repo, static)


def validate_path(
    root: Path, as_of: date, today: date, progress: Callable[[int, int], None] | None = None,
    overlay: dict[str, bytes] | None = None,
) -> Validation:
    """Validate the repo at root; `overlay` (rel path -> content) is checked as if already written."""
    return validate_loaded(load(root, progress, overlay), as_of, today)
