"""`skillcycle candidates` and `skillcycle paths`: internal mobility before the fact (docs/mobility.md)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import EXIT_USAGE, AsOfOption, RepoOption, app, as_of_date, emit, fail, format_option, open_report, say

FormatOption = format_option(("text", "json", "csv", "markdown", "html"), "text (a table; colour on a terminal), json, csv, markdown or html (a printable page).")
OutputOption = Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write to this file (atomically) instead of standard output.", show_default=False)]


def _answer(repo: Path | None, as_of: str | None, key: tuple, make, terminal_view, formats: dict, format: str, output: Path | None) -> None:
    """Open the repo, `make` the report (a one-line exit 2 for what names nothing), and show it:
    `terminal_view` (lines and a table, in Rich) on a terminal, else the format's text."""
    from .common import out_console
    from ..reports.mobility import MobilityQueryError
    from ..render.table import to_rich

    day = as_of_date(as_of)
    terminal = format == "text" and output is None and sys.stdout.isatty()

    def answer(skills_repo):
        try:
            report = make(skills_repo, day)
        except (MobilityQueryError, LookupError) as exc:
            raise fail(str(exc), EXIT_USAGE) from None
        return terminal_view(report) if terminal else formats[format](report)

    shown = open_report(repo, day, (*key, format, terminal), answer)
    if isinstance(shown, str):
        emit(shown, output)
        return
    lines, table = shown
    for line in lines:
        say(line)
    console = out_console()
    console.print(to_rich(table, console.width))


@app.command()
def candidates(
    target: Annotated[str, typer.Argument(metavar="ROLE|OPENING", help="A role id, or an opening id (read on the date it opened unless --as-of is given).")],
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    top: Annotated[int, typer.Option("--top", metavar="N", min=1, help="How many candidates to list.")] = 10,
    family: Annotated[Optional[str], typer.Option("--family", metavar="FAMILY", help="Only people in this role family.", show_default=False)] = None,
    manager: Annotated[Optional[str], typer.Option("--manager", metavar="PERSON", help="Only people under this manager, directly or not (an id or a name).", show_default=False)] = None,
    format: FormatOption = "text",
    output: OutputOption = None,
) -> None:
    """Who inside could fill this role: everyone active ranked by how far they are from its requirements."""
    from ..render import mobility as render

    def make(skills_repo, day):
        from ..reports.mobility import CandidateQuery, candidates as find
        from ..core.repo import find_person

        boss = find_person(skills_repo.people, manager) if manager is not None else None
        return find(skills_repo, CandidateQuery(target, day, as_of is not None, top, family, boss))

    _answer(repo, as_of, ("candidates", target, as_of is not None, top, family, manager), make,
            lambda report: (render.candidate_lines(report), render.candidates_table(report)), render.CANDIDATE_FORMATS, format, output)


@app.command()
def paths(
    person: Annotated[str, typer.Argument(metavar="PERSON", help="A person id or name.")],
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    next_only: Annotated[bool, typer.Option("--next", help="Only the roles reachable by the career-path (next) edges from the person's role.")] = False,
    steps: Annotated[int, typer.Option("--steps", metavar="N", min=1, max=10, help="With --next: how many steps along the edges.")] = 3,
    format: FormatOption = "text",
    output: OutputOption = None,
) -> None:
    """Which roles a person is closest to: their shortfall against each, and the goals that would close it."""
    from ..render import mobility as render

    def make(skills_repo, day):
        from ..reports.mobility import paths as find
        from ..core.repo import find_person

        return find(skills_repo, find_person(skills_repo.people, person), day, next_only=next_only, steps=steps)

    _answer(repo, as_of, ("paths", person, next_only, steps), make,
            lambda report: ([render.paths_heading(report)], render.paths_table(report)), render.PATH_FORMATS, format, output)
