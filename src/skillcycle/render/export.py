"""`skillcycle export` output: the tidy tables (reports/exporting.py) as a CSV or Parquet file each, or one XLSX workbook."""

from __future__ import annotations

import io
from datetime import date
from typing import Callable

from ..core.extras import need
from ..reports.exporting import ExportTable
from . import workbook
from .table import to_csv


def _csv_column(values: tuple, kind: str) -> list:
    """One column's cells as CSV text: true/false, ISO dates, whole floats as integers (a
    rating of 3, not 3.0), other numbers as they are, missing as empty."""
    if kind == "float":
        return ["" if v is None else int(v) if float(v).is_integer() else v for v in values]
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


WORKBOOK = "skillcycle-export.xlsx"


def to_workbook(tables: list[ExportTable], day: date) -> bytes:
    """One workbook, a sheet per table in TABLES order: a frozen, filtered header row, dates
    as date cells, columns as wide as their text."""
    book = workbook.new_book("--format xlsx")
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.name[:31])
        sheet.append(table.headers)
        for row in table.rows:
            sheet.append([workbook.safe(v) for v in row])
        workbook.finish(sheet, tuple(i for i, c in enumerate(table.spec.columns) if c.type == "date"))
    return workbook.to_bytes(book, day)


def _each(render: Callable[[ExportTable], bytes], extension: str) -> Callable[[list[ExportTable], date], dict[str, bytes]]:
    return lambda tables, day: {f"{table.name}.{extension}": render(table) for table in tables}


# Each format: the tables of an as-of date -> the files to write (name -> bytes).
FORMATS: dict[str, Callable[[list[ExportTable], date], dict[str, bytes]]] = {
    "csv": _each(lambda table: to_csv_text(table).encode("utf-8"), "csv"),
    "parquet": _each(to_parquet_bytes, "parquet"),
    "xlsx": lambda tables, day: {WORKBOOK: to_workbook(tables, day)},
}


def check_format(fmt: str) -> None:
    """Raise MissingExtra before anything is computed or written when the format's library is absent."""
    if fmt == "parquet":
        need("pyarrow.parquet", "--format parquet")
    elif fmt == "xlsx":
        need("openpyxl", "--format xlsx")
