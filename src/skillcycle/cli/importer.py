"""`skillcycle import ratings|roles|xapi`: spreadsheets and LMS records into new repo files.

Each command reads its input, plans the files (importing.py), and writes them
only when the input has no problems AND the repo still validates with the new
files (checked through the normal loader before anything touches the disk).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from .common import (
    EXIT_INVALID,
    EXIT_USAGE,
    RepoOption,
    app,
    as_of_date,
    emit,
    fail,
    locate_repo,
    open_repo,
    print_problems_text,
    say,
    write_files,
)
from ..core.extras import MissingExtra
from ..core.walk import discover, kind_of
from ..core.problems import Severity
from .. import api

if TYPE_CHECKING:
    from ..reports import importing

# importing.py (the planners) is imported by the commands that run it: the CLI starts without it.
import_app = typer.Typer(
    name="import",
    help="Bring spreadsheets and LMS records into the repo: ratings, roles, xapi.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Show what would be written; write nothing.")]
LevelsOption = Annotated[
    Optional[str],
    typer.Option("--levels", metavar="MAP", help='Map the sheet\'s scale onto skillcycle levels, e.g. "Awareness=foundational,Expert=expert,NC=" (empty: not rated / not required).', show_default=False),
]
SheetOption = Annotated[Optional[str], typer.Option("--sheet", metavar="SHEET", help="XLSX: the sheet to read (default: the first).", show_default=False)]


def _read(file: Path, sheet: str | None) -> importing.Sheet:
    from ..reports import importing

    try:
        return importing.read_sheet(file, sheet)
    except (importing.SheetError, MissingExtra) as exc:
        raise fail(str(exc), EXIT_USAGE) from None


def _scale(levels: str | None) -> importing.Scale:
    from ..reports import importing

    try:
        return importing.parse_scale(levels)
    except ValueError as exc:
        raise fail(str(exc), EXIT_USAGE) from None


def _target(root: Path, out: Path | None, default: str, kind: str) -> str:
    """The repo-relative path to write: --out (inside the repo's `kind` folder) or the default."""
    if out is None:
        return default
    try:
        rel = out.resolve().relative_to(root).as_posix()
    except ValueError:
        raise fail(f"--out {out} is outside the skills repo {root}", EXIT_USAGE) from None
    if kind_of(rel) != kind:
        raise fail(f"--out {out} must be a .yaml file under {kind}/", EXIT_USAGE)
    return rel


def _finish(root: Path, plan: importing.Plan, source: str, dry_run: bool) -> None:
    """Report issues, or check the planned files against the whole repo, then show or write them."""
    if plan.issues:
        for issue in plan.issues:
            say(issue.show(source), err=True)
        count = len(plan.issues)
        raise fail(f"nothing written: {count} problem{'s' * (count != 1)} in {source}", EXIT_INVALID)
    clash = [rel for rel in plan.files if rel not in plan.replaces and (root / rel).exists()]
    if clash:
        raise fail(f"nothing written: {', '.join(clash)} already exists; imports never overwrite a file (use --out)", EXIT_USAGE)
    today = date.today()
    validation = api.validate(root, today, today=today, overlay={rel: text.encode("utf-8") for rel, text in plan.files.items()})
    if not validation.ok:
        print_problems_text([p for p in validation.problems if p.severity is Severity.ERROR])
        raise fail("nothing written: the repo would not validate with the imported file(s)", EXIT_INVALID)
    warnings = [p for p in validation.problems if p.file in plan.files and p.severity is Severity.WARNING]
    print_problems_text(warnings)
    if dry_run:
        for rel, text in plan.files.items():
            say(f"--- {rel} (would {'update' if rel in plan.replaces else 'create'})")
            emit(text, None)
    else:  # all or none: roles that need a new skill would break the repo without competencies.yaml
        write_files({root / rel: text for rel, text in plan.files.items()})
    for note in plan.notes:
        say(note)
    verb = "would write" if dry_run else "wrote"
    say(f"{verb} {len(plan.files)} file{'s' * (len(plan.files) != 1)}: {', '.join(plan.files)}")


@import_app.command("ratings")
def import_ratings(
    file: Annotated[Path, typer.Argument(help="Calibration sheet: .csv or .xlsx, long (person, skill, level) or wide (person x skills).", show_default=False)],
    date_: Annotated[str, typer.Option("--date", metavar="DATE", help="Date of the ratings, YYYY-MM-DD (a `date` column overrides it per row).", show_default=False)],
    source: Annotated[str, typer.Option("--source", metavar="SOURCE", help="calibration, manager, peer or self (a `source` column overrides it per row).", show_default=False)],
    assessor: Annotated[Optional[str], typer.Option("--assessor", metavar="PERSON", help="Assessor (person id or name) for every rating.", show_default=False)] = None,
    levels: LevelsOption = None,
    sheet: SheetOption = None,
    dry_run: DryRunOption = False,
    out: Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="File to create under assessments/ (default: assessments/DATE-SOURCE.yaml).", show_default=False)] = None,
    repo: RepoOption = None,
) -> None:
    """Write one new assessments/ batch from a calibration sheet."""
    from ..reports import importing

    day = as_of_date(date_, "--date")  # required: never today by default
    scale = _scale(levels)
    grid = _read(file, sheet)
    root = locate_repo(repo)
    valid = open_repo(root, date.today())
    rel = _target(root, out, f"assessments/{day.isoformat()}-{importing.slugify(source) or 'ratings'}.yaml", "assessments")
    plan = importing.plan_ratings(valid, grid, day=day, source=source, rel=rel, assessor=assessor, scale=scale, origin=file.name)
    _finish(root, plan, file.name, dry_run)


