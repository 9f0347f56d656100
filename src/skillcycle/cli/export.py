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


FormatOption = format_option(("csv", "parquet", "xlsx"), "csv, parquet (extra: parquet) or xlsx (extra: xlsx).")


@app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the tables into (created if missing).", show_default=False)],
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
    targets = [(out / f"{table.name}.{fmt}", table) for table in tables]
    existing = [path.name for path, _ in targets if path.exists()]
    if existing and not force:
        raise fail(f"{len(existing)} file(s) already in {out}: {', '.join(existing)}; use --force to overwrite them", EXIT_USAGE)
    contents = [(path, FORMATS[fmt](table), len(table.rows)) for path, table in targets]  # all rendered before any write
    write_files({path: content for path, content, _ in contents})
    width = max(len(path.name) for path, _, _ in contents)
    for path, _, rows in contents:
        say(f"  {path.name.ljust(width)}  {rows:>7} row{'s' * (rows != 1)}")
    say(f"exported {len(contents)} tables as of {day.isoformat()} to {out}")
