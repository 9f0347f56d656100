"""`skillcycle gap`: required-vs-current gaps, rolled up and prioritised (SPEC §6)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import AsOfOption, EXIT_USAGE, RepoOption, app, as_of_date, emit, fail, open_report, format_option
from ..render.table import print_table


class By(str, Enum):
    family = "family"
    role = "role"
    skill = "skill"
    person = "person"
    manager = "manager"


class Track(str, Enum):
    upskill = "upskill"
    reskill = "reskill"


def _horizon(value: int) -> int:
    if not value:  # the default, now: no need to import gaps (and pandas) to check it
        return value
    from ..core.gaps import HORIZONS

    if value not in HORIZONS:
        raise typer.BadParameter(f"{value} is not 12, 24 or 36 (months)")
    return value


FormatOption = format_option(("text", "json", "csv", "markdown", "html"), "text (a table; colour on a terminal), json, csv (one row per person x skill gap), markdown or html.")


@app.command()
def gap(
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    by: Annotated[By, typer.Option("--by", help="Roll up by role family x skill (default), role x skill, skill, person, or manager x skill (each manager's direct reports; with --subtree everyone under them).")] = By.family,
    subtree: Annotated[bool, typer.Option("--subtree", help="With --by manager: count everyone under each manager, directly or not, instead of their direct reports.")] = False,
    family: Annotated[Optional[list[str]], typer.Option("--family", metavar="FAMILY", help="Only people in this role family (repeat for more).", show_default=False)] = None,
    manager: Annotated[Optional[str], typer.Option("--manager", metavar="PERSON", help="Only people under this manager, directly or not (the manager is not included).", show_default=False)] = None,
    track: Annotated[Optional[Track], typer.Option("--track", help="Only people on this track (reskill: any gap from none or unassessed; upskill: the others with a gap).", show_default=False)] = None,
    top: Annotated[Optional[int], typer.Option("--top", metavar="N", min=1, help="Show the N highest-priority rows (and, in json/csv, only the gaps they count).", show_default=False)] = None,
    horizon: Annotated[int, typer.Option("--horizon", callback=_horizon, metavar="12|24|36", help="Requirements and headcount as of as-of + this many months; levels stay as of --as-of.", show_default=False)] = 0,
    format: FormatOption = "text",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write to this file (atomically) instead of standard output.", show_default=False)] = None,
) -> None:
    """Show required-vs-current skill gaps, prioritised by strategic urgency x people affected."""
    day = as_of_date(as_of)
    if subtree and by is not By.manager:
        raise fail("--subtree goes with --by manager")
    families = tuple(dict.fromkeys(family or []))
    on_terminal = format == "text" and output is None

    def answer(skills_repo):
        """What is shown: the table (printed for the terminal or a pipe as it finds it) or the text."""
        from ..core.gaps import GapQuery, GapQueryError, check_query, gap_report
        from ..render import gap as render

        query = GapQuery(
            as_of=day, horizon_months=horizon, by=by.value, families=families,
            manager=manager, track=track.value if track else None, top=top, subtree=subtree,
        )
        try:
            check_query(skills_repo, query)
        except GapQueryError as exc:
            raise fail(str(exc), EXIT_USAGE) from None
        report = gap_report(skills_repo, query)
        if on_terminal:
            return render.to_table(report)
        return render.FORMATS[format](report)

    key = ("gap", by.value, subtree, families, manager, track.value if track else None, top, horizon, format, on_terminal)
    shown = open_report(repo, day, key, answer)
    if on_terminal:
        print_table(shown)
    else:
        emit(shown, output)
