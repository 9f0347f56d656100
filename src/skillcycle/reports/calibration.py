"""`skillcycle calibration`: the sheet a manager brings to the quarterly calibration session,
one row per (report, skill), whose filled `proposed` column imports back as calibrated
ratings (`skillcycle import ratings`). Definitions in docs/calibration.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from ..core.facts import achievement_dates, requirements_on
from ..core.levels import Level
from .metrics_report import r3
from ..core.problems import did_you_mean
from ..core.quarters import Quarter
from ..core.repo import Repo

STATUSES = ("stalled", "new", "advanced", "steady")  # the facilitator's order: stalled first
COLUMNS = [
    "person", "name", "manager", "role", "skill", "required", "calibrated", "calibrated_on", "manager_observation",
    "manager_observation_on", "peer", "peer_on", "self", "self_on", "goal", "goal_target", "goal_due", "goal_status",
    "evidence", "status", "proposed", "note",
]


class CalibrationQueryError(ValueError):
    """An unknown manager, or one with nobody to calibrate: exit 2 with this message."""


@dataclass(frozen=True)
class Row:
    person: str
    name: str
    manager: str | None
    role: str
    skill: str
    required: int | None  # None: not required by the role (the skill of a learning goal)
    latest: dict[str, tuple[int, date] | None]  # source -> (level, date) of the latest rating by the cutoff
    goal: tuple[str, int, date, str] | None  # (id, target, due, status) of the learning goal on the skill in the quarter
    evidence: str
    status: str

    def values(self) -> list[Any]:
        """The row's cells, in COLUMNS order (levels as names, dates as ISO text, empty as None)."""
        cells: list[Any] = [self.person, self.name, self.manager, self.role, self.skill, _level(self.required)]
        for source in ("calibration", "manager", "peer", "self"):
            seen = self.latest[source]
            cells += [_level(seen[0]), seen[1].isoformat()] if seen else [None, None]
        goal = self.goal
        cells += [goal[0], _level(goal[1]), goal[2].isoformat(), goal[3]] if goal else [None, None, None, None]
        return cells + [self.evidence or None, self.status, None, None]


def _level(code: int | None) -> str | None:
    return None if code is None else Level(code).slug


@dataclass(frozen=True)
class CalibrationSheet:
    manager: str
    subtree: bool
    quarter: Quarter
    cutoff: date
    rows: tuple[Row, ...]  # by person, then skill

    def to_json(self) -> dict[str, Any]:
        return {
            "manager": self.manager, "subtree": self.subtree, "quarter": self.quarter.label, "cutoff": self.cutoff.isoformat(),
            "rows": [dict(zip(COLUMNS, row.values())) for row in self.rows],
        }

    def counts(self) -> dict[str, int]:
        return {status: sum(1 for r in self.rows if r.status == status) for status in STATUSES}


def calibration_sheet(repo: Repo, manager: str, quarter: Quarter, as_of: date, subtree: bool = False) -> CalibrationSheet:
    if manager not in repo.people:
        raise CalibrationQueryError(f"unknown manager {manager!r}{did_you_mean(manager, repo.people)}")
    cutoff = min(quarter.end, as_of)
    under = repo.subtree(manager) if subtree else repo.reports_of(manager)
    people = [pid for pid in under if repo.people[pid].active_on(cutoff)]
    if not people:
        raise CalibrationQueryError(f"{manager} has no {'one under them' if subtree else 'direct reports'} active on {cutoff}")
    ratings = repo.ratings
    ratings = ratings[ratings["person"].isin(people).to_numpy() & (ratings["date"] <= pd.Timestamp(cutoff)).to_numpy()]
    history = _history(ratings)
    goals = _quarter_goals(repo, people, quarter, cutoff)
    evidence = _Evidence(repo, people, cutoff)
    rows = []
    for pid in people:
        person = repo.people[pid]
        required = {skill: int(level) for skill, level in requirements_on(repo.roles[person.role], cutoff).items()}
        for skill in sorted(set(required) | {skill for (who, skill) in goals if who == pid}):
            rated = history.get((pid, skill), {})
            latest = {source: (rated[source][-1] if rated.get(source) else None) for source in ("calibration", "manager", "peer", "self")}
            goal = goals.get((pid, skill))
            calibrations = rated.get("calibration", [])
            since = calibrations[-1][1] if calibrations else quarter.start - timedelta(days=1)
            rows.append(Row(pid, person.name, person.manager, person.role, skill, required.get(skill), latest, goal,
                            evidence.since(pid, skill, goal[0] if goal else None, since), _status(calibrations, quarter, goal)))
    return CalibrationSheet(manager, subtree, quarter, cutoff, tuple(rows))


def _history(ratings: pd.DataFrame) -> dict[tuple[str, str], dict[str, list[tuple[int, date]]]]:
    """(person, skill) -> source -> [(level, date)] in date then read order."""
    ordered = ratings.sort_values(["date", "seq"], kind="stable")
    out: dict[tuple[str, str], dict[str, list[tuple[int, date]]]] = {}
    for person, skill, source, level, day in zip(ordered["person"].astype(str), ordered["skill"].astype(str),
                                                 ordered["source"].astype(str), ordered["level"], ordered["date"]):
        out.setdefault((person, skill), {}).setdefault(source, []).append((int(level), pd.Timestamp(day).date()))
    return out


def _status(calibrations: list[tuple[int, date]], quarter: Quarter, goal: tuple | None) -> str:
    """new (never calibrated), advanced (the latest calibration is above the last one before the
    quarter), stalled (an active goal, and the last two calibrations show no rise), else steady."""
    if not calibrations:
        return "new"
    before = [level for level, day in calibrations if day < quarter.start]
    if before and calibrations[-1][0] > before[-1]:
        return "advanced"
    if goal is not None and goal[3] in ("active", "overdue") and len(calibrations) >= 2 and calibrations[-1][0] <= calibrations[-2][0]:
        return "stalled"
    return "steady"


