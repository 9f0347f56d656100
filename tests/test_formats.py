"""One vocabulary of --format names for every command: text, json, csv, markdown, html
(and github, parquet, xlsx where they apply); `md` and `table` are accepted as the names
they stand for; an unknown name is a usage error that lists the command's choices."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import skillcycle.cli  # noqa: F401  (registers the commands)
from skillcycle.cli.common import app
from skillcycle.render import canonical_format

from conftest import EXAMPLE

runner = CliRunner()
AS_OF = "2026-11-20"


def run(*args: str):
    return runner.invoke(app, [*args, "--repo", str(EXAMPLE), "--as-of", AS_OF], env={"GITHUB_ACTIONS": "", "COLUMNS": "200"})


@pytest.mark.parametrize("command, alias, name", [
    (["gap"], "md", "markdown"), (["gap"], "table", "text"), (["metrics"], "md", "markdown"), (["metrics"], "table", "text"),
    (["review-packet", "ada"], "md", "markdown"),
])
def test_an_alias_gives_exactly_the_output_of_its_name(command: list[str], alias: str, name: str) -> None:
    by_alias, by_name = run(*command, "--format", alias), run(*command, "--format", name.upper())
    assert by_alias.exit_code == 0, by_alias.output
    assert by_alias.stdout == by_name.stdout


@pytest.mark.parametrize("command, choices", [
    (["validate"], "text, github, json"),
    (["gap"], "text, json, csv, markdown, html"),
    (["metrics"], "text, json, csv, markdown, html"),
    (["review-packet", "ada"], "markdown, html"),
    (["export", "--out", "/nonexistent-skillcycle-out"], "csv, parquet, xlsx"),
])
def test_an_unknown_format_names_the_choices(command: list[str], choices: str) -> None:
    result = run(*command, "--format", "yaml")
    assert result.exit_code == 2
    said = " ".join(result.stderr.replace("│", " ").split())
    assert f"'yaml' is not a format of this command; use one of {choices}" in said


def test_every_command_lists_its_formats_in_help() -> None:
    for command, choices in (("gap", "text|json|csv|markdown|html"), ("metrics", "text|json|csv|markdown|html"),
                             ("review-packet", "markdown|html"), ("validate", "text|github|json")):
        shown = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"}).stdout
        assert choices in shown, command


def test_canonical_names() -> None:
    assert [canonical_format(n) for n in ("md", "MD", " table ", "markdown", "json")] == ["markdown", "markdown", "text", "markdown", "json"]


def test_no_output_cites_the_spec() -> None:
    """Users never have SPEC.md: every definition they meet is in the project's own docs."""
    for args in (["metrics", "--format", "html"], ["gap", "--format", "html"], ["review-packet", "ada", "--format", "html"]):
        result = run(*args)
        assert result.exit_code == 0 and "SPEC" not in result.stdout, args


@pytest.mark.parametrize("command, renderer, formats", [
    ("gap", "gap", "FORMATS"), ("metrics", "metrics", "FORMATS"), ("team", "team", "FORMATS"), ("diff", "diff", "FORMATS"),
    ("export", "export", "FORMATS"),
    ("mobility", "mobility", "CANDIDATE_FORMATS"), ("mobility", "mobility", "PATH_FORMATS"),
])
def test_a_commands_format_choices_are_its_renderers(command: str, renderer: str, formats: str) -> None:
    """A command names its --format choices itself (so that a warm run need not import its
    renderer); they are exactly the formats the renderer registers, in its order."""
    import importlib

    option = importlib.import_module(f"skillcycle.cli.{command}").FormatOption
    registered = getattr(importlib.import_module(f"skillcycle.render.{renderer}"), formats)
    assert sorted(option.__metadata__[0].metavar.split("|")) == sorted(registered)
