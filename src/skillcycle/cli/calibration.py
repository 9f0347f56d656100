"""`skillcycle calibration`: the quarterly calibration session's sheet (docs/calibration.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import (
    EXIT_USAGE,
    AsOfOption,
    RepoOption,
    app,
    as_of_date,
    emit,
    fail,
    format_option,
    open_repo,
    write_atomically,
)

FormatOption = format_option(
    ("text", "json", "csv", "markdown", "html", "xlsx"),
    "text, json, csv or xlsx (the sheet to fill in: its proposed column imports back), markdown, or html (the facilitator's view, stalled first).",
)


@app.command()
def calibration(
    manager: Annotated[Optional[str], typer.Option("--manager", metavar="PERSON", help="Whose reports to calibrate (an id or a name).", show_default=False)] = None,
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    quarter: Annotated[Optional[str], typer.Option("--quarter", "-q", metavar="QUARTER", help="The quarter being calibrated, like 2026Q3 (default: the one containing --as-of).", show_default=False)] = None,
    subtree: Annotated[bool, typer.Option("--subtree", help="Everyone under the manager, not only direct reports.")] = False,
    drift: Annotated[bool, typer.Option("--drift", help="Instead: rater drift, self ratings and manager observations against calibrations, per team and family (text, json, csv, markdown).")] = False,
    format: FormatOption = "text",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write to this file (atomically); xlsx needs it.", show_default=False)] = None,
) -> None:
    """One row per report and skill for the calibration session; fill `proposed`, then `skillcycle import ratings`."""
    from ..reports.calibration import calibration_sheet, drift as rater_drift
    from ..core.quarters import Quarter
    from ..render import calibration as render
    from ..core.repo import find_person

    day = as_of_date(as_of)
    if drift and format not in render.DRIFT_FORMATS:
        raise fail(f"--drift writes {', '.join(render.DRIFT_FORMATS)}, not {format}", EXIT_USAGE)
    if not drift and manager is None:
        raise fail("give --manager (whose reports to calibrate), or --drift", EXIT_USAGE)
    if format == "xlsx" and output is None:
        raise fail("--format xlsx writes a workbook: give --output FILE.xlsx", EXIT_USAGE)
    skills = open_repo(repo, day)
    fy = skills.settings.fiscal_year_start
    try:
        the_quarter = Quarter.containing(day, fy) if quarter is None else Quarter.parse(quarter.strip().upper(), fy)
        if drift:
            shown = render.DRIFT_FORMATS[format](rater_drift(skills, the_quarter, day), the_quarter.label, skills.settings.privacy.min_group_size)
        else:
            shown = render.FORMATS[format](calibration_sheet(skills, find_person(skills.people, manager), the_quarter, day, subtree))
    except (ValueError, LookupError) as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    if isinstance(shown, bytes):
        write_atomically(output, shown)
        print(f"wrote {output}", file=sys.stderr)
    else:
        emit(shown, output)
