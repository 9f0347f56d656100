"""Workbooks (xlsx) people open in a spreadsheet: safe cells, a header that stays in view
with filters, columns as wide as their text, and the same bytes for the same data.

openpyxl stamps a workbook's properties and each file of its zip with the clock; a
workbook here carries the date of its data instead, so that a second export of the same
repo and as-of date is byte-identical, as every other output is.
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date, datetime
from typing import Any

from ..core.extras import need
from ..core.safetext import spreadsheet_safe

MIN_WIDTH, MAX_WIDTH = 8, 60


def new_book(option: str):
    """An empty openpyxl Workbook, or MissingExtra naming `option` (e.g. "--format xlsx")."""
    return need("openpyxl", option).Workbook()


def safe(value: Any) -> Any:
    """A cell's value: text that no spreadsheet runs as a formula, without the control
    characters the xlsx format cannot hold; anything else as it is."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", spreadsheet_safe(value)) if isinstance(value, str) else value


def finish(sheet, date_columns: tuple[int, ...] = ()) -> None:
    """Bold, frozen header row with filters; `date_columns` (0-based) shown as yyyy-mm-dd;
    each column as wide as its longest value, within MIN_WIDTH..MAX_WIDTH."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    if sheet.max_column and sheet.max_row:
        sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    for index in date_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = "yyyy-mm-dd"
    for column in sheet.iter_cols(min_row=1, max_row=sheet.max_row):
        longest = max((len(str(cell.value)) for cell in column if cell.value is not None), default=0)
        sheet.column_dimensions[column[0].column_letter].width = min(max(longest + 2, MIN_WIDTH), MAX_WIDTH)


class _DatedZip(zipfile.ZipFile):
    """A zip whose every member carries one date instead of the clock's."""

    def __init__(self, file, stamp: datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED)
        self.stamp = stamp.timetuple()[:6]

    def writestr(self, name, data, *args, **kwargs) -> None:  # type: ignore[override]
        info = name if isinstance(name, zipfile.ZipInfo) else zipfile.ZipInfo(name, date_time=self.stamp)
        info.date_time = self.stamp
        info.compress_type = zipfile.ZIP_DEFLATED
        super().writestr(info, data, *args, **kwargs)

    def write(self, filename, arcname=None, *args, **kwargs) -> None:  # type: ignore[override]
        """openpyxl writes each worksheet through a temporary file: take its bytes, not its time."""
        with open(filename, "rb") as handle:
            self.writestr(arcname or os.path.basename(filename), handle.read())


def to_bytes(book, day: date) -> bytes:
    """The workbook's bytes, dated `day` (the data's as-of date) rather than now."""
    from openpyxl.writer.excel import ExcelWriter

    stamp = datetime(day.year, day.month, day.day)
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    with _DatedZip(buffer, stamp) as archive:
        ExcelWriter(book, archive).write_data()
    return buffer.getvalue()
