"""`skillcycle team`: what a team can do today, where it is fragile, what a change
would do to it, and who could grow into its gaps (docs/team.md).

Pure computation over a valid Repo: levels are the calibrated current levels on
as-of (self ratings never count), needs are the members' roles' requirements.
Performance ratings are never read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from ..core.facts import LevelGrid, active_learning_goals, add_months, requirements_on
from ..core.gaps import URGENCY_WEIGHT
from ..core.levels import Level
from ..core.problems import did_you_mean
from ..core.repo import Repo

KINDS = ("critical-gap", "expert-gap", "single-point", "leaving", "requirement-ahead")  # the order risks of one weight sort in
DEFAULT_HORIZON = 6  # months
GROWTH_CANDIDATES = 5  # per risk skill: enough for a conversation, short enough at org scale


class TeamQueryError(ValueError):
    """A team or a what-if that names nothing in the repo: exit 2 with this message."""


@dataclass(frozen=True)
class Member:
    """A member of a team: a person, or a vacancy (a role to backfill, holding no skill)."""

    id: str  # person id; a vacancy: "vacancy:<person it was>" or "hire:<role>:<n>"
    name: str
    role: str
    levels: dict[str, int]  # skill -> current level (unassessed: absent)
    left: date | None = None
    vacancy: bool = False

    def level(self, skill: str) -> int:
        return self.levels.get(skill, 0)


@dataclass(frozen=True)
class Team:
    """Who a team is: its label, its manager (or None) and its members at one moment."""

    label: str
    manager: str | None
    members: tuple[Member, ...]


@dataclass(frozen=True)
class Risk:
    kind: str
    skill: str
    urgency: str
    members: tuple[str, ...]
    evidence: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "skill": self.skill, "urgency": self.urgency, "members": list(self.members), "evidence": self.evidence}


@dataclass(frozen=True)
class Coverage:
    """One needed skill of a team."""

    skill: str
    name: str
    urgency: str
    needed: int  # the highest level a member's role requires
    needed_by: tuple[str, ...]  # members whose role requires it
    depth: int  # members at proficient or above
    experts: int
    holders: tuple[str, ...]  # members at proficient or above

    def to_json(self) -> dict[str, Any]:
        return {
            "skill": self.skill, "name": self.name, "urgency": self.urgency, "needed": Level(self.needed).slug,
            "needed_by": list(self.needed_by), "depth": self.depth, "experts": self.experts, "holders": list(self.holders),
        }


@dataclass(frozen=True)
class Candidate:
    """A member who could grow into a risk's skill."""

    person: str
    level: int
    has_goal: bool  # an active learning goal on the skill already


@dataclass(frozen=True)
class Growth:
    skill: str
    candidates: tuple[Candidate, ...]
    resources: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "skill": self.skill,
            "candidates": [{"person": c.person, "level": Level(c.level).slug, "has_goal": c.has_goal} for c in self.candidates],
            "resources": list(self.resources),
        }


@dataclass(frozen=True)
class TeamState:
    """A team's coverage, risks and growth at one moment."""

    team: Team
    coverage: tuple[Coverage, ...]
    risks: tuple[Risk, ...]
    growth: tuple[Growth, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "members": [_member_json(m) for m in self.team.members],
            "coverage": [c.to_json() for c in self.coverage],
            "risks": [r.to_json() for r in self.risks],
            "growth": [g.to_json() for g in self.growth],
        }


def _member_json(member: Member) -> dict[str, Any]:
    return {
        "id": member.id, "name": member.name, "role": member.role, "vacancy": member.vacancy,
        "left": member.left.isoformat() if member.left else None,
        "levels": {skill: Level(level).slug for skill, level in sorted(member.levels.items())},
    }


@dataclass(frozen=True)
class WhatIf:
    """One change to try: remove a person, add a hire at a role, or move a person to a manager."""

    action: str  # remove | add | move
    target: str  # person id (remove, move) or role id (add)
    to: str | None = None  # move: the new manager

    def describe(self, backfill: bool) -> str:
        if self.action == "remove":
            return f"{self.target} leaves" + ("" if backfill else " (not backfilled)")
        if self.action == "add":
            return f"a hire at {self.target}"
        return f"{self.target} moves to {self.to}'s team"


