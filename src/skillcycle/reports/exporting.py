"""Tidy tables of a repo for spreadsheets, pandas, DuckDB or a warehouse (`skillcycle export`).

One table per entity, every column with a fixed name and type (see TABLES and
docs/export.md, which tests keep in step). Rows are plain tuples sorted by a
stable key, so the same repo and as-of date always give the same bytes. The
renderers (render/export.py) turn a table into CSV, Parquet or XLSX bytes; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Iterable

from ..core.facts import current_levels, goal_facts, goal_status, self_levels
from ..core.gaps import person_gaps
from ..core.levels import Level
from ..core.repo import Repo

LIST_SEPARATOR = ";"  # ids never contain it: lists of ids are joined with it


@dataclass(frozen=True)
class Col:
    name: str
    type: str  # string, int, float, bool or date
    doc: str


@dataclass(frozen=True)
class Spec:
    name: str
    doc: str
    order: str  # the columns rows are sorted by
    columns: tuple[Col, ...]


@dataclass
class ExportTable:
    spec: Spec
    rows: list[tuple]

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def headers(self) -> list[str]:
        return [c.name for c in self.spec.columns]


def _cols(*items: tuple[str, str, str]) -> tuple[Col, ...]:
    return tuple(Col(*item) for item in items)


def _level_cols(name: str, what: str) -> list[tuple[str, str, str]]:
    return [(name, "string", f"{what}: none, foundational, proficient or expert"), (f"{name}_rank", "int", f"{what} as 0-3")]


FILE = ("file", "string", "the repo file the record is in")

TABLES: dict[str, Spec] = {s.name: s for s in [
    Spec("skills", "The competency map (competencies.yaml).", "skill", _cols(
        ("skill", "string", "skill id"),
        ("name", "string", "display name"),
        ("group", "string", "report group; empty when not set"),
        ("category", "string", "technical, functional or leadership"),
        ("urgency", "string", "high, medium or low"),
        ("strategic", "bool", "urgency is high or medium"),
        ("horizon_months", "int", "12, 24 or 36; empty when not set"),
        ("description", "string", "description"),
        ("anchor_foundational", "string", "behavioural anchor of the level"),
        ("anchor_proficient", "string", "behavioural anchor of the level"),
        ("anchor_expert", "string", "behavioural anchor of the level"),
    )),
    Spec("resources", "The learning catalogue (learning.yaml).", "resource", _cols(
        ("resource", "string", "resource id"),
        ("title", "string", "title"),
        ("type", "string", "course, program, mentoring, stretch-assignment, reading or other"),
        ("skills", "string", "skill ids it develops, joined with ';'"),
        *_level_cols("target", "the level it helps reach; empty when not set"),
        ("url", "string", "link"),
        ("hours", "float", "hours of effort"),
    )),
    Spec("roles", "Roles (roles/).", "role", _cols(
        ("role", "string", "role id"),
        ("title", "string", "title"),
        ("family", "string", "role family"),
        ("next", "string", "career-path role ids, joined with ';'"),
    )),
    Spec("requirements", "What each role requires: the base `requires` (effective empty) and each dated change.",
         "role, effective (empty first), skill", _cols(
        ("role", "string", "role id"),
        ("title", "string", "the role's title (repeated for convenience)"),
        ("family", "string", "the role's family (repeated for convenience)"),
        ("skill", "string", "skill id"),
        ("effective", "date", "empty for the base requirement, else the date the change takes effect"),
        *_level_cols("level", "required level (none in a change removes the requirement)"),
    )),
    Spec("people", "People (people/).", "person", _cols(
        ("person", "string", "person id"),
        ("name", "string", "name"),
        ("role", "string", "role id"),
        ("family", "string", "the role's family"),
        ("manager", "string", "manager's person id; empty at the top"),
        ("started", "date", "first day"),
        ("left", "date", "last day"),
        ("aspiration", "string", "role id they want next"),
        ("email", "string", "email"),
        ("active", "bool", "employed on the as-of date"),
    )),
    Spec("ratings", "Every proficiency rating dated on or before the as-of date, with batch defaults applied.",
         "person, skill, date, source precedence, read order", _cols(
        ("person", "string", "person id"),
        ("skill", "string", "skill id"),
        *_level_cols("level", "rated level"),
        ("date", "date", "date of the rating"),
        ("source", "string", "calibration, manager, peer or self"),
        ("assessor", "string", "assessor's person id"),
        FILE,
    )),
    Spec("current_levels", "Current level per person and skill on the as-of date, for every pair with "
         "any rating; a pair with only self ratings is unassessed (assessed false, level empty).", "person, skill", _cols(
        ("person", "string", "person id"),
        ("skill", "string", "skill id"),
        ("assessed", "bool", "has a rating other than self"),
        *_level_cols("level", "current level; empty when unassessed"),
        ("date", "date", "date of the rating that sets it"),
        ("source", "string", "its source"),
        ("assessor", "string", "its assessor"),
        *_level_cols("self_level", "latest self rating; empty without one"),
        ("self_date", "date", "date of that self rating"),
    )),
    Spec("goals", "Goals with their derived status and achievement date on the as-of date.", "person, cycle, goal", _cols(
        ("goal", "string", "goal id"),
        ("person", "string", "person id"),
        ("cycle", "string", "quarter label"),
        ("kind", "string", "learning or performance"),
        ("skill", "string", "learning goals: skill id"),
        *_level_cols("target", "learning goals: the level that counts as success"),
        *_level_cols("baseline", "learning goals: baseline as written; empty when not set"),
        ("title", "string", "title"),
        ("start", "date", "start; the first day of the cycle when the file does not set it"),
        ("due", "date", "due date"),
        ("owner", "string", "owner's person id (default: the goal's person)"),
        ("verify", "string", "how advancement is verified"),
        ("weight", "int", "percent of the cycle's goal scoring"),
        ("resources", "string", "learning resource ids, joined with ';'"),
        ("dropped", "date", "date the goal was abandoned"),
        ("status", "string", "active, achieved, overdue or dropped on the as-of date"),
        ("achieved", "date", "learning goals: date of the first qualifying assessment"),
        FILE,
    )),
    Spec("checkins", "Check-in conversations dated on or before the as-of date.", "person, date, file", _cols(
        ("person", "string", "person id"),
        ("manager", "string", "manager's person id"),
        ("date", "date", "date of the conversation"),
        ("type", "string", "one-on-one, calibration or review"),
        ("progress", "string", "learning block: progress"),
        ("barriers", "string", "learning block: barriers"),
        ("apply", "string", "learning block: application assignment"),
        ("apply_due", "date", "learning block: when the assignment is due"),
        ("substantive", "bool", "a substantive learning conversation"),
        ("goals", "string", "goal ids with notes, joined with ';'"),
        ("notes", "string", "free text"),
        FILE,
    )),
    Spec("reviews", "Performance ratings, one row per person and period.", "period, person, file", _cols(
        ("period", "string", "quarter label"),
        ("person", "string", "person id"),
        ("rating", "float", "performance rating"),
        ("scale_min", "float", "lowest rating of the batch's scale"),
        ("scale_max", "float", "highest rating of the batch's scale"),
        ("root_cause", "string", "skill, process, motivation or other"),
        ("skill", "string", "skill id when root_cause is skill"),
        FILE,
    )),
    Spec("openings", "Requisitions opened on or before the as-of date; a fill after it is not shown.", "opening", _cols(
        ("opening", "string", "opening id"),
        ("role", "string", "role id"),
        ("family", "string", "the role's family"),
        ("opened", "date", "date opened"),
        ("filled", "date", "date filled; empty while open"),
        ("hired", "string", "person id, or external"),
        ("internal", "bool", "filled by a person of the repo; empty while open"),
        ("status", "string", "open or filled on the as-of date"),
        FILE,
    )),
    Spec("completions", "Learning-activity records dated on or before the as-of date.", "person, date, resource, file", _cols(
        ("person", "string", "person id"),
        ("resource", "string", "learning resource id"),
        ("date", "date", "date of the activity"),
        ("completed", "bool", "completed"),
        ("source", "string", "where the records came from"),
        FILE,
    )),
    Spec("gaps", "Required-vs-current gap of every active person in every skill their role requires on the as-of "
         "date, including gaps of 0.", "person, skill", _cols(
        ("person", "string", "person id"),
        ("role", "string", "role id"),
        ("family", "string", "role family"),
        ("skill", "string", "skill id"),
        *_level_cols("required", "required level"),
        *_level_cols("current", "current level; empty when unassessed"),
        ("unassessed", "bool", "no rating other than self"),
        ("gap", "int", "max(0, required - current) in tiers 0-3, unassessed counting as 0"),
        ("track", "string", "upskill, reskill, or none when gap is 0"),
        *_level_cols("self", "latest self rating; empty without one"),
    )),
]}


# --- building the rows ---------------------------------------------------------

def _lv(level: int | None) -> tuple[str | None, int | None]:
    """A level as its two columns: lowercase name and rank."""
    if level is None:
        return None, None
    return Level(int(level)).slug, int(level)


def _joined(ids: Iterable[str]) -> str | None:
    ids = list(ids)
    return LIST_SEPARATOR.join(ids) if ids else None


def _skills(repo: Repo, as_of: date) -> list[tuple]:
    return [
        (s.id, s.name, s.group, s.category, s.urgency, s.strategic, s.horizon_months, s.description,
         s.levels.foundational, s.levels.proficient, s.levels.expert)
        for s in sorted(repo.skills.values(), key=lambda s: s.id)
    ]


def _resources(repo: Repo, as_of: date) -> list[tuple]:
    return [
        (r.id, r.title, r.type, _joined(r.skills), *_lv(r.target), r.url, r.hours)
        for r in sorted(repo.resources.values(), key=lambda r: r.id)
    ]


def _roles(repo: Repo, as_of: date) -> list[tuple]:
    return [(rid, r.title, r.family, _joined(r.next)) for rid, r in sorted(repo.roles.items())]


def _requirements(repo: Repo, as_of: date) -> list[tuple]:
    rows = []
    for rid, role in sorted(repo.roles.items()):
        for skill, level in sorted(role.requires.items()):
            rows.append((rid, role.title, role.family, skill, None, *_lv(level)))
        by_date: dict[date, dict] = {}
        for change in role.changes:  # file order: for one date and skill, the later entry wins
            by_date.setdefault(change.effective, {}).update(change.requires)
        for effective, requires in sorted(by_date.items()):
            for skill, level in sorted(requires.items()):
                rows.append((rid, role.title, role.family, skill, effective, *_lv(level)))
    return rows


def _family(repo: Repo, role: str) -> str | None:
    return repo.roles[role].family if role in repo.roles else None


def _people(repo: Repo, as_of: date) -> list[tuple]:
    return [
        (pid, p.name, p.role, _family(repo, p.role), p.manager, p.started, p.left, p.aspiration, p.email, p.active_on(as_of))
        for pid, p in sorted(repo.people.items())
    ]


def _ratings(repo: Repo, as_of: date) -> list[tuple]:
    import numpy as np

    frame = repo.ratings
    frame = frame[frame["date"] <= np.datetime64(as_of, "s")]
    frame = frame.sort_values(["person", "skill", "date", "priority", "seq"], kind="stable")  # SPEC §4 precedence
    levels = frame["level"].tolist()
    return list(zip(
        frame["person"].tolist(), frame["skill"].tolist(), [LEVEL_NAMES[level] for level in levels], levels,
        frame["date"].dt.date.tolist(), frame["source"].tolist(), [_none(a) for a in frame["assessor"].tolist()],
        frame["file"].tolist(),
    ))


LEVEL_NAMES = [level.slug for level in Level]


def _none(value: Any) -> Any:
    """pandas' missing values as None."""
    import pandas as pd

    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _current_levels(repo: Repo, as_of: date) -> list[tuple]:
    current = _by_pair(current_levels(repo.ratings, as_of, repo.precedence))
    own = _by_pair(self_levels(repo.ratings, as_of, repo.precedence))
    rows = []
    for pair in sorted(set(current) | set(own)):
        c, s = current.get(pair), own.get(pair)
        assessed = (True, *_lv(c.level), c.date.date(), c.source, _none(c.assessor)) if c else (False,) + (None,) * 5
        self_cols = (*_lv(s.level), s.date.date()) if s else (None,) * 3
        rows.append((*pair, *assessed, *self_cols))
    return rows


