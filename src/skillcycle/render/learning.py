"""`skillcycle learning` output: the flags first, then a row per resource and per skill, as
text, json (docs/learning.md), csv, markdown and an HTML page whose resources each show their
achievement rate beside the comparison's as a pair of bars. Formatting only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.safetext import json_text
from . import table as tables
from .table import Column, Table

if TYPE_CHECKING:
    from ..reports.learning import LearningReport, Rate

COMPLETIONS_NOTE = "Completions are shown for context: they never change a level; only calibrated ratings do."


def heading(report: LearningReport) -> str:
    return f"Learning {report.label} ({report.start} to {report.end}) · {len(report.flags)} flag{'s' * (len(report.flags) != 1)}"


def _rate(rate: Rate, minimum: int) -> str:
    if rate.suppressed:
        return f"suppressed: {rate.due} due, fewer than {minimum}"
    return "—" if rate.value is None else f"{rate.value:.0%} ({rate.achieved}/{rate.due})"


def flags_table(report: LearningReport) -> Table:
    return Table([Column("flag"), Column("id"), Column("why")], [list(f) for f in report.flags], title="Flags",
                 caption=None if report.flags else "no flags")


def resources_table(report: LearningReport) -> Table:
    m = report.min_group_size
    rows = [[r.resource, ", ".join(r.skills), r.goals, r.completions, r.achieved, "—" if r.median_days is None else r.median_days,
             _rate(r.rate, m), _rate(r.comparison, m), ", ".join(r.flags)] for r in report.resources]
    return Table([Column("resource"), Column("skills"), Column("goals", "right"), Column("completions", "right"), Column("achieved", "right"),
                  Column("median days", "right"), Column("achievement rate"), Column("same skills without it"), Column("flags")], rows,
                 title="Resources: learning goals that attach each, and how many were achieved", caption=COMPLETIONS_NOTE)


def skills_table(report: LearningReport) -> Table:
    rows = [[s.skill, s.urgency, s.below, s.priority, ", ".join(s.resources) or "—", ", ".join(s.flags)] for s in report.skills]
    return Table([Column("skill"), Column("urgency"), Column("below", "right"), Column("priority", "right"), Column("resources"), Column("flags")],
                 rows, title=f"Skills by priority at {report.end} (people below requirement x urgency)")


def to_tables(report: LearningReport) -> list[Table]:
    return [flags_table(report), resources_table(report), skills_table(report)]


def to_text(report: LearningReport) -> str:
    return tables.text_page(heading(report), to_tables(report))


def to_markdown(report: LearningReport) -> str:
    return tables.markdown_page(heading(report), to_tables(report))


def to_json(report: LearningReport) -> str:
    return json_text(report.to_json())


CSV_HEADERS = ["resource", "title", "skills", "goals", "completions", "achieved", "median_days", "achievement_rate", "achieved_due",
               "due", "comparison_rate", "comparison_achieved_due", "comparison_due", "suppressed", "flags"]


def to_csv(report: LearningReport) -> str:
    """One row per resource (skills and flags space-separated; a suppressed rate is blank)."""
    rows = [[r.resource, r.title, " ".join(r.skills), r.goals, r.completions, r.achieved, r.median_days, r.rate.value, r.rate.achieved,
             r.rate.due, r.comparison.value, r.comparison.achieved, r.comparison.due, r.rate.suppressed or r.comparison.suppressed,
             " ".join(r.flags)] for r in report.resources]
    return tables.to_csv(CSV_HEADERS, rows)


def to_html(report: LearningReport) -> str:
    from .html import render_page

    m = report.min_group_size
    cards = [{"id": r.resource, "title": r.title, "skills": ", ".join(r.skills), "flags": list(r.flags), "goals": r.goals,
              "completions": r.completions, "bars": [("with it", r.rate.value, _rate(r.rate, m)), ("same skills without it", r.comparison.value, _rate(r.comparison, m))]}
             for r in report.resources]
    return render_page("learning.html.j2", heading=heading(report), note=COMPLETIONS_NOTE, flags=tables.html_section(flags_table(report)),
                       cards=cards, skills=tables.html_section(skills_table(report)))


FORMATS = {"text": to_text, "json": to_json, "csv": to_csv, "markdown": to_markdown, "html": to_html}
