"""`skillcycle export`: tidy tables of the repo as CSV, Parquet or XLSX files (docs/export.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import (
    EXIT_USAGE,
    AsOfOption,
    RepoOption,
    app,
    as_of_date,
    fail,
    open_repo,
    say,
    write_files,
    format_option,
)
from ..core.extras import MissingExtra


FormatOption = format_option(("csv", "parquet", "xlsx"), "csv or parquet (extra: parquet), a file per table; or xlsx (extra: xlsx), one workbook with a sheet per table.")


@app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Folder to write the tables into (created if missing).", show_default=False)],
    format: FormatOption = "csv",
    as_of: AsOfOption = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite table files that already exist in --out.")] = False,
    repo: RepoOption = None,
) -> None:
    """Write one tidy table per entity (skills, resources, roles, requirements, people, ratings, current levels,
    goals, check-ins, reviews, openings, completions, gaps) for spreadsheets, pandas, DuckDB or a warehouse."""
    from ..reports.exporting import build_tables
    from ..render.export import FORMATS, check_format
    fmt = format
    try:
        check_format(fmt)
    except MissingExtra as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    if out.exists() and not out.is_dir():
        raise fail(f"--out {out} is a file; give a folder", EXIT_USAGE)
    day = as_of_date(as_of)
    tables = build_tables(open_repo(repo, day), day)
    files = {out / name: content for name, content in FORMATS[fmt](tables, day).items()}  # all rendered before any write
    existing = [path.name for path in files if path.exists()]
    if existing and not force:
        raise fail(f"{len(existing)} file(s) already in {out}: {', '.join(existing)}; use --force to overwrite them", EXIT_USAGE)
    write_files(files)
    width = max(len(table.name) for table in tables)
    for table in tables:
        rows = len(table.rows)
        say(f"  {table.name.ljust(width)}  {rows:>7} row{'s' * (rows != 1)}")
    written = next(iter(files)).name if len(files) == 1 else f"{len(files)} files"
    say(f"exported {len(tables)} tables as of {day.isoformat()} to {out} ({written})")
