"""SPEC §3 achievement of learning goals (facts.achievement_dates) on small tables written by hand.

A goal is achieved on the date of the first non-self rating of its person and skill dated on
or after its start, at its target or above, and dated by as-of. The ratings below (as-of
2026-09-30), and what each goal should get:

  goal 10  ana/sql    start 07-01 target 2: 06-30 calibration 3 (before start), 07-01 self 3
                      (self), 07-01 manager 1 (below), 08-20 calibration 2, 09-01 calibration 3
                      -> 08-20 (the first that qualifies, not the highest)
  goal 11  ben/sql    start 07-01 target 1: 07-01 manager 1                -> 07-01 (on start counts)
  goal 12  ana/excel  start 07-01 target 3: 10-05 calibration 3 (after as-of) -> not achieved
  goal 13  cy/sql     start 07-01 target 1: cy has no rating at all          -> not achieved
  goal 14  ana/sql    start 08-21 target 2: 09-01 calibration 3 (08-20 is before its start)
                      -> 09-01
  goal 15  ben/sql    start 07-01 target 3: ben's sql ratings are all 1; ben/tableau, the next
                      pair in code order, has 08-01 calibration 3 -> not achieved
  goal 16  ana/sql    no target (not a learning goal's data)               -> not achieved
"""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from skillcycle.core.facts import SOURCE_PRIORITY, Precedence, achievement_dates

AS_OF = date(2026, 9, 30)

RATINGS = [  # person, skill, level, date, source
    ("ana", "sql", 3, "2026-06-30", "calibration"),
    ("ana", "sql", 3, "2026-07-01", "self"),
    ("ana", "sql", 1, "2026-07-01", "manager"),
    ("ana", "sql", 2, "2026-08-20", "calibration"),
    ("ana", "sql", 3, "2026-09-01", "calibration"),
    ("ana", "excel", 3, "2026-10-05", "calibration"),
    ("ben", "sql", 1, "2026-07-01", "manager"),
    ("ben", "tableau", 3, "2026-08-01", "calibration"),
]

GOALS = [  # index, person, skill, start, target
    (10, "ana", "sql", "2026-07-01", 2),
    (11, "ben", "sql", "2026-07-01", 1),
    (12, "ana", "excel", "2026-07-01", 3),
    (13, "cy", "sql", "2026-07-01", 1),
    (14, "ana", "sql", "2026-08-21", 2),
    (15, "ben", "sql", "2026-07-01", 3),
    (16, "ana", "sql", "2026-07-01", None),
]


def _ratings() -> pd.DataFrame:
    person, skill, level, day, source = zip(*RATINGS)
    return pd.DataFrame({
        "person": pd.Categorical(person, categories=sorted(set(person))),
        "skill": pd.Categorical(skill, categories=sorted(set(skill))),
        "level": np.array(level, dtype=np.int8),
        "date": pd.to_datetime(list(day)).astype("datetime64[s]"),
        "source": pd.Categorical(source),
        "priority": np.array([SOURCE_PRIORITY[s] for s in source], dtype=np.int8),
    })


def _goals() -> pd.DataFrame:
    index, person, skill, start, target = zip(*GOALS)
    return pd.DataFrame({
        "person": pd.Categorical(person),
        "skill": pd.Categorical(skill),
        "start": pd.to_datetime(list(start)).astype("datetime64[s]"),
        "target": np.array([np.nan if t is None else t for t in target], dtype="float64"),
    }, index=index)


@pytest.mark.parametrize("kept_order", [False, True], ids=["own-precedence", "repo-precedence"])
def test_each_goal_gets_its_first_qualifying_rating(kept_order: bool) -> None:
    ratings = _ratings()
    achieved = achievement_dates(_goals(), ratings, AS_OF, Precedence(ratings) if kept_order else None)
    assert {int(i): day.date() for i, day in achieved.items()} == {
        10: date(2026, 8, 20), 11: date(2026, 7, 1), 14: date(2026, 9, 1),
    }


def test_a_later_as_of_sees_the_later_rating() -> None:
    achieved = achievement_dates(_goals(), _ratings(), date(2026, 10, 5))
    assert achieved.loc[12].date() == date(2026, 10, 5)


def test_no_learning_goal_no_achievement() -> None:
    assert achievement_dates(_goals().loc[[16]], _ratings(), AS_OF).empty


def test_a_repo_without_ratings_achieves_nothing() -> None:
    assert achievement_dates(_goals(), _ratings().iloc[0:0], AS_OF).empty


def test_dates_before_1970_are_ordered_like_the_others() -> None:
    ratings = _ratings()
    sixty_years = np.timedelta64(365 * 60, "D")  # every date moved to the 1960s, still in seconds as the tables keep them
    ratings["date"] = (ratings["date"].to_numpy() - sixty_years).astype("datetime64[s]")
    goals = _goals()
    goals["start"] = (goals["start"].to_numpy() - sixty_years).astype("datetime64[s]")
    achieved = achievement_dates(goals, ratings, AS_OF - timedelta(days=365 * 60))
    assert sorted(int(i) for i in achieved.index) == [10, 11, 14]
