"""`skillcycle metrics`: did capability move this quarter? (SPEC §7)"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import EXIT_USAGE, AsOfOption, RepoOption, app, as_of_date, emit, fail, open_report, say, format_option


FormatOption = format_option(
        ("text", "json", "csv", "markdown", "html"),
        "text (tables; colour on a terminal), json, csv (every figure and each manager's figures a row, for a spreadsheet), markdown (a GitHub job summary) or html (one self-contained page).",
    )


@app.command()
def metrics(
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    quarter: Annotated[
        Optional[str],
        typer.Option("--quarter", "-q", metavar="QUARTER", help="Quarter label like 2026Q3, in fiscal years per fiscal_year_start (default: the last quarter complete by the as-of date; name the current one for its figures to date).", show_default=False),
    ] = None,
    quarters: Annotated[
        int,
        typer.Option("--quarters", "-n", metavar="N", min=1, max=20, help="Also show the trend over this many quarters ending with --quarter."),
    ] = 1,
    format: FormatOption = "text",
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", metavar="FILE", help="Write to this file (atomically) instead of standard output.", show_default=False),
    ] = None,
) -> None:
    """Skill advancement, time to competency, internal mobility, performance lift, conversations, coverage."""
    from ..render import metrics as render

    day = as_of_date(as_of)
    label = quarter.strip().upper() if quarter is not None else None

    def measure(the_repo):
        from ..api import quarter_of
        from ..reports.metrics import compute

        try:
            the_quarter = quarter_of(the_repo, label, day)
        except ValueError as exc:
            raise fail(f"--quarter: {exc}", EXIT_USAGE) from None
        return compute(the_repo, the_quarter, day, quarters)

    report = open_report(repo, day, ("metrics", label, quarters), measure)
    if format == "text" and output is None and sys.stdout.isatty():
        _print_rich(report)
    else:
        emit(render.FORMATS[format](report), output)


def _print_rich(report) -> None:
    from .common import out_console
    from ..render import metrics as render
    from ..render.table import to_rich

    console = out_console()
    for line in render.header_lines(report):
        say(line)
    for table in render.tables(report):
        console.print()
        if table.rows:
            console.print(to_rich(table, console.width))
        else:
            say(f"{table.title}: none")
