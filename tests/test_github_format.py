"""`validate --format github`: workflow-command annotations, escaped per the runner's rules,
with the plain `path:line:col` lines and the count beside them (GitHub shows only a few
annotations per step), and no way for repo data to inject a workflow command."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillcycle.cli import app
from skillcycle.core.problems import Problem
from skillcycle.render.problems import format_github

FIXTURES = Path(__file__).resolve().parent / "fixtures"
runner = CliRunner()
ANNOTATION = re.compile(r"::(error|warning) file=([^,:]*),line=(\d+),col=(\d+),title=([^,:]*)::(.*)")


def _unescape(text: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[m.group(1)], text)


def test_data_escapes_percent_cr_lf():
    problem = Problem("people/ada.yaml", 3, 7, "S003", "100% sure\r\nnext line; literal %0A stays")
    (line,) = format_github([problem]).splitlines()
    assert line.endswith("::100%25 sure%0D%0Anext line; literal %250A stays")
    assert _unescape(ANNOTATION.fullmatch(line).group(6)) == problem.message


def test_properties_also_escape_colon_and_comma():
    problem = Problem("people/a:b,c%d\ne.yaml", 1, 2, "R003", "unknown person 'x'")
    (line,) = format_github([problem]).splitlines()
    match = ANNOTATION.fullmatch(line)
    assert match, line
    assert match.group(2) == "people/a%3Ab%2Cc%25d%0Ae.yaml"
    assert _unescape(match.group(2)) == problem.file
    assert match.group(5) == "R003 unknown-person"
    assert (match.group(3), match.group(4)) == ("1", "2")


def test_prefix_is_escaped_too():
    (line,) = format_github([Problem("skillcycle.yaml", 1, 1, "S002", "m")], prefix="hr:skills/").splitlines()
    assert "file=hr%3Askills/skillcycle.yaml," in line


def test_one_line_per_problem_whatever_the_data():
    problems = [Problem(f"f{i}.yaml", i + 1, 1, "S001", "a\nb\rc\r\n::error::x") for i in range(3)]
    assert len(format_github(problems).splitlines()) == 3


def _github(repo: Path, *args: str):
    return runner.invoke(app, ["validate", "--repo", str(repo), "--as-of", "2026-08-01", *args], env={"GITHUB_ACTIONS": "true"})


def test_under_actions_annotations_plain_lines_and_count(tmp_path):
    repo = tmp_path / "types"
    shutil.copytree(FIXTURES / "broken-types", repo)
    result = _github(repo)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    annotations = [line for line in lines if ANNOTATION.fullmatch(line)]
    assert len(annotations) == 4
    assert "::error file=people/lin.yaml,line=3,col=1,title=S001 unknown-key::unknown key 'manger' — did you mean 'manager'?" in annotations
    assert "people/lin.yaml:3:1: error [S001] unknown key 'manger' — did you mean 'manager'?" in lines
    assert sum(bool(re.match(r"[a-z0-9/._-]+\.yaml:\d+:\d+: (error|warning) \[", line)) for line in lines) == 4
    assert lines[-1] == "types: invalid — 14 files (4 errors, 0 warnings)"


def test_explicit_format_wins_over_the_environment(tiny):
    result = _github(tiny, "--format", "text")
    assert not any(line.startswith("::") for line in result.stdout.splitlines())


def test_valid_repo_under_actions_prints_the_count(tiny):
    result = _github(tiny)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].startswith("tiny: valid — 14 files")


def test_repo_data_cannot_inject_workflow_commands(tmp_path):
    """A file name or value with a newline must not start a line with `::` in the plain part."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "tiny", repo)
    try:
        (repo / "people" / "x\n::error file=pwned::injected.yaml").write_text("name: X\nrole: \"analyst\\n::warning::pwned\"\n")
    except OSError:  # pragma: no cover - a filesystem without newlines in names
        pytest.skip("this filesystem does not allow newlines in file names")
    result = _github(repo)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    inside = False
    for line in lines:
        if line.startswith("::stop-commands::"):
            inside, token = True, line.split("::")[2]
            continue
        if inside and line == f"::{token}::":
            inside = False
            continue
        if not inside:
            assert not line.startswith("::") or ANNOTATION.fullmatch(line), f"unescaped command line: {line!r}"
    assert not inside, "commands were never resumed"
    assert "pwned" in result.stdout
