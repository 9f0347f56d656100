"""Gap computation (SPEC §4, §6) without the CLI, on tests/fixtures/gap-basic.

Every expected number is derived by hand from the fixture's files (see its
README.md for the traps); the derivations are the comments beside them.
As-of 2026-09-30: active are cora, dana, ada, bo, eve, fay, hal (cy left
2026-06-30, gus starts 2027-01-15).

Current levels on 2026-09-30 (required level in brackets):
  ada  sql 1 [2] gap 1 upskill (calibration beats manager on 06-15; expert 10-15 is after as-of), self 2
       python 2 [1], excel 1 [1]
  bo   sql 1 [2] gap 1 upskill (same date, same source: assessments/2026q2/calibration.yaml is read
       after assessments/2026q2-late.yaml because '-' < '/'), python 0 [1] gap 1 reskill (rated none),
       excel unassessed [1] gap 1 reskill
  dana sql 3 [3], coaching 1 [2] gap 1 upskill
  cora python 3 [2], coaching 2 [2]
  eve  python 2 [2] (manager 08-01 is later than calibration 06-15), sql 1 [1] (none on 10-15 is after as-of)
  fay  python unassessed [2] gap 2 reskill (self-only: expert), sql 1 [1] (peer)
  hal  python 2 [2], sql 1 [1]
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skillcycle.core import gaps
from skillcycle.core.facts import SOURCE_PRIORITY, current_levels, self_levels
from skillcycle.core.gaps import GapQuery, GapQueryError, check_query, gap_report
from skillcycle.core.levels import Level
from skillcycle.core.repo import Repo
from skillcycle.core.schema import AssessmentBatch, Person, Rating, Role, Settings, Skill
from skillcycle.validation.validate import validate_path

FIXTURE = Path(__file__).parent / "fixtures" / "gap-basic"
AS_OF = date(2026, 9, 30)
ROW = ["required", "below", "unassessed", "upskill", "reskill", "mean_gap", "urgency", "priority"]


@pytest.fixture(scope="module")
def repo() -> Repo:
    validation = validate_path(FIXTURE, AS_OF, AS_OF)
    assert validation.ok, validation.problems
    return validation.repo


def report(repo: Repo, **options) -> gaps.GapReport:
    query = GapQuery(as_of=options.pop("as_of", AS_OF), **options)
    check_query(repo, query)
    return gap_report(repo, query)


def records(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(row) for row in frame.itertuples(index=False, name=None)]


# --- per person -----------------------------------------------------------------------

def test_person_gaps_levels_ties_and_self(repo: Repo) -> None:
    frame = gaps.person_gaps(repo, AS_OF)
    assert list(frame.columns) == gaps.GAP_COLUMNS
    got = {(r.person, r.skill): (r.required, None if pd.isna(r.current) else r.current, r.gap, r.track,
                                 None if pd.isna(r.self) else r.self) for r in frame.itertuples()}
    assert got == {
        ("ada", "excel"): (1, 1, 0, "none", None),
        ("ada", "python"): (1, 2, 0, "none", 3),
        ("ada", "sql"): (2, 1, 1, "upskill", 2),  # calibration beats manager; 10-15 expert ignored; self shown
        ("bo", "excel"): (1, None, 1, "reskill", None),  # never rated: unassessed
        ("bo", "python"): (1, 0, 1, "reskill", None),  # rated none: assessed, reskill
        ("bo", "sql"): (2, 1, 1, "upskill", None),  # later path wins: foundational, not expert
        ("cora", "coaching"): (2, 2, 0, "none", None),
        ("cora", "python"): (2, 3, 0, "none", None),
        ("dana", "coaching"): (2, 1, 1, "upskill", None),
        ("dana", "sql"): (3, 3, 0, "none", None),
        ("eve", "python"): (2, 2, 0, "none", None),  # later date beats calibration
        ("eve", "sql"): (1, 1, 0, "none", None),  # 'none' dated after as-of is not used
        ("fay", "python"): (2, None, 2, "reskill", 3),  # self-only: unassessed, self shown
        ("fay", "sql"): (1, 1, 0, "none", None),  # peer counts
        ("hal", "python"): (2, 2, 0, "none", None),
        ("hal", "sql"): (1, 1, 0, "none", None),
    }
    # sorted by person, then skill
    assert records(frame[["person", "skill"]]) == sorted(records(frame[["person", "skill"]]))


def test_person_tracks(repo: Repo) -> None:
    tracks = gaps.person_tracks(gaps.person_gaps(repo, AS_OF))
    # bo has one upskill and two reskill gaps: reskill wins
    assert tracks.to_dict() == {"ada": "upskill", "bo": "reskill", "cora": "none", "dana": "upskill",
                                "eve": "none", "fay": "reskill", "hal": "none"}


def test_people_who_left_or_have_not_started_are_out(repo: Repo) -> None:
    people = set(gaps.person_gaps(repo, AS_OF)["person"])
    assert "cy" not in people and "gus" not in people and "hal" in people
    later = set(gaps.person_gaps(repo, date(2027, 9, 30))["person"])
    assert "gus" in later and "hal" not in later  # gus started 2027-01-15, hal left 2027-02-28


# --- the default roll-up ------------------------------------------------------------------

def test_family_rollup_by_hand(repo: Repo) -> None:
    rows = report(repo).rows
    assert list(rows.columns) == ["family", "skill", *ROW]
    assert records(rows) == [
        # analytics = ada, bo (analyst) and dana (lead). sql: all 3 need it; ada and bo are below (both at
        # foundational: upskill); gaps 1 + 1 + 0 = 2, 2/3 = 0.67; high: 3 x 2 = 6
        ("analytics", "sql", 3, 2, 0, 2, 0, 0.67, "high", 6),
        # priority 2, below 1 each: analytics before engineering. python: ada ok, bo none -> reskill
        ("analytics", "python", 2, 1, 0, 0, 1, 0.5, "medium", 2),
        # engineering = cora (em), eve, fay, hal: only fay is below (unassessed, gap 2): 2/4 = 0.5
        ("engineering", "python", 4, 1, 1, 0, 1, 0.5, "medium", 2),
        # priority 1, below 1, same family: coaching before excel
        ("analytics", "coaching", 1, 1, 0, 1, 0, 1.0, "low", 1),  # dana 1 -> 2
        ("analytics", "excel", 2, 1, 1, 0, 1, 0.5, "low", 1),  # bo unassessed
        ("engineering", "coaching", 1, 0, 0, 0, 0, 0.0, "low", 0),
        ("engineering", "sql", 3, 0, 0, 0, 0, 0.0, "high", 0),
    ]


def test_summary(repo: Repo) -> None:
    s = report(repo).summary
    # with gaps: ada (upskill), bo (reskill), dana (upskill), fay (reskill); unassessed: bo/excel, fay/python
    assert (s.people, s.with_gaps, s.upskill, s.reskill, s.unassessed_people, s.unassessed) == (7, 4, 2, 2, 2, 2)


def test_rollup_helper_matches_the_report(repo: Repo) -> None:
    assert records(gaps.rollup(repo, AS_OF)) == records(report(repo).rows)


# --- horizon ------------------------------------------------------------------------------

def test_horizon_uses_requirements_and_headcount_of_d_but_levels_of_as_of(repo: Repo) -> None:
    result = report(repo, horizon_months=12)
    assert result.day == date(2027, 9, 30)
    assert records(result.rows) == [
        # D = 2027-09-30: analyst now needs ai-tooling (proficient) and no longer excel (`none` removes it);
        # gus is active, hal has left. Nobody is rated in ai-tooling: ada, bo, gus all gap 2, reskill: 6/3 = 2.0
        ("analytics", "ai-tooling", 3, 3, 3, 0, 3, 2.0, "high", 9),
        # sql: ada 1 (her expert of 2026-10-15 is after as-of, so not used even though <= D), bo 1, gus 2
        # (unassessed), dana 0: (1+1+2+0)/4 = 1.0; same priority and below as ai-tooling: skill id decides
        ("analytics", "sql", 4, 3, 1, 2, 1, 1.0, "high", 9),
        ("analytics", "python", 3, 2, 1, 0, 2, 0.67, "medium", 4),  # bo 1 + gus 1 over ada, bo, gus
        ("engineering", "python", 3, 1, 1, 0, 1, 0.67, "medium", 2),  # cora, eve, fay (hal left): fay 2/3
        ("analytics", "coaching", 1, 1, 0, 1, 0, 1.0, "low", 1),
        ("engineering", "coaching", 1, 0, 0, 0, 0, 0.0, "low", 0),
        ("engineering", "sql", 2, 0, 0, 0, 0, 0.0, "high", 0),  # eve's `none` of 2026-10-15 is not used
    ]
    assert "excel" not in set(result.rows["skill"])
    s = result.summary
    # gaps: ada, bo, gus, fay reskill, dana upskill; unassessed: ada/ai, bo/ai, gus x3, fay/python
    assert (s.people, s.with_gaps, s.upskill, s.reskill, s.unassessed_people, s.unassessed) == (7, 5, 1, 4, 4, 6)


def test_requirement_change_before_its_date_is_not_applied(repo: Repo) -> None:
    # 2027-02-28 is one day before the change: excel still required, ai-tooling not yet
    skills = set(gaps.person_gaps(repo, date(2027, 2, 28), levels_on=AS_OF).query("role == 'analyst'")["skill"])
    assert skills == {"excel", "python", "sql"}
    skills = set(gaps.person_gaps(repo, date(2027, 3, 1), levels_on=AS_OF).query("role == 'analyst'")["skill"])
    assert skills == {"ai-tooling", "python", "sql"}


# --- other roll-ups -------------------------------------------------------------------------

def test_by_manager_counts_direct_reports(repo: Repo) -> None:
    """cora's direct reports are dana and eve, dana's ada and bo (cy has left, gus not started),
    eve's fay and hal."""
    rows = report(repo, by="manager").rows
    assert records(rows) == [
        ("dana", "sql", 2, 2, 0, 2, 0, 1.0, "high", 6),  # ada, bo: 1 below each
        ("dana", "python", 2, 1, 0, 0, 1, 0.5, "medium", 2),  # bo rated none
        ("eve", "python", 2, 1, 1, 0, 1, 1.0, "medium", 2),  # fay unassessed, gap 2; ties dana: id decides
        ("cora", "coaching", 1, 1, 0, 1, 0, 1.0, "low", 1),  # dana 1 of 2
        ("dana", "excel", 2, 1, 1, 0, 1, 0.5, "low", 1),  # bo unassessed
        ("cora", "python", 1, 0, 0, 0, 0, 0.0, "medium", 0),  # eve at 2 of 2
        ("cora", "sql", 2, 0, 0, 0, 0, 0.0, "high", 0),  # dana 3 of 3, eve 1 of 1
        ("eve", "sql", 2, 0, 0, 0, 0, 0.0, "high", 0),
    ]