def _by_pair(levels: Any) -> dict[tuple[str, str], Any]:
    """A facts.current_levels-style frame as {(person, skill): row}."""
    return {(r.person, r.skill): r for r in levels.reset_index().itertuples(index=False)}


def _goals(repo: Repo, as_of: date) -> list[tuple]:
    rows = []
    for fact in goal_facts(repo, as_of):
        g = fact.goal
        rows.append((
            g.id, fact.person, fact.cycle, g.kind, g.skill, *_lv(g.target), *_lv(g.baseline), g.title,
            fact.start, g.due, g.owner or fact.person, g.verify, g.weight, _joined(g.resources), g.dropped,
            goal_status(fact, as_of), fact.achieved, fact.file,
        ))
    return sorted(rows, key=lambda r: (r[1], r[2], r[0]))


def _checkins(repo: Repo, as_of: date) -> list[tuple]:
    rows = []
    for rel, c in repo.checkins:
        if c.date <= as_of:
            block = c.learning
            rows.append((
                c.person, c.manager, c.date, c.type, block.progress, block.barriers, block.apply, block.apply_due,
                block.substantive, _joined(n.goal for n in c.goals), c.notes, rel,
            ))
    return sorted(rows, key=lambda r: (r[0], r[2], r[-1]))


def _reviews(repo: Repo, as_of: date) -> list[tuple]:
    rows = []
    for rel, batch in repo.reviews:
        low, high = (batch.scale + [None, None])[:2]
        for r in batch.ratings:
            rows.append((batch.period, r.person, float(r.rating), _float(low), _float(high), r.root_cause, r.skill, rel))
    return sorted(rows, key=lambda r: (r[0], r[1], r[-1]))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _openings(repo: Repo, as_of: date) -> list[tuple]:
    rows = []
    for rel, o in repo.openings:
        if o.opened > as_of:
            continue
        filled = o.filled is not None and o.filled <= as_of
        rows.append((
            o.id, o.role, _family(repo, o.role), o.opened, o.filled if filled else None, o.hired if filled else None,
            (o.hired != "external") if filled else None, "filled" if filled else "open", rel,
        ))
    return sorted(rows, key=lambda r: r[0])