@import_app.command("roles")
def import_roles(
    file: Annotated[Path, typer.Argument(help="Requirements matrix: .csv or .xlsx, rows = skills and one column per role (or --transpose), or long (role, skill, level).", show_default=False)],
    levels: LevelsOption = None,
    family: Annotated[Optional[str], typer.Option("--family", metavar="FAMILY", help="Role family of new roles without a 'family' row.", show_default=False)] = None,
    update: Annotated[bool, typer.Option("--update", help="Allow changing roles that already exist: only the cells the sheet fills change.")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="With --update, also remove a role's requirements that the sheet leaves empty (or, in the long layout, does not list).")] = False,
    transpose: Annotated[bool, typer.Option("--transpose", help="Rows are roles and columns are skills.")] = False,
    category: Annotated[str, typer.Option("--category", help="Category of new skills without a 'category' column.")] = "technical",
    sheet: SheetOption = None,
    dry_run: DryRunOption = False,
    repo: RepoOption = None,
) -> None:
    """Create roles/ files (and add missing skills to competencies.yaml) from a role x skill matrix."""
    from ..reports import importing

    if prune and not update:
        raise fail("--prune removes requirements of existing roles: it goes with --update")
    scale = _scale(levels)
    grid = _read(file, sheet)
    root = locate_repo(repo)
    valid = open_repo(root, date.today())
    entries = discover(root).entries
    role_files = {rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]: rel for rel, kind in entries if kind == "roles"}
    competencies = next((rel for rel, kind in entries if kind == "competencies"), "competencies.yaml")
    text = (root / competencies).read_text(encoding="utf-8-sig")
    plan = importing.plan_roles(
        valid, grid, text, scale=scale, family=family, update=update, transpose=transpose, category=category,
        role_files=role_files, origin=file.name, prune=prune,
    )
    if "competencies.yaml" in plan.files and competencies != "competencies.yaml":
        plan.files[competencies] = plan.files.pop("competencies.yaml")
        plan.replaces.add(competencies)
    _finish(root, plan, file.name, dry_run)


@import_app.command("xapi")
def import_xapi(
    file: Annotated[Path, typer.Argument(help="xAPI statements as an LRS exports them: a JSON array.", show_default=False)],
    resources: Annotated[Path, typer.Option("--resources", metavar="FILE", help="YAML mapping of activity IRI -> learning resource id.", show_default=False)],
    source: Annotated[str, typer.Option("--source", metavar="SOURCE", help="The `source` of the new completions batch.")] = "xapi",
    dry_run: DryRunOption = False,
    out: Annotated[Optional[Path], typer.Option("--out", metavar="FILE", help="File to create under completions/ (default: completions/SOURCE-LASTDATE.yaml).", show_default=False)] = None,
    repo: RepoOption = None,
) -> None:
    """Write a new completions/ batch from xAPI statements (completed/passed verbs only)."""
    from ..reports import importing

    try:
        statements, more = importing.read_statements(file)
    except importing.SheetError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    root = locate_repo(repo)
    valid = open_repo(root, date.today())
    try:
        activities, issues = importing.read_resource_map(resources, valid)
    except importing.SheetError as exc:
        raise fail(str(exc), EXIT_USAGE) from None
    result = importing.convert_xapi(valid, statements, activities)
    plan = importing.Plan(issues=issues)
    skipped = sum(len(labels) for labels in result.skipped.values())
    say(f"{len(statements)} statement{'s' * (len(statements) != 1)}: {len(result.records)} completion record"
        f"{'s' * (len(result.records) != 1)}, {skipped} skipped")
    for line in importing.skipped_lines(result):
        say(line)
    if more is not None:
        say(f"{file.name} is one page of a longer export (more: {more}): the statements of the later pages are not in it; "
            "import each page", err=True)
    if not result.records and not issues:
        if len(result.skipped) == 1 and statements:  # one cause for all: the file or the repo is not what the import expects
            (reason,) = result.skipped
            raise fail(f"nothing written: every statement was skipped: {importing.SKIP_REASONS[reason]} [{reason}]", EXIT_USAGE)
        say("nothing to write")
        return
    last = max((r["date"] for r in result.records), default=date.today())
    rel = _target(root, out, f"completions/{importing.slugify(source) or 'xapi'}-{last.isoformat()}.yaml", "completions")
    if not issues:
        plan.files[rel] = importing.completions_yaml(result, source, file.name)
    _finish(root, plan, resources.name, dry_run)
