"""`skillcycle candidates` and `skillcycle paths` on tests/fixtures/squad, worked out by hand
(its levels are tabled in tests/test_team.py; grace is also foundational in python).

Roles: analyst (sql P, python F; ml P from 2026-10-01; next: lead), lead (sql E,
coaching P, strategy F), engineer (cloud P). zed aspires to engineer. Active learning
goals: ada-sql-expert (sql to expert, due 2026-12-31), zed-cloud (cloud to proficient,
due 2026-10-31). Openings: req-1 (lead, opened 2026-07-15, filled externally
2026-08-20), req-2 (analyst, opened 2026-09-01).

Candidates for lead on 2026-08-01 (shortfall, missing):
    ada  sql P->E 1 + coaching ?->P 2 + strategy ?->F 1 = 4, 3   aspires (analyst -next-> lead)
    lin  the same                                      = 4, 3   aspires
    zed  sql F->E 2 + 2 + 1                            = 5, 3   aspires
    bo   sql ?->E 3 + 2 + 1                            = 6, 3
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
from repo_helpers import acme_copy, readme_table_lines, squad_copy

runner = CliRunner()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return squad_copy(tmp_path)


def run(repo: Path, command: str, *args: str):
    return runner.invoke(app, [command, "--repo", str(repo), *args])


def as_json(repo: Path, command: str, *args: str) -> dict:
    result = run(repo, command, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ranked(out: dict) -> list[tuple]:
    return [(c["person"], c["shortfall"], len(c["missing"]), c["aspired"]) for c in out["candidates"]]


def test_candidates_ranked_by_shortfall_missing_then_aspiration(repo: Path) -> None:
    out = as_json(repo, "candidates", "lead", "--as-of", "2026-08-01")
    assert ranked(out) == [("ada", 4, 3, True), ("lin", 4, 3, True), ("zed", 5, 3, True), ("bo", 6, 3, False)]
    ada = out["candidates"][0]
    assert ada["unassessed"] == ["coaching", "strategy"]
    assert [(g["skill"], g["current"], g["required"], g["gap"], g["goal"]) for g in ada["missing"]] == [
        ("coaching", None, "proficient", 2, None),
        ("sql", "proficient", "expert", 1, "ada-sql-expert"),
        ("strategy", None, "foundational", 1, None),
    ]
    assert ada["ready_by"] is None  # coaching and strategy have no goal


def test_on_a_tie_the_aspiration_comes_first_and_a_goal_on_every_gap_gives_a_date(repo: Path) -> None:
    out = as_json(repo, "candidates", "engineer", "--as-of", "2026-08-01")
    assert ranked(out) == [("zed", 2, 1, True), ("ada", 2, 1, False), ("grace", 2, 1, False), ("lin", 2, 1, False)]
    assert out["candidates"][0]["ready_by"] == "2026-10-31"


def test_dated_requirement_changes_and_people_who_left(repo: Path) -> None:
    assert ranked(as_json(repo, "candidates", "analyst", "--as-of", "2026-08-01")) == [("grace", 0, 0, False), ("bo", 3, 2, False)]
    # ml is required from 2026-10-01: nobody is assessed in it
    assert ranked(as_json(repo, "candidates", "analyst", "--as-of", "2026-10-15")) == [("grace", 2, 1, False), ("bo", 5, 3, False)]
    # lin left on 2026-11-30
    assert [c["person"] for c in as_json(repo, "candidates", "lead", "--as-of", "2026-12-15")["candidates"]] == ["ada", "zed", "bo"]


def test_an_opening_is_read_on_the_day_it_opened_and_says_it_was_filled(repo: Path) -> None:
    out = as_json(repo, "candidates", "req-1")
    assert (out["role"], out["date"], out["opening"]["filled"]) == ("lead", "2026-07-15", "2026-08-20")
    assert ranked(out)[0] == ("ada", 4, 3, True)
    text = run(repo, "candidates", "req-1").stdout
    assert "This opening was filled on 2026-08-20 (externally)." in text
    assert "For the hiring manager and HR" in text


def test_top_family_and_manager_filters(repo: Path) -> None:
    assert [c["person"] for c in as_json(repo, "candidates", "lead", "--as-of", "2026-08-01", "--top", "2")["candidates"]] == ["ada", "lin"]
    assert [c["person"] for c in as_json(repo, "candidates", "lead", "--as-of", "2026-08-01", "--family", "platform")["candidates"]] == ["bo"]
    assert [c["person"] for c in as_json(repo, "candidates", "lead", "--as-of", "2026-08-01", "--manager", "ada")["candidates"]] == ["zed"]


def test_paths_sorted_by_shortfall_with_steps_and_aspiration(repo: Path) -> None:
    ada = as_json(repo, "paths", "ada", "--as-of", "2026-08-01")
    assert [(r["role"], r["shortfall"], r["steps"], r["aspiration"]) for r in ada["roles"]] == [("engineer", 2, None, False), ("lead", 4, 1, False)]
    assert [r["role"] for r in as_json(repo, "paths", "ada", "--as-of", "2026-08-01", "--next")["roles"]] == ["lead"]
    zed = as_json(repo, "paths", "Zed Zhou", "--as-of", "2026-08-01")
    assert [(r["role"], r["shortfall"], r["aspiration"], r["ready_by"]) for r in zed["roles"]] == [
        ("engineer", 2, True, "2026-10-31"), ("lead", 5, False, None),
    ]


def test_internal_readiness_metric(repo: Path) -> None:
    """2026Q3: req-1 (lead, opened 07-15): nobody ready, nobody within one level; req-2 (analyst,
    opened 09-01): grace is ready (within one too), bo is 3 short. 1 of 2 ready; (0 + 1) / 2 within one."""
    from skillcycle.reports.metrics import compute
    from skillcycle.core.quarters import Quarter
    from skillcycle.validation.validate import validate_path

    as_of = date(2026, 9, 30)
    report = compute(validate_path(repo, as_of, as_of).repo, Quarter.parse("2026Q3", 1), as_of)
    assert report.current["internal_readiness"] == {"value": 0.5, "n": 2, "mean_candidates_within_one_level": 0.5}


@pytest.mark.parametrize("args, message", [
    (("candidates", "lead-x"), "unknown role or opening 'lead-x' — did you mean 'lead'?"),
    (("candidates", "lead", "--family", "dta"), "unknown role family 'dta' — did you mean 'data'?"),
    (("candidates", "lead", "--manager", "grac"), "unknown person 'grac' — did you mean 'grace'?"),
    (("paths", "zedd"), "unknown person 'zedd' — did you mean 'zed'?"),
])
def test_unknown_ids_exit_2_with_a_hint(repo: Path, args: tuple, message: str) -> None:
    result = run(repo, *args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_csv_and_html(repo: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(run(repo, "candidates", "lead", "--as-of", "2026-08-01", "--format", "csv").stdout)))
    assert [(r["rank"], r["person"], r["shortfall"], r["missing_skills"]) for r in rows][:2] == [
        ("1", "ada", "4", "coaching sql strategy"), ("2", "lin", "4", "coaching sql strategy"),
    ]
    people = repo / "people" / "ada.yaml"
    people.write_text(people.read_text().replace("Ada Lovelace", "Ada <b>bold</b>"))
    page = run(repo, "candidates", "lead", "--as-of", "2026-08-01", "--format", "html").stdout
    assert "Ada &lt;b&gt;bold&lt;/b&gt;" in page and "<b>bold" not in page
    page = run(repo, "paths", "ada", "--as-of", "2026-08-01", "--format", "html").stdout
    assert "<h1>Paths for Ada &lt;b&gt;bold&lt;/b&gt; (ada), now analyst · on 2026-08-01</h1>" in page


def test_the_readme_example_is_what_examples_acme_prints(tmp_path: Path) -> None:
    shown = readme_table_lines("skillcycle candidates req-2026-012 --repo examples/acme --top 3 --format markdown")
    out = run(acme_copy(tmp_path), "candidates", "req-2026-012", "--top", "3", "--format", "markdown").stdout.splitlines()
    assert len(shown) == 4 and all(line in out for line in shown)


def test_a_role_that_requires_nothing_says_everyone_is_ready(repo: Path) -> None:
    (repo / "roles" / "intern.yaml").write_text("title: Intern\nfamily: data\nrequires: {}\n")
    text = run(repo, "candidates", "intern", "--as-of", "2026-08-01").stdout
    assert "intern requires no skill on 2026-08-01: everyone is ready." in text
    assert [c["ready"] for c in as_json(repo, "candidates", "intern", "--as-of", "2026-08-01")["candidates"]] == [True] * 5
