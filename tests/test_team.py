"""`skillcycle team` on tests/fixtures/squad, every number worked out by hand.

The fixture on 2026-08-01 (horizon 6 months: to 2027-02-01); calibrated levels:

    person  role      manager  sql  python  cloud  coaching  strategy  ml
    grace   lead      -        P    F       .      P         none      .
    ada     analyst   grace    P    P       .      .         .         . (self: expert, never counted)
    lin     analyst   grace    P    P       .      .         .         .   leaves 2026-11-30
    bo      engineer  grace    .    .       E      .         .         .
    zed     analyst   ada      F    .       .      .         .         P

analyst needs sql P, python F, and ml P from 2026-10-01; lead needs sql E, coaching P,
strategy F; engineer (family platform) needs cloud P. Grace's team is grace, ada, lin, bo:

    sql      needed E (grace)    holders ada, grace, lin: depth 3, no expert -> expert-gap
    python   needed F            holders ada, lin: depth 2; lin leaves -> 1  -> leaving (lin)
    cloud    needed P (bo)       holder bo: depth 1                          -> single-point
    coaching needed P (grace)    holder grace, the manager: depth 1          -> single-point
    strategy needed F (grace)    nobody at P or above: depth 0               -> critical-gap
    ml       needed P from 2026-10-01 by ada and lin; nobody staying at P    -> requirement-ahead

Sorted by urgency weight (high 3, medium 2, low 1), then kind, then skill.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import skillcycle.cli  # noqa: F401  (registers the commands)
from skillcycle.cli.common import app
from repo_helpers import acme_copy, readme_table_lines, squad_copy

runner = CliRunner()

GRACE_RISKS = [
    ("expert-gap", "sql", ["ada", "grace", "lin"], "needed at expert; 3 members at proficient, nobody at expert"),
    ("requirement-ahead", "ml", ["ada", "lin"], "from 2026-10-01 analyst needs it at proficient (not needed now); nobody staying is at proficient"),
    ("single-point", "cloud", ["bo"], "only bo is at proficient or above"),
    ("leaving", "python", ["lin"], "lin leaves on 2026-11-30: depth goes from 2 to 1"),
    ("critical-gap", "strategy", ["grace"], "needed at foundational by 1 member; nobody is at proficient or above"),
    ("single-point", "coaching", ["grace"], "only grace is at proficient or above (the manager)"),
]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return squad_copy(tmp_path)


def run(repo: Path, *args: str):
    return runner.invoke(app, ["team", "--repo", str(repo), "--as-of", "2026-08-01", *args])


def team_json(repo: Path, *args: str) -> dict:
    result = run(repo, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def risks(state: dict) -> list[tuple]:
    return [(r["kind"], r["skill"], r["members"], r["evidence"]) for r in state["risks"]]


def test_every_risk_kind_of_a_managers_team(repo: Path) -> None:
    out = team_json(repo, "--manager", "grace")
    assert [m["id"] for m in out["members"]] == ["ada", "bo", "grace", "lin"]
    assert risks(out) == GRACE_RISKS
    depth = {c["skill"]: (c["needed"], c["depth"], c["experts"], c["holders"]) for c in out["coverage"]}
    assert depth == {
        "cloud": ("proficient", 1, 1, ["bo"]), "coaching": ("proficient", 1, 0, ["grace"]),
        "python": ("foundational", 2, 0, ["ada", "lin"]), "sql": ("expert", 3, 0, ["ada", "grace", "lin"]),
        "strategy": ("foundational", 0, 0, []),
    }


def test_a_self_rating_never_counts(repo: Path) -> None:
    ada = next(m for m in team_json(repo, "--manager", "grace")["members"] if m["id"] == "ada")
    assert "ml" not in ada["levels"]  # her self rating says expert


def test_growth_suggests_the_closest_and_says_who_has_a_goal(repo: Path) -> None:
    growth = {g["skill"]: g for g in team_json(repo, "--manager", "grace")["growth"]}
    assert [(c["person"], c["level"], c["has_goal"]) for c in growth["ml"]["candidates"]] == [
        ("ada", "none", True), ("bo", "none", False), ("grace", "none", False),  # not lin: she leaves before the horizon
    ]
    assert growth["ml"]["resources"] == ["ml-101"]
    assert [c["person"] for c in growth["sql"]["candidates"]] == ["bo"]  # the only one below proficient


def test_subtree_family_and_whole_organisation(repo: Path) -> None:
    subtree = team_json(repo, "--manager", "grace", "--subtree")
    assert [m["id"] for m in subtree["members"]] == ["ada", "bo", "grace", "lin", "zed"]
    assert "ml" not in {r["skill"] for r in subtree["risks"]}  # zed is at proficient and stays
    platform = team_json(repo, "--family", "platform")
    assert [m["id"] for m in platform["members"]] == ["bo"]
    assert risks(platform) == [("single-point", "cloud", ["bo"], "only bo is at proficient or above")]
    assert [m["id"] for m in team_json(repo)["members"]] == ["ada", "bo", "grace", "lin", "zed"]


def test_removing_the_only_holder_leaves_a_vacated_gap_not_a_risk_removed(repo: Path) -> None:
    out = team_json(repo, "--manager", "grace", "--remove", "bo")
    assert out["what_if"] == ["bo leaves"]
    after = {r["skill"]: r for r in out["after"]["risks"]}
    assert after["cloud"]["kind"] == "critical-gap" and after["cloud"]["members"] == ["vacancy:bo"]
    assert after["cloud"]["evidence"].endswith("(vacated: vacancy:bo)")
    assert out["changes"] == [{
        "skill": "cloud", "depth_before": 1, "depth_after": 0, "risks_before": ["single-point"],
        "risks_after": ["critical-gap"], "note": "vacated: bo held it and the need stays",
    }]
    assert risks(out["before"]) == GRACE_RISKS


def test_removing_without_backfill_takes_the_need_with_the_role(repo: Path) -> None:
    out = team_json(repo, "--manager", "grace", "--remove", "bo", "--no-backfill")
    assert "cloud" not in {c["skill"] for c in out["after"]["coverage"]}
    assert out["changes"] == [{
        "skill": "cloud", "depth_before": 1, "depth_after": None, "risks_before": ["single-point"],
        "risks_after": [], "note": "no longer needed: no member's role requires it",
    }]


def test_a_hire_at_a_role_holds_exactly_its_requirements(repo: Path) -> None:
    out = team_json(repo, "--manager", "grace", "--add", "analyst")
    hire = next(m for m in out["after"]["members"] if m["id"] == "hire:analyst:1")
    assert hire["levels"] == {"python": "foundational", "sql": "proficient"}  # ml only from 2026-10-01
    assert out["changes"] == [{
        "skill": "sql", "depth_before": 3, "depth_after": 4, "risks_before": ["expert-gap"],
        "risks_after": ["expert-gap"], "note": "deeper",
    }]


def test_a_move_touches_both_teams(repo: Path) -> None:
    out = team_json(repo, "--manager", "grace", "--move", "zed", "--to", "grace")
    assert out["what_if"] == ["zed moves to grace's team"]
    assert "zed" in [m["id"] for m in out["after"]["members"]]
    assert [c["skill"] for c in out["changes"]] == ["ml"]  # zed is at proficient in ml and stays
    assert "ml" not in {r["skill"] for r in out["after"]["risks"]}
    (ada_team,) = out["other_teams"]
    assert ada_team["team"] == "ada and direct reports"
    assert [m["id"] for m in ada_team["after"]["members"]] == ["ada", "vacancy:zed"]


@pytest.mark.parametrize("args, message", [
    (("--manager", "grac"), "unknown person 'grac' — did you mean 'grace'?"),
    (("--family", "dta"), "unknown role family 'dta' — did you mean 'data'?"),
    (("--manager", "grace", "--remove", "zed"), "zed is not in the team (grace and direct reports)"),
    (("--manager", "grace", "--add", "analist"), "unknown role 'analist' — did you mean 'analyst'?"),
    (("--manager", "grace", "--move", "zed"), "give one --to for each --move"),
    (("--subtree",), "--subtree needs --manager"),
])
def test_bad_input_exits_2_with_one_line(repo: Path, args: tuple, message: str) -> None:
    result = run(repo, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_text_shows_coverage_bars_and_csv_one_row_per_skill(repo: Path) -> None:
    text = run(repo, "--manager", "grace").stdout
    assert "sql       high     expert              3      3        0  ███       ada, grace, lin" in text
    assert "strategy  low      foundational        1      0        0  ░         —" in text
    rows = list(csv.DictReader(io.StringIO(run(repo, "--manager", "grace", "--format", "csv").stdout)))
    assert [(r["skill"], r["depth"], r["risks"]) for r in rows] == [
        ("cloud", "1", "single-point"), ("coaching", "1", "single-point"), ("python", "2", "leaving"),
        ("sql", "3", "expert-gap"), ("strategy", "0", "critical-gap"),
    ]


def test_html_escapes_names_and_is_the_same_bytes_twice(repo: Path) -> None:
    people = repo / "people" / "bo.yaml"
    people.write_text(people.read_text().replace("Bo Berg", "Bo <script>alert(1)</script>"))
    first = run(repo, "--manager", "grace", "--format", "html").stdout
    assert "<script>alert" not in first and "Bo &lt;script&gt;alert(1)&lt;/script&gt;" in first
    assert run(repo, "--manager", "grace", "--format", "html").stdout == first


def test_the_readme_example_is_what_examples_acme_prints(tmp_path: Path) -> None:
    shown = readme_table_lines("skillcycle team --repo examples/acme --as-of 2026-08-01 --manager tomas --format markdown")
    acme = acme_copy(tmp_path)
    out = run(acme, "--manager", "tomas", "--format", "markdown").stdout.splitlines()
    assert len(shown) == 8 and all(line in out for line in shown)
    helena = {r["kind"] for r in team_json(acme, "--manager", "helena")["risks"]}
    assert {"expert-gap", "single-point"} <= helena