def _quarter_goals(repo: Repo, people: list[str], quarter: Quarter, cutoff: date) -> dict[tuple[str, str], tuple[str, int, date, str]]:
    """(person, skill) -> (goal id, target, due, status on the cutoff) of the learning goal on the
    skill live during the quarter (started by the cutoff, neither dropped nor achieved before it
    began); of several, the last in file order."""
    table = repo.goals
    start, end = pd.Timestamp(quarter.start), pd.Timestamp(cutoff)
    mine = table[(table["kind"] == "learning").to_numpy() & table["person"].isin(people).to_numpy() & table["skill"].notna().to_numpy()]
    mine = mine[(mine["start"] <= end).to_numpy() & ~(mine["dropped"] < start).to_numpy()]
    people_ratings = repo.ratings[repo.ratings["person"].isin(people).to_numpy()]
    achieved = achievement_dates(mine, people_ratings, cutoff).reindex(mine.index) if len(mine) else pd.Series(dtype="datetime64[s]")
    out = {}
    for i, person, skill, goal, target, due, dropped in zip(mine.index, mine["person"].astype(str), mine["skill"].astype(str),
                                                           mine["id"].astype(str), mine["target"], mine["due"], mine["dropped"]):
        done = achieved.get(i)
        if done is not None and not pd.isna(done) and done < start:
            continue
        due_day = pd.Timestamp(due).date()
        if done is not None and not pd.isna(done):
            status = "achieved"
        elif not pd.isna(dropped) and dropped <= end:
            status = "dropped"
        else:
            status = "overdue" if due_day < cutoff else "active"
        out[(person, skill)] = (goal, int(target), due_day, status)
    return out


class _Evidence:
    """What happened on a (person, skill) since its last calibration: completions of resources
    that serve the skill, check-in notes on its goal, and application assignments set."""

    def __init__(self, repo: Repo, people: list[str], cutoff: date) -> None:
        wanted = set(people)
        self.serves = {rid: set(resource.skills) for rid, resource in repo.resources.items()}
        self.completions = [r for _, batch in repo.completions for r in batch.records
                            if r.person in wanted and r.completed and r.date <= cutoff]
        self.checkins = [c for _, c in repo.checkins if c.person in wanted and c.date <= cutoff]

    def since(self, person: str, skill: str, goal: str | None, day: date) -> str:
        done = sorted({(r.date, r.resource) for r in self.completions
                       if r.person == person and r.date > day and skill in self.serves.get(r.resource, ())})
        talks = [c for c in self.checkins if c.person == person and c.date > day]
        notes = sum(1 for c in talks for note in c.goals if goal is not None and note.goal == goal)
        applied = sum(1 for c in talks if goal is not None and c.learning.apply)
        parts = []
        if done:
            parts.append(f"{len(done)} completion{'s' * (len(done) != 1)} ({', '.join(f'{rid} {d}' for d, rid in done)})")
        if notes:
            parts.append(f"{notes} check-in note{'s' * (notes != 1)} on the goal")
        if applied:
            parts.append(f"{applied} application assignment{'s' * (applied != 1)}")
        return "; ".join(parts)


# --- rater drift -----------------------------------------------------------------------------

DRIFT_SOURCES = ("self", "manager")


def drift(repo: Repo, quarter: Quarter, as_of: date) -> list[dict[str, Any]]:
    """How far self ratings and manager observations sit from calibrations, per manager's team
    and per role family: over the (person, skill) pairs rated by the source and by a calibration
    within the quarter (the latest of each), the mean of source - calibrated, and the shares one
    tier or more above and below. A group of fewer than `privacy.min_group_size` people shows
    no figures (`suppressed`)."""
    cutoff = min(quarter.end, as_of)
    ratings = repo.ratings
    inside = ((ratings["date"] >= pd.Timestamp(quarter.start)) & (ratings["date"] <= pd.Timestamp(cutoff))).to_numpy()
    latest = ratings[inside].sort_values(["date", "seq"], kind="stable").drop_duplicates(["person", "skill", "source"], keep="last")
    calibrated = latest[latest["source"] == "calibration"].set_index(["person", "skill"])["level"]
    minimum = repo.settings.privacy.min_group_size
    rows = []
    for source in DRIFT_SOURCES:
        seen = latest[latest["source"] == source].set_index(["person", "skill"])["level"]
        both = seen.index.intersection(calibrated.index)
        if not len(both):
            continue
        pairs = pd.DataFrame({"person": both.get_level_values(0).astype(str),
                              "delta": seen.reindex(both).to_numpy().astype(int) - calibrated.reindex(both).to_numpy().astype(int)})
        pairs["manager"] = [repo.people[p].manager or "" for p in pairs["person"]]
        pairs["family"] = [repo.roles[repo.people[p].role].family for p in pairs["person"]]
        for group_by in ("manager", "family"):
            for group, grp in pairs[pairs[group_by] != ""].groupby(group_by, sort=True):
                people = grp["person"].nunique()
                row: dict[str, Any] = {"source": source, "group_by": group_by, "group": group, "people": people, "pairs": len(grp)}
                if people < minimum:
                    row.update(mean=None, over=None, under=None, suppressed=True)
                else:
                    row.update(mean=r3(float(grp["delta"].mean())), over=r3(float((grp["delta"] >= 1).mean())), under=r3(float((grp["delta"] <= -1).mean())), suppressed=False)
                rows.append(row)
    return rows
