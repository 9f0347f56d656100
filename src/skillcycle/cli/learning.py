"""`skillcycle learning`: which learning resources move skills, and where to spend next (docs/learning.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import EXIT_USAGE, AsOfOption, RepoOption, app, as_of_date, emit, fail, format_option, open_report

FormatOption = format_option(("text", "json", "csv", "markdown", "html"), "text, json, csv (a row per resource), markdown or html (a page with the rates as bars).")


@app.command()
def learning(
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    quarter: Annotated[Optional[str], typer.Option("--quarter", "-q", metavar="QUARTER", help="The last quarter of the window, like 2026Q3 (default: the last complete quarter).", show_default=False)] = None,
    quarters: Annotated[int, typer.Option("--quarters", "-n", metavar="N", min=1, max=12, help="How many quarters the window spans, ending with --quarter.")] = 1,
    horizon: Annotated[int, typer.Option("--horizon", metavar="MONTHS", min=0, max=36, help="Months ahead: a resource is kept while a role requires one of its skills by then.")] = 12,
    format: FormatOption = "text",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write to this file (atomically) instead of standard output.", show_default=False)] = None,
) -> None:
    """Which learning resources moved skills (by calibrated achievement, never completions), and where to spend next."""
    from ..render import learning as render

    day = as_of_date(as_of)

    def answer(skills_repo):
        from ..reports.learning import learning_report
        from ..core.quarters import Quarter

        fy = skills_repo.settings.fiscal_year_start
        try:
            last = Quarter.last_complete(day, fy) if quarter is None else Quarter.parse(quarter.strip().upper(), fy)
        except ValueError as exc:
            raise fail(f"--quarter: {exc}", EXIT_USAGE) from None
        if last.start > day:
            raise fail(f"--quarter {last} starts after the as-of date {day}; nothing to judge yet", EXIT_USAGE)
        return render.FORMATS[format](learning_report(skills_repo, last, day, quarters, horizon))

    emit(open_report(repo, day, ("learning", quarter, quarters, horizon, format), answer), output)
