"""skillcycle as a library: open a skills repo, validate it, and compute its reports, the
way a notebook or another tool would. The command line is a thin layer over this module.

    from datetime import date
    from skillcycle import api

    repo = api.open_repo("examples/acme", date(2026, 9, 30))
    report = api.gap("examples/acme", date(2026, 9, 30), by="skill")

Every function takes the repo's folder (or None: search upward from the current folder) and
reads it through the snapshot and the parse cache in `<repo>/.skillcycle/` unless
`no_cache` or SKILLCYCLE_NO_CACHE=1; the answers are the same either way. A repo that does
not validate raises InvalidRepo with its findings: nothing is computed on one.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from .core.problems import Problem
from .core.walk import RepoNotFound, find_root

if TYPE_CHECKING:
    from .core.quarters import Quarter
    from .core.repo import Repo
    from .reports.metrics_report import MetricsReport
    from .reports.packet import Packet
    from .validation.validate import Validation

__all__ = [
    "InvalidRepo", "RepoNotFound", "find_repo", "gap", "metrics", "open_repo", "quarter_of", "remembered",
    "review_packet", "use_cache", "validate",
]

Progress = Callable[[int, int], None]
T = TypeVar("T")


class InvalidRepo(Exception):
    """The repo has errors: `problems` are every finding of validate, sorted."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"the skills repo is invalid ({sum(p.severity == 'error' for p in problems)} errors)")
        self.problems = problems


def find_repo(path: str | os.PathLike[str] | None = None) -> Path:
    """The root of the skills repo at `path`, or the first folder upward holding skillcycle.yaml."""
    return find_root(path)


def use_cache(no_cache: bool = False) -> bool:
    return not (no_cache or os.environ.get("SKILLCYCLE_NO_CACHE", "") not in ("", "0"))


def validate(
    root: str | os.PathLike[str] | None, as_of: date, *, today: date | None = None, progress: Progress | None = None,
    no_cache: bool = False, need_repo: bool = True, overlay: dict[str, bytes] | None = None,
) -> "Validation":
    """Every finding on the repo as of `as_of` (`today` dates the future-rating check; default
    the clock's today). With `need_repo` False a valid repo may come back without its Repo.
    `overlay` (path in the repo -> bytes) is checked as if written: how an import is checked."""
    folder, today = find_root(root), today or date.today()
    if overlay or not use_cache(no_cache):
        from .fast.cache import reader
        from .validation.validate import validate_path

        return validate_path(folder, as_of, today, progress, overlay, read=reader())
    from .fast.snapshot import validate_warm

    return validate_warm(folder, as_of, today, progress, need_repo)


def open_repo(root: str | os.PathLike[str] | None, as_of: date, *, progress: Progress | None = None, no_cache: bool = False) -> "Repo":
    """The valid repo's data, or InvalidRepo."""
    return _valid(validate(root, as_of, progress=progress, no_cache=no_cache)).repo


def _valid(validation: "Validation") -> "Validation":
    if not validation.ok:
        raise InvalidRepo(validation.problems)
    return validation


def remembered(
    root: str | os.PathLike[str] | None, as_of: date, key: tuple, compute: Callable[[Any], T], *,
    progress: Progress | None = None, no_cache: bool = False,
) -> T:
    """compute(repo) on the valid repo, remembered by the snapshot under `key` (what is
    computed and with which options) with as-of, and given again while the files and the code
    are the same, without loading a table. `compute` must be a function of the repo and `key`."""
    folder = find_root(root)
    if not use_cache(no_cache):
        return compute(open_repo(folder, as_of, progress=progress, no_cache=True))
    from .fast.snapshot import Snapshot

    validation = _valid(validate(folder, as_of, progress=progress, need_repo=False))
    snapshot, content_id, key = Snapshot(folder), validation.content_id, (*key, as_of)
    found = snapshot.report(content_id, key) if content_id is not None else None
    if found is not None:
        return found
    the_repo = validation.repo
    if the_repo is None:  # the snapshot answered the validation alone: its stored repo, tables read on use
        stored = snapshot.repo(content_id) if content_id is not None else None
        the_repo = stored[0] if stored is not None else open_repo(folder, as_of, progress=progress)
    report = compute(the_repo)
    if content_id is not None:  # None: files the snapshot could not record (unreadable ones)
        snapshot.save_report(content_id, key, report)
    return report


def gap(root: str | os.PathLike[str] | None, as_of: date, *, no_cache: bool = False, **query: Any):
    """The gap report (GapReport); `query` holds GapQuery's fields: by, horizon_months,
    families, manager, track, top. A query the repo cannot answer raises GapQueryError."""
    from .core.gaps import GapQuery, check_query, gap_report

    asked = GapQuery(as_of=as_of, **query)
    repo = open_repo(root, as_of, no_cache=no_cache)
    check_query(repo, asked)
    return gap_report(repo, asked)  # not remembered: the report keeps the repo it was made of


def quarter_of(repo: "Repo", label: str | None, as_of: date) -> "Quarter":
    """The quarter `label` names (like 2026Q3) in the repo's fiscal years, or by default the
    last one complete by `as_of`: a half-over quarter would be compared with whole ones.
    ValueError for a label that is not a quarter or one that starts after `as_of`."""
    from .core.quarters import Quarter

    fy = repo.settings.fiscal_year_start
    quarter = Quarter.last_complete(as_of, fy) if label is None else Quarter.parse(label.strip().upper(), fy)
    if quarter.start > as_of:
        raise ValueError(f"{quarter} starts on {quarter.start}, after the as-of date {as_of}; nothing to measure yet")
    return quarter


def metrics(root: str | os.PathLike[str] | None, as_of: date, quarter: str | None = None, quarters: int = 1, *, no_cache: bool = False) -> "MetricsReport":
    """The quarter's metrics (default: the last quarter complete by `as_of`), with the trend
    over `quarters` quarters ending with it."""
    from .reports.metrics import compute

    return remembered(
        root, as_of, ("metrics", quarter.strip().upper() if quarter else None, quarters),
        lambda repo: compute(repo, quarter_of(repo, quarter, as_of), as_of, quarters), no_cache=no_cache,
    )


def review_packet(root: str | os.PathLike[str] | None, person: str, as_of: date, *, no_cache: bool = False) -> "Packet":
    """The review packet of `person` (an id, a full or a last name; LookupError if it names
    nobody or several), built from their own data and what it names of others alone."""
    from .core.repo import find_person
    from .reports.packet import build_packet, people_read

    repo = open_repo(root, as_of, no_cache=no_cache)
    pid = find_person(repo.people, person)
    return build_packet(repo.narrowed(people_read(repo, [pid])), pid, as_of)
