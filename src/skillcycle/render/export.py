"""`skillcycle export` output: each tidy table (reports/exporting.py) as CSV, Parquet or XLSX bytes."""

from __future__ import annotations

import io
from typing import Callable

from ..core.extras import need
from ..core.safetext import spreadsheet_safe
from ..reports.exporting import ExportTable
from .table import to_csv


def _csv_column(values: tuple, kind: str) -> list:
    """One column's cells as CSV text: true/false, ISO dates, numbers as is, missing as empty."""
    if kind == "bool":
        return ["" if v is None else "true" if v else "false" for v in values]
    if kind == "date":
        return ["" if v is None else v.isoformat() for v in values]
    return list(values)


def to_csv_text(table: ExportTable) -> str:
    """RFC 4180 CSV, `\\n` line ends, empty cell for missing, formulas neutralised (render.table.to_csv)."""
    columns = [_csv_column(values, c.type) for values, c in zip(zip(*table.rows), table.spec.columns)]
    return to_csv(table.headers, [list(row) for row in zip(*columns)])


_ARROW_TYPES = {"string": "string", "int": "int64", "float": "float64", "bool": "bool_", "date": "date32"}


def to_parquet_bytes(table: ExportTable) -> bytes:
    pa = need("pyarrow", "--format parquet")
    pq = need("pyarrow.parquet", "--format parquet")
    schema = pa.schema([pa.field(c.name, getattr(pa, _ARROW_TYPES[c.type])()) for c in table.spec.columns])
    columns = list(zip(*table.rows)) if table.rows else [()] * len(schema)
    arrow = pa.Table.from_arrays([pa.array(list(values), type=f.type) for values, f in zip(columns, schema)], schema=schema)
    buffer = io.BytesIO()
    pq.write_table(arrow, buffer)
    return buffer.getvalue()


def to_xlsx_bytes(table: ExportTable) -> bytes:
    openpyxl = need("openpyxl", "--format xlsx")
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = table.name[:31]
    sheet.append(table.headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    date_columns = [i for i, c in enumerate(table.spec.columns) if c.type == "date"]
    for row in table.rows:
        sheet.append([
            ILLEGAL_CHARACTERS_RE.sub("", spreadsheet_safe(v)) if isinstance(v, str) else v for v in row
        ])
        for i in date_columns:
            sheet.cell(sheet.max_row, i + 1).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


FORMATS: dict[str, Callable[[ExportTable], bytes]] = {
    "csv": lambda table: to_csv_text(table).encode("utf-8"),
    "parquet": to_parquet_bytes,
    "xlsx": to_xlsx_bytes,
}


def check_format(fmt: str) -> None:
    """Raise MissingExtra before anything is computed or written when the format's library is absent."""
    if fmt == "parquet":
        need("pyarrow.parquet", "--format parquet")
    elif fmt == "xlsx":
        need("openpyxl", "--format xlsx")
