"""`skillcycle calibration` output: csv and xlsx sheets to fill in (a `proposed` column that
imports back), json, markdown, and an HTML facilitator's view (stalled first). Formatting
only: every value comes from calibration.calibration_sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..core.levels import Level
from ..core.safetext import json_text
from . import table as tables
from . import workbook
from .table import Column, Table, fmt

if TYPE_CHECKING:
    from ..reports.calibration import CalibrationSheet

SHOWN = ["person", "skill", "required", "calibrated", "calibrated_on", "manager_observation", "self", "goal", "goal_status", "evidence", "status"]


def heading(sheet: CalibrationSheet) -> str:
    who = f"everyone under {sheet.manager}" if sheet.subtree else f"{sheet.manager}'s direct reports"
    counts = ", ".join(f"{n} {status}" for status, n in sheet.counts().items() if n)
    return f"Calibration {sheet.quarter}: {who} · levels as of {sheet.cutoff} · {len(sheet.rows)} rows ({counts})"


def _table(sheet: CalibrationSheet, *, stalled_first: bool) -> Table:
    from ..reports.calibration import COLUMNS, STATUSES

    picked = [COLUMNS.index(name) for name in SHOWN]
    rows = sorted(sheet.rows, key=lambda r: (STATUSES.index(r.status), r.person, r.skill)) if stalled_first else list(sheet.rows)
    return Table([Column(COLUMNS[i]) for i in picked], [[row.values()[i] for i in picked] for row in rows])


def to_csv(sheet: CalibrationSheet) -> str:
    from ..reports.calibration import COLUMNS

    return tables.to_csv(COLUMNS, [row.values() for row in sheet.rows])


def to_json(sheet: CalibrationSheet) -> str:
    return json_text(sheet.to_json())


def to_text(sheet: CalibrationSheet) -> str:
    return heading(sheet) + "\n\n" + tables.to_plain(_table(sheet, stalled_first=True)) + "\n"


def to_markdown(sheet: CalibrationSheet) -> str:
    return f"## {tables.md_escape(heading(sheet))}\n\n" + tables.to_markdown(_table(sheet, stalled_first=True)) + "\n"


def to_html(sheet: CalibrationSheet) -> str:
    from .html import render_page

    return render_page("table-page.html.j2", heading=heading(sheet),
                       lines=["Stalled rows first: an active learning goal and no rise over the last two calibrations."],
                       section=tables.html_section(_table(sheet, stalled_first=True)))


def to_xlsx(sheet: CalibrationSheet) -> bytes:
    """The sheet to fill: `calibration` (every row; `proposed` offers the four levels) and a
    `summary` of statuses per person. Text is made safe to open (no formulas, no illegal characters)."""
    book = workbook.new_book("--format xlsx")
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..reports.calibration import COLUMNS, STATUSES

    main = book.active
    main.title = "calibration"
    main.append(COLUMNS)
    for row in sheet.rows:
        main.append([workbook.safe(v) for v in row.values()])
    proposed = COLUMNS.index("proposed") + 1
    choice = DataValidation(type="list", formula1='"' + ",".join(level.slug for level in Level) + '"', allow_blank=True,
                            showErrorMessage=True, errorTitle="Not a level", error="Pick none, foundational, proficient or expert.")
    main.add_data_validation(choice)
    column = get_column_letter(proposed)
    choice.add(f"{column}2:{column}{max(len(sheet.rows) + 1, 2)}")
    summary = book.create_sheet("summary")
    summary.append(["person", "name", *STATUSES])
    for person in dict.fromkeys(r.person for r in sheet.rows):
        mine = [r for r in sheet.rows if r.person == person]
        summary.append([workbook.safe(person), workbook.safe(mine[0].name), *(sum(1 for r in mine if r.status == s) for s in STATUSES)])
    for page in (main, summary):
        workbook.finish(page)
    return workbook.to_bytes(book, sheet.cutoff)


# --- rater drift ---------------------------------------------------------------------------

def drift_table(rows: list[dict], quarter: str, min_group_size: int) -> Table:
    """Rater drift: a source's mean distance from calibrations, and how often a tier or more off."""
    shown = [[r["source"], r["group_by"], r["group"], r["people"], r["pairs"], fmt(r["mean"], "rating"), fmt(r["over"], "share"),
              fmt(r["under"], "share"), f"suppressed: fewer than {min_group_size} people (privacy)" if r["suppressed"] else ""]
             for r in rows]
    return Table([Column("source"), Column("by"), Column("group"), Column("people", "right"), Column("pairs", "right"),
                  Column("mean − calibrated", "right"), Column("a tier or more above", "right"), Column("below", "right"), Column("note")],
                 shown, title=f"Rater drift: self ratings and manager observations against calibrations in {quarter}",
                 caption=None if shown else "no pair rated by a calibration and by self or a manager in the quarter")


DRIFT_COLUMNS = ["source", "group_by", "group", "people", "pairs", "mean", "over", "under", "suppressed"]
DRIFT_FORMATS = {
    "text": lambda rows, quarter, m: tables.to_plain(drift_table(rows, quarter, m)) + "\n",
    "markdown": lambda rows, quarter, m: tables.to_markdown(drift_table(rows, quarter, m)) + "\n",
    "csv": lambda rows, quarter, m: tables.to_csv(DRIFT_COLUMNS, [[r[c] for c in DRIFT_COLUMNS] for r in rows]),
    "json": lambda rows, quarter, m: json_text({"quarter": quarter, "min_group_size": m, "rows": rows}),
}


FORMATS = {"text": to_text, "json": to_json, "csv": to_csv, "markdown": to_markdown, "html": to_html, "xlsx": to_xlsx}
