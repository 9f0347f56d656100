"""`skillcycle validate` as a user runs it: output formats and exit codes of SPEC §8."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import skillcycle.cli  # noqa: F401  (registers the commands)
from skillcycle.cli.common import app

runner = CliRunner()


def run(*args: str, env: dict | None = None):
    return runner.invoke(app, list(args), env={"GITHUB_ACTIONS": "", **(env or {})})


def test_valid_repo_summary_and_exit_0(tiny: Path) -> None:
    result = run("validate", "--repo", str(tiny), "--as-of", "2026-08-01")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "tiny: valid — 14 files, 3 people, 3 skills, 2 roles (0 errors, 1 warning)"
    assert "people/lin.yaml:2:7: warning [C007]" in result.stdout


def test_strict_fails_on_warnings(tiny: Path) -> None:
    assert run("validate", "--repo", str(tiny), "--as-of", "2026-08-01", "--strict").exit_code == 1


def test_invalid_repo_text_is_grouped_by_file(tiny: Path) -> None:
    (tiny / "people" / "ada.yaml").write_text("name: Ada\nrole: analyts\nmanager: grace\nmanager: grace\n")
    (tiny / "roles" / "lead.yaml").write_text("title: Lead\nfamily: analytics\nrequires: {sql: 3.5}\n")
    result = run("validate", "--repo", str(tiny), "--as-of", "2026-08-01")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "people/ada.yaml:4:1: error [Y003] duplicate key 'manager' (first at line 3); remove one"
    assert lines[1] == ""
    assert lines[2].startswith("roles/lead.yaml:3:17: error [S004] sql: unknown level 3.5; use none, foundational")
    assert lines[-1].startswith("tiny: invalid — 14 files (2 errors")


def test_json_format(tiny: Path) -> None:
    (tiny / "people" / "ada.yaml").write_text("name: Ada\nrole: analyts\nmanager: grace\n")
    result = run("validate", "--repo", str(tiny), "--as-of", "2026-08-01", "--format", "json")
    payload = json.loads(result.stdout)
    assert result.exit_code == 1
    assert payload["valid"] is False and payload["errors"] == 1
    assert payload["problems"] == [{
        "file": "people/ada.yaml", "line": 2, "col": 7, "severity": "error", "code": "R002",
        "name": "unknown-role", "message": "unknown role 'analyts' — did you mean 'analyst'?",
    }]


def test_github_format_is_automatic_under_actions(tiny: Path) -> None:
    (tiny / "people" / "ada.yaml").write_text("name: Ada\nrole: analyts\nmanager: grace\n")
    result = run("validate", "--repo", str(tiny), "--as-of", "2026-08-01", env={"GITHUB_ACTIONS": "true"})
    lines = result.stdout.splitlines()
    assert lines[0] == "::error file=people/ada.yaml,line=2,col=7,title=R002 unknown-role::unknown role 'analyts' — did you mean 'analyst'?"
    assert "people/ada.yaml:2:7: error [R002] unknown role 'analyts' — did you mean 'analyst'?" in lines
    assert lines[-1].startswith("tiny: invalid")


def test_env_var_names_the_repo(tiny: Path) -> None:
    assert run("validate", "--as-of", "2026-08-01", env={"SKILLCYCLE_REPO": str(tiny)}).exit_code == 0


def test_no_repo_is_exit_2_with_one_line(tmp_path: Path) -> None:
    result = run("validate", "--repo", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.strip() == f"skillcycle: no skills repo: {tmp_path} has no skillcycle.yaml"


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "2026-1-1"])
def test_bad_as_of_is_a_usage_error(tiny: Path, bad: str) -> None:
    result = run("validate", "--repo", str(tiny), "--as-of", bad)
    assert result.exit_code == 2 and "is not a date YYYY-MM-DD" in result.output


def test_internal_error_is_one_line_and_exit_3(tiny: Path) -> None:
    # A real process, so that main()'s guard is what handles the error.
    code = (
        "import sys, skillcycle.cli.validate as v\n"
        "def boom(*a, **k): raise RuntimeError('kaboom')\n"
        "v.run_validation = boom\n"
        "sys.argv = ['skillcycle', 'validate', '--repo', sys.argv[1]]\n"
        "from skillcycle.cli import main; main()\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(tiny)], capture_output=True, text=True)
    assert proc.returncode == 3
    assert proc.stderr.strip().splitlines() == [
        "skillcycle: internal error (RuntimeError: kaboom); please report it with the command you ran"
    ]
