"""`skillcycle validate`: check the whole repo (SPEC §8)."""

from __future__ import annotations

import hashlib
import os
from typing import Annotated

import typer

from .common import (
    AsOfOption,
    EXIT_INVALID,
    EXIT_OK,
    NoCacheOption,
    RepoOption,
    app,
    as_of_date,
    locate_repo,
    run_validation,
    say,
    format_option,
)
from ..core.problems import Severity
from ..render.problems import format_github, format_json, format_text, summary_counts


FormatOption = format_option(("text", "github", "json"), "text, github (workflow annotations; the default under GitHub Actions) or json.")


@app.command()
def validate(
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    format: FormatOption = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on warnings too.")] = False,
    no_cache: NoCacheOption = False,
) -> None:
    """Check every file of the skills repo: syntax, schema, references, consistency."""
    root = locate_repo(repo)
    validation = run_validation(root, as_of_date(as_of), no_cache, need_repo=False)
    problems = validation.problems
    if format is None:
        format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    errors, warnings = summary_counts(problems)
    facts = validation.counts
    verdict = "valid" if validation.ok else "invalid"
    summary_line = (
        f"{root.name}: {verdict} — " + ", ".join(f"{count} {name}" for name, count in facts.items())
        + f" ({errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)})"
    )
    if format == "json":
        say(format_json(problems, facts))
    elif format == "github":
        # GitHub shows only a few annotations per step: print the plain lines and the count too,
        # between stop-commands markers so that no repo data (a file name with a newline) can
        # start a workflow command. The token is derived from the text, so output stays deterministic.
        if problems:
            say(format_github(problems))
            plain = format_text(problems)
            token = "skillcycle-" + hashlib.sha256(plain.encode("utf-8", "surrogateescape")).hexdigest()[:32]
            say(f"::stop-commands::{token}")
            say(plain)
            say(f"::{token}::")
        say(summary_line)
    else:
        if problems:
            say(format_text(problems))
            say("")
        say(summary_line, style="green" if validation.ok and not warnings else ("yellow" if validation.ok else "red"))
    failed = not validation.ok or (strict and any(p.severity is Severity.WARNING for p in problems))
    raise typer.Exit(EXIT_INVALID if failed else EXIT_OK)
