"""The Typer app and what every command shares: options, opening a valid repo,
terminal-safe printing and atomic output files. Each command is a module of this package."""

from __future__ import annotations

import re
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Callable, Optional, TypeVar

import typer
from rich.console import Console

from ..core.atomic import NEW_FILE_MODE, replace_files
from ..core.problems import Problem
from ..core.safetext import show_controls
from .. import api
from ..core.walk import RepoNotFound, find_root

if TYPE_CHECKING:
    from ..validation.validate import Validation

app = typer.Typer(
    name="skillcycle",
    help="Keep an organisation's skill matrix as YAML in git and turn it into decisions.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _show_version(value: bool) -> None:
    if value:
        from .. import __version__

        say(f"skillcycle {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit.")] = False,
) -> None:
    """Keep an organisation's skill matrix as YAML in git and turn it into decisions."""


# The dates a command takes: reports look up to five years back and three ahead of as-of,
# and Python's dates end with the year 9999.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(9000, 12, 31)


def parse_day(value: str, option: str) -> date:
    """An option's date, or exit 2 naming the option."""
    try:
        day = date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        day = None
    if day is None:
        raise fail(f"{option} {value!r} is not a date YYYY-MM-DD")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise fail(f"{option} {value}: skillcycle works with dates from {FIRST_DAY} to {LAST_DAY}")
    return day


RepoOption = Annotated[
    Optional[Path],
    typer.Option("--repo", metavar="DIR", envvar="SKILLCYCLE_REPO", help="Skills repo root (default: search upward from the current folder for skillcycle.yaml).", show_default=False),
]
AsOfOption = Annotated[
    Optional[str],
    typer.Option("--as-of", metavar="DATE", help="Compute as of this date, YYYY-MM-DD (default: today). Nothing dated later is used.", show_default=False),
]


def format_option(choices: tuple[str, ...], what: str):
    """The `--format/-f` option of a command that writes `choices` (canonical names): its value
    comes canonical, and an unknown one is a usage error naming the choices."""

    def canonical(value: str | None) -> str | None:
        if value is None:
            return None
        from ..render import ALIASES, canonical_format

        name = canonical_format(value)
        if name not in choices:
            aliases = [f"{alias} for {name}" for alias, name in ALIASES.items() if name in choices]
            also = f" (or {', '.join(aliases)})" if aliases else ""
            raise typer.BadParameter(f"{value!r} is not a format of this command; use one of {', '.join(choices)}{also}")
        return name

    return Annotated[Optional[str], typer.Option("--format", "-f", callback=canonical, metavar="|".join(choices), help=what)]


def as_of_date(value: str | None, option: str = "--as-of") -> date:
    return date.today() if value is None else parse_day(value, option)


def out_console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def err_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def say(text: str, *, err: bool = False, style: str | None = None) -> None:
    """Print user data literally: no Rich markup, no terminal escapes."""
    console = err_console() if err else out_console()
    console.print(show_controls(text), markup=False, style=style)


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    say(f"skillcycle: {message}", err=True)
    return typer.Exit(code)


def locate_repo(repo: Path | None) -> Path:
    try:
        return find_root(repo)
    except RepoNotFound as exc:
        raise fail(str(exc), EXIT_USAGE) from None


class _LoadProgress:
    """A progress bar on stderr that appears only when loading takes over a second on a terminal."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.bar = None
        self.task = None
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.started < 1.0:
                return
            from rich.progress import Progress

            self.bar = Progress(console=err_console(), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("reading skills files", total=total)
        self.bar.update(self.task, completed=done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


NoCacheOption = Annotated[
    bool,
    typer.Option("--no-cache", help="Parse every file again; neither read nor write the parse cache in .skillcycle/ (also: SKILLCYCLE_NO_CACHE=1)."),
]


def run_validation(root: Path, as_of: date, no_cache: bool = False, need_repo: bool = True) -> "Validation":
    """api.validate with a progress bar when loading takes more than a moment."""
    progress = _LoadProgress()
    try:
        return api.validate(root, as_of, progress=progress, no_cache=no_cache, need_repo=need_repo)
    finally:
        progress.close()


def print_problems_text(problems: list[Problem]) -> None:
    from ..render.problems import format_text

    if problems:
        say(format_text(problems), err=True)


T = TypeVar("T")


def open_repo(repo: Path | None, as_of: date):
    """Validate first (SPEC §8): refuse to compute on an invalid repo, with the same messages."""
    root = locate_repo(repo)
    return _on_valid(lambda progress: api.open_repo(root, as_of, progress=progress))


def open_report(repo: Path | None, as_of: date, key: tuple, compute: Callable[[Any], T]) -> T:
    """open_repo, then compute(repo): a report of plain data (or what a command prints of
    it), remembered by the snapshot under `key` (api.remembered)."""
    root = locate_repo(repo)
    return _on_valid(lambda progress: api.remembered(root, as_of, key, compute, progress=progress))


def _on_valid(compute: Callable[[_LoadProgress], T]) -> T:
    """compute(progress), or the findings and exit 1 when the repo is invalid."""
    progress = _LoadProgress()
    try:
        return compute(progress)
    except api.InvalidRepo as exc:
        progress.close()  # before the findings, or the bar would be drawn over them
        print_problems_text(exc.problems)
        raise fail("the skills repo is invalid; fix the errors above (see `skillcycle validate`)", EXIT_INVALID) from None
    finally:
        progress.close()


def write_atomically(path: Path, content: str | bytes) -> None:
    """`write_files` of one file."""
    write_files({Path(path): content})


def write_files(files: dict[Path, str | bytes]) -> None:
    """Write every file or none: each to a temporary file beside it, then all renamed, so
    readers never see half a file and a failure leaves nothing written (atomic.replace_files).
    Files get the mode the umask gives new files, as any other tool's would.

    Text is written with control characters made visible: no output of the tool
    carries terminal escapes from the data into a terminal, editor or sheet.
    """
    data = {}
    for path, content in files.items():
        if path.is_dir():
            raise fail(f"{path} is a folder; name a file to write")
        data[path] = show_controls(content).encode("utf-8") if isinstance(content, str) else content
    try:
        replace_files(data, mode=NEW_FILE_MODE)
    except OSError as exc:
        raise fail(f"cannot write {exc.filename}: {exc.strerror}" + ("; nothing written" if len(files) > 1 else "")) from None


def emit(content: str, output: Path | None, *, force: bool = True) -> None:
    """Print to stdout (control characters made visible), or write atomically to `output`
    (refusing to overwrite unless force)."""
    if output is None:
        sys.stdout.write(show_controls(content if content.endswith("\n") else content + "\n"))
        return
    if output.exists() and not force and not output.is_dir():
        raise fail(f"{output} exists; use --force to overwrite it", EXIT_USAGE)
    write_atomically(output, content if content.endswith("\n") else content + "\n")
