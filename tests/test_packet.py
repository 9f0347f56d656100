"""The review packet's computation (skillcycle.reports.packet), and each flag rule on its own.

tests/fixtures/packet-flags is a repo where pat has no flag on 2026-09-15; every
flag test changes one file of a copy so that exactly one rule fires.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from skillcycle.core.levels import Level
from skillcycle.render.packet import render_packet, template_dirs
from skillcycle.reports.packet import RULES, UnknownPerson, build_packet, http_link, rules_markdown, tenure
from skillcycle.validation.validate import validate_path

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = Path(__file__).parents[1] / "docs"
AS_OF = date(2026, 9, 15)


def load(root: Path, as_of: date = AS_OF):
    validation = validate_path(root, as_of, as_of)
    assert validation.ok, validation.problems
    return validation.repo


@pytest.fixture(scope="module")
def basic():
    return load(FIXTURES / "packet-basic")


@pytest.fixture
def flags_repo(tmp_path: Path) -> Path:
    target = tmp_path / "flags"
    shutil.copytree(FIXTURES / "packet-flags", target)
    return target


def write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def flag_ids(root: Path, as_of: date = AS_OF) -> list[str]:
    return [f.rule for f in build_packet(load(root, as_of), "pat", as_of).flags]


# --- sections --------------------------------------------------------------------

def test_header(basic) -> None:
    h = build_packet(basic, "uma", AS_OF).header
    assert (h.name, h.role_title, h.family, h.manager_name, h.track) == (
        "Uma Adeyemi", "Data Analyst", "analytics", "Mara Quispe", "upskill")
    assert (h.tenure, h.cycle, h.previous_cycle, h.active) == ("2 years 6 months", "2026Q3", "2026Q2", True)
    assert build_packet(basic, "rex", AS_OF).header.track == "reskill"
    assert build_packet(basic, "mara", AS_OF).header.manager is None


def test_unknown_person_suggests(basic) -> None:
    with pytest.raises(UnknownPerson, match="did you mean 'uma'"):
        build_packet(basic, "umma", AS_OF)


@pytest.mark.parametrize(("started", "as_of", "expected"), [
    (None, date(2026, 1, 1), None),
    (date(2026, 1, 31), date(2026, 2, 28), "less than a month"),
    (date(2025, 1, 31), date(2026, 2, 28), "1 year"),
    (date(2024, 3, 1), date(2026, 9, 15), "2 years 6 months"),
    (date(2026, 10, 1), date(2026, 9, 15), "starts on 2026-10-01"),
])
def test_tenure(started, as_of, expected) -> None:
    assert tenure(started, as_of) == expected


def test_proficiency_rows(basic) -> None:
    rows = {r.skill: r for r in build_packet(basic, "uma", AS_OF).proficiency}
    sql = rows["sql"]
    assert (sql.required, sql.current, sql.source, sql.rated_on, sql.gap) == (
        Level.PROFICIENT, Level.FOUNDATIONAL, "calibration", date(2026, 6, 20), 1)
    assert (sql.self_level, sql.self_rated_on) == (Level.EXPERT, date(2026, 6, 10))
    assert sql.next_anchor == "Writes joins and window functions others can read."
    viz = rows["data-visualization"]
    assert viz.self_level is None  # the self rating equals the current level: not repeated
    assert (viz.gap, viz.next_level, viz.next_anchor) == (0, None, None)
    assert list(rows) == ["sql", "data-visualization"]  # largest gap first


def test_unassessed_row_points_at_foundational(basic) -> None:
    sql = build_packet(basic, "rex", AS_OF).proficiency[0]
    assert (sql.current, sql.gap, sql.track, sql.next_level) == (None, 2, "reskill", Level.FOUNDATIONAL)


def test_upcoming_requirement_changes(basic) -> None:
    (change,) = build_packet(basic, "uma", AS_OF).upcoming
    assert (change.effective, change.skill, change.before, change.after) == (date(2027, 1, 1), "python", None, Level.FOUNDATIONAL)
    assert build_packet(basic, "uma", date(2027, 1, 1)).upcoming == []


def test_career_uses_aspiration_else_next_roles(basic) -> None:
    (target,) = build_packet(basic, "uma", AS_OF).career
    assert (target.role, target.reason, target.ready) == ("senior-analyst", "aspiration", False)
    assert [(g.skill, g.gap) for g in target.gaps] == [("sql", 2), ("coaching", 1), ("data-visualization", 1)]
    assert target.open_requisitions == [("req-2026-031", date(2026, 8, 1))]
    assert build_packet(basic, "rex", AS_OF).career[0].reason == "next role"
    assert build_packet(basic, "mara", AS_OF).career == []  # no aspiration, no next roles
    assert build_packet(basic, "uma", date(2026, 7, 31)).career[0].open_requisitions == []


def test_goals_of_current_and_previous_cycle(basic) -> None:
    goals = build_packet(basic, "uma", AS_OF).goals
    assert [(g.id, g.cycle, g.status, g.status_date) for g in goals] == [
        ("uma-sql-2026q3", "2026Q3", "active", None),
        ("uma-viz-2026q2", "2026Q2", "achieved", date(2026, 6, 20)),
    ]
    sql = goals[0]
    assert sql.baseline == Level.FOUNDATIONAL  # default: the current level at start
    assert sql.last_note == (date(2026, 8, 20), "Needs practice with partitions.")
    (resource,) = sql.resources
    assert (resource.link, resource.completed_on) == ("https://learn.example.com/sql-101", date(2026, 8, 1))
    assert goals[1].baseline == Level.NONE  # written in the file
    assert [g.id for g in build_packet(basic, "uma", date(2027, 1, 5)).goals] == []  # 2027Q1: neither cycle


def test_goal_statuses(basic) -> None:
    (rex_goal,) = build_packet(basic, "rex", AS_OF).goals
    assert (rex_goal.status, rex_goal.baseline) == ("overdue", None)
    assert build_packet(basic, "rex", date(2026, 9, 10)).goals[0].status == "active"


def test_dropped_goal(flags_repo: Path) -> None:
    edit(flags_repo, "goals/pat-2026q3.yaml", "    resources: [sql-course]\n", "    resources: [sql-course]\n    dropped: 2026-09-02\n")
    goal = build_packet(load(flags_repo), "pat", AS_OF).goals[0]
    assert (goal.status, goal.status_date) == ("dropped", date(2026, 9, 2))
    assert build_packet(load(flags_repo, date(2026, 9, 1)), "pat", date(2026, 9, 1)).goals[0].status == "active"


def test_checkins_of_the_last_90_days_in_date_order(basic) -> None:
    packet = build_packet(basic, "uma", AS_OF)
    assert packet.checkins_since == date(2026, 6, 17)
    assert [c.date for c in packet.checkins] == [date(2026, 7, 10), date(2026, 8, 20)]
    first, second = packet.checkins
    assert (first.with_, first.apply_state, first.apply_days) == ("Mara Quispe", "past due", -53)
    assert first.goal_notes == [("uma-sql-2026q3", "Advance SQL from Foundational to Proficient", "On track for the Q3 calibration.")]
    assert first.notes == "Agreed to protect Friday mornings for learning."
    early = build_packet(basic, "uma", date(2026, 9, 2)).checkins[-1]
    assert (early.apply_state, early.apply_days) == ("due", 1)
    assert [c.date for c in build_packet(basic, "uma", date(2026, 8, 1)).checkins] == [date(2026, 5, 4), date(2026, 7, 10)]


@pytest.mark.parametrize("applied, state", [("true", "done"), ("false", "missed")])
def test_a_later_check_in_says_whether_the_assignment_was_done(tmp_path: Path, applied: str, state: str) -> None:
    """uma's 07-10 assignment (due 08-08) is reported on at 08-20; the 08-20 one (due 09-03) is
    the latest when a check-in of 09-10 reports, so that one reports on it and not on 07-10."""
    repo = tmp_path / "basic"
    shutil.copytree(FIXTURES / "packet-basic", repo)
    edit(repo, "checkins/uma-2026-08-20.yaml", "  apply_due: 2026-09-03\n", f"  apply_due: 2026-09-03\n  applied: {applied}\n")
    packet = build_packet(load(repo), "uma", AS_OF)
    first, second = packet.checkins
    assert (first.apply_state, first.apply_reported, first.apply_days) == (state, date(2026, 8, 20), None)
    assert f"**{state}** (said on 2026-08-20)" in render_packet(packet, "markdown", template_dirs(repo, None))
    assert (second.apply_state, second.apply_reported) == ("past due", None)  # nobody has said yet
    (repo / "checkins" / "uma-2026-09-10.yaml").write_text(
        "person: uma\nmanager: mara\ndate: 2026-09-10\ntype: one-on-one\nlearning:\n  applied: true\n", encoding="utf-8")
    first, second, third = build_packet(load(repo), "uma", AS_OF).checkins
    assert (first.apply_state, second.apply_state, second.apply_reported) == (state, "done", date(2026, 9, 10))
    assert third.apply_state is None


def test_last_four_review_periods(basic) -> None:
    reviews = build_packet(basic, "uma", AS_OF).reviews
    assert [(r.period, r.rating) for r in reviews] == [("2025Q4", 3), ("2026Q1", 3), ("2026Q2", 2), ("2026Q3", 3)]
    assert (reviews[2].root_cause, reviews[2].skill_name) == ("skill", "SQL")
    assert [r.period for r in build_packet(basic, "uma", date(2026, 6, 30)).reviews] == ["2025Q3", "2025Q4", "2026Q1", "2026Q2"]


def test_nothing_after_as_of_is_used(basic) -> None:
    packet = build_packet(basic, "uma", date(2026, 6, 15))  # before the calibration and the completion
    assert {r.skill: r.current for r in packet.proficiency} == {"sql": None, "data-visualization": None}
    assert packet.header.track == "reskill"
    assert [c.date for c in packet.checkins] == [date(2026, 5, 4)]


def test_deterministic(basic) -> None:
    assert build_packet(basic, "uma", AS_OF) == build_packet(basic, "uma", AS_OF)


@pytest.mark.parametrize(("url", "link"), [
    ("https://learn.example.com/a?b=1", "https://learn.example.com/a?b=1"),
    ("HTTP://example.com", "HTTP://example.com"),
    ("javascript:alert(1)", None),
    ("data:text/html,<script>", None),
    ("//example.com/x", None),
    ("https://exa mple.com", None),
    ("https:///nohost", None),
    (None, None),
])
def test_only_http_urls_become_links(url, link) -> None:
    assert http_link(url) == link


# --- flag rules, each alone ---------------------------------------------------------

def test_base_fixture_has_no_flags(flags_repo: Path) -> None:
    assert flag_ids(flags_repo) == []


def test_flag_no_recent_conversation(flags_repo: Path) -> None:
    write(flags_repo, "checkins/pat-2026-09-01.yaml", (
        "person: pat\nmanager: mo\ndate: 2026-09-01\ntype: one-on-one\n"
        "goals:\n  - {goal: pat-sql, note: Steady progress.}\nnotes: Talked about the report only.\n"))
    write(flags_repo, "checkins/pat-2026-08-10.yaml", (
        "person: pat\nmanager: mo\ndate: 2026-08-10\ntype: one-on-one\nlearning:\n  progress: Read a chapter.\n"))
    (flag,) = build_packet(load(flags_repo), "pat", AS_OF).flags
    assert flag.rule == "no-recent-conversation"
    assert flag.evidence == ["last substantive learning conversation: 2026-08-10 (36 days before 2026-09-15)"]
    # 30 days exactly is still recent
    assert flag_ids(flags_repo, date(2026, 9, 9)) == []


def test_flag_goal_due_no_progress(flags_repo: Path) -> None:
    edit(flags_repo, "goals/pat-2026q3.yaml", "due: 2026-11-30", "due: 2026-10-15")
    assert flag_ids(flags_repo) == []  # due in 30 days, but a check-in noted progress
    edit(flags_repo, "checkins/pat-2026-09-01.yaml", "goals:\n  - {goal: pat-sql, note: Steady progress.}\n", "")
    (flag,) = build_packet(load(flags_repo), "pat", AS_OF).flags
    assert flag.rule == "goal-due-no-progress"
    assert "due 2026-10-15" in flag.evidence[0] and "Advance SQL to Proficient" in flag.question
    edit(flags_repo, "goals/pat-2026q3.yaml", "due: 2026-10-15", "due: 2026-10-16")  # 31 days: not yet
    assert flag_ids(flags_repo) == []


def test_flag_goal_overdue(flags_repo: Path) -> None:
    edit(flags_repo, "goals/pat-2026q3.yaml", "due: 2026-11-30", "due: 2026-09-14")
    (flag,) = build_packet(load(flags_repo), "pat", AS_OF).flags
    assert flag.rule == "goal-overdue"
    assert flag.evidence == ["goal pat-sql: due 2026-09-14, target Proficient, current Foundational"]


def test_flag_goal_overdue_not_when_carried_over(flags_repo: Path) -> None:
    write(flags_repo, "goals/pat-2026q2.yaml", (
        "person: pat\ncycle: 2026Q2\ngoals:\n"
        "  - {id: pat-sql-q2, kind: learning, skill: sql, target: proficient, title: SQL in Q2, due: 2026-06-30,"
        " weight: 10, resources: [sql-course]}\n"))
    (goal,) = build_packet(load(flags_repo), "pat", AS_OF).goals  # the 2026Q2 goal is said once, on the one carrying it on
    assert (goal.status, goal.carried_from) == ("active", "2026Q2 (pat-sql-q2, overdue)")
    assert flag_ids(flags_repo) == []  # the 2026Q3 goal on SQL carries it on
    edit(flags_repo, "goals/pat-2026q2.yaml", "skill: sql", "skill: data-visualization")
    assert flag_ids(flags_repo) == ["goal-overdue"]


def test_flag_repeated_barrier(flags_repo: Path) -> None:
    write(flags_repo, "checkins/pat-2026-08-18.yaml", (
        "person: pat\nmanager: mo\ndate: 2026-08-18\ntype: one-on-one\nlearning:\n  barriers: '  little   TIME'\n"))
    (flag,) = build_packet(load(flags_repo), "pat", AS_OF).flags
    assert flag.rule == "repeated-barrier"
    assert flag.evidence == ["barrier “Little time.” in check-ins of 2026-08-18, 2026-09-01"]
    # outside the 90-day window it no longer counts
    assert "repeated-barrier" not in flag_ids(flags_repo, date(2026, 11, 17))


def test_flag_goal_without_resources(flags_repo: Path) -> None:
    edit(flags_repo, "goals/pat-2026q3.yaml", "    resources: [sql-course]\n", "")
    (flag,) = build_packet(load(flags_repo), "pat", AS_OF).flags
    assert (flag.rule, flag.evidence) == ("goal-without-resources", ["goal pat-sql: resources empty"])


def test_flag_self_above_calibrated(flags_repo: Path) -> None:
    write(flags_repo, "assessments/2026-06-self.yaml", (
        "date: 2026-06-15\nsource: self\nratings:\n"
        "  - {person: pat, skill: sql, level: expert}\n"
        "  - {person: pat, skill: data-visualization, level: proficient}\n"  # one tier above: fine
        "  - {person: pat, skill: python, level: expert}\n"))  # unassessed: no calibrated level to compare
    (flag,) = build_packet(load(flags_repo), "pat", AS_OF).flags
    assert flag.rule == "self-above-calibrated"
    assert flag.evidence == ["SQL: self Expert (2026-06-15), current Foundational (calibration, 2026-06-20)"]


def test_flag_self_below_calibrated(flags_repo: Path) -> None:
    write(flags_repo, "assessments/2026-06-self.yaml", (
        "date: 2026-06-15\nsource: self\nratings:\n"
        "  - {person: pat, skill: sql, level: none}\n"  # a tier below the calibrated foundational
        "  - {person: pat, skill: data-visualization, level: foundational}\n"))  # as calibrated: fine
    (flag,) = build_packet(load(flags_repo), "pat", AS_OF).flags
    assert flag.rule == "self-below-calibrated"
    assert flag.message == "Self rating in SQL is 1 tier below the current level."
    assert flag.evidence == ["SQL: self None (2026-06-15), current Foundational (calibration, 2026-06-20)"]


def test_flag_gap_without_goal(flags_repo: Path) -> None:
    edit(flags_repo, "roles/analyst.yaml", "  data-visualization: foundational\n", "  data-visualization: proficient\n")
    (flag,) = build_packet(load(flags_repo), "pat", AS_OF).flags
    assert flag.rule == "gap-without-goal"
    assert flag.evidence[0].startswith("Data visualization: required Proficient, current Foundational")


def test_gap_without_goal_is_one_flag_for_all_its_skills_and_asks_to_assess_first(flags_repo: Path) -> None:
    edit(flags_repo, "roles/analyst.yaml", "  data-visualization: foundational\n", "  data-visualization: proficient\n  python: foundational\n")
    (flag,) = build_packet(load(flags_repo), "pat", AS_OF).flags
    assert flag.message == "2 skills below what your role requires, with no learning goal: Data visualization, Python."
    assert [line.split(";")[0] for line in flag.evidence] == [
        "Data visualization: required Proficient, current Foundational", "Python: required Foundational, current Unassessed"]
    assert flag.question == "Which of Data visualization, Python should be a learning goal this cycle? (Python never assessed: assess first.)"


def test_flag_gap_without_goal_after_a_drop(flags_repo: Path) -> None:
    edit(flags_repo, "goals/pat-2026q3.yaml", "    resources: [sql-course]\n", "    resources: [sql-course]\n    dropped: 2026-09-02\n")
    assert flag_ids(flags_repo) == ["gap-without-goal"]


def test_flag_apply_past_due(flags_repo: Path) -> None:
    edit(flags_repo, "checkins/pat-2026-09-01.yaml", "apply_due: 2026-09-15", "apply_due: 2026-09-14")
    (flag,) = build_packet(load(flags_repo), "pat", AS_OF).flags
    assert flag.rule == "apply-past-due"
    assert flag.evidence == ["set in the check-in of 2026-09-01, due 2026-09-14 (1 day ago); no check-in since"]
    # a conversation held on or after the due date has followed it up
    write(flags_repo, "checkins/pat-2026-09-14.yaml", (
        "person: pat\nmanager: mo\ndate: 2026-09-14\ntype: one-on-one\nlearning:\n  progress: Query rewritten.\n"))
    assert flag_ids(flags_repo) == []


def test_flag_completion_not_applied(flags_repo: Path) -> None:
    write(flags_repo, "completions/lms.yaml", (
        "source: lms\nrecords:\n"
        "  - {person: pat, resource: sql-course, date: 2026-08-20, completed: true}\n"  # apply on 09-01: within 14 days
        "  - {person: pat, resource: sql-course, date: 2026-09-03, completed: true}\n"
        "  - {person: pat, resource: sql-course, date: 2026-09-04, completed: false}\n"  # not completed
        "  - {person: mo, resource: sql-course, date: 2026-09-05, completed: true}\n"))  # someone else
    (flag,) = build_packet(load(flags_repo), "pat", AS_OF).flags
    assert flag.rule == "completion-not-applied"
    assert flag.evidence == [
        "completion of sql-course on 2026-09-03; no application assignment set in a check-in between 2026-09-03 and 2026-09-15"]


def test_flag_skill_root_cause_without_goal(flags_repo: Path) -> None:
    write(flags_repo, "reviews/2026q2.yaml", (
        "period: 2026Q2\nratings:\n  - {person: pat, rating: 2, root_cause: skill, skill: python}\n"))
    (flag,) = build_packet(load(flags_repo), "pat", AS_OF).flags
    assert flag.rule == "skill-root-cause-without-goal"
    assert flag.evidence == ["rating 2 for 2026Q2, root cause: skill (Python)"]
    write(flags_repo, "reviews/2026q2.yaml", (  # the skill has an open learning goal: no flag
        "period: 2026Q2\nratings:\n  - {person: pat, rating: 2, root_cause: skill, skill: sql}\n"))
    assert flag_ids(flags_repo) == []


def test_flag_team_relies_on_you(flags_repo: Path) -> None:
    """mo's team is mo and pat; pat's role needs sql at proficient, mo holds it (the fixture)."""
    calibration = "assessments/2026-06.yaml"
    edit(flags_repo, calibration, "  - {person: mo, skill: sql, level: proficient}", "  - {person: mo, skill: sql, level: foundational}")
    (flag,) = build_packet(load(flags_repo), "pat", AS_OF).flags  # nobody holds sql; pat's goal is the only one on it
    assert flag.rule == "team-relies-on-you"
    assert flag.message == "You are the only one in the team learning SQL, which nobody there holds yet."
    assert flag.evidence == ["mo and direct reports: nobody is at proficient in SQL; the only active learning goal on it is yours"]
    edit(flags_repo, calibration, "  - {person: pat, skill: sql, level: foundational}", "  - {person: pat, skill: sql, level: proficient}")
    (flag,) = build_packet(load(flags_repo), "pat", AS_OF).flags  # pat is the one holder now
    assert flag.message == "The team relies on you for SQL."
    assert flag.evidence == ["mo and direct reports: the only one at proficient or above in SQL"]


def test_nobody_inactive_gets_flags_and_a_tenure_ends_when_they_leave(flags_repo: Path) -> None:
    edit(flags_repo, "roles/analyst.yaml", "  data-visualization: foundational\n", "  data-visualization: proficient\n")
    assert flag_ids(flags_repo) == ["gap-without-goal"]  # as test_flag_gap_without_goal
    edit(flags_repo, "people/pat.yaml", "started: 2025-01-06\n", "started: 2025-01-06\nleft: 2026-07-05\n")
    packet = build_packet(load(flags_repo), "pat", AS_OF)
    assert packet.flags == [] and not packet.header.active
    assert packet.header.tenure == "1 year 5 months"  # 2025-01-06 to 2026-07-05, not to as-of
    assert "No flags: Pat Example is not active on 2026-09-15" in render_packet(packet, "md", template_dirs(flags_repo, None))
    edit(flags_repo, "people/pat.yaml", "started: 2025-01-06\nleft: 2026-07-05\n", "started: 2026-10-01\n")
    assert flag_ids(flags_repo) == []  # not started yet


def test_every_rule_has_a_test_and_a_doc_line() -> None:
    tested = {name.removeprefix("test_flag_").replace("_", "-") for name in globals() if name.startswith("test_flag_")}
    assert {rule.id for rule in RULES} <= tested
    assert rules_markdown() in (DOCS / "review-packet.md").read_text(encoding="utf-8")


def test_performance_goals_are_listed_with_their_latest_note(basic) -> None:
    rows = build_packet(basic, "uma", AS_OF).performance_goals
    assert [(g.title, g.cycle, g.weight, g.status) for g in rows] == [
        ("Ship the churn dashboard", "2026Q3", 85, "open"), ("Automate the monthly board report", "2026Q2", 85, "due date passed"),
    ]


def test_flags_come_by_urgency_and_size_then_in_rule_order(basic) -> None:
    """uma: SQL (high urgency, weight 3) self-rated 2 tiers above: 3 x 2 = 6 comes first; the
    barrier and the past-due assignment are about no skill (weight 0) and keep rule order."""
    flags = build_packet(basic, "uma", AS_OF).flags
    assert [(f.rule, f.weight) for f in flags][:3] == [("self-above-calibrated", 6), ("repeated-barrier", 0), ("apply-past-due", 0)]
    assert [f.weight for f in flags] == sorted((f.weight for f in flags), reverse=True)
