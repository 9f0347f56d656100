"""`skillcycle learning`: which learning resources move skills, and where to spend next
(docs/learning.md). Judged by calibrated achievement of learning goals, never by
completions: a completion never changes a level.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from statistics import median
from typing import Any

from ..core.facts import GoalFact, add_months, goal_facts, requirements_on
from ..core.gaps import rollup
from .metrics_report import r3
from ..core.quarters import Quarter
from ..core.repo import Repo

TOP_SKILLS = 5  # no-resource looks at the skills this high by priority
NOT_MOVING_POINTS = 0.20  # a resource this far below its comparison is not moving its skills
FLAGS = ("no-resource", "retire", "not-moving", "unused")


@dataclass(frozen=True)
class Rate:
    """Achieved of the goals due in the window (None: suppressed, or nothing due)."""

    achieved: int
    due: int
    value: float | None
    suppressed: bool

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "achieved": self.achieved, "n": self.due, "suppressed": self.suppressed}


@dataclass(frozen=True)
class ResourceRow:
    resource: str
    title: str
    skills: tuple[str, ...]
    goals: int  # learning goals live in the window that attach it
    completions: int  # completion records of it by those goals' people in the window
    achieved: int  # of those goals, achieved in the window
    median_days: float | None  # start to achievement, of those achieved in the window
    rate: Rate  # of the goals attaching it due in the window, achieved by the window's end
    comparison: Rate  # the same for goals on its skills that do not attach it
    flags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "resource": self.resource, "title": self.title, "skills": list(self.skills), "goals": self.goals,
            "completions": self.completions, "achieved": self.achieved, "median_days": self.median_days,
            "achievement_rate": self.rate.to_json(), "comparison": self.comparison.to_json(), "flags": list(self.flags),
        }


@dataclass(frozen=True)
class SkillRow:
    skill: str
    urgency: str
    below: int  # people below their role's requirement at the window's end
    priority: int
    resources: tuple[str, ...]
    flags: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"skill": self.skill, "urgency": self.urgency, "below": self.below, "priority": self.priority,
                "resources": list(self.resources), "flags": list(self.flags)}


@dataclass(frozen=True)
class LearningReport:
    start: date
    end: date
    label: str  # "2026Q3", or "2026Q1-2026Q3"
    horizon: date
    min_group_size: int
    resources: tuple[ResourceRow, ...]  # flagged first, then by id
    skills: tuple[SkillRow, ...]  # by priority, highest first
    flags: list[tuple[str, str, str]] = field(default_factory=list)  # (flag, resource or skill, why)

    def to_json(self) -> dict[str, Any]:
        return {
            "window": {"label": self.label, "start": self.start.isoformat(), "end": self.end.isoformat()},
            "horizon": self.horizon.isoformat(), "min_group_size": self.min_group_size,
            "flags": [{"flag": f, "id": i, "why": why} for f, i, why in self.flags],
            "resources": [r.to_json() for r in self.resources], "skills": [s.to_json() for s in self.skills],
        }


def learning_report(repo: Repo, quarter: Quarter, as_of: date, quarters: int = 1, horizon_months: int = 12) -> LearningReport:
    first = quarter
    for _ in range(quarters - 1):
        first = first.previous()
    start, end = first.start, min(quarter.end, as_of)
    horizon = add_months(end, horizon_months)
    minimum = repo.settings.privacy.min_group_size
    live = [f for f in goal_facts(repo, end) if f.is_learning and f.goal.skill and _live(f, start, end)]
    completions = [(r.person, r.resource) for _, batch in repo.completions for r in batch.records if r.completed and start <= r.date <= end]
    rows = []
    for rid, resource in sorted(repo.resources.items()):
        attached = [f for f in live if rid in f.goal.resources]
        others = [f for f in live if rid not in f.goal.resources and f.goal.skill in resource.skills]
        people = {f.person for f in attached}
        done = [f for f in attached if f.achieved is not None and start <= f.achieved <= end]
        days = [(f.achieved - f.start).days for f in done]
        rows.append(ResourceRow(
            rid, resource.title, tuple(resource.skills), len(attached),
            sum(1 for person, r in completions if r == rid and person in people), len(done),
            r3(float(median(days))) if days else None, _rate(attached, start, end, minimum), _rate(others, start, end, minimum),
        ))
    table = rollup(repo, end, by="skill")
    skills = [SkillRow(s, u, int(b), int(p), tuple(sorted(r for r, res in repo.resources.items() if s in res.skills)))
              for s, u, b, p in zip(table["skill"], table["urgency"], table["below"], table["priority"])]
    flags: list[tuple[str, str, str]] = []
    for row in skills[:TOP_SKILLS]:
        if not row.resources and row.below:
            flags.append(("no-resource", row.skill, f"priority {row.priority} ({row.below} below requirement) and no learning resource serves it"))
    needed = _needed_skills(repo, end, horizon)
    for row in rows:
        if not set(row.skills) & needed:
            flags.append(("retire", row.resource, f"no role requires {', '.join(row.skills)} on {end} or up to {horizon}"))
        if (row.goals >= minimum and row.rate.value is not None and row.comparison.value is not None
                and row.comparison.value - row.rate.value >= NOT_MOVING_POINTS):
            flags.append(("not-moving", row.resource, f"{row.rate.value:.0%} of its goals achieved against {row.comparison.value:.0%} on the same skills without it"))
        if not row.goals:
            flags.append(("unused", row.resource, "no learning goal live in the window attaches it"))
    flags.sort(key=lambda f: (FLAGS.index(f[0]), f[1]))
    flagged = {i: tuple(f for f, j, _ in flags if j == i) for _, i, _ in flags}
    rows = [replace(row, flags=flagged.get(row.resource, ())) for row in rows]
    rows.sort(key=lambda r: (not r.flags, r.resource))
    skills = [replace(s, flags=flagged.get(s.skill, ())) for s in skills]
    label = quarter.label if quarters == 1 else f"{first.label}-{quarter.label}"
    return LearningReport(start, end, label, horizon, minimum, tuple(rows), tuple(skills), flags)


def _live(fact: GoalFact, start: date, end: date) -> bool:
    """Started by the window's end, and neither achieved nor dropped before it began."""
    goal = fact.goal
    return (fact.start <= end and not (fact.achieved is not None and fact.achieved < start)
            and not (goal.dropped is not None and goal.dropped < start))


def _rate(goals: list[GoalFact], start: date, end: date, minimum: int) -> Rate:
    due = [f for f in goals if start <= f.goal.due <= end]
    achieved = sum(1 for f in due if f.achieved is not None and f.achieved <= end)
    if not due:
        return Rate(0, 0, None, False)
    if len(due) < minimum:
        return Rate(achieved, len(due), None, True)
    return Rate(achieved, len(due), r3(achieved / len(due)), False)


def _needed_skills(repo: Repo, end: date, horizon: date) -> set[str]:
    """Skills some role requires on `end`, or from a requirement change up to `horizon`."""
    days = {end} | {c.effective for role in repo.roles.values() for c in role.changes if end < c.effective <= horizon}
    return {skill for role in repo.roles.values() for day in days for skill in requirements_on(role, day)}
