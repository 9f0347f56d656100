"""`skillcycle review-packet` on the command line: outputs, refusals, safety."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import skillcycle.cli  # noqa: F401  (registers the commands)
from skillcycle.cli.common import app

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
BASIC = str(FIXTURES / "packet-basic")
AS_OF = ["--as-of", "2026-09-15"]


def run(*args: str):
    return CliRunner().invoke(app, ["review-packet", *args])


def test_markdown_on_stdout_matches_golden() -> None:
    result = run("uma", "--repo", BASIC, *AS_OF)
    assert result.exit_code == 0, result.output
    assert result.stdout == (GOLDEN / "packet-uma.md").read_text(encoding="utf-8")


def test_html_to_file_then_refuse_then_force(tmp_path: Path) -> None:
    out = tmp_path / "rex.html"
    result = run("rex", "--repo", BASIC, *AS_OF, "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (GOLDEN / "packet-rex.html").read_text(encoding="utf-8")
    out.write_text("keep me", encoding="utf-8")
    result = run("rex", "--repo", BASIC, *AS_OF, "--format", "html", "-o", str(out))
    assert result.exit_code == 2
    assert str(out) in result.stderr and "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    result = run("rex", "--repo", BASIC, *AS_OF, "--format", "html", "-o", str(out), "--force")
    assert result.exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["rex.html"]  # no temporary file left behind


def test_unknown_person_did_you_mean() -> None:
    result = run("umma", "--repo", BASIC, *AS_OF)
    assert result.exit_code == 2
    assert "unknown person 'umma'" in result.stderr and "did you mean 'uma'?" in result.stderr


@pytest.mark.parametrize("hostile", ["../../etc/passwd", "/etc/passwd", "..", "uma/../../x"])
def test_path_like_ids_are_unknown_people(tmp_path: Path, hostile: str) -> None:
    out_dir = tmp_path / "out"
    for args in ([hostile], ["--manager", hostile, "--out-dir", str(out_dir)]):
        result = run(*args, "--repo", BASIC, *AS_OF)
        assert result.exit_code == 2, result.output
        assert "unknown person" in result.stderr
    assert not out_dir.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_manager_writes_one_packet_per_report_and_an_index(tmp_path: Path) -> None:
    out_dir = tmp_path / "packets"
    result = run("--manager", "mara", "--out-dir", str(out_dir), "--repo", BASIC, *AS_OF)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out_dir.iterdir()) == ["index.md", "otto.md", "rex.md", "uma.md"]
    assert (out_dir / "uma.md").read_text(encoding="utf-8") == (GOLDEN / "packet-uma.md").read_text(encoding="utf-8")
    index = (out_dir / "index.md").read_text(encoding="utf-8")
    assert "| Uma Adeyemi | Data Analyst | upskill | 1 | 4 | [uma.md](uma.md) |" in index
    # a second run refuses, names every existing file, and writes nothing
    (out_dir / "uma.md").write_text("edited", encoding="utf-8")
    result = run("--manager", "mara", "--out-dir", str(out_dir), "--repo", BASIC, *AS_OF)
    assert result.exit_code == 2
    for name in ("index.md", "otto.md", "rex.md", "uma.md"):
        assert name in result.stderr
    assert (out_dir / "uma.md").read_text(encoding="utf-8") == "edited"
    result = run("--manager", "mara", "--out-dir", str(out_dir), "--repo", BASIC, *AS_OF, "--force", "-f", "html")
    assert result.exit_code == 0
    assert (out_dir / "index.html").exists() and (out_dir / "uma.html").exists()


def test_manager_with_no_active_reports_writes_nothing(tmp_path: Path) -> None:
    out_dir = tmp_path / "packets"
    result = run("--manager", "uma", "--out-dir", str(out_dir), "--repo", BASIC, *AS_OF)
    assert result.exit_code == 0
    assert "no direct reports" in result.stderr
    assert not out_dir.exists()


@pytest.mark.parametrize("args", [
    [],
    ["uma", "--manager", "mara"],
    ["--manager", "mara"],
    ["--manager", "mara", "--out-dir", "x", "-o", "y"],
    ["uma", "--out-dir", "x"],
    ["uma", "--templates", "/nonexistent/folder"],
    ["uma", "--as-of", "2026-13-01"],
    ["uma", "--format", "pdf"],
])
def test_usage_errors(args: list[str]) -> None:
    result = run(*args, "--repo", BASIC)
    assert result.exit_code == 2, result.output


def test_invalid_repo_is_refused(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "packet-basic", repo)
    (repo / "people" / "uma.yaml").write_text("name: Uma\nrole: no-such-role\n", encoding="utf-8")
    result = run("uma", "--repo", str(repo), *AS_OF)
    assert result.exit_code == 1
    assert "no-such-role" in result.stderr


def test_repo_templates_folder_and_templates_option(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURES / "packet-basic", repo)
    (repo / "templates").mkdir()
    (repo / "templates" / "review-packet.md.j2").write_text("repo: {{ h.name }}\n", encoding="utf-8")
    result = run("uma", "--repo", str(repo), *AS_OF)
    assert result.stdout == "repo: Uma Adeyemi\n"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "review-packet.md.j2").write_text("mine: {{ h.track }}\n", encoding="utf-8")
    result = run("uma", "--repo", str(repo), *AS_OF, "--templates", str(mine))
    assert result.stdout == "mine: upskill\n"


def test_output_is_byte_identical_across_runs(tmp_path: Path) -> None:
    first = run("uma", "--repo", BASIC, *AS_OF, "-f", "html").stdout
    assert first == run("uma", "--repo", BASIC, *AS_OF, "-f", "html").stdout


def test_people_are_found_by_name_surname_accents_and_ambiguity(tmp_path) -> None:
    """An id wins; else a unique full name or last name, case and accents ignored; two people
    with one last name are listed, not guessed."""
    repo = tmp_path / "tiny"
    shutil.copytree(Path(__file__).parent / "fixtures" / "tiny", repo, ignore=shutil.ignore_patterns(".skillcycle"))
    (repo / "people" / "lin.yaml").write_text((repo / "people" / "lin.yaml").read_text().replace("name: ", "name: Lin Müller # ", 1))
    (repo / "people" / "grace.yaml").write_text((repo / "people" / "grace.yaml").read_text().replace("name: ", "name: Grace Muller # ", 1))

    def packet(label: str):
        return CliRunner().invoke(app, ["review-packet", label, "--repo", str(repo), "--as-of", "2026-08-01"], env={"GITHUB_ACTIONS": ""})

    assert packet("ada").stdout == packet("Ada Lovelace").stdout == packet("  ada   LOVELACE ").stdout == packet("lovelace").stdout
    assert packet("lin mueller").exit_code == 2  # a spelling, not the name
    assert packet("lin muller").stdout.startswith("# Review packet: Lin Müller")  # accents ignored
    ambiguous = packet("Müller")
    assert ambiguous.exit_code == 2
    assert ambiguous.stderr.strip() == "skillcycle: 'Müller' names 2 people: grace (Grace Muller), lin (Lin Müller); give the id"