@dataclass(frozen=True)
class SkillChange:
    """How one skill of a team reads after the what-ifs."""

    skill: str
    depth_before: int | None  # None: not needed before
    depth_after: int | None  # None: not needed after
    risks_before: tuple[str, ...]
    risks_after: tuple[str, ...]
    note: str

    def to_json(self) -> dict[str, Any]:
        return {
            "skill": self.skill, "depth_before": self.depth_before, "depth_after": self.depth_after,
            "risks_before": list(self.risks_before), "risks_after": list(self.risks_after), "note": self.note,
        }


@dataclass(frozen=True)
class TeamChange:
    """A team the what-ifs touch: before, after, and what moved."""

    before: TeamState
    after: TeamState
    changes: tuple[SkillChange, ...]

    def to_json(self) -> dict[str, Any]:
        return {"team": self.before.team.label, "before": self.before.to_json(), "after": self.after.to_json(),
                "changes": [c.to_json() for c in self.changes]}


@dataclass
class TeamQuery:
    as_of: date
    manager: str | None = None
    subtree: bool = False
    family: str | None = None
    horizon_months: int = DEFAULT_HORIZON
    what_ifs: list[WhatIf] = field(default_factory=list)
    backfill: bool = True


@dataclass(frozen=True)
class TeamReport:
    query: TeamQuery
    state: TeamState  # the team as it is
    touched: tuple[TeamChange, ...]  # with what-ifs: the chosen team first, then the others they touch
    names: dict[str, str]  # person id -> name
    skill_names: dict[str, str]

    @property
    def horizon(self) -> date:
        return add_months(self.query.as_of, self.query.horizon_months)

    def to_json(self) -> dict[str, Any]:
        q = self.query
        out: dict[str, Any] = {
            "team": self.state.team.label, "manager": self.state.team.manager, "subtree": q.subtree, "family": q.family,
            "as_of": q.as_of.isoformat(), "horizon": self.horizon.isoformat(),
            **self.state.to_json(),
        }
        if q.what_ifs:
            first, *others = self.touched
            out["what_if"] = [w.describe(q.backfill) for w in q.what_ifs]
            out["before"], out["after"] = first.before.to_json(), first.after.to_json()
            out["changes"] = [c.to_json() for c in first.changes]
            out["other_teams"] = [t.to_json() for t in others]
        return out


# --- who is in a team ------------------------------------------------------------------------

def _active(repo: Repo, day: date) -> list[str]:
    return [pid for pid, person in repo.people.items() if person.active_on(day)]


def check_query(repo: Repo, query: TeamQuery) -> None:
    """TeamQueryError for an unknown manager, family, person or role."""
    if query.manager is not None and query.manager not in repo.people:
        raise TeamQueryError(f"unknown manager {query.manager!r}{did_you_mean(query.manager, repo.people)}")
    families = sorted({role.family for role in repo.roles.values()})
    if query.family is not None and query.family not in families:
        raise TeamQueryError(f"unknown role family {query.family!r}{did_you_mean(query.family, families)}")
    if query.subtree and query.manager is None:
        raise TeamQueryError("--subtree needs --manager")
    for what in query.what_ifs:
        if what.action == "add":
            if what.target not in repo.roles:
                raise TeamQueryError(f"unknown role {what.target!r}{did_you_mean(what.target, repo.roles)}")
            continue
        if what.target not in repo.people:
            raise TeamQueryError(f"unknown person {what.target!r}{did_you_mean(what.target, repo.people)}")
        if not repo.people[what.target].active_on(query.as_of):
            raise TeamQueryError(f"{what.target} is not active on {query.as_of}")
        if what.action == "move" and what.to not in repo.people:
            raise TeamQueryError(f"unknown manager {what.to!r}{did_you_mean(what.to or '', repo.people)}")


