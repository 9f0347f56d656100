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
    loaded: Loaded
    problems: list[Problem]
    repo: Repo | None  # None when there are errors: nothing may be computed from it

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def validate_loaded(loaded: Loaded, as_of: date, today: date) -> Validation:
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
    problems += checks.check_future_ratings(loaded, today)
    repo = None
    if not has_errors(problems):
        repo = build_repo(loaded)
        problems += checks.check_development(loaded, repo, as_of)
    return Validation(loaded, sort_problems(problems), repo)


def validate_path(
    root: Path, as_of: date, today: date, progress: Callable[[int, int], None] | None = None,
    overlay: dict[str, bytes] | None = None,
) -> Validation:
    """Validate the repo at root; `overlay` (rel path -> content) is checked as if already written."""
    return validate_loaded(load(root, progress, overlay), as_of, today)
