"""`skillcycle calibration` on tests/fixtures/squad with a second calibration (2026-09-20) added,
for grace's direct reports (ada, bo, lin) in 2026Q3, worked out by hand:

    ada  ml      never calibrated; goal ada-ml active             -> new
    ada  python  P (06-18) only                                    -> steady
    ada  sql     P (06-18), P (09-20); goal ada-sql-expert active  -> stalled (no rise over the last two)
    bo   cloud   E, E; no goal                                     -> steady
    lin  python  P (06-18), E (09-20)                              -> advanced (above the last one before Q3)
    lin  sql     P (06-18) only                                    -> steady

ada's ml evidence since Q3 began (never calibrated): one completion of ml-101 (2026-08-10), one
check-in note on ada-ml and one application assignment (2026-08-15).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

import skillcycle.cli  # noqa: F401  (registers the commands)
from skillcycle.cli.common import app
from skillcycle.reports.metrics import compute
from skillcycle.core.quarters import Quarter
from skillcycle.validation.validate import validate_path
from repo_helpers import acme_copy, readme_table_lines, squad_copy

runner = CliRunner()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    copy = squad_copy(tmp_path)
    (copy / "assessments" / "2026q3.yaml").write_text(
        "date: 2026-09-20\nsource: calibration\nassessor: grace\nratings:\n"
        "  - {person: ada, skill: sql, level: proficient}\n"
        "  - {person: bo, skill: cloud, level: expert}\n"
        "  - {person: lin, skill: python, level: expert}\n")
    (copy / "checkins").mkdir()
    (copy / "checkins" / "ada-2026-08-15.yaml").write_text(
        "person: ada\nmanager: grace\ndate: 2026-08-15\ntype: one-on-one\n"
        "learning: {progress: Module 2 done, apply: Train a churn model, apply_due: 2026-08-25}\n"
        "goals:\n  - {goal: ada-ml, note: On track}\n")
    return copy


def sheet_rows(repo: Path, *args: str) -> list[dict]:
    result = runner.invoke(app, ["calibration", "--manager", "grace", "--repo", str(repo), "--as-of", "2026-09-30", "--format", "csv", *args])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_every_status_and_the_evidence(repo: Path) -> None:
    rows = sheet_rows(repo)
    assert [(r["person"], r["skill"], r["status"]) for r in rows] == [
        ("ada", "ml", "new"), ("ada", "python", "steady"), ("ada", "sql", "stalled"),
        ("bo", "cloud", "steady"), ("lin", "python", "advanced"), ("lin", "sql", "steady"),
    ]
    ml = rows[0]
    assert (ml["required"], ml["calibrated"], ml["self"], ml["goal"], ml["goal_target"], ml["goal_status"]) == (
        "", "", "expert", "ada-ml", "proficient", "active")
    assert ml["evidence"] == "1 completion (ml-101 2026-08-10); 1 check-in note on the goal; 1 application assignment"
    sql = rows[2]
    assert (sql["calibrated"], sql["calibrated_on"], sql["goal"], sql["evidence"]) == ("proficient", "2026-09-20", "ada-sql-expert", "")
    assert all(r["proposed"] == "" and r["note"] == "" for r in rows)


def test_the_facilitators_view_puts_stalled_first(repo: Path) -> None:
    text = runner.invoke(app, ["calibration", "--manager", "Grace Hopper", "--repo", str(repo), "--as-of", "2026-09-30"]).stdout
    assert "6 rows (1 stalled, 1 new, 1 advanced, 3 steady)" in text
    body = [line.split()[:2] for line in text.splitlines()[4:]]
    assert body[:3] == [["ada", "sql"], ["ada", "ml"], ["lin", "python"]]


def test_the_filled_xlsx_imports_back_and_refuses_a_moved_person(repo: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book_path = tmp_path / "session.xlsx"
    result = runner.invoke(app, ["calibration", "--manager", "grace", "--repo", str(repo), "--as-of", "2026-09-30", "--format", "xlsx", "-o", str(book_path)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(book_path)
    assert book.sheetnames == ["calibration", "summary"]
    sheet = book["calibration"]
    header = [c.value for c in sheet[1]]
    (validation,) = sheet.data_validations.dataValidation
    column = openpyxl.utils.get_column_letter(header.index("proposed") + 1)
    assert validation.formula1 == '"none,foundational,proficient,expert"' and str(validation.sqref) == f"{column}2:{column}7"
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in book["summary"][2]] == ["ada", "Ada Lovelace", 1, 1, 0, 1]
    sheet[f"{column}2"] = "proficient"  # ada, ml
    sheet[f"{column}7"] = "proficient"  # lin, sql
    book.save(book_path)

    def import_sheet():
        return runner.invoke(app, ["import", "ratings", str(book_path), "--source", "calibration", "--date", "2026-10-05",
                                   "--assessor", "grace", "--repo", str(repo)])

    people = repo / "people" / "lin.yaml"
    people.write_text(people.read_text().replace("manager: grace", "manager: ada"))
    refused = import_sheet()
    assert refused.exit_code != 0 and "lin's manager is now ada, not grace: the sheet no longer matches the repo" in refused.output
    people.write_text(people.read_text().replace("manager: ada", "manager: grace"))
    done = import_sheet()
    assert done.exit_code == 0, done.output
    batch = (repo / "assessments" / "2026-10-05-calibration.yaml").read_text()
    assert "  - {person: ada, skill: ml, level: proficient}\n" in batch and "  - {person: lin, skill: sql, level: proficient}\n" in batch
    assert batch.count("  - {") == 2  # the empty cells are skipped


def test_an_unknown_manager_exits_2(repo: Path) -> None:
    result = runner.invoke(app, ["calibration", "--manager", "grac", "--repo", str(repo), "--as-of", "2026-09-30"])
    assert result.exit_code == 2 and "did you mean 'grace'?" in result.output


def test_rater_drift_per_team_and_family_with_privacy(repo: Path) -> None:
    """Within 2026Q3, self ratings (2026-09-10) against the 2026-09-20 calibrations: ada sql E vs P
    (+1), bo cloud P vs E (-1), lin python E vs E (0). grace's team: 3 people, mean 0, a third
    above and a third below; the families (data: ada, lin; platform: bo) are too small at 3."""
    (repo / "skillcycle.yaml").write_text("organization: Squad Co\nprivacy:\n  min_group_size: 3\n")
    (repo / "assessments" / "2026q3-self.yaml").write_text(
        "date: 2026-09-10\nsource: self\nratings:\n  - {person: ada, skill: sql, level: expert}\n"
        "  - {person: bo, skill: cloud, level: proficient}\n  - {person: lin, skill: python, level: expert}\n")
    result = runner.invoke(app, ["calibration", "--drift", "--quarter", "2026Q3", "--repo", str(repo), "--as-of", "2026-09-30", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert rows == [
        {"source": "self", "group_by": "manager", "group": "grace", "people": 3, "pairs": 3, "mean": 0.0, "over": 0.333, "under": 0.333, "suppressed": False},
        {"source": "self", "group_by": "family", "group": "data", "people": 2, "pairs": 2, "mean": None, "over": None, "under": None, "suppressed": True},
        {"source": "self", "group_by": "family", "group": "platform", "people": 1, "pairs": 1, "mean": None, "over": None, "under": None, "suppressed": True},
    ]
    report = compute(validate_path(repo, date(2026, 9, 30), date(2026, 9, 30)).repo, Quarter.parse("2026Q3", 1), date(2026, 9, 30))
    assert report.current["rater_drift"] == rows  # the metrics section is the same computation


def test_the_readme_example_is_what_examples_acme_prints(tmp_path: Path) -> None:
    shown = readme_table_lines("skillcycle calibration --manager priya --repo examples/acme --as-of 2026-09-20 --format markdown")
    result = runner.invoke(app, ["calibration", "--manager", "priya", "--repo", str(acme_copy(tmp_path)), "--as-of", "2026-09-20", "--format", "markdown"])
    assert len(shown) == 3 and all(line in result.stdout.splitlines() for line in shown)


def test_xlsx_text_never_runs_as_a_formula(repo: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    people = repo / "people" / "ada.yaml"
    people.write_text(people.read_text().replace("Ada Lovelace", '=HYPERLINK("http://evil.example","x")'))
    book_path = tmp_path / "session.xlsx"
    result = runner.invoke(app, ["calibration", "--manager", "grace", "--repo", str(repo), "--as-of", "2026-09-30", "--format", "xlsx", "-o", str(book_path)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(book_path)
    names = [row[1] for row in book["calibration"].iter_rows(min_row=2, values_only=True)] + [book["summary"]["B2"].value]
    assert all(not name.startswith("=") for name in names) and "'=HYPERLINK" in names[0]