def _label(manager: str | None, subtree: bool, family: str | None) -> str:
    if manager is not None:
        return f"{manager} and everyone under them" if subtree else f"{manager} and direct reports"
    return f"family {family}" if family else "whole organisation"


def _members(repo: Repo, as_of: date, ids: list[str]) -> tuple[Member, ...]:
    """The people `ids` as members, with their current (calibrated) levels on as-of: read from
    their own ratings when they are a small part of the org (LevelGrid.of)."""
    grid = LevelGrid.of(repo, ids)
    matrix = grid.matrix(as_of)
    rows = grid.people.get_indexer(ids)
    out = []
    for pid, row in zip(ids, rows):
        person = repo.people[pid]
        levels = {} if row < 0 else {grid.skills[i]: int(matrix[row, i]) for i in np.flatnonzero(matrix[row] >= 0)}
        out.append(Member(pid, person.name, person.role, levels, person.left))
    return tuple(out)


def _team_of(repo: Repo, as_of: date, active: set[str], manager: str | None, *, subtree: bool = False, family: str | None = None) -> Team:
    """The active people of a manager's team (the manager and direct reports, or everyone
    under them), of a role family, or of the whole organisation."""
    if manager is not None:
        under = repo.subtree(manager) if subtree else repo.reports_of(manager)
        ids = [pid for pid in [*under, manager] if pid in active]
    else:
        ids = [pid for pid in active if family is None or repo.roles[repo.people[pid].role].family == family]
    return Team(_label(manager, subtree, family), manager, _members(repo, as_of, sorted(ids)))


# --- what a team can do, and where it is fragile -------------------------------------------

def assess(repo: Repo, team: Team, as_of: date, horizon: date) -> TeamState:
    coverage = _coverage(repo, team, as_of)
    risks = _risks(repo, team, coverage, as_of, horizon)
    return TeamState(team, coverage, risks, _growth(repo, team, risks, as_of, horizon))


def _needs(repo: Repo, team: Team, day: date) -> dict[str, dict[str, int]]:
    """skill -> {member: level their role requires on `day`}."""
    needs: dict[str, dict[str, int]] = {}
    for member in team.members:
        for skill, level in requirements_on(repo.roles[member.role], day).items():
            needs.setdefault(skill, {})[member.id] = int(level)
    return needs


def _coverage(repo: Repo, team: Team, day: date) -> tuple[Coverage, ...]:
    rows = []
    for skill, by_member in sorted(_needs(repo, team, day).items()):
        holders = tuple(m.id for m in team.members if m.level(skill) >= Level.PROFICIENT)
        experts = sum(1 for m in team.members if m.level(skill) >= Level.EXPERT)
        info = repo.skills[skill]
        rows.append(Coverage(skill, info.name, info.urgency, max(by_member.values()), tuple(sorted(by_member)), len(holders), experts, holders))
    return tuple(rows)


def _risks(repo: Repo, team: Team, coverage: tuple[Coverage, ...], as_of: date, horizon: date) -> tuple[Risk, ...]:
    by_id = {m.id: m for m in team.members}
    out: list[Risk] = []
    for row in coverage:
        add = _adder(out, row.skill, row.urgency)
        need = Level(row.needed).slug
        if row.depth == 0:
            vacated = [m for m in row.needed_by if by_id[m].vacancy]
            why = f"needed at {need} by {_count(len(row.needed_by), 'member')}; nobody is at proficient or above"
            add("critical-gap", row.needed_by, why + (f" (vacated: {', '.join(vacated)})" if vacated else ""))
        elif row.needed == Level.EXPERT and row.experts == 0:
            add("expert-gap", row.holders, f"needed at expert; {_count(row.depth, 'member')} at proficient, nobody at expert")
        if row.depth == 1:
            holder = by_id[row.holders[0]]
            notes = [n for n, hit in (("the manager", holder.id == team.manager), (f"leaves on {holder.left}", holder.left is not None)) if hit]
            add("single-point", row.holders, f"only {holder.id} is at proficient or above" + (f" ({'; '.join(notes)})" if notes else ""))
        leavers = [h for h in row.holders if by_id[h].left is not None and by_id[h].left <= horizon]
        if leavers and row.depth - len(leavers) <= 1:
            dates = ", ".join(f"{h} leaves on {by_id[h].left}" for h in leavers)
            add("leaving", tuple(leavers), f"{dates}: depth goes from {row.depth} to {row.depth - len(leavers)}")
    out += _requirements_ahead(repo, team, coverage, as_of, horizon)
    return tuple(sorted(out, key=lambda r: (-URGENCY_WEIGHT[r.urgency], KINDS.index(r.kind), r.skill)))


