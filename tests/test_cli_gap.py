"""`skillcycle gap` as a user runs it, on tests/fixtures/gap-basic (numbers derived in tests/test_gap.py).

Golden files live in tests/golden/gap-*. After an intended change to the output,
regenerate them and review the diff:

    UPDATE_GOLDEN=1 pytest tests/test_cli_gap.py
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import skillcycle.cli  # noqa: F401  (registers the commands)
from skillcycle.cli.common import app

FIXTURE = Path(__file__).parent / "fixtures" / "gap-basic"
GOLDEN = Path(__file__).parent / "golden"
runner = CliRunner()


def run(*args: str, repo: Path = FIXTURE, as_of: str = "2026-09-30"):
    return runner.invoke(app, ["gap", "--repo", str(repo), "--as-of", as_of, *args], env={"GITHUB_ACTIONS": ""})


def gap(*args: str, **kwargs) -> str:
    result = run(*args, **kwargs)
    assert result.exit_code == 0, result.output
    return result.stdout


def gap_json(*args: str, **kwargs) -> dict:
    return json.loads(gap("--format", "json", *args, **kwargs))


# --- golden files ---------------------------------------------------------------------

@pytest.mark.parametrize("name, args", [
    ("gap-basic.txt", []),
    ("gap-basic.md", ["--format", "markdown"]),
    ("gap-basic-manager-h12.txt", ["--by", "manager", "--subtree", "--horizon", "12"]),
    ("gap-basic-person.md", ["--by", "person", "--format", "markdown"]),
])
def test_golden(name: str, args: list[str]) -> None:
    # Every number in these files was checked by hand against the derivations in tests/test_gap.py
    # (gap-basic-manager-h12: cora's sub-tree on 2027-09-30 is dana, ada, bo, gus, eve, fay).
    out = gap(*args)
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")


def test_plain_text_when_piped() -> None:
    out = gap()
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert lines[0] == "Skill gaps by role family × skill · as of 2026-09-30"
    assert lines[3].split() == ["analytics", "sql", "3", "2", "0", "2", "0", "0.67", "high", "6"]
    # the one-line summary: ada, bo, dana, fay have gaps; bo/excel and fay/python are unassessed
    assert lines[-1] == "4 of 7 people have a gap: 2 upskill (50%), 2 reskill (50%); 2 people unassessed in 2 required skills."


# --- JSON, field by field against SPEC §6 ----------------------------------------------------

def test_json_shape_and_values() -> None:
    data = gap_json()
    assert list(data) == ["as_of", "horizon_months", "by", "rows", "people"]
    assert (data["as_of"], data["horizon_months"], data["by"]) == ("2026-09-30", 0, "family")
    first = data["rows"][0]
    assert list(first) == ["family", "skill", "required", "below", "unassessed", "upskill", "reskill", "mean_gap",
                           "urgency", "priority"]
    assert first == {"family": "analytics", "skill": "sql", "required": 3, "below": 2, "unassessed": 0,
                     "upskill": 2, "reskill": 0, "mean_gap": 0.67, "urgency": "high", "priority": 6}
    assert [(r["family"], r["skill"], r["priority"]) for r in data["rows"]] == [
        ("analytics", "sql", 6), ("analytics", "python", 2), ("engineering", "python", 2),
        ("analytics", "coaching", 1), ("analytics", "excel", 1), ("engineering", "coaching", 0),
        ("engineering", "sql", 0)]
    assert all(isinstance(r["mean_gap"], float) and isinstance(r["priority"], int) for r in data["rows"])

    # only people with a gap, sorted by id; gaps by skill id
    assert [p["person"] for p in data["people"]] == ["ada", "bo", "dana", "fay"]
    ada, bo, dana, fay = data["people"]
    assert list(ada) == ["person", "role", "family", "track", "gaps"]
    assert list(ada["gaps"][0]) == ["skill", "required", "current", "gap", "track", "self"]
    assert ada == {"person": "ada", "role": "analyst", "family": "analytics", "track": "upskill", "gaps": [
        {"skill": "sql", "required": "proficient", "current": "foundational", "gap": 1, "track": "upskill",
         "self": "proficient"}]}  # calibration beat manager; self shown beside
    assert bo == {"person": "bo", "role": "analyst", "family": "analytics", "track": "reskill", "gaps": [
        {"skill": "excel", "required": "foundational", "current": None, "gap": 1, "track": "reskill", "self": None},
        {"skill": "python", "required": "foundational", "current": "none", "gap": 1, "track": "reskill", "self": None},
        {"skill": "sql", "required": "proficient", "current": "foundational", "gap": 1, "track": "upskill",
         "self": None}]}
    assert dana["gaps"] == [{"skill": "coaching", "required": "proficient", "current": "foundational", "gap": 1,
                             "track": "upskill", "self": None}]
    assert fay == {"person": "fay", "role": "engineer", "family": "engineering", "track": "reskill", "gaps": [
        {"skill": "python", "required": "proficient", "current": None, "gap": 2, "track": "reskill",
         "self": "expert"}]}  # self-only: unassessed, self shown


def test_json_horizon() -> None:
    data = gap_json("--horizon", "12")
    assert (data["as_of"], data["horizon_months"]) == ("2026-09-30", 12)
    assert [(r["skill"], r["below"], r["mean_gap"], r["priority"]) for r in data["rows"][:2]] == [
        ("ai-tooling", 3, 2.0, 9), ("sql", 3, 1.0, 9)]
    people = {p["person"]: p for p in data["people"]}
    assert sorted(people) == ["ada", "bo", "dana", "fay", "gus"]  # gus has started by D; hal has left
    # ada's expert of 2026-10-15 is after as-of: still foundational
    assert {g["skill"]: g["current"] for g in people["ada"]["gaps"]} == {"ai-tooling": None, "sql": "foundational"}
    assert "excel" not in {g["skill"] for p in people.values() for g in p["gaps"]}


def test_json_by_manager_and_person_rows() -> None:
    data = gap_json("--by", "manager")
    assert data["by"] == "manager"
    assert list(data["rows"][0]) == ["manager", "skill", "required", "below", "unassessed", "upskill", "reskill",
                                     "mean_gap", "urgency", "priority"]
    # direct reports (tests/test_gap.py derives each row); with --subtree everyone under the manager
    assert [(r["manager"], r["skill"], r["required"]) for r in data["rows"][:3]] == [
        ("dana", "sql", 2), ("dana", "python", 2), ("eve", "python", 2)]
    whole = gap_json("--by", "manager", "--subtree")
    assert [(r["manager"], r["skill"], r["required"]) for r in whole["rows"][:3]] == [
        ("cora", "sql", 6), ("dana", "sql", 2), ("cora", "python", 5)]
    refused = run("--subtree")
    assert (refused.exit_code, refused.stderr.strip()) == (2, "skillcycle: --subtree goes with --by manager")
    person_rows = gap_json("--by", "person")["rows"]
    assert person_rows[0] == {"person": "bo", "role": "analyst", "family": "analytics", "required": 3, "below": 3,
                              "unassessed": 1, "upskill": 1, "reskill": 2, "mean_gap": 1.0, "track": "reskill",
                              "priority": 6}


# --- filters -----------------------------------------------------------------------------

def test_top_track_family_manager() -> None:
    top = gap_json("--top", "2")
    assert [(r["family"], r["skill"]) for r in top["rows"]] == [("analytics", "sql"), ("analytics", "python")]
    assert [(p["person"], [g["skill"] for g in p["gaps"]]) for p in top["people"]] == [
        ("ada", ["sql"]), ("bo", ["python", "sql"])]
    assert "top 2 of 7 rows" in gap("--top", "2").splitlines()[0]

    assert [p["person"] for p in gap_json("--track", "reskill")["people"]] == ["bo", "fay"]
    assert [p["person"] for p in gap_json("--track", "upskill")["people"]] == ["ada", "dana"]
    assert {r["family"] for r in gap_json("--family", "engineering")["rows"]} == {"engineering"}
    assert [p["person"] for p in gap_json("--manager", "dana")["people"]] == ["ada", "bo"]
    assert [p["person"] for p in gap_json("--manager", "eve")["people"]] == ["fay"]
    assert [p["person"] for p in gap_json("--manager", "cora", "--family", "analytics")["people"]] == [
        "ada", "bo", "dana"]


@pytest.mark.parametrize("args, message", [
    (["--family", "analytcs"], "unknown role family 'analytcs' — did you mean 'analytics'?"),
    (["--manager", "dnaa"], "unknown person 'dnaa' — did you mean 'dana'?"),
    (["--manager", "ada"], "'ada' has no reports"),
])
def test_unknown_ids_are_usage_errors(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("args", [["--horizon", "6"], ["--by", "team"], ["--top", "0"], ["--track", "both"],
                                  ["--format", "pdf"]])
def test_bad_option_values_exit_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_invalid_repo_exits_1(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    (root / "people" / "ada.yaml").write_text("name: Ada\nrole: analyst-9\nmanager: dana\n")
    result = run(repo=root)
    assert result.exit_code == 1
    assert "people/ada.yaml" in result.stderr


# --- CSV ------------------------------------------------------------------------------------

def test_csv_one_row_per_gap() -> None:
    rows = list(csv.DictReader(io.StringIO(gap("--format", "csv"))))
    assert [(r["person"], r["skill"]) for r in rows] == [
        ("ada", "sql"), ("bo", "excel"), ("bo", "python"), ("bo", "sql"), ("dana", "coaching"), ("fay", "python")]
    assert rows[-1] == {"person": "fay", "name": "Fay Wray", "role": "engineer", "family": "engineering",
                        "manager": "eve", "skill": "python", "urgency": "medium", "required": "proficient",
                        "current": "", "self": "expert", "gap": "2", "track": "reskill", "person_track": "reskill"}


def test_csv_top_of_tree_has_empty_manager(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    roles = root / "roles" / "em.yaml"
    roles.write_text(roles.read_text().replace("python: proficient", "python: expert"))  # cora: expert, no gap
    roles.write_text(roles.read_text().replace("coaching: proficient", "coaching: expert"))  # cora 2 -> 3: gap 1
    rows = [r for r in csv.DictReader(io.StringIO(gap("--format", "csv", repo=root))) if r["person"] == "cora"]
    assert [(r["skill"], r["manager"], r["gap"]) for r in rows] == [("coaching", "", "1")]


def test_csv_is_spreadsheet_safe(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    (root / "people" / "fay.yaml").write_text('name: "=HYPERLINK(\\"http://x\\")"\nrole: engineer\nmanager: eve\n')
    rows = list(csv.DictReader(io.StringIO(gap("--format", "csv", repo=root))))
    assert rows[-1]["name"] == "'=HYPERLINK(\"http://x\")"


# --- HTML -----------------------------------------------------------------------------------

def test_html_is_self_contained_and_escaped(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    competencies = root / "competencies.yaml"
    competencies.write_text(competencies.read_text().replace("name: SQL", 'name: "<script>alert(1)</script> SQL"'))
    page = gap("--format", "html", repo=root)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; SQL" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)  # nothing fetched
    assert "@media print" in page
    # the heat map: strategic skills first (high: sql; medium: python; low: coaching, excel)
    heat = page[page.index('class="heat"'):page.index("</table>")]
    order = [m for m in re.findall(r'<span class="id">([a-z-]+)</span>', heat)]
    assert order == ["sql", "python", "coaching", "excel"]
    assert '<span class="share">67%</span><span class="count">2/3</span>' in heat  # analytics x sql


def test_empty_selection() -> None:
    # under eve: fay (reskill) and hal (no gap): nobody on the upskill track
    args = ["--manager", "eve", "--track", "upskill"]
    assert gap(*args).splitlines()[-1] == "No active people in this selection."
    assert gap_json(*args)["rows"] == [] and gap_json(*args)["people"] == []
    assert "No active person in this selection has a required skill." in gap("--format", "html", *args)


# --- determinism, files, hostile text ------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "json", "csv", "markdown", "html"])
def test_output_file_is_byte_identical_to_stdout(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "out" / f"gap.{fmt}"
    result = run("--format", fmt, "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    again = tmp_path / "again"
    run("--format", fmt, "-o", str(again))
    assert target.read_bytes() == again.read_bytes()
    if fmt != "text":
        assert target.read_text(encoding="utf-8") == gap("--format", fmt)


def test_names_are_never_markup(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    (root / "people" / "bo.yaml").write_text('name: "[bold red]Bo[/]"\nrole: analyst\nmanager: dana\n')
    assert "[bold red]Bo[/]" in gap("--by", "person", repo=root)
    assert "[bold red]Bo[/]" in gap("--by", "person", "--format", "markdown", repo=root)


def test_terminal_escapes_in_names_are_shown_not_run(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    (root / "people" / "bo.yaml").write_text('name: "Bo \\e[2J\\e[31mEvil"\nrole: analyst\nmanager: dana\n')
    for fmt in ("text", "markdown"):
        out = gap("--by", "person", "--format", fmt, repo=root)
        assert "\x1b" not in out and "x1b[2J" in out and "Evil" in out


def test_the_heat_map_is_coloured_by_priority_not_share(tmp_path: Path) -> None:
    """On examples/acme the darkest cell is the highest priority (stakeholder management in
    analytics: 5 of 13 below, medium urgency, 10), and a skill with 1 person, nobody below, is the lightest."""
    from repo_helpers import acme_copy

    page = run("--format", "html", repo=acme_copy(tmp_path), as_of="2026-11-30").stdout
    cells = {title: colour for colour, title in re.findall(r'<td class="cell (h\d)" title="([^"]+)"', page)}
    assert cells["Stakeholder management in analytics: 5 of 13 below requirement, priority 10"] == "h4"
    assert cells["AI tooling in analytics: 0 of 1 below requirement, priority 0"] == "h0"
    assert "the highest cell is 10" in page