def _completions(repo: Repo, as_of: date) -> list[tuple]:
    rows = [
        (r.person, r.resource, r.date, r.completed, batch.source, rel)
        for rel, batch in repo.completions for r in batch.records if r.date <= as_of
    ]
    return sorted(rows, key=lambda r: (r[0], r[2], r[1], r[-1]))


def _gaps(repo: Repo, as_of: date) -> list[tuple]:
    frame = person_gaps(repo, as_of)
    rows = []
    for r in frame.itertuples(index=False):
        current, own = _none(r.current), _none(r.self)
        rows.append((
            r.person, r.role, r.family, r.skill, *_lv(r.required), *_lv(current), current is None,
            int(r.gap), r.track, *_lv(own),
        ))
    return rows


BUILDERS: dict[str, Callable[[Repo, date], list[tuple]]] = {
    "skills": _skills, "resources": _resources, "roles": _roles, "requirements": _requirements,
    "people": _people, "ratings": _ratings, "current_levels": _current_levels, "goals": _goals,
    "checkins": _checkins, "reviews": _reviews, "openings": _openings, "completions": _completions,
    "gaps": _gaps,
}


def build_tables(repo: Repo, as_of: date) -> list[ExportTable]:
    """Every table of TABLES for the repo on `as_of`, in TABLES order."""
    return [ExportTable(spec, BUILDERS[name](repo, as_of)) for name, spec in TABLES.items()]


# --- the column reference (docs/export.md) ---------------------------------------

def columns_markdown() -> str:
    """The per-table column reference; docs/export.md must contain it verbatim (tests/test_export.py)."""
    out = []
    for spec in TABLES.values():
        out += [f"### {spec.name}", "", f"{spec.doc} Rows sorted by {spec.order}.", "", "| column | type | meaning |", "|---|---|---|"]
        out += [f"| `{c.name}` | {c.type} | {c.doc} |" for c in spec.columns]
        out.append("")
    return "\n".join(out)