def _adder(out: list[Risk], skill: str, urgency: str):
    def add(kind: str, members, evidence: str) -> None:
        out.append(Risk(kind, skill, urgency, tuple(members), evidence))
    return add


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _requirements_ahead(repo: Repo, team: Team, coverage: tuple[Coverage, ...], as_of: date, horizon: date) -> list[Risk]:
    """A dated change within the horizon that makes a skill needed, or needed higher, than anyone
    who stays can meet."""
    today = {row.skill: row.needed for row in coverage}
    staying = [m for m in team.members if m.left is None or m.left > horizon]
    out = []
    for skill, by_member in sorted(_needs(repo, team, horizon).items()):
        level = max(by_member.values())
        if level <= today.get(skill, 0) or any(m.level(skill) >= level for m in staying):
            continue
        roles = sorted({m.role for m in team.members if m.id in by_member})
        when = min(
            (c.effective for role in roles for c in repo.roles[role].changes if as_of < c.effective <= horizon and skill in c.requires),
            default=horizon,
        )
        was = f"now {Level(today[skill]).slug}" if skill in today else "not needed now"
        info = repo.skills[skill]
        out.append(Risk("requirement-ahead", skill, info.urgency, tuple(sorted(by_member)),
                        f"from {when} {', '.join(roles)} need{'s' * (len(roles) == 1)} it at {Level(level).slug} ({was}); "
                        f"nobody staying is at {Level(level).slug}"))
    return out


def _growth(repo: Repo, team: Team, risks: tuple[Risk, ...], as_of: date, horizon: date) -> tuple[Growth, ...]:
    """For each risk skill, the (at most five) members who stay past the horizon closest to
    proficient (foundational, then none, then by id), whether each already has an active learning goal on it, and
    the resources that serve it."""
    skills = sorted({r.skill for r in risks})
    staying = [m for m in team.members if not m.vacancy and (m.left is None or m.left > horizon)]
    live = active_learning_goals(repo, [m.id for m in staying], skills, as_of)
    goals = set(zip(live["person"].astype(str), live["skill"].astype(str)))
    out = []
    for skill in skills:
        below = [m for m in staying if m.level(skill) < Level.PROFICIENT]
        below.sort(key=lambda m: (-m.level(skill), m.id))
        candidates = tuple(Candidate(m.id, m.level(skill), (m.id, skill) in goals) for m in below[:GROWTH_CANDIDATES])
        resources = tuple(sorted(rid for rid, resource in repo.resources.items() if skill in resource.skills))
        out.append(Growth(skill, candidates, resources))
    return tuple(out)


# --- what-if -------------------------------------------------------------------------------

def _apply(repo: Repo, teams: dict[str | None, list[Member]], chosen: str | None, what: WhatIf, backfill: bool, as_of: date) -> None:
    """Change the member lists of the touched teams (keyed by manager; `chosen` is the team
    asked about) in place."""
    if what.action == "add":
        role = repo.roles[what.target]
        hired = sum(1 for m in teams[chosen] if m.id.startswith(f"hire:{what.target}:")) + 1
        levels_required = {skill: int(level) for skill, level in requirements_on(role, as_of).items()}
        teams[chosen].append(Member(f"hire:{what.target}:{hired}", f"new {role.title}", what.target, levels_required))
        return
    person = repo.people[what.target]
    for members in teams.values():
        for i, member in enumerate(members):
            if member.id == what.target:
                if what.action == "move" or backfill:  # the role stays, to backfill
                    members[i] = Member(f"vacancy:{member.id}", f"vacancy left by {person.name}", member.role, {}, vacancy=True)
                else:
                    del members[i]
                break
    if what.action == "move":
        (mover,) = _members(repo, as_of, [what.target])
        for boss, members in teams.items():
            # the new manager's team, and the chosen one when it holds the new manager (or is the whole org or a family)
            if boss == what.to or (boss == chosen and (boss is None or what.to in {m.id for m in members})):
                members.append(mover)


