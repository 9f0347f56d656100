"""`skillcycle init`: scaffold a small valid skills repo with its git tooling."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from .. import __version__
from .common import AsOfOption, app, as_of_date, fail, say, write_files

SHOWN_ENTRIES = 8


@app.command("init")
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the skills repo in (default: the current folder).")] = Path("."),
    force: Annotated[
        bool, typer.Option("--force", help="Write into a non-empty folder; files of the same names are overwritten, others kept.")
    ] = False,
    organization: Annotated[
        Optional[str], typer.Option("--organization", metavar="NAME", help="The organisation's name (default: the folder's name).", show_default=False)
    ] = None,
    as_of: AsOfOption = None,
    install: Annotated[
        Optional[str],
        typer.Option("--install", metavar="REQUIREMENT", show_default=False, help=(
            "What the CI workflow installs skillcycle from, as pip takes it, e.g. git+https://github.com/ORG/skillcycle@v0.1.0 "
            "(default: where this skillcycle came from, when that is a package index or a repository another machine can reach)."
        )),
    ] = None,
) -> None:
    """Create a small valid skills repo wired into git: pre-commit hook, CI workflow, schemas.

    Writes settings, 10 skills, 2 roles, 3 people, a calibration batch, a goal file and a
    check-in (sample dates derived from --as-of, default today, so `validate` passes with
    no warnings), JSON Schemas for editor completion, .gitignore, .pre-commit-config.yaml
    and .github/workflows/skillcycle.yml.
    """
    from ..reports.scaffold import REQUIREMENT, existing_entries, install_source, plan

    if install is not None and not REQUIREMENT.match(install):
        raise fail(f"--install {install!r}: a pip requirement or URL, without quotes, spaces, $, \\ or backticks")
    target = directory
    if target.exists() and not target.is_dir():
        raise fail(f"{target} exists and is not a folder")
    present = existing_entries(target)
    if present and not force:
        shown = ", ".join(present[:SHOWN_ENTRIES]) + (f" and {len(present) - SHOWN_ENTRIES} more" if len(present) > SHOWN_ENTRIES else "")
        raise fail(f"{target} is not empty ({shown}); choose an empty folder or use --force to write beside (and over) them")
    name = organization if organization is not None else (target.resolve().name or "My organisation")
    if not name.strip():
        raise fail("--organization must not be empty")
    requirement = install if install is not None else install_source(_direct_url(), __version__)
    files = plan(as_of_date(as_of), name.strip(), requirement)
    write_files({target / rel: text for rel, text in files.items()})
    say(f"created a skills repo in {target} ({len(files)} files)")
    if requirement is None:
        say("note: this skillcycle was installed from this machine, so the CI workflow does not know where to install it "
            "from; its Install step fails saying so until you fill it in (or use --install)", err=True)
    say("next: git init && git add -A && pre-commit install && skillcycle validate")


def _direct_url() -> str | None:
    """This installation's direct_url.json (None: installed from a package index)."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        return distribution("skillcycle").read_text("direct_url.json")
    except PackageNotFoundError:  # run from a source tree that pip never installed
        return "{}"