def test_by_manager_subtree_counts_everyone_under(repo: Repo) -> None:
    rows = report(repo, by="manager", subtree=True).rows
    assert list(rows.columns) == ["manager", "skill", *ROW]
    assert records(rows) == [
        # cora: dana, ada, bo, eve, fay, hal (not cora herself). sql: ada, bo, dana, eve, fay, hal = 6;
        # ada and bo below: 2/6 = 0.33. dana (ada, bo) ties on priority and below: manager id decides
        ("cora", "sql", 6, 2, 0, 2, 0, 0.33, "high", 6),
        ("dana", "sql", 2, 2, 0, 2, 0, 1.0, "high", 6),
        # python under cora: ada, bo, eve, fay, hal; bo 1 + fay 2 = 3/5 = 0.6 (cora's own python not counted)
        ("cora", "python", 5, 2, 1, 0, 2, 0.6, "medium", 4),
        ("dana", "python", 2, 1, 0, 0, 1, 0.5, "medium", 2),
        ("eve", "python", 2, 1, 1, 0, 1, 1.0, "medium", 2),  # fay and hal; fay gap 2
        ("cora", "coaching", 1, 1, 0, 1, 0, 1.0, "low", 1),  # only dana: em coaching of cora is not hers to count
        ("cora", "excel", 2, 1, 1, 0, 1, 0.5, "low", 1),
        ("dana", "excel", 2, 1, 1, 0, 1, 0.5, "low", 1),
        ("eve", "sql", 2, 0, 0, 0, 0, 0.0, "high", 0),
    ]


