"""`skillcycle gap` output: a table (Rich on a terminal, plain when piped),
Markdown, JSON exactly as SPEC §6, CSV of person x skill gaps, and an HTML
page with a role-family x skill heat map. Formatting only: every number comes
from gaps.gap_report."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from ..core.safetext import show_controls
from ..core.levels import Level
from . import table as tables
from ..core.safetext import json_text
from .table import Column, Table

if TYPE_CHECKING:  # gaps brings pandas: a remembered table reads back and prints without it
    from ..core.gaps import GapReport

BY_TITLE = {
    "family": "role family × skill",
    "role": "role × skill",
    "skill": "skill",
    "person": "person",
    "manager": "manager (direct reports) × skill",
}
HEADERS = {
    "family": "Family", "role": "Role", "skill": "Skill", "manager": "Manager", "person": "Person", "name": "Name",
    "required": "Required", "below": "Below", "unassessed": "Unassessed", "upskill": "Upskill", "reskill": "Reskill",
    "mean_gap": "Mean gap", "urgency": "Urgency", "priority": "Priority", "track": "Track",
}
HEADER_TIPS = {
    "required": "people whose role requires the skill",
    "below": "of those, people below the required level",
    "unassessed": "of those, people with no calibrated rating (counted as none)",
    "upskill": "below, starting from foundational or proficient",
    "reskill": "below, starting from none or unassessed",
    "mean_gap": "mean gap in levels over the people who need the skill",
    "priority": "urgency weight (high 3, medium 2, low 1) x people below",
}
NUMBERS = {"required", "below", "unassessed", "upskill", "reskill", "mean_gap", "priority"}
LEVEL_SLUGS = [level.slug for level in Level]


# --- words -------------------------------------------------------------------------

def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _percent(part: int, whole: int) -> str:
    """Whole percent, rounded half up (the rounding of gaps.round_half_up)."""
    return f"{(200 * part + whole) // (2 * whole)}%" if whole else "—"


def title(report: GapReport) -> str:
    return " · ".join(_title_parts(report))


def _title_parts(report: GapReport) -> list[str]:
    """What the report is ('Skill gaps by ...'), then its scope: date, horizon, filters, --top."""
    query = report.query
    title = "manager (everyone under them) × skill" if query.subtree else BY_TITLE[query.by]
    parts = [f"Skill gaps by {title}", f"as of {query.as_of.isoformat()}"]
    if query.horizon_months:
        parts.append(f"requirements on {report.day.isoformat()} (+{query.horizon_months} months)")
    if query.families:
        parts.append(("family " if len(query.families) == 1 else "families ") + ", ".join(query.families))
    if query.manager:
        parts.append(f"everyone under {query.manager}")
    if query.track:
        parts.append(f"{query.track} track only")
    if query.top is not None and report.total_rows > len(report.rows):
        parts.append(f"top {len(report.rows)} of {report.total_rows} rows")
    return parts


def summary_line(report: GapReport) -> str:
    """The one line under the table: people with gaps, the share on each track, unassessed."""
    s = report.summary
    if not s.people:
        return "No active people in this selection."
    line = f"{s.with_gaps} of {_plural(s.people, 'person', 'people')} {'has' if s.with_gaps == 1 else 'have'} a gap"
    if s.with_gaps:
        line += (f": {s.upskill} upskill ({_percent(s.upskill, s.with_gaps)}), "
                 f"{s.reskill} reskill ({_percent(s.reskill, s.with_gaps)})")
    if s.unassessed:
        line += (f"; {_plural(s.unassessed_people, 'person', 'people')} unassessed in "
                 f"{_plural(s.unassessed, 'required skill')}")
    else:
        line += "; nobody unassessed"
    return line + "."


# --- the table (terminal, plain, Markdown) ---------------------------------------------

def _columns(report: GapReport) -> list[str]:
    columns = list(report.rows.columns)
    if report.query.by == "person":
        columns.insert(1, "name")
    return columns


def _style_urgency(value: Any) -> str | None:
    return {"high": "bold red", "medium": "yellow", "low": "dim"}.get(value)


def _style_gap(value: Any) -> str | None:
    size = float(value)
    return "bold red" if size >= 1.5 else "red" if size >= 0.75 else "yellow" if size > 0 else "green"


def _style_count(value: Any) -> str | None:
    return None if value else "dim"


def _style_track(value: Any) -> str | None:
    return {"reskill": "magenta", "upskill": "cyan"}.get(value, "dim")


def _priority_style(top: int):
    # A partial, not a closure: the table is remembered by the snapshot, pickled (app.open_report).
    return functools.partial(_style_priority, top)


def _style_priority(top: int, value: Any) -> str | None:
    if not value:
        return "dim"
    return "bold red" if 3 * value >= 2 * top else "yellow" if 3 * value >= top else None


# What a narrow terminal leaves out first: the breakdowns the other columns and the summary
# line already imply, then the mean gap.
TERMINAL_DROP = {"unassessed": 3, "reskill": 2, "upskill": 2, "mean_gap": 1}


def to_table(report: GapReport) -> Table:
    rows = report.rows
    top_priority = int(rows["priority"].max()) if len(rows) else 0
    styles = {
        "urgency": _style_urgency, "mean_gap": _style_gap, "below": _style_count, "track": _style_track,
        "priority": _priority_style(top_priority),
    }
    # names are free text: control characters (terminal escapes) are shown, never run
    names = ({pid: show_controls(report.repo.people[pid].name) for pid in rows["person"]}
             if report.query.by == "person" else {})
    columns = _columns(report)
    body = []
    for record in rows.to_dict("records"):
        record["mean_gap"] = f"{record['mean_gap']:.2f}"
        if names:
            record["name"] = names[record["person"]]
        body.append([record[c] for c in columns])
    return Table(
        columns=[Column(HEADERS[c], "right" if c in NUMBERS else "left", styles.get(c), TERMINAL_DROP.get(c, 0)) for c in columns],
        rows=body,
        title=title(report),
        caption=summary_line(report),
    )


def to_text(report: GapReport) -> str:
    return tables.to_plain(to_table(report))


def to_markdown(report: GapReport) -> str:
    return tables.to_markdown(to_table(report))


# --- machine formats ----------------------------------------------------------------------

def _level(code: int) -> str | None:
    return None if code < 0 else LEVEL_SLUGS[code]


def _detail_columns(report: GapReport) -> dict[str, list]:
    """The detail as plain Python lists (levels as codes, -1 = none): iterating Arrow columns is slow."""
    detail = report.detail
    columns = {c: detail[c].tolist() for c in detail.columns if c not in ("current", "self", "manager")}
    columns["manager"] = [m if isinstance(m, str) else None for m in detail["manager"].tolist()]  # the top: no manager
    for c in ("current", "self"):
        columns[c] = detail[c].fillna(-1).astype("int64").tolist()
    return columns


def people_records(report: GapReport) -> list[dict[str, Any]]:
    """SPEC §6 `people`: people with at least one gap, by id, gaps by skill id (detail is sorted so)."""
    d = _detail_columns(report)
    people: list[dict[str, Any]] = []
    for person, role, family, skill, required, current, gap, track, own in zip(
        d["person"], d["role"], d["family"], d["skill"], d["required"], d["current"], d["gap"], d["track"], d["self"]
    ):
        if not people or people[-1]["person"] != person:
            people.append({"person": person, "role": role, "family": family, "track": report.tracks[person], "gaps": []})
        people[-1]["gaps"].append({
            "skill": skill, "required": LEVEL_SLUGS[required], "current": _level(current), "gap": gap,
            "track": track, "self": _level(own),
        })
    return people


def _json_list(items: list[dict[str, Any]]) -> str:
    """One item per line: readable, diffable, and written by the C encoder (indent= is pure Python, 10x slower)."""
    if not items:
        return "[]"
    return "[\n" + ",\n".join("    " + json_text(item) for item in items) + "\n  ]"


def to_json(report: GapReport) -> str:
    """SPEC §6: {"as_of", "horizon_months", "by", "rows", "people"}, keys in that order."""
    rows = report.rows
    row_items = [
        {c: (float(v) if c == "mean_gap" else int(v) if c in NUMBERS else str(v)) for c, v in zip(rows.columns, values)}
        for values in rows.itertuples(index=False, name=None)
    ]
    head = {"as_of": report.query.as_of.isoformat(), "horizon_months": report.query.horizon_months,
            "by": report.query.by}
    lines = [f"  {json_text(key)}: {json_text(value)}," for key, value in head.items()]
    lines.append(f'  "rows": {_json_list(row_items)},')
    lines.append(f'  "people": {_json_list(people_records(report))}')
    return "{\n" + "\n".join(lines) + "\n}"


CSV_COLUMNS = ["person", "name", "role", "family", "manager", "skill", "urgency", "required", "current", "self", "gap",
               "track", "person_track"]


def to_csv(report: GapReport) -> str:
    """One row per person x skill gap (the detail behind the rows shown), levels as lowercase names."""
    d = _detail_columns(report)
    body = [
        [person, name, role, family, manager, skill, urgency, LEVEL_SLUGS[required], _level(current), _level(own), gap,
         track, report.tracks[person]]
        for person, name, role, family, manager, skill, urgency, required, current, own, gap, track in zip(
            d["person"], d["name"], d["role"], d["family"], d["manager"], d["skill"], d["urgency"], d["required"],
            d["current"], d["self"], d["gap"], d["track"],
        )
    ]
    return tables.to_csv(CSV_COLUMNS, body)


# --- HTML -----------------------------------------------------------------------------------

HEAT_BUCKETS = [  # (class, upper bound of the cell's priority as a share of the map's highest, legend)
    ("h0", 0.0, "0"),
    ("h1", 0.25, "up to a quarter of the highest"),
    ("h2", 0.5, "up to half"),
    ("h3", 0.75, "up to three quarters"),
    ("h4", 1.0, "the highest quarter"),
]


def _bucket(priority: int, highest: int) -> str:
    """The colour of a cell: its priority (urgency weight x people below) against the map's highest,
    so that the most people below on the most urgent skill is the darkest cell, not a 1-of-1."""
    for name, bound, _ in HEAT_BUCKETS:
        if priority <= bound * highest:
            return name
    return HEAT_BUCKETS[-1][0]


def _skill_name(report: GapReport, skill: str) -> str:
    found = report.skills.get(skill)
    return found.name if found else skill


def _heat(report: GapReport) -> dict[str, Any]:
    from ..core.gaps import URGENCIES

    from ..core.gaps import URGENCY_WEIGHT

    cells = report.heat
    columns = sorted(set(cells["column"]))
    where = "under" if report.heat_by == "manager" else "in"
    priorities = [URGENCY_WEIGHT[u] * b for u, b in zip(cells["urgency"], cells["below"].tolist())]
    highest = max(priorities, default=0)
    by_skill: dict[str, dict[str, dict[str, Any]]] = {}
    urgency_of: dict[str, str] = {}
    for column, skill, urgency, required, below, priority in zip(
        cells["column"], cells["skill"], cells["urgency"], cells["required"].tolist(), cells["below"].tolist(), priorities
    ):
        urgency_of[skill] = urgency
        by_skill.setdefault(skill, {})[column] = {
            "text": f"{below}/{required}",
            "share": _percent(below, required),
            "cls": _bucket(priority, highest),
            "tip": f"{_skill_name(report, skill)} {where} {column}: {below} of {required} below requirement, priority {priority}",
        }
    groups = []
    for urgency in URGENCIES:
        skills = [s for s in by_skill if urgency_of[s] == urgency]  # heat is sorted strategic first, then id
        if skills:
            groups.append({
                "urgency": urgency,
                "skills": [{"id": s, "name": _skill_name(report, s), "cells": [by_skill[s].get(c) for c in columns]}
                           for s in skills],
            })
    return {"columns": columns, "label": "Manager" if report.heat_by == "manager" else "Family", "groups": groups, "highest": highest}


def _first_actions(report: GapReport, limit: int = 3) -> list[str]:
    """The top rows as sentences a reader can act on."""
    if report.query.by == "person":
        return []
    out = []
    for row in report.rows.head(limit).to_dict("records"):
        if not row["priority"]:
            break
        where = {"family": f" in {row.get('family')}", "role": f" for {row.get('role')}",
                 "manager": f" under {row.get('manager')}", "skill": ""}[report.query.by]
        split = ", ".join(f"{row[k]} {k}" for k in ("upskill", "reskill", "unassessed") if row[k])
        out.append(
            f"{_skill_name(report, row['skill'])}{where}: {row['below']} of {row['required']} people below the "
            f"required level ({split}) — {row['urgency']} urgency, priority {row['priority']}."
        )
    return out


def to_html(report: GapReport) -> str:
    from .html import render_page

    table = to_table(report)
    keys = _columns(report)
    top_priority = max([row[keys.index("priority")] for row in table.rows] or [0])
    rows = []
    for values in table.rows:
        cells = []
        for key, value in zip(keys, values):
            cls = "num" if key in NUMBERS else ""
            if key == "urgency" or key == "track":
                cls = f"tag {value}"
            sub = ""
            if key == "skill":
                value, sub = _skill_name(report, value), value
            cells.append({"text": tables.cell_text(value), "sub": sub, "cls": cls})
        priority = values[keys.index("priority")]
        rows.append({"cells": cells, "bar": round(100 * priority / top_priority) if top_priority else 0})
    s = report.summary
    cards = [
        ("active people", str(s.people), ""),
        ("have a gap", str(s.with_gaps), _percent(s.with_gaps, s.people) if s.people else ""),
        ("upskill track", str(s.upskill), _percent(s.upskill, s.with_gaps) if s.with_gaps else ""),
        ("reskill track", str(s.reskill), _percent(s.reskill, s.with_gaps) if s.with_gaps else ""),
        ("unassessed in a required skill", str(s.unassessed_people), _plural(s.unassessed, "rating") + " missing"),
    ]
    return render_page(
        "gap.html.j2",
        organization=report.organization,
        heading=_title_parts(report)[0],
        scope=[report.organization, *_title_parts(report)[1:]],
        summary=summary_line(report),
        cards=[{"label": label, "value": value, "note": note} for label, value, note in cards],
        heat=_heat(report),
        buckets=[{"cls": name, "label": label} for name, _, label in HEAT_BUCKETS],
        actions=_first_actions(report),
        headers=[{"text": HEADERS[k], "cls": "num" if k in NUMBERS else "", "tip": HEADER_TIPS.get(k, "")} for k in keys],
        rows=rows,
        as_of=report.query.as_of.isoformat(),
        horizon=report.query.horizon_months,
        day=report.day.isoformat(),
    )


FORMATS = {"text": to_text, "json": to_json, "csv": to_csv, "markdown": to_markdown, "html": to_html}
