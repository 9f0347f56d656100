"""`skillcycle schema`: the JSON Schema of every file kind, for editors and other validators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import EXIT_INVALID, EXIT_OK, app, emit, fail, say, write_files
from ..core.safetext import json_text
from ..core.kinds import FOLDER_KINDS, TOP_KINDS

KINDS = (*TOP_KINDS, *FOLDER_KINDS)  # as jsonschema_export.KINDS, without importing the models to start


@app.command("schema")
def schema(
    kind: Annotated[
        Optional[str],
        typer.Argument(help=f"One file kind: {', '.join(KINDS)} (default: all).", show_default=False),
    ] = None,
    out: Annotated[
        Optional[Path],
        typer.Option("--out", "-o", metavar="DIR", help="Write <kind>.schema.json files into this folder (created if needed; generated files are overwritten).", show_default=False),
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="With --out: write nothing; exit 1 if a schema file there is missing or out of date.")
    ] = False,
) -> None:
    """Print or write JSON Schemas (draft 2020-12) generated from the file models.

    Without --out: one kind's schema, or all of them as one JSON object keyed by
    file name. Point a `# yaml-language-server: $schema=schemas/<kind>.schema.json`
    modeline at a written file for completion and hover help in editors.
    """
    from ..core.jsonschema_export import all_schemas, file_name, render, schema_for, stale

    if kind is not None and kind not in KINDS:
        raise fail(f"unknown file kind {kind!r}; use one of {', '.join(KINDS)}")
    if check and out is None:
        raise fail("--check needs --out DIR (the folder to compare)")
    texts = all_schemas() if kind is None else {file_name(kind): render(schema_for(kind))}
    if out is None:
        if kind is not None:
            emit(texts[file_name(kind)], None)
        else:
            emit(json_text({name: json.loads(text) for name, text in texts.items()}, indent=2), None)
        raise typer.Exit(EXIT_OK)
    if check:
        outdated = [name for name in stale(out) if name in texts]
        for name in outdated:
            say(f"{out / name}: missing or out of date", err=True)
        if outdated:
            say(f"skillcycle: {len(outdated)} schema file(s) out of date; run `skillcycle schema --out {out}`", err=True)
            raise typer.Exit(EXIT_INVALID)
        say(f"{out}: {len(texts)} schema file(s) up to date", err=True)
        raise typer.Exit(EXIT_OK)
    if out.exists() and not out.is_dir():
        raise fail(f"{out} exists and is not a folder")
    write_files({out / name: text for name, text in texts.items()})
    say(f"wrote {len(texts)} schema file(s) to {out}", err=True)