def test_management_chains_agree_with_subtree(repo: Repo) -> None:
    chains = gaps.management_chains(repo)
    for manager in gaps.managers_of(repo):
        assert sorted(p for m, p in chains if m == manager) == repo.subtree(manager)
    assert gaps.managers_of(repo) == ["cora", "dana", "eve"]


def test_by_person(repo: Repo) -> None:
    rows = report(repo, by="person").rows
    assert list(rows.columns) == ["person", "role", "family", "required", "below", "unassessed", "upskill",
                                  "reskill", "mean_gap", "track", "priority"]
    assert records(rows) == [
        ("bo", "analyst", "analytics", 3, 3, 1, 1, 2, 1.0, "reskill", 6),  # sql high 3 + python medium 2 + excel low 1
        ("ada", "analyst", "analytics", 3, 1, 0, 1, 0, 0.33, "upskill", 3),  # 1/3
        ("fay", "engineer", "engineering", 2, 1, 1, 0, 1, 1.0, "reskill", 2),  # python gap 2 over 2 skills
        ("dana", "lead", "analytics", 2, 1, 0, 1, 0, 0.5, "upskill", 1),
        ("cora", "em", "engineering", 2, 0, 0, 0, 0, 0.0, "none", 0),
        ("eve", "engineer", "engineering", 2, 0, 0, 0, 0, 0.0, "none", 0),
        ("hal", "engineer", "engineering", 2, 0, 0, 0, 0, 0.0, "none", 0),
    ]


