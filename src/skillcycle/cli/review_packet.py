"""`skillcycle review-packet`: the document a manager and a report bring to a check-in (issue #4)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import (
    EXIT_USAGE,
    AsOfOption,
    RepoOption,
    app,
    as_of_date,
    emit,
    fail,
    locate_repo,
    open_repo,
    say,
    write_files,
    format_option,
)

SAFE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
INDEX_STEM = "index"


FormatOption = format_option(("markdown", "html"), "markdown (md) or html: one self-contained printable page.")


@app.command("review-packet")
def review_packet(
    person: Annotated[Optional[str], typer.Argument(metavar="PERSON", help="Person id, or full or last name (case and accents ignored).", show_default=False)] = None,
    manager: Annotated[Optional[str], typer.Option("--manager", metavar="PERSON", help="Write one packet per direct report of this manager, plus an index (needs --out-dir).", show_default=False)] = None,
    out_dir: Annotated[Optional[Path], typer.Option("--out-dir", metavar="DIR", help="Folder for --manager packets.", show_default=False)] = None,
    repo: RepoOption = None,
    as_of: AsOfOption = None,
    format: FormatOption = "markdown",
    output: Annotated[Optional[Path], typer.Option("--output", "-o", metavar="FILE", help="Write to this file instead of printing it.", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing output files.")] = False,
    templates: Annotated[Optional[Path], typer.Option("--templates", metavar="DIR", help="Folder of templates that override the shipped ones (before the repo's own templates/).", show_default=False)] = None,
    full: Annotated[bool, typer.Option("--full", help="HTML: every check-in whole and every level description, past two printed pages (Markdown always has them).")] = False,
) -> None:
    """Prepare the review packet of PERSON: gaps, learning goals, check-ins, ratings, flags and coaching questions."""
    from ..render.packet import TemplateProblem, template_dirs
    if (person is None) == (manager is None):
        raise fail("name one PERSON, or --manager ID with --out-dir")
    if manager is not None and (out_dir is None or output is not None):
        raise fail("--manager writes one file per report: give --out-dir DIR (and no -o)")
    if person is not None and out_dir is not None:
        raise fail("--out-dir goes with --manager; for one person use -o FILE")
    if templates is not None and not templates.is_dir():
        raise fail(f"--templates {templates}: not a folder")
    day = as_of_date(as_of)
    root = locate_repo(repo)
    skills = open_repo(root, day)
    dirs = template_dirs(root, templates)
    try:
        _packets(skills, person, manager, out_dir, day, format, dirs, output, force, full)
    except TemplateProblem as exc:
        raise fail(str(exc)) from None


def _packets(skills, person, manager, out_dir, day, fmt, dirs, output, force, full) -> None:
    from ..reports.packet import build_packet, people_read
    from ..render.packet import EXTENSIONS, render_index, render_packet

    if person is not None:
        person = _known(skills, person)
        skills = skills.narrowed(people_read(skills, [person]))
        content = render_packet(build_packet(skills, person, day), fmt, dirs, full)
        if output is None:
            emit(content, None)
            return
        _write({output: content}, force)
        say(f"wrote {output}", err=True)
        return

    manager = _known(skills, manager)
    reports = [pid for pid in skills.reports_of(manager) if skills.people[pid].active_on(day)]
    if not reports:
        say(f"{manager} has no direct reports active on {day.isoformat()}; nothing written", err=True)
        return
    files: dict[Path, str] = {}
    entries = []
    skills = skills.narrowed(people_read(skills, reports))
    for pid in reports:
        packet = build_packet(skills, pid, day)
        path = _inside(out_dir, pid, EXTENSIONS[fmt])
        files[path] = render_packet(packet, fmt, dirs, full)
        h = packet.header
        entries.append({"person": pid, "name": h.name, "role_title": h.role_title, "track": h.track,
                        "gaps": sum(1 for r in packet.proficiency if r.gap), "flags": len(packet.flags),
                        "file": path.name})
    boss = skills.people[manager]
    files[out_dir / f"{INDEX_STEM}.{EXTENSIONS[fmt]}"] = render_index({"person": manager, "name": boss.name}, entries, day, fmt, dirs)
    _write(files, force)
    say(f"wrote {len(reports)} packet{'s' * (len(reports) != 1)} and {INDEX_STEM}.{EXTENSIONS[fmt]} to {out_dir}", err=True)


def _known(skills, label: str) -> str:
    """The id of the person `label` names (an id, a full name or a last name), or exit 2."""
    from ..core.repo import find_person

    try:
        return find_person(skills.people, label)
    except LookupError as exc:
        raise fail(str(exc), EXIT_USAGE) from None


def _inside(folder: Path, person: str, extension: str) -> Path:
    """The packet file of `person` in `folder`, never anywhere else (ids are slugs, but check anyway)."""
    if not SAFE_NAME.match(person) or person == INDEX_STEM:
        raise fail(f"person id {person!r} cannot be used as a file name in {folder}", EXIT_USAGE)
    path = folder / f"{person}.{extension}"
    if path.resolve().parent != folder.resolve():
        raise fail(f"person id {person!r} would be written outside {folder}", EXIT_USAGE)
    return path


def _write(files: dict[Path, str], force: bool) -> None:
    """All or nothing: refuse, naming every file that exists, unless --force; then write each atomically."""
    folders = [str(path) for path in files if path.is_dir()]
    if folders:
        raise fail(f"{', '.join(folders)} is a folder, not a file", EXIT_USAGE)
    existing = [str(path) for path in files if path.exists()]
    if existing and not force:
        raise fail(f"refusing to overwrite {', '.join(existing)}; use --force", EXIT_USAGE)
    write_files({path: content if content.endswith("\n") else content + "\n" for path, content in files.items()})
