"""Internal mobility before the fact (docs/mobility.md): who inside could fill a role
(`candidates`), and which roles a person is closest to (`paths`).

One computation, `fits`: each person's gaps against a role's requirements on a date,
from the calibrated current levels (self ratings never count), for many people at
once as a column of the level grid. Performance ratings are never read.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..core.facts import LevelGrid, active_learning_goals, requirements_on
from ..core.levels import Level
from ..core.problems import did_you_mean
from ..core.repo import Repo

DEFAULT_TOP = 10
ASPIRATION_STEPS = 2  # a role this many `next` steps away counts as aspired to


class MobilityQueryError(ValueError):
    """A role, opening, person or filter that names nothing: exit 2 with this message."""


@dataclass(frozen=True)
class Gap:
    skill: str
    required: int
    current: int | None  # None: never assessed (counted as none)
    goal: str | None = None  # an active learning goal on the skill whose target reaches `required`
    due: date | None = None  # that goal's due date

    @property
    def size(self) -> int:
        return max(0, self.required - (self.current or 0))

    def to_json(self) -> dict[str, Any]:
        return {"skill": self.skill, "required": Level(self.required).slug,
                "current": None if self.current is None else Level(self.current).slug,
                "gap": self.size, "goal": self.goal, "due": self.due.isoformat() if self.due else None}


@dataclass(frozen=True)
class Fit:
    """Person P against role R on a date."""

    person: str
    role: str
    met: tuple[str, ...]
    missing: tuple[Gap, ...]  # the required skills with a gap, by skill
    unassessed: tuple[str, ...]  # required skills P was never assessed in
    aspired: bool  # R is P's aspiration, or within two `next` steps of P's role
    steps: int | None = None  # `next` steps from P's role to R (None: not reachable)

    @property
    def shortfall(self) -> int:
        return sum(gap.size for gap in self.missing)

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def ready_by(self) -> date | None:
        """When every gap would close if each active goal on it is met; None unless every gap has one."""
        if self.ready or any(gap.goal is None for gap in self.missing):
            return None
        return max(gap.due for gap in self.missing if gap.due is not None)

    def to_json(self) -> dict[str, Any]:
        return {
            "person": self.person, "role": self.role, "ready": self.ready, "shortfall": self.shortfall,
            "met": list(self.met), "missing": [g.to_json() for g in self.missing], "unassessed": list(self.unassessed),
            "aspired": self.aspired, "steps": self.steps, "ready_by": self.ready_by.isoformat() if self.ready_by else None,
        }


def fits(repo: Repo, role: str, people: list[str], day: date, as_of: date, nexts: dict[str, dict[str, int]] | None = None) -> list[Fit]:
    """Each of `people` against `role` on `day` (its requirements then), with levels as of
    `min(day, as_of)`: nothing dated after as-of is used. `nexts`: next_steps(repo), when the
    caller fits many roles."""
    required = requirements_on(repo.roles[role], day)
    grid = LevelGrid.of(repo, people)
    matrix = grid.matrix(min(day, as_of))
    rows = grid.people.get_indexer(people)
    columns = grid.skills.get_indexer(list(required))
    levels = np.full((len(people), len(required)), -1, dtype=np.int8)
    known_rows = rows >= 0
    for j, column in enumerate(columns):
        if column >= 0:
            levels[known_rows, j] = matrix[rows[known_rows], column]
    goals = _goals(repo, people, list(required), min(day, as_of))
    nexts = nexts if nexts is not None else next_steps(repo)
    out = []
    for i, person in enumerate(people):
        met, missing, unassessed = [], [], []
        for j, (skill, need) in enumerate(required.items()):
            level = int(levels[i, j])
            if level < 0:
                unassessed.append(skill)
            if max(level, 0) >= need:
                met.append(skill)
            else:
                goal = goals.get((person, skill))
                reaches = goal is not None and goal[2] >= need
                missing.append(Gap(skill, int(need), None if level < 0 else level, goal[0] if reaches else None, goal[1] if reaches else None))
        own = repo.people[person]
        steps = nexts.get(own.role, {}).get(role)
        aspired = own.aspiration == role or (steps is not None and steps <= ASPIRATION_STEPS)
        out.append(Fit(person, role, tuple(met), tuple(missing), tuple(unassessed), aspired, steps))
    return out


def _goals(repo: Repo, people: list[str], skills: list[str], day: date) -> dict[tuple[str, str], tuple[str, date, int]]:
    """(person, skill) -> (goal id, due, target) of the active learning goal on it with the
    highest target (then the earliest due): started, not dropped, not achieved on `day`."""
    mine = active_learning_goals(repo, people, skills, day)
    best: dict[tuple[str, str], tuple[str, date, int]] = {}
    for person, skill, goal, due, target in zip(mine["person"].astype(str), mine["skill"].astype(str), mine["id"].astype(str),
                                                mine["due"], mine["target"]):
        candidate = (goal, pd.Timestamp(due).date(), int(target))
        held = best.get((person, skill))
        if held is None or (candidate[2], -candidate[1].toordinal()) > (held[2], -held[1].toordinal()):
            best[(person, skill)] = candidate
    return best


def next_steps(repo: Repo) -> dict[str, dict[str, int]]:
    """role -> {role reachable by `next` edges: the fewest steps}."""
    out: dict[str, dict[str, int]] = {}
    for start in repo.roles:
        seen = {start: 0}
        queue = deque([start])
        while queue:
            role = queue.popleft()
            for nxt in repo.roles[role].next if role in repo.roles else []:
                if nxt not in seen:
                    seen[nxt] = seen[role] + 1
                    queue.append(nxt)
        del seen[start]
        out[start] = seen
    return out


# --- candidates for a role or an opening ----------------------------------------------------

@dataclass(frozen=True)
class CandidateQuery:
    target: str  # a role id or an opening id
    as_of: date
    as_of_given: bool = False  # an opening is read on its `opened` date unless --as-of was given
    top: int = DEFAULT_TOP
    family: str | None = None
    manager: str | None = None


@dataclass(frozen=True)
class CandidateReport:
    role: str
    title: str
    day: date
    opening: dict[str, Any] | None  # {id, opened, filled, hired} when asked for an opening
    required: dict[str, int]
    considered: int  # active people not in the role, after the filters
    fits: tuple[Fit, ...]  # the top ones, ranked
    names: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role, "title": self.title, "date": self.day.isoformat(), "opening": self.opening,
            "required": {skill: Level(level).slug for skill, level in self.required.items()},
            "considered": self.considered, "ready": sum(1 for f in self.fits if f.ready),
            "candidates": [{"rank": i + 1, "name": self.names[f.person], **f.to_json()} for i, f in enumerate(self.fits)],
        }


def rank_key(fit: Fit) -> tuple:
    """Shortfall, then missing skills, then aspiration first, then id."""
    return (fit.shortfall, len(fit.missing), not fit.aspired, fit.person)


def candidates(repo: Repo, query: CandidateQuery) -> CandidateReport:
    opening = next((o for _, o in repo.openings if o.id == query.target), None)
    if opening is None and query.target not in repo.roles:
        choices = [*repo.roles, *(o.id for _, o in repo.openings)]
        raise MobilityQueryError(f"unknown role or opening {query.target!r}{did_you_mean(query.target, choices)}")
    role = opening.role if opening else query.target
    day = opening.opened if opening and not query.as_of_given else query.as_of
    _check_filters(repo, query.family, query.manager)
    people = [pid for pid, p in repo.people.items() if p.active_on(day) and p.role != role]
    people = _filtered(repo, people, query.family, query.manager)
    ranked = sorted(fits(repo, role, people, day, query.as_of), key=rank_key)
    info = None
    if opening is not None:
        info = {"id": opening.id, "opened": opening.opened.isoformat(),
                "filled": opening.filled.isoformat() if opening.filled else None, "hired": opening.hired}
    return CandidateReport(role, repo.roles[role].title, day, info,
                           {s: int(level) for s, level in requirements_on(repo.roles[role], day).items()},
                           len(people), tuple(ranked[: query.top]), {pid: p.name for pid, p in repo.people.items()})


def _check_filters(repo: Repo, family: str | None, manager: str | None) -> None:
    families = sorted({r.family for r in repo.roles.values()})
    if family is not None and family not in families:
        raise MobilityQueryError(f"unknown role family {family!r}{did_you_mean(family, families)}")
    if manager is not None and manager not in repo.people:
        raise MobilityQueryError(f"unknown manager {manager!r}{did_you_mean(manager, repo.people)}")


def _filtered(repo: Repo, people: list[str], family: str | None, manager: str | None) -> list[str]:
    if family is not None:
        people = [pid for pid in people if repo.roles[repo.people[pid].role].family == family]
    if manager is not None:
        under = set(repo.subtree(manager))
        people = [pid for pid in people if pid in under]
    return people


# --- paths for a person -----------------------------------------------------------------------

@dataclass(frozen=True)
class PathReport:
    person: str
    name: str
    role: str
    aspiration: str | None
    day: date
    fits: tuple[Fit, ...]
    titles: dict[str, str]

    def to_json(self) -> dict[str, Any]:
        return {
            "person": self.person, "name": self.name, "role": self.role, "aspiration": self.aspiration,
            "date": self.day.isoformat(),
            "roles": [{"title": self.titles[f.role], "aspiration": f.role == self.aspiration, **f.to_json()} for f in self.fits],
        }


def paths(repo: Repo, person: str, as_of: date, *, next_only: bool = False, steps: int = 3) -> PathReport:
    """Every other role (or, next_only, those within `steps` `next` edges of the person's role),
    with the person's fit; by shortfall, then steps (unreachable last), then role id."""
    own = repo.people[person]
    nexts = next_steps(repo)
    reachable = nexts.get(own.role, {})
    roles = [r for r in repo.roles if r != own.role and (not next_only or reachable.get(r, steps + 1) <= steps)]
    found = [fits(repo, role, [person], as_of, as_of, nexts)[0] for role in roles]
    found.sort(key=lambda f: (f.shortfall, f.steps is None, f.steps or 0, f.role))
    return PathReport(person, own.name, own.role, own.aspiration, as_of, tuple(found), {r: repo.roles[r].title for r in repo.roles})


# --- the metric -------------------------------------------------------------------------------

def readiness(repo: Repo, openings: list[tuple[str, str, date]], as_of: date) -> tuple[int, int, float]:
    """Over openings (id, role, opened): how many had a ready internal candidate on the opened
    date, and the mean number of candidates within one level of shortfall."""
    with_ready, within = 0, 0
    nexts = next_steps(repo)
    for _, role, opened in openings:
        people = [pid for pid, p in repo.people.items() if p.active_on(opened) and p.role != role]
        shortfalls = [f.shortfall for f in fits(repo, role, people, opened, as_of, nexts)]
        with_ready += any(s == 0 for s in shortfalls)
        within += sum(1 for s in shortfalls if s <= 1)
    return with_ready, len(openings), within / len(openings) if openings else 0.0