def test_by_role(repo: Repo) -> None:
    rows = report(repo, by="role").rows
    assert list(rows.columns) == ["role", "family", "skill", *ROW]
    assert records(rows) == [
        ("analyst", "analytics", "sql", 2, 2, 0, 2, 0, 1.0, "high", 6),
        ("analyst", "analytics", "python", 2, 1, 0, 0, 1, 0.5, "medium", 2),
        ("engineer", "engineering", "python", 3, 1, 1, 0, 1, 0.67, "medium", 2),  # eve, fay, hal: 2/3
        ("analyst", "analytics", "excel", 2, 1, 1, 0, 1, 0.5, "low", 1),
        ("lead", "analytics", "coaching", 1, 1, 0, 1, 0, 1.0, "low", 1),
        ("em", "engineering", "coaching", 1, 0, 0, 0, 0, 0.0, "low", 0),
        ("em", "engineering", "python", 1, 0, 0, 0, 0, 0.0, "medium", 0),
        ("engineer", "engineering", "sql", 3, 0, 0, 0, 0, 0.0, "high", 0),
        ("lead", "analytics", "sql", 1, 0, 0, 0, 0, 0.0, "high", 0),
    ]


def test_by_skill(repo: Repo) -> None:
    assert records(report(repo, by="skill").rows) == [
        ("sql", 6, 2, 0, 2, 0, 0.33, "high", 6),  # ada, bo, dana, eve, fay, hal
        ("python", 6, 2, 1, 0, 2, 0.5, "medium", 4),  # ada, bo, cora, eve, fay, hal: (1 + 2) / 6
        ("coaching", 2, 1, 0, 1, 0, 0.5, "low", 1),  # dana, cora
        ("excel", 2, 1, 1, 0, 1, 0.5, "low", 1),
    ]


# --- filters --------------------------------------------------------------------------------

def test_manager_filter_is_the_subtree(repo: Repo) -> None:
    result = report(repo, manager="dana")
    # ada and bo (cy left, gus not started; dana herself is not in her team)
    assert records(result.rows) == [
        ("analytics", "sql", 2, 2, 0, 2, 0, 1.0, "high", 6),
        ("analytics", "python", 2, 1, 0, 0, 1, 0.5, "medium", 2),
        ("analytics", "excel", 2, 1, 1, 0, 1, 0.5, "low", 1),
    ]
    assert result.summary.people == 2
    # cora's sub-tree reaches fay through eve
    assert "fay" in set(report(repo, manager="cora").detail["person"])


def test_family_filter(repo: Repo) -> None:
    result = report(repo, families=("engineering",))
    assert records(result.rows) == [
        ("engineering", "python", 4, 1, 1, 0, 1, 0.5, "medium", 2),
        ("engineering", "coaching", 1, 0, 0, 0, 0, 0.0, "low", 0),
        ("engineering", "sql", 3, 0, 0, 0, 0, 0.0, "high", 0),
    ]
    assert result.summary.people == 4 and list(result.detail["person"]) == ["fay"]


