"""`--help` of every command reads cleanly at 80 columns: no Python type names where a value
goes (`<bool>`, `<list[str]>`, `<int range>`), the shared options' values named (DIR, DATE),
and nothing wider than the terminal."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

import skillcycle.cli  # noqa: F401  (registers the commands)
from skillcycle.cli.common import app

COMMANDS = [["validate"], ["gap"], ["review-packet"], ["metrics"], ["team"], ["candidates"], ["paths"], ["calibration"],
            ["learning"], ["diff"], ["init"], ["schema"], ["export"], ["watch"], ["import", "ratings"], ["import", "roles"],
            ["import", "xapi"]]


def help_of(command: list[str]) -> str:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "80", "TERM": "dumb"}, terminal_width=80)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_command_is_listed() -> None:
    listed = help_of([])
    assert {command[0] for command in COMMANDS} <= set(re.findall(r"│ (\S+) ", listed))


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_names_values_not_python_types(command: list[str]) -> None:
    text = help_of(command)
    assert not re.search(r"<(bool|list\[[^]]*\]|int range|float range)>", text), text
    assert all(len(line) <= 80 for line in text.splitlines()), max(text.splitlines(), key=len)
    assert "--repo" not in text or re.search(r"--repo\s+DIR\b", text)
    assert "--as-of" not in text or re.search(r"--as-of\s+DATE\b", text)
