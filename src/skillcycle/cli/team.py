"""`skillcycle team`: can this team deliver, and what happens if someone leaves? (docs/team.md)"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import EXIT_USAGE, AsOfOption, RepoOption, app, as_of_date, emit, fail, format_option, open_report, say

FormatOption = format_option(
    ("text", "json", "csv", "markdown", "html"),
    "text (tables; colour on a terminal), json, csv (one row per team x skill), markdown or html (the people x skills grid, printable).",
)
People = Annotated[Optional[list[str]], typer.Option(show_default=False)]


@app.command()
def team(
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    manager: Annotated[Optional[str], typer.Option("--manager", metavar="PERSON", help="The manager's team: them and their direct reports (an id or a name).", show_default=False)] = None,
    subtree: Annotated[bool, typer.Option("--subtree", help="With --manager: everyone under them, directly or not.")] = False,
    family: Annotated[Optional[str], typer.Option("--family", metavar="FAMILY", help="Everyone in this role family (default: the whole organisation).", show_default=False)] = None,
    horizon: Annotated[int, typer.Option("--horizon", metavar="MONTHS", min=1, max=36, help="Months ahead to look for leavers and requirement changes.")] = 6,
    remove: Annotated[Optional[list[str]], typer.Option("--remove", metavar="PERSON", help="What if this person left? Their role stays as a vacancy to backfill (repeatable).", show_default=False)] = None,
    add: Annotated[Optional[list[str]], typer.Option("--add", metavar="ROLE", help="What if we hired someone at this role, at exactly its required levels? (repeatable)", show_default=False)] = None,
    move: Annotated[Optional[list[str]], typer.Option("--move", metavar="PERSON", help="What if this person moved to the manager given by the matching --to? Their old team keeps a vacancy (repeatable).", show_default=False)] = None,
    to: Annotated[Optional[list[str]], typer.Option("--to", metavar="PERSON", help="The new manager of each --move, in the same order.", show_default=False)] = None,
    no_backfill: Annotated[bool, typer.Option("--no-backfill", help="With --remove: the role leaves with the person (no vacancy).")] = False,
    format: FormatOption = "text",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write to this file (atomically) instead of standard output.", show_default=False)] = None,
) -> None:
    """Coverage, structural risks, what-if and growth for a manager's team, a family or the organisation."""
    from ..render import team as render

    day = as_of_date(as_of)
    if len(move or []) != len(to or []):
        raise fail(f"give one --to for each --move ({len(move or [])} --move, {len(to or [])} --to)", EXIT_USAGE)
    if subtree and manager is None:
        raise fail("--subtree needs --manager", EXIT_USAGE)

    def answer(skills_repo):
        from ..core.repo import find_person
        from ..reports.team import TeamQuery, TeamQueryError, WhatIf, check_query, team_report

        def person(label: str, option: str) -> str:
            try:
                return find_person(skills_repo.people, label)
            except LookupError as exc:
                raise fail(f"{option}: {exc}", EXIT_USAGE) from None

        what_ifs = [WhatIf("remove", person(p, "--remove")) for p in remove or []]
        what_ifs += [WhatIf("add", role) for role in add or []]
        what_ifs += [WhatIf("move", person(p, "--move"), person(m, "--to")) for p, m in zip(move or [], to or [])]
        query = TeamQuery(
            as_of=day, manager=person(manager, "--manager") if manager is not None else None, subtree=subtree,
            family=family, horizon_months=horizon, what_ifs=what_ifs, backfill=not no_backfill,
        )
        try:
            check_query(skills_repo, query)
            report = team_report(skills_repo, query)
        except TeamQueryError as exc:
            raise fail(str(exc), EXIT_USAGE) from None
        return report if format == "text" and output is None and sys.stdout.isatty() else render.FORMATS[format](report)

    key = ("team", manager, subtree, family, horizon, tuple(remove or ()), tuple(add or ()), tuple(move or ()), tuple(to or ()),
           no_backfill, format, output is None and sys.stdout.isatty())
    shown = open_report(repo, day, key, answer)
    if isinstance(shown, str):
        emit(shown, output)
    else:
        _print_rich(shown)


def _print_rich(report) -> None:
    from .common import out_console
    from ..render import team as render
    from ..render.table import to_rich

    console = out_console()
    say(render.heading(report))
    for table in render.to_tables(report):
        console.print()
        console.print(to_rich(table, console.width))