def team_report(repo: Repo, query: TeamQuery) -> TeamReport:
    as_of = query.as_of
    horizon = add_months(as_of, query.horizon_months)
    active = set(_active(repo, as_of))
    team = _team_of(repo, as_of, active, query.manager, subtree=query.subtree, family=query.family)
    state = assess(repo, team, as_of, horizon)
    touched: list[TeamChange] = []
    if query.what_ifs:
        in_team = {m.id for m in team.members}
        bosses: list[str | None] = [query.manager]
        for what in query.what_ifs:
            if what.action == "remove" and what.target not in in_team:
                raise TeamQueryError(f"{what.target} is not in the team ({team.label})")
            if what.action == "move":
                if what.target not in in_team and what.to != query.manager:
                    raise TeamQueryError(f"{what.target} is not in the team ({team.label}) and does not move into it")
                if query.manager is not None:
                    bosses += [b for b in (repo.people[what.target].manager, what.to) if b is not None and b not in bosses]
        befores = {boss: state if boss == query.manager else assess(repo, _team_of(repo, as_of, active, boss), as_of, horizon) for boss in bosses}
        teams = {boss: list(before.team.members) for boss, before in befores.items()}
        for what in query.what_ifs:
            _apply(repo, teams, query.manager, what, query.backfill, as_of)
        for boss, before in befores.items():
            after = assess(repo, Team(before.team.label, boss, tuple(teams[boss])), as_of, horizon)
            touched.append(TeamChange(before, after, _changes(before, after)))
    names = {pid: person.name for pid, person in repo.people.items()}
    return TeamReport(query, state, tuple(touched), names, {sid: s.name for sid, s in repo.skills.items()})


def _changes(before: TeamState, after: TeamState) -> tuple[SkillChange, ...]:
    """Each skill whose depth or risks differ. A holder lost never reads as a risk gone: the
    note says whether the need stays (vacated) or went with a role not backfilled."""
    was = {c.skill: c for c in before.coverage}
    now = {c.skill: c for c in after.coverage}
    kinds_was = _kinds_by_skill(before.risks)
    kinds_now = _kinds_by_skill(after.risks)
    out = []
    for skill in sorted(set(was) | set(now) | set(kinds_was) | set(kinds_now)):
        a, b = was.get(skill), now.get(skill)
        depth_a, depth_b = (a.depth if a else None), (b.depth if b else None)
        risks_a, risks_b = kinds_was.get(skill, ()), kinds_now.get(skill, ())
        if depth_a == depth_b and risks_a == risks_b:
            continue
        lost = sorted(set(a.holders if a else ()) - set(b.holders if b else ()))
        if b is None:
            note = "no longer needed: no member's role requires it"
        elif lost and (depth_b or 0) < (depth_a or 0):
            note = f"vacated: {', '.join(lost)} held it and the need stays"
        elif a is None:
            note = "newly needed"
        elif (depth_b or 0) > (depth_a or 0):
            note = "deeper"
        else:
            note = "risks changed"
        out.append(SkillChange(skill, depth_a, depth_b, risks_a, risks_b, note))
    return tuple(out)


def _kinds_by_skill(risks: tuple[Risk, ...]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for risk in risks:
        out.setdefault(risk.skill, []).append(risk.kind)
    return {skill: tuple(sorted(kinds, key=KINDS.index)) for skill, kinds in out.items()}
