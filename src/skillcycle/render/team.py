"""`skillcycle team` output: coverage bars, risks and growth as text (Rich tables on a
terminal), Markdown, JSON (docs/team.md), CSV of team x skill, and an HTML page with
the people x skills grid. Formatting only: every number comes from team.team_report."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.levels import Level
from ..core.safetext import json_text
from . import table as tables
from .table import Column, Table

if TYPE_CHECKING:
    from ..reports.team import TeamReport, TeamState

BAR_WIDTH = 8  # characters of a coverage bar: a block per member at proficient or above, up to this many
_LEVEL_MARK = {0: "·", 1: "F", 2: "P", 3: "E"}  # a level in one character, in grids


def _level(code: int) -> str:
    return Level(code).slug


def _bar(depth: int, needed_by: int) -> str:
    """█ per member at proficient or above, ░ up to the members who need it (shortened past BAR_WIDTH)."""
    filled = min(depth, BAR_WIDTH)
    return "█" * filled + "░" * max(0, min(needed_by, BAR_WIDTH) - filled)


def heading(report: TeamReport) -> str:
    q = report.query
    return f"Team: {report.state.team.label} · {len(report.state.team.members)} people · as of {q.as_of} · risks to {report.horizon}"


def coverage_table(state: TeamState, title: str = "Coverage: members at proficient or above per needed skill") -> Table:
    rows = [
        [c.skill, c.urgency, _level(c.needed), len(c.needed_by), c.depth, c.experts, _bar(c.depth, len(c.needed_by)), ", ".join(c.holders) or "—"]
        for c in state.coverage
    ]
    columns = [Column("skill"), Column("urgency"), Column("needed"), Column("need it", "right"), Column("depth", "right"),
               Column("experts", "right"), Column("coverage"), Column("holders")]
    return Table(columns, rows, title=title)


def risks_table(state: TeamState, title: str = "Risks") -> Table:
    rows = [[r.kind, r.skill, r.urgency, ", ".join(r.members) or "—", r.evidence] for r in state.risks]
    return Table([Column("risk"), Column("skill"), Column("urgency"), Column("members"), Column("evidence")], rows,
                 title=title, caption=None if rows else "no risks found")


def growth_table(state: TeamState) -> Table:
    rows = []
    for g in state.growth:
        closest = ", ".join(f"{c.person} ({_level(c.level)}{', has a goal' if c.has_goal else ''})" for c in g.candidates[:3])
        rows.append([g.skill, closest or "—", ", ".join(g.resources) or "—"])
    return Table([Column("skill"), Column("closest to proficient"), Column("resources")], rows,
                 title="Growth: who could grow into each risk (a suggestion for a 1:1, never an assignment)")


def change_table(report: TeamReport, index: int) -> Table:
    change = report.touched[index]
    rows = [
        [c.skill, "—" if c.depth_before is None else c.depth_before, "—" if c.depth_after is None else c.depth_after,
         ", ".join(c.risks_before) or "—", ", ".join(c.risks_after) or "—", c.note]
        for c in change.changes
    ]
    what = "; ".join(w.describe(report.query.backfill) for w in report.query.what_ifs)
    return Table([Column("skill"), Column("depth before", "right"), Column("after", "right"), Column("risks before"),
                  Column("risks after"), Column("what changed")], rows,
                 title=f"What if {what}: {change.before.team.label}", caption=None if rows else "nothing changes for this team")


def to_tables(report: TeamReport) -> list[Table]:
    """What the text and Markdown formats show, in order."""
    shown = [coverage_table(report.state), risks_table(report.state)]
    if report.state.growth:
        shown.append(growth_table(report.state))
    for index, change in enumerate(report.touched):
        shown += [change_table(report, index), risks_table(change.after, f"Risks after: {change.after.team.label}")]
    return shown


def to_text(report: TeamReport) -> str:
    return tables.text_page(heading(report), to_tables(report))


def to_markdown(report: TeamReport) -> str:
    return tables.markdown_page(heading(report), to_tables(report))


def to_json(report: TeamReport) -> str:
    return json_text(report.to_json())


CSV_HEADERS = ["team", "skill", "urgency", "needed", "need_it", "depth", "experts", "holders", "risks"]


def to_csv(report: TeamReport) -> str:
    """One row per team x needed skill: the team asked about, and after the what-ifs each team they touch."""
    states = [("now", report.state)] + [("after", change.after) for change in report.touched]
    rows = []
    for moment, state in states:
        kinds: dict[str, list[str]] = {}
        for risk in state.risks:
            kinds.setdefault(risk.skill, []).append(risk.kind)
        label = state.team.label if moment == "now" else f"{state.team.label} (after)"
        for c in state.coverage:
            rows.append([label, c.skill, c.urgency, _level(c.needed), len(c.needed_by), c.depth, c.experts,
                         " ".join(c.holders), " ".join(kinds.get(c.skill, []))])
    return tables.to_csv(CSV_HEADERS, rows)


def _grid(state: TeamState) -> dict[str, Any]:
    """People x needed skills: each member's level, marked against what their role requires."""
    skills = [c.skill for c in state.coverage]
    from_role = {c.skill: set(c.needed_by) for c in state.coverage}
    rows = []
    for member in state.team.members:
        cells = []
        for skill in skills:
            level = member.level(skill)
            required = member.id in from_role[skill]
            cells.append({"mark": _LEVEL_MARK[level], "level": _level(level), "required": required,
                          "ok": level >= 2, "title": f"{member.name}: {_level(level)} in {skill}" + (" (their role requires it)" if required else "")})
        rows.append({"id": member.id, "name": member.name, "role": member.role, "vacancy": member.vacancy, "cells": cells})
    return {"skills": skills, "rows": rows}


def to_html(report: TeamReport) -> str:
    from .html import render_page

    sections = [tables.html_section(t) for t in to_tables(report)]
    return render_page(
        "team.html.j2", heading=heading(report), grid=_grid(report.state), sections=sections,
        risks=len(report.state.risks), skill_names=report.skill_names,
    )


FORMATS = {"text": to_text, "json": to_json, "csv": to_csv, "markdown": to_markdown, "html": to_html}
