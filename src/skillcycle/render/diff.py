"""`skillcycle diff` as text, Markdown (a pull-request comment) or JSON: no computation here."""

from __future__ import annotations

import re
from typing import Callable

from ..core.levels import Level
from ..reports.repodiff import RepoDiff
from ..core.safetext import json_text
from .table import Column, Table, to_markdown, to_plain


def _label(level: str | None) -> str | None:
    """Levels are capitalised for people (SPEC §2); None stays empty."""
    return None if level is None else Level[level.upper()].label


def _arrow(before: object, after: object) -> str:
    return f"{'—' if before is None else before} → {'—' if after is None else after}"


def _signed(n: int) -> str:
    return f"{n:+d}"


def tables(diff: RepoDiff) -> list[Table]:
    """One table per section that has rows, in reading order."""
    out: list[Table] = []

    def add(title: str, headers: list[str], rows: list[list], right: tuple[str, ...] = ()) -> None:
        if rows:
            out.append(Table([Column(h, "right" if h in right else "left") for h in headers], rows, title=title))

    add("People", ["person", "change", "field", "before", "after"],
        [[r["person"], r["change"], r["field"], r["before"], r["after"]] for r in diff.people])
    add("Competency map", ["skill", "name", "change", "field", "before", "after"],
        [[r["skill"], r["name"], r["change"], r["field"], r["before"], r["after"]] for r in diff.skills])
    add(f"Requirements on {diff.as_of.isoformat()}", ["role", "family", "skill", "before", "after", "change"],
        [[r["role"], r["family"], r["skill"], _label(r["before"]), _label(r["after"]), r["move"]] for r in diff.requirements])
    add("Scheduled requirement changes", ["role", "effective", "skill", "before", "after", "change"],
        [[r["role"], r["effective"], r["skill"], _label(r["before"]), _label(r["after"]), r["change"]] for r in diff.scheduled])
    add(f"Current levels on {diff.as_of.isoformat()}", ["person", "skill", "before", "after", "move", "tiers", "by source", "dated", "assessor"],
        [[r["person"], r["skill"], _label(r["before"]) or "unassessed", _label(r["after"]) or "unassessed", r["move"],
          _signed(r["tiers"]), r["source"], r["date"], r["assessor"]] for r in diff.levels], right=("tiers",))
    add("Ratings", ["change", "person", "skill", "date", "source", "assessor", "before", "after", "file"],
        [[r["change"], r["person"], r["skill"], r["date"], r["source"], r["assessor"], _label(r["before"]), _label(r["after"]), r["file"]]
         for r in diff.ratings])
    add("Goals", ["change", "goal", "title", "person", "cycle", "skill", "target", "status", "fields"],
        [[r["change"], r["goal"], r["title"], r["person"], r["cycle"], r["skill"], _label(r["target"]),
          _arrow(r["status_before"], r["status_after"]), ", ".join(r["fields"]) or None] for r in diff.goals])
    add("Gap roll-up (family × skill): rows whose below or priority moved",
        ["family", "skill", "urgency", "required", "below", "priority", "Δ priority"],
        [[r["family"], r["skill"], r["urgency"], _arrow(r["required_before"], r["required_after"]),
          _arrow(r["below_before"], r["below_after"]), _arrow(r["priority_before"], r["priority_after"]),
          _signed(r["priority_after"] - r["priority_before"])] for r in diff.gaps], right=("Δ priority",))
    return out


def summary(diff: RepoDiff) -> str:
    if diff.empty:
        return "no changes to people, skills, requirements, ratings, goals or gaps"
    parts = []
    counts = [
        (len(diff.people), "people change"), (len(diff.skills), "competency map change"),
        (len(diff.requirements) + len(diff.scheduled), "requirement change"),
        (len(diff.ratings), "rating change"), (len(diff.levels), "level move"), (len(diff.goals), "goal change"),
        (len(diff.gaps), "gap row moved", "gap rows moved"),
    ]
    for count, singular, *plural in counts:
        if count:
            parts.append(f"{count} {singular if count == 1 else (plural[0] if plural else singular + 's')}")
    up = sum(1 for r in diff.levels if r["move"] in ("up", "assessed"))
    down = sum(1 for r in diff.levels if r["move"] in ("down", "unassessed"))
    below = sum(r["below_after"] - r["below_before"] for r in diff.gaps)
    line = ", ".join(parts)
    if diff.levels:
        line += f"; {up} up, {down} down"
    if diff.gaps:
        line += f"; people below requirement {_signed(below)}"
    return line


def _render(diff: RepoDiff, heading: str, table: Callable[[Table], str], bold: Callable[[str], str]) -> str:
    blocks = [heading, bold(summary(diff))]
    blocks += [table(t) for t in tables(diff)]
    return "\n\n".join(blocks) + "\n"


def to_text(diff: RepoDiff) -> str:
    return _render(diff, f"skillcycle diff {diff.base} → {diff.head}, as of {diff.as_of.isoformat()}", to_plain, lambda s: s)


def _md(text: str) -> str:
    """Revision labels are user text: no Markdown or HTML may come out of them."""
    return re.sub(r"([\\`*_\[\]|~<>#])", r"\\\1", " ".join(text.split()))


def to_md(diff: RepoDiff) -> str:
    heading = f"## Skills repo: {_md(diff.base)} → {_md(diff.head)}, as of {diff.as_of.isoformat()}"
    return _render(diff, heading, to_markdown, lambda s: f"**{s}**")


def to_json(diff: RepoDiff) -> str:
    return json_text(diff.to_dict(), indent=2) + "\n"


FORMATS = {"text": to_text, "markdown": to_md, "json": to_json}