def test_track_filter_keeps_people_on_that_track(repo: Repo) -> None:
    upskill = report(repo, track="upskill")
    # ada and dana only; ada's python and excel (no gap) still count in `required`
    assert records(upskill.rows) == [
        ("analytics", "sql", 2, 1, 0, 1, 0, 0.5, "high", 3),  # ada below, dana at expert
        ("analytics", "coaching", 1, 1, 0, 1, 0, 1.0, "low", 1),
        ("analytics", "excel", 1, 0, 0, 0, 0, 0.0, "low", 0),
        ("analytics", "python", 1, 0, 0, 0, 0, 0.0, "medium", 0),
    ]
    reskill = report(repo, track="reskill")
    assert sorted(set(reskill.detail["person"])) == ["bo", "fay"]
    # bo's upskill gap (sql) stays: the filter is on the person's track
    assert ("bo", "sql", "upskill") in records(reskill.detail[["person", "skill", "track"]])
    assert reskill.summary.upskill == 0 and reskill.summary.reskill == 2


def test_top_cuts_rows_and_the_detail_behind_them(repo: Repo) -> None:
    result = report(repo, top=2)
    assert [tuple(r) for r in result.rows[["family", "skill"]].itertuples(index=False)] == [
        ("analytics", "sql"), ("analytics", "python")]
    assert result.total_rows == 7
    # gaps counted by those two rows: ada/sql, bo/python, bo/sql (not bo/excel, dana/coaching, fay/python)
    assert records(result.detail[["person", "skill"]]) == [("ada", "sql"), ("bo", "python"), ("bo", "sql")]
    assert result.tracks["bo"] == "reskill"  # the person's track is still theirs overall
    assert result.summary.with_gaps == 4  # the summary is about the whole selection


def test_top_by_manager_detail(repo: Repo) -> None:
    result = report(repo, by="manager", subtree=True, top=3)  # cora/sql, dana/sql, cora/python
    assert records(result.detail[["person", "skill"]]) == [
        ("ada", "sql"), ("bo", "python"), ("bo", "sql"), ("fay", "python")]


def test_detail_has_name_manager_and_levels(repo: Repo) -> None:
    detail = report(repo).detail
    assert list(detail.columns) == gaps.DETAIL_COLUMNS
    fay = detail[detail["person"] == "fay"].iloc[0]
    assert (fay["name"], fay["manager"], fay["skill"], fay["required"], fay["gap"], fay["track"]) == (
        "Fay Wray", "eve", "python", 2, 2, "reskill")
    assert pd.isna(fay["current"]) and fay["self"] == 3


@pytest.mark.parametrize("query, message", [
    (GapQuery(AS_OF, families=("analytcs",)), "unknown role family 'analytcs' — did you mean 'analytics'?"),
    (GapQuery(AS_OF, manager="dnaa"), "unknown person 'dnaa' — did you mean 'dana'?"),
    (GapQuery(AS_OF, manager="ada"), "'ada' has no reports"),
    (GapQuery(AS_OF, horizon_months=6), "--horizon 6"),
    (GapQuery(AS_OF, by="team"), "--by 'team'"),
    (GapQuery(AS_OF, top=0), "--top"),
])
def test_bad_queries(repo: Repo, query: GapQuery, message: str) -> None:
    with pytest.raises(GapQueryError, match=message):
        check_query(repo, query)


# --- numbers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("numerator, denominator, expected", [
    (1, 8, 0.13),  # 0.125: half up (Python's round gives 0.12)
    (133, 200, 0.67),  # 0.665
    (2, 3, 0.67), (1, 3, 0.33), (0, 5, 0.0), (6, 3, 2.0), (1, 200, 0.01), (1, 201, 0.0),
])
def test_round_half_up(numerator: int, denominator: int, expected: float) -> None:
    assert gaps.round_half_up(numerator, denominator) == expected


# --- the fast level lookup agrees with facts.current_levels -------------------------------------------

def _random_repo(seed: int) -> Repo:
    """Few people, skills and dates, many ratings: ties of date, source and file everywhere."""
    rng = random.Random(seed)
    skills = {s: Skill(id=s, name=s, category="technical", urgency=rng.choice(["high", "medium", "low"]))
              for s in ("a", "b", "c")}
    roles = {"r": Role(id="r", title="R", family="f", requires={"a": Level(3), "b": Level(2), "c": Level(1)})}
    people = {p: Person(id=p, name=p, role="r") for p in ("p1", "p2", "p3", "p4", "p5", "p6")}
    days = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    sources = ["calibration", "manager", "peer", "self"]
    batches = []
    for i in range(6):
        ratings = [Rating.model_construct(person=rng.choice(list(people)), skill=rng.choice(list(skills)),
                                          level=Level(rng.randint(0, 3)), date=rng.choice(days + [None]),
                                          source=rng.choice(sources + [None]), assessor=None)
                   for _ in range(rng.randint(0, 12))]
        batches.append((f"assessments/{rng.choice(['x', 'x-y', 'x/z', 'w'])}/{i}.yaml",
                        AssessmentBatch.model_construct(date=rng.choice(days), source=rng.choice(sources), assessor=None,
                                                        ratings=ratings)))
    batches.sort(key=lambda item: item[0])
    return Repo(root=Path("."), settings=Settings(organization="R"), skills=skills, roles=roles, people=people,
                assessments=batches)


