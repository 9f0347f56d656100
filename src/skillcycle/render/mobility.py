"""`skillcycle candidates` and `skillcycle paths` output: text (Rich tables on a terminal),
json (docs/mobility.md), csv, markdown, and an HTML page each (a shortlist for a hiring
manager; a page for a 1:1). Formatting only: every number comes from mobility.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.levels import Level
from ..core.safetext import json_text
from . import table as tables
from .table import Column, Table

if TYPE_CHECKING:
    from ..reports.mobility import CandidateReport, Fit, PathReport

PRIVACY = "For the hiring manager and HR: this lists people's skill levels. Performance ratings are never used."


def _gaps(fit: Fit) -> str:
    """'sql proficient→expert (goal ada-sql, due 2026-09-30); python unassessed→foundational'."""
    parts = []
    for gap in fit.missing:
        now = "unassessed" if gap.current is None else Level(gap.current).slug
        goal = f" (goal {gap.goal}, due {gap.due})" if gap.goal else ""
        parts.append(f"{gap.skill} {now}→{Level(gap.required).slug}{goal}")
    return "; ".join(parts) or "—"


def _readiness(fit: Fit) -> str:
    if fit.ready:
        return "ready"
    return f"ready by {fit.ready_by} if the goals are met" if fit.ready_by else f"short by {fit.shortfall}"


# --- candidates --------------------------------------------------------------------------------

def candidates_heading(report: CandidateReport) -> str:
    what = f"opening {report.opening['id']} ({report.role})" if report.opening else report.role
    return f"Candidates for {what}: {report.title} · on {report.day} · {report.considered} people considered"


def _opening_note(report: CandidateReport) -> str | None:
    opening = report.opening
    if not opening or not opening["filled"]:
        return None
    return f"This opening was filled on {opening['filled']} ({'externally' if opening['hired'] == 'external' else 'by ' + str(opening['hired'])})."


def candidates_table(report: CandidateReport) -> Table:
    rows = [[i + 1, f.person, report.names[f.person], f.shortfall, len(f.missing), "yes" if f.aspired else "", _readiness(f), _gaps(f)]
            for i, f in enumerate(report.fits)]
    required = ", ".join(f"{skill} {Level(level).slug}" for skill, level in report.required.items()) or "nothing"
    return Table([Column("#", "right"), Column("person"), Column("name"), Column("shortfall", "right"), Column("missing", "right"),
                  Column("aspires"), Column("readiness"), Column("gaps")], rows,
                 title=f"Requires: {required}", caption=None if rows else "nobody to consider")


def candidate_lines(report: CandidateReport) -> list[str]:
    lines = [candidates_heading(report), PRIVACY]
    if not report.required:
        lines.append(f"{report.role} requires no skill on {report.day}: everyone is ready.")
    note = _opening_note(report)
    return lines + ([note] if note else [])


def candidates_text(report: CandidateReport) -> str:
    return "\n".join(candidate_lines(report)) + "\n\n" + tables.to_plain(candidates_table(report)) + "\n"


def candidates_markdown(report: CandidateReport) -> str:
    lines = [f"## {tables.md_escape(line)}" if i == 0 else tables.md_escape(line) for i, line in enumerate(candidate_lines(report))]
    return "\n\n".join(lines + [tables.to_markdown(candidates_table(report))]) + "\n"


def candidates_json(report: CandidateReport) -> str:
    return json_text(report.to_json())


def candidates_csv(report: CandidateReport) -> str:
    rows = [[i + 1, f.person, report.names[f.person], f.shortfall, len(f.missing), f.ready, f.aspired,
             f.ready_by.isoformat() if f.ready_by else None, " ".join(g.skill for g in f.missing), " ".join(f.unassessed)]
            for i, f in enumerate(report.fits)]
    return tables.to_csv(["rank", "person", "name", "shortfall", "missing", "ready", "aspires", "ready_by", "missing_skills", "unassessed"], rows)


def candidates_html(report: CandidateReport) -> str:
    from .html import render_page

    return render_page("table-page.html.j2", heading=candidates_heading(report), lines=candidate_lines(report)[1:],
                       section=tables.html_section(candidates_table(report)))


# --- paths ---------------------------------------------------------------------------------------

def paths_heading(report: PathReport) -> str:
    return f"Paths for {report.name} ({report.person}), now {report.role} · on {report.day}"


def paths_table(report: PathReport) -> Table:
    rows = [[f.role, report.titles[f.role], "yes" if f.role == report.aspiration else "", "—" if f.steps is None else f.steps,
             f.shortfall, len(f.missing), _readiness(f), _gaps(f)] for f in report.fits]
    return Table([Column("role"), Column("title"), Column("aspiration"), Column("steps", "right"), Column("shortfall", "right"),
                  Column("missing", "right"), Column("readiness"), Column("gaps and the goals that close them")], rows,
                 caption=None if rows else "no other role to show")


def paths_text(report: PathReport) -> str:
    return paths_heading(report) + "\n\n" + tables.to_plain(paths_table(report)) + "\n"


def paths_markdown(report: PathReport) -> str:
    return f"## {tables.md_escape(paths_heading(report))}\n\n" + tables.to_markdown(paths_table(report)) + "\n"


def paths_json(report: PathReport) -> str:
    return json_text(report.to_json())


def paths_csv(report: PathReport) -> str:
    rows = [[f.role, report.titles[f.role], f.role == report.aspiration, f.steps, f.shortfall, len(f.missing), f.ready,
             f.ready_by.isoformat() if f.ready_by else None, " ".join(g.skill for g in f.missing)] for f in report.fits]
    return tables.to_csv(["role", "title", "aspiration", "steps", "shortfall", "missing", "ready", "ready_by", "missing_skills"], rows)


def paths_html(report: PathReport) -> str:
    from .html import render_page

    return render_page("table-page.html.j2", heading=paths_heading(report), lines=[], section=tables.html_section(paths_table(report)))



CANDIDATE_FORMATS = {"text": candidates_text, "json": candidates_json, "csv": candidates_csv, "markdown": candidates_markdown, "html": candidates_html}
PATH_FORMATS = {"text": paths_text, "json": paths_json, "csv": paths_csv, "markdown": paths_markdown, "html": paths_html}
