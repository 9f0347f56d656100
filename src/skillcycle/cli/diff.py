"""`skillcycle diff BASE [HEAD]`: what a change to the skills repo means, for its reviewer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Optional

import typer

from .common import EXIT_INVALID, AsOfOption, RepoOption, app, as_of_date, emit, fail, locate_repo, say, format_option
from ..render.problems import format_text


def _label(name: str, commit: str) -> str:
    """`origin/main (1a2b3c4)`; a commit id alone when that is what was given."""
    return commit[:7] if commit.startswith(name.lower()) else f"{name} ({commit[:7]})"


FormatOption = format_option(("text", "markdown", "json"), "text, markdown (a pull-request comment) or json.")


@app.command("diff")
def diff(
    base: Annotated[str, typer.Argument(help="The revision to compare from, e.g. origin/main or a commit id.", show_default=False)],
    head: Annotated[
        Optional[str], typer.Argument(help="The revision to compare to (default: HEAD, the last commit).", show_default=False)
    ] = None,
    worktree: Annotated[
        bool, typer.Option("--worktree", help="Compare BASE with the files on disk, uncommitted changes included (instead of HEAD).")
    ] = False,
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    format: FormatOption = "text",
) -> None:
    """What a pull request changes: ratings and level moves, goals, requirements, people, and the gap roll-up.

    Both revisions are read from git objects (no checkout) and validated like any repo;
    HEAD means the last commit — use --worktree to include uncommitted changes.
    """
    from ..reports.repodiff import (
        WORKTREE,
        GitError,
        RevisionInvalid,
        compare,
        git_location,
        open_side,
        read_revision,
        resolve,
    )
    if head is not None and worktree:
        raise fail("give HEAD or --worktree, not both")
    root = locate_repo(repo)
    day = as_of_date(as_of)
    today = date.today()
    try:
        top, prefix = git_location(root)
        base_commit = resolve(top, base)
        base_source = read_revision(top, base_commit, prefix)
        base_label = _label(base, base_commit)
        if worktree:
            from ..core.sources import DirectorySource

            head_source, head_label = DirectorySource(root), WORKTREE
        else:
            head_name = head or "HEAD"
            head_commit = resolve(top, head_name)
            head_source, head_label = read_revision(top, head_commit, prefix), _label(head_name, head_commit)
    except GitError as exc:
        raise fail(str(exc)) from None
    try:
        base_side = open_side(base_label, base_source, day, today)
        head_side = open_side(head_label, head_source, day, today)
    except RevisionInvalid as exc:
        say(f"{exc.label}:", err=True)
        say(format_text(exc.problems), err=True)
        raise fail(f"the skills repo at {exc.label} is invalid; fix the errors above (see `skillcycle validate`)", EXIT_INVALID) from None
    result = compare(base_side, head_side, day)
    from ..render.diff import FORMATS

    emit(FORMATS[format](result), None)