def _levels_by_hand(repo: Repo, day: date, by_self: bool) -> dict[tuple[str, str], int]:
    """SPEC §4 read off the batches one rating at a time: the greatest (date, source priority,
    read order) per (person, skill) among ratings dated by `day`, self ratings or the others."""
    best: dict[tuple[str, str], tuple] = {}
    seq = 0
    for _, batch in repo.assessments:
        for rating in batch.ratings:
            day_of, source = rating.date or batch.date, rating.source or batch.source
            if day_of <= day and (source == "self") == by_self:
                key = (day_of, SOURCE_PRIORITY[source], seq)
                pair = (rating.person, rating.skill)
                if pair not in best or key > best[pair][0]:
                    best[pair] = (key, int(rating.level))
            seq += 1
    return {pair: level for pair, (_, level) in best.items()}


@pytest.mark.parametrize("seed", range(40))
def test_levels_agree_with_the_rule_read_by_hand(seed: int) -> None:
    repo = _random_repo(seed)
    for day in (date(2025, 12, 31), date(2026, 2, 1), date(2026, 12, 31)):
        frame = gaps.person_gaps(repo, day)  # everyone is active and required in every skill
        for name, by_self, table in (("current", False, current_levels(repo.ratings, day)),
                                     ("self", True, self_levels(repo.ratings, day))):
            expected = _levels_by_hand(repo, day, by_self)
            assert {key: int(level) for key, level in table["level"].items()} == expected
            assert list(table.index) == sorted(expected)  # by person, then skill
            got = {(r.person, r.skill): int(getattr(r, name)) for r in frame.itertuples() if not pd.isna(getattr(r, name))}
            assert got == expected
            for person in repo.people:  # one person's gaps (a review packet) read their ratings alone
                mine = gaps.person_gaps(repo, day, [person])
                got = {(r.person, r.skill): int(getattr(r, name)) for r in mine.itertuples() if not pd.isna(getattr(r, name))}
                assert got == {key: level for key, level in expected.items() if key[0] == person}


def test_empty_selection_gives_empty_rows() -> None:
    repo = Repo(root=Path("."), settings=Settings(organization="E"),
                skills={"a": Skill(id="a", name="A", category="technical")},
                roles={"r": Role(id="r", title="R", family="f", requires={"a": Level(1)})})
    for by in gaps.BY:
        result = gap_report(repo, GapQuery(AS_OF, by=by))
        assert list(result.rows.columns) == gaps.ROW_COLUMNS[by] and result.rows.empty
        assert result.detail.empty and result.summary.people == 0
    assert result.heat.empty
    assert gaps.person_gaps(repo, AS_OF).empty


def test_heat_is_strategic_first(repo: Repo) -> None:
    heat = report(repo).heat
    assert records(heat[["column", "skill", "urgency", "required", "below"]]) == [
        ("analytics", "sql", "high", 3, 2), ("engineering", "sql", "high", 3, 0),
        ("analytics", "python", "medium", 2, 1), ("engineering", "python", "medium", 4, 1),
        ("analytics", "coaching", "low", 1, 1), ("engineering", "coaching", "low", 1, 0),
        ("analytics", "excel", "low", 2, 1),
    ]
    assert np.allclose(heat["share"], heat["below"] / heat["required"])


def test_by_manager_the_heat_map_is_manager_by_skill(repo: Repo) -> None:
    heat = report(repo, by="manager").heat  # the direct-report rows, strategic first
    assert records(heat[["column", "skill", "below"]]) == [
        ("cora", "sql", 0), ("dana", "sql", 2), ("eve", "sql", 0), ("cora", "python", 0), ("dana", "python", 1),
        ("eve", "python", 1), ("cora", "coaching", 1), ("dana", "excel", 1),
    ]
