"""`skillcycle learning` for 2026Q3 on tests/fixtures/squad with, added here: resources py-book
(python) and cobol-101 (cobol, a skill no role requires); goals lin-py (python to expert,
py-book, due 09-15, never reached) and bo-py (python to foundational, sql-201, due 09-15);
calibrations bo python foundational (09-10: bo-py achieved, 71 days) and ada ml proficient
(09-20: ada-ml achieved, 81 days). The fixture has a completion of ml-101 by ada. min_group_size 1.

    resource  goals  completions  achieved  median  rate (due in Q3)   same skills without it
    cobol-101   0        0           0        -      -                  -                      retire, unused
    ml-101      2        1           1       81      1/1 (ada-ml)       - (no other ml goal)
    py-book     1        0           0        -      0/1 (lin-py)       1/1 (bo-py)            not-moving
    sql-201     2        0           1       71      1/1 (bo-py)        -

Skills by priority on 2026-09-30: sql 6 (zed, grace below), python 2 (zed), strategy 1
(grace; no resource serves it: no-resource), coaching 0, cloud 0.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import skillcycle.cli  # noqa: F401  (registers the commands)
from repo_helpers import acme_copy, readme_table_lines, squad_copy
from skillcycle.cli.common import app

runner = CliRunner()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    copy = squad_copy(tmp_path)
    (copy / "skillcycle.yaml").write_text("organization: Squad Co\nprivacy:\n  min_group_size: 1\n")
    (copy / "competencies.yaml").write_text((copy / "competencies.yaml").read_text() + "  - {id: cobol, name: COBOL, category: technical}\n")
    (copy / "learning.yaml").write_text((copy / "learning.yaml").read_text()
                                        + "  - {id: py-book, title: Python Book, type: reading, skills: [python]}\n"
                                        + "  - {id: cobol-101, title: COBOL 101, type: course, skills: [cobol]}\n")
    for person, goal, target, resource in (("lin", "lin-py", "expert", "py-book"), ("bo", "bo-py", "foundational", "sql-201")):
        (copy / "goals" / f"{person}-2026q3.yaml").write_text(
            f"person: {person}\ncycle: 2026Q3\ngoals:\n"
            f"  - {{id: {goal}, kind: learning, skill: python, target: {target}, title: Python, due: 2026-09-15, weight: 15, resources: [{resource}]}}\n"
            f"  - {{id: {person}-ops, kind: performance, title: Ops, due: 2026-09-30, weight: 85}}\n")
    (copy / "assessments" / "2026q3.yaml").write_text(
        "source: calibration\nassessor: grace\nratings:\n"
        "  - {person: bo, skill: python, level: foundational, date: 2026-09-10}\n"
        "  - {person: ada, skill: ml, level: proficient, date: 2026-09-20}\n")
    return copy


def report(repo: Path, *args: str) -> dict:
    result = runner.invoke(app, ["learning", "--repo", str(repo), "--as-of", "2026-09-30", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_figure_per_resource(repo: Path) -> None:
    out = report(repo)
    assert out["window"] == {"label": "2026Q3", "start": "2026-07-01", "end": "2026-09-30"}
    rows = {r["resource"]: r for r in out["resources"]}
    figures = {rid: (r["goals"], r["completions"], r["achieved"], r["median_days"], r["achievement_rate"]["value"],
                     r["achievement_rate"]["n"], r["comparison"]["value"], r["comparison"]["n"]) for rid, r in rows.items()}
    assert figures == {
        "cobol-101": (0, 0, 0, None, None, 0, None, 0),
        "ml-101": (2, 1, 1, 81.0, 1.0, 1, None, 0),
        "py-book": (1, 0, 0, None, 0.0, 1, 1.0, 1),
        "sql-201": (2, 0, 1, 71.0, 1.0, 1, None, 0),
    }
    assert [r["resource"] for r in out["resources"]] == ["cobol-101", "py-book", "ml-101", "sql-201"]  # flagged first


def test_every_flag(repo: Path) -> None:
    out = report(repo)
    assert [(f["flag"], f["id"]) for f in out["flags"]] == [
        ("no-resource", "strategy"), ("retire", "cobol-101"), ("not-moving", "py-book"), ("unused", "cobol-101"),
    ]
    assert [(s["skill"], s["priority"]) for s in out["skills"]][:3] == [("sql", 6), ("python", 2), ("strategy", 1)]


def test_small_groups_are_suppressed_with_the_reason(repo: Path) -> None:
    (repo / "skillcycle.yaml").write_text("organization: Squad Co\n")  # min_group_size 5
    out = report(repo)
    py = next(r for r in out["resources"] if r["resource"] == "py-book")
    assert py["achievement_rate"] == {"value": None, "achieved": 0, "n": 1, "suppressed": True}
    assert "not-moving" not in py["flags"]
    text = runner.invoke(app, ["learning", "--repo", str(repo), "--as-of", "2026-09-30"]).stdout
    assert "suppressed: 1 due, fewer than 5" in text and "they never change a level" in text


def test_the_default_window_is_the_last_complete_quarter(repo: Path) -> None:
    assert report(repo)["window"]["label"] == "2026Q3"  # 2026-09-30 ends Q3
    result = runner.invoke(app, ["learning", "--repo", str(repo), "--as-of", "2026-10-15", "--format", "json"])
    assert json.loads(result.stdout)["window"]["label"] == "2026Q3"  # Q4 is under way
    assert report(repo, "--quarters", "2")["window"] == {"label": "2026Q2-2026Q3", "start": "2026-04-01", "end": "2026-09-30"}


def test_html_draws_each_rate_with_its_number(repo: Path) -> None:
    page = runner.invoke(app, ["learning", "--repo", str(repo), "--as-of", "2026-09-30", "--format", "html"]).stdout
    assert 'aria-label="with it: 0% (0/1)"' in page and 'aria-label="same skills without it: 100% (1/1)"' in page


def test_examples_acme_shows_every_flag(tmp_path: Path) -> None:
    """examples/acme: the legacy BI course in 2026Q3; a playbook that does not move
    experimentation in 2026Q2 (2 of the 5 goals due with it achieved, 4 of 4 without: 40%
    against 100%); and data contracts, required of the 12 data engineers from 2027-01-01 with no
    resource to learn them (12 below x high urgency 3 = priority 36, the top)."""
    acme = acme_copy(tmp_path)
    flags = lambda out: [(f["flag"], f["id"]) for f in out["flags"]]  # noqa: E731
    assert flags(report(acme)) == [("retire", "legacy-bi-report-builder"), ("unused", "legacy-bi-report-builder")]
    spring = report(acme, "--quarter", "2026Q2")
    assert ("not-moving", "ab-testing-playbook") in flags(spring)
    playbook = next(r for r in spring["resources"] if r["resource"] == "ab-testing-playbook")
    assert (playbook["achievement_rate"]["achieved"], playbook["achievement_rate"]["n"]) == (2, 5)
    assert (playbook["comparison"]["achieved"], playbook["comparison"]["n"]) == (4, 4)
    later = report(acme, "--quarter", "2027Q1", "--as-of", "2027-04-05")
    assert flags(later)[0] == ("no-resource", "data-contracts")
    top = later["skills"][0]
    assert (top["skill"], top["below"], top["priority"], top["resources"]) == ("data-contracts", 12, 36, [])


def test_the_readme_shows_what_acme_prints() -> None:
    command = "skillcycle learning --repo examples/acme --as-of 2026-09-30 --quarter 2026Q2 --format markdown"
    result = runner.invoke(app, command.split()[1:])
    assert result.exit_code == 0, result.output
    flags = result.stdout.split("### Flags\n", 1)[1].split("###", 1)[0]
    assert readme_table_lines(command) == [line for line in flags.splitlines() if line.startswith("| ")]
