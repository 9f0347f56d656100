"""Every finding code, with a failing case and a passing near-miss.

Each case rewrites one file of a copy of tests/fixtures/tiny (a valid repo)
and expects the code at an exact file:line; its `good` twin differs only in
the offending part and must not produce that code.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from skillcycle.validation.index import FRAMES
from skillcycle.core.problems import CODES
from skillcycle.validation.validate import validate_path

AS_OF = date(2026, 8, 1)
TODAY = date(2026, 11, 23)

ADA = "name: Ada Lovelace\nrole: analyst\nmanager: grace\n"
GOALS_HEAD = "person: ada\ncycle: 2026Q3\ngoals:\n"
SQL_GOAL = (
    "  - id: ada-sql-2026q3\n    kind: learning\n    skill: sql\n    target: proficient\n"
    "    baseline: foundational\n    title: SQL\n    due: 2026-09-30\n    weight: 15\n    resources: [sql-101]\n"
)
PERF_GOAL = "  - id: ada-dashboard\n    kind: performance\n    title: Dashboard\n    due: 2026-09-30\n    weight: 85\n"
CHECKIN = "person: ada\nmanager: grace\ndate: 2026-07-14\ntype: one-on-one\n"


@dataclass
class Case:
    code: str
    file: str
    bad: str | bytes
    line: int
    good: str | bytes | None  # None: the unmodified fixture is the passing case
    at: str | None = None  # the file the finding points at, when not the edited one


CASES = [
    Case("Y001", "people/ada.yaml", "name: [Ada\nrole: analyst\n", 2, ADA),
    Case("Y002", "people/ada.yaml", "name: Ada\nrole: analyst\nmanager:\n\tgrace\n", 4, ADA),
    Case("Y003", "people/ada.yaml", ADA + "role: lead\n", 4, ADA),
    Case("Y004", "people/ada.yaml", "name: &n Ada\nrole: analyst\nmanager: grace\n", 1, ADA),
    Case("Y005", "people/ada.yaml", ADA + "---\nname: Other\n", 4, ADA + "# ---\n"),
    Case("Y006", "people/ada.yaml", b"name: Ad\xe9\nrole: analyst\nmanager: grace\n", 1, "name: Adé\nrole: analyst\nmanager: grace\n"),
    Case("Y007", "people/ada.yaml", "# nobody here\n", 1, ADA),
    Case("Y008", "people/ada.yaml", "name: !!str Ada\nrole: analyst\nmanager: grace\n", 1, ADA),
    Case("Y010", "people/ada.yaml", ADA + "email: " + "[" * 80 + "]" * 80 + "\n", 4, ADA),
    Case("S001", "people/ada.yaml", ADA + "emial: ada@x.example\n", 4, ADA + "email: ada@x.example\n"),
    Case("S002", "people/ada.yaml", "name: Ada Lovelace\nmanager: grace\n", 1, ADA),
    Case("S003", "people/ada.yaml", "- name: Ada\n- role: analyst\n", 1, ADA),
    Case("S004", "assessments/2026q2.yaml", "date: 2026-06-18\nsource: calibration\nratings:\n  - {person: ada, skill: sql, level: yes}\n", 4,
         "date: 2026-06-18\nsource: calibration\nratings:\n  - {person: ada, skill: sql, level: Foundational}\n"),
    Case("S005", "people/ada.yaml", ADA + "started: 2026-13-01\n", 4, ADA + "started: 2026-12-01\n"),
    Case("S006", "people/ada.yaml", "name: Ada\nrole: Analyst\nmanager: grace\n", 2, ADA),
    Case("S007", "competencies.yaml", "skills:\n  - {id: sql, name: SQL, category: technical, urgency: hgh}\n  - {id: python, name: Python, category: technical}\n  - {id: coaching, name: Coaching, category: leadership}\n", 2,
         "skills:\n  - {id: sql, name: SQL, category: technical, urgency: high}\n  - {id: python, name: Python, category: technical}\n  - {id: coaching, name: Coaching, category: leadership}\n"),
    Case("R001", "roles/analyst.yaml", "title: Analyst\nfamily: analytics\nrequires:\n  sql: proficient\n  pyton: foundational\n", 5,
         "title: Analyst\nfamily: analytics\nrequires:\n  sql: proficient\n  python: foundational\n"),
    Case("R002", "people/ada.yaml", "name: Ada\nrole: analyts\nmanager: grace\n", 2, ADA),
    Case("R003", "people/ada.yaml", "name: Ada\nrole: analyst\nmanager: grac\n", 3, ADA),
    Case("R004", "checkins/ada-2026-07-14.yaml", CHECKIN + "goals:\n  - {goal: ada-sql-2026q4}\n", 6, CHECKIN + "goals:\n  - {goal: ada-sql-2026q3}\n"),
    Case("R005", "goals/ada-2026q3.yaml", GOALS_HEAD + SQL_GOAL.replace("[sql-101]", "[sql-102]") + PERF_GOAL, 12, GOALS_HEAD + SQL_GOAL + PERF_GOAL),
    Case("R006", "goals/extra.yaml", "person: lin\ncycle: 2026Q2\ngoals:\n  - {id: ada-dashboard, kind: performance, title: X, due: 2026-06-30}\n", 4,
         "person: lin\ncycle: 2026Q2\ngoals:\n  - {id: lin-dashboard, kind: performance, title: X, due: 2026-06-30}\n"),
    # A cycle is reported once, at the manager key of its smallest id (ada), not at the edit.
    Case("C001", "people/grace.yaml", "name: Grace\nrole: lead\nmanager: ada\n", 3, "name: Grace\nrole: lead\n", at="people/ada.yaml"),
    Case("C002", "people/ada.yaml", "id: ada-l\n" + ADA, 1, "id: ada\n" + ADA),
    Case("C003", "goals/ada-2026q3.yaml", GOALS_HEAD + SQL_GOAL + PERF_GOAL.replace("85", "90"), 3, GOALS_HEAD + SQL_GOAL + PERF_GOAL),
    Case("C004", "goals/ada-2026q3.yaml", GOALS_HEAD + SQL_GOAL.replace("target: proficient", "target: foundational") + PERF_GOAL, 7, GOALS_HEAD + SQL_GOAL + PERF_GOAL),
    Case("C005", "checkins/ada-2026-07-14.yaml", CHECKIN + "learning:\n  apply: Query\n  apply_due: 2026-07-29\n", 7,
         CHECKIN + "learning:\n  apply: Query\n  apply_due: 2026-07-28\n"),
    Case("C006", "goals/ada-2026q3.yaml", GOALS_HEAD + SQL_GOAL.replace("15", "20") + PERF_GOAL.replace("85", "80"), 3, GOALS_HEAD + SQL_GOAL + PERF_GOAL),
    # ada's only learning goal is in 2026Q2, not the current cycle: the finding is on her people file's role.
    Case("C007", "goals/ada-2026q3.yaml", GOALS_HEAD.replace("2026Q3", "2026Q2") + SQL_GOAL + PERF_GOAL, 2, GOALS_HEAD + SQL_GOAL + PERF_GOAL, at="people/ada.yaml"),
    Case("C008", "goals/ada-2026q3.yaml", GOALS_HEAD + SQL_GOAL.replace("    resources: [sql-101]\n", "") + PERF_GOAL, 4, GOALS_HEAD + SQL_GOAL + PERF_GOAL),
    Case("C009", "assessments/late.yaml", "date: 2026-12-01\nsource: manager\nratings:\n  - {person: lin, skill: sql, level: proficient}\n", 1,
         "date: 2026-11-23\nsource: manager\nratings:\n  - {person: lin, skill: sql, level: proficient}\n"),
    Case("C010", "people/ada.yaml", ADA + "started: 2024-01-15\nleft: 2023-12-31\n", 5, ADA + "started: 2024-01-15\nleft: 2027-12-31\n"),
    Case("C011", "goals/ada-again.yaml", "person: ada\ncycle: 2026Q3\ngoals: []\n", 2, "person: ada\ncycle: 2026Q2\ngoals: []\n"),
    Case("C012", "checkins/lin.yaml", "person: lin\nmanager: grace\ndate: 2026-07-14\ntype: one-on-one\ngoals:\n  - {goal: ada-sql-2026q3}\n", 6,
         "person: lin\nmanager: grace\ndate: 2026-07-14\ntype: one-on-one\n"),
    # ada's latest one-on-one (after the 07-14 one with grace) is with lin; her manager is grace.
    Case("C013", "checkins/ada-2026-08-20.yaml", CHECKIN.replace("grace", "lin").replace("07-14", "08-20"), 2,
         CHECKIN.replace("07-14", "08-20")),
]


def _findings(repo: Path, content: str | bytes | None, case: Case) -> list:
    if content is not None:
        target = repo / case.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    # lin has a gap and no learning goal: give lin one so C006/C007 cases see only their own person.
    lin_goals = repo / "goals" / "lin-2026q3.yaml"
    if not lin_goals.exists() and case.file != "goals/lin-2026q3.yaml":
        lin_goals.write_text(
            "person: lin\ncycle: 2026Q3\ngoals:\n"
            "  - {id: lin-python, kind: learning, skill: python, target: foundational, title: Python, due: 2026-09-30, weight: 20, resources: [sql-101]}\n"
            "  - {id: lin-ops, kind: performance, title: Ops, due: 2026-09-30, weight: 80}\n"
        )
    return validate_path(repo, AS_OF, TODAY).problems


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_code_fails_and_near_miss_passes(tiny: Path, case: Case, tmp_path: Path) -> None:
    problems = _findings(tiny, case.bad, case)
    hits = [p for p in problems if p.code == case.code]
    assert hits, f"{case.code} not reported; got {problems}"
    assert (hits[0].file, hits[0].line) == (case.at or case.file, case.line), hits[0]
    assert hits[0].message and hits[0].col >= 1

    good_repo = tmp_path / "good"
    shutil.copytree(Path(__file__).parents[1] / "fixtures" / "tiny", good_repo)
    good_problems = _findings(good_repo, case.good, case)
    assert not [p for p in good_problems if p.code == case.code], good_problems


def test_every_code_has_a_case() -> None:
    covered = {c.code for c in CASES} | {"Y009"}  # Y009 (unreadable) is covered in test_loading.py
    assert covered == set(CODES)


def test_fixture_is_clean() -> None:
    repo = Path(__file__).parents[1] / "fixtures" / "tiny"
    problems = validate_path(repo, AS_OF, TODAY).problems
    assert [p.code for p in problems] == ["C007"]  # lin's reskill gap has no goal in the fixture itself


@pytest.mark.parametrize("weight, over", [(10, True), (0, False)])
def test_goal_weights_of_one_cycle_add_up_across_its_files(tiny: Path, weight: int, over: bool) -> None:
    # goals/ada-2026q3.yaml weighs 15 + 85; a second file for the same cycle sorts after it
    second = f"person: ada\ncycle: 2026Q3\ngoals:\n  - {{id: ada-extra, kind: performance, title: Extra, due: 2026-09-30, weight: {weight}}}\n"
    (tiny / "goals" / "ada-again.yaml").write_text(second)
    found = {(p.code, p.file, p.line, p.message) for p in validate_path(tiny, AS_OF, TODAY).problems if p.code in ("C003", "C011")}
    expected = {("C011", "goals/ada-again.yaml", 2, "ada already has a goals file for 2026Q3: goals/ada-2026q3.yaml")}
    if over:
        expected.add(("C003", "goals/ada-again.yaml", 3, "goal weights of ada in 2026Q3 add up to 110, over 100"))
    assert found == expected


def _settle(repo: Path, when: int) -> None:
    """Every file dated `when` (long past): the content, not the racy-stat rule, decides."""
    for path in repo.rglob("*"):
        os.utime(path, (when, when))


@pytest.mark.parametrize("case", CASES, ids=[c.code for c in CASES])
def test_each_finding_after_an_edit_is_what_a_full_read_finds(tiny: Path, case: Case) -> None:
    """Each case as an edit to a repo validated before: `validate` answers from the last valid
    run and the edited file (delta.py's checks, or every check again) as a full read does."""
    from skillcycle.fast import snapshot

    _findings(tiny, None, case)  # lin's goals: the base is clean
    _settle(tiny, 1_700_000_000)
    assert snapshot.validate_warm(tiny, AS_OF, TODAY).ok
    target = tiny / case.file
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(case.bad.encode() if isinstance(case.bad, str) else case.bad)
    _settle(tiny, 1_700_000_600)
    after = snapshot.validate_warm(tiny, AS_OF, TODAY, need_repo=False)
    assert sorted(after.problems) == sorted(validate_path(tiny, AS_OF, TODAY).problems)
    assert case.code in {p.code for p in after.problems}


def test_the_rules_across_files_are_registered_once_each() -> None:
    """Every code a rule across files reports is documented and reported by that rule alone;
    each incremental twin stands for a registered rule."""
    from skillcycle.validation import checks
    from skillcycle.fast import delta

    codes = [code for rule in checks.CROSS_FILE_RULES.values() for code in rule.codes]
    assert len(codes) == len(set(codes))
    assert set(codes) <= set(CODES)
    assert set(delta.TWINS) <= set(checks.CROSS_FILE_RULES)
    for rule in checks.CROSS_FILE_RULES.values():
        assert set(rule.reads) <= set(FRAMES), rule


@pytest.mark.parametrize("later, found", [
    # (manager, type, date) of a second check-in of ada's, beside the 07-14 one-on-one with grace
    (("lin", "one-on-one", "2026-07-01"), []),  # older: her manager may have changed since
    (("lin", "review", "2026-08-20"), []),  # only one-on-ones are a manager's to hold
    (("lin", "one-on-one", "2026-07-14"), []),  # the same day as one with grace
    (("lin", "one-on-one", "2026-08-20"), ["ada's latest one-on-one (2026-08-20) was with lin, but ada's manager is grace"]),
])
def test_latest_one_on_one_is_with_the_manager(tiny: Path, later: tuple[str, str, str], found: list[str]) -> None:
    manager, kind, day = later
    (tiny / "checkins" / "ada-second.yaml").write_text(f"person: ada\nmanager: {manager}\ndate: {day}\ntype: {kind}\n")
    assert [p.message for p in validate_path(tiny, AS_OF, TODAY).problems if p.code == "C013"] == found


def test_a_person_with_no_manager_has_no_one_on_one_to_check(tiny: Path) -> None:
    (tiny / "checkins" / "grace.yaml").write_text("person: grace\nmanager: lin\ndate: 2026-07-20\ntype: one-on-one\n")
    assert "C013" not in {p.code for p in validate_path(tiny, AS_OF, TODAY).problems}
