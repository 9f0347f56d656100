"""Facts derived from the files (SPEC §4, §5): quarters, current levels,
requirements on a date, learning-goal achievement.

Ratings are kept as one pandas table so that "current level of everyone in
everything on date D" is a sort and a group-by, not a loop per person.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .coded import NO_DAY, Gathered, recode, used
from .levels import Level
from .quarters import Quarter
from .kinds import REPO_LISTS
from .schema import Goal, Role

if TYPE_CHECKING:
    from .repo import Repo

# SPEC §4: on the same date prefer calibration > manager > peer.
SOURCE_PRIORITY = {"self": 0, "peer": 1, "manager": 2, "calibration": 3}



# --- time ------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29)."""
    month0 = day.year * 12 + day.month - 1 + months
    year, month = divmod(month0, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


# --- requirements ------------------------------------------------------------

def requirements_on(role: Role, day: date) -> dict[str, Level]:
    """What the role requires on `day` (SPEC §3 roles): `requires` with dated changes applied; none drops."""
    required = dict(role.requires)
    for change in sorted(role.changes, key=lambda c: c.effective):  # stable: file order breaks date ties
        if change.effective <= day:
            required.update(change.requires)
    return {skill: level for skill, level in sorted(required.items()) if level > Level.NONE}


# --- ratings -----------------------------------------------------------------

def ratings_frame(repo: Repo) -> pd.DataFrame:
    """One row per rating, `seq` = position in SPEC §4 read order (files by path, ratings in file order).

    `item` is the rating's index in its file and `dated` whether it carries its own
    date (else the batch's): enough to point a problem at it without the file.
    """
    return TableRows.of(repo, "assessments").ratings()


def current_levels(ratings: pd.DataFrame, day: date, order: "Precedence | None" = None) -> pd.DataFrame:
    """Current level per (person, skill) on `day` from non-self ratings (SPEC §4).

    Indexed by (person, skill) with columns level, date, source, assessor.
    Pairs with no such rating are absent: the person is unassessed there.
    `order` is the table's Precedence when the caller keeps one (Repo.precedence).
    """
    return _latest(ratings, (order or Precedence(ratings)).deciding(day, by_self=False))


def self_levels(ratings: pd.DataFrame, day: date, order: "Precedence | None" = None) -> pd.DataFrame:
    """The latest self rating per (person, skill) on `day`, reported beside the current level."""
    return _latest(ratings, (order or Precedence(ratings)).deciding(day, by_self=True))


def _latest(ratings: pd.DataFrame, deciding: np.ndarray) -> pd.DataFrame:
    rows = deciding[deciding >= 0]  # in pair order: by person, then skill
    return ratings.take(rows).set_index(["person", "skill"])[["level", "date", "source", "assessor"]]


class Precedence:
    """The SPEC §4 rule over a ratings table (rows in read order) as integers.

    Each rating gets its (person, skill) pair, a dense code in person then skill
    order, and a rank that orders like (date, source priority, read order); the
    rating that decides a pair on a day is then the greatest rank among those
    dated by then: a maximum per pair, no sort (17M ratings at 100k people; the sort
    was most of the time). Made once per table, read for many days.
    The date is the rank's top bits, so "dated by then" is a bound on the rank and
    no day column is kept; each array is made in place where it can be (a fresh
    array of 17M costs its page faults).
    """

    def __init__(self, ratings: pd.DataFrame) -> None:
        # Only the people and skills rated here: a table cut to one person keeps every
        # category of the whole one, and the pairs are a dense grid.
        (self.people, person), (self.skills, skill) = used(ratings["person"]), used(ratings["skill"])
        self.pairs = len(self.people) * len(self.skills)
        self.pair = person.astype(np.int32 if self.pairs < 2**31 else np.int64)
        self.pair *= len(self.skills)
        self.pair += skill
        rank = ratings["date"].to_numpy().view(np.int64) // 86_400  # datetime64[s] -> days
        self.first = int(rank.min()) if len(rank) else 0
        rank -= self.first
        priority = ratings["priority"].to_numpy()
        self.by_self = priority == SOURCE_PRIORITY["self"]
        # A row's position orders ties as read order does (the table is in read order); in the
        # low 32 bits it also names the row the greatest rank belongs to.
        rank <<= 2
        rank |= priority
        rank <<= 32
        rank |= np.arange(len(rank), dtype=np.int64)
        self.rank = rank

    def dated_by(self, day: date, *, by_self: bool) -> np.ndarray:
        """Per rating, whether it is dated on or before `day` and is (not) a self rating."""
        after = (np.datetime64(day, "D").astype(np.int64) - self.first + 1) << 34  # the least rank dated after `day`
        keep = self.rank < after
        keep &= self.by_self if by_self else ~self.by_self
        return keep

    def deciding(self, day: date, *, by_self: bool) -> np.ndarray:
        """Per pair code, the position of the rating that decides it on `day` (-1: none),
        from self ratings only or from the others."""
        keep = self.dated_by(day, by_self=by_self)
        best = np.full(self.pairs, -1, dtype=np.int64)
        np.maximum.at(best, self.pair[keep], self.rank[keep])
        return np.where(best >= 0, best & 0xFFFFFFFF, -1)


class LevelGrid:
    """Levels per (person, skill) on a date as a dense person x skill matrix (int8, -1: no
    such rating), from a ratings table's Precedence; `people` and `skills` are the ids the
    rows and columns stand for, positions found with `get_indexer` or `recode`."""

    def __init__(self, order: Precedence, ratings: pd.DataFrame) -> None:
        self.order, self.people, self.skills = order, order.people, order.skills
        self.level = ratings["level"].to_numpy()
        self._matrices: dict[tuple[date, bool], np.ndarray] = {}  # a byte per pair: 4 MB at 100k people

    @classmethod
    def of(cls, repo: Repo, who: list[str]) -> "LevelGrid":
        """The repo's (Repo.level_grid); for a few people (a review packet), from their ratings alone."""
        if len(who) * 4 >= len(repo.people):
            return repo.level_grid
        ratings = repo.ratings[repo.ratings["person"].isin(who)]
        return cls(Precedence(ratings), ratings)

    def matrix(self, day: date, *, own: bool = False) -> np.ndarray:
        """Levels on `day` from non-self ratings (SPEC §4), or (own=True) from self ratings only;
        made once per day (read only: every caller shares it)."""
        if (day, own) not in self._matrices:
            deciding = self.order.deciding(day, by_self=own)
            found = np.full(len(deciding), -1, dtype=np.int8)
            rated = deciding >= 0
            found[rated] = self.level[deciding[rated]]
            found.flags.writeable = False
            self._matrices[(day, own)] = found.reshape(len(self.people), len(self.skills))
        return self._matrices[(day, own)]

    @staticmethod
    def lookup(matrix: np.ndarray, person: np.ndarray, skill: np.ndarray) -> np.ndarray:
        """matrix[person, skill] for position pairs (-1: not rated at all); -1 where there is none."""
        known = (person >= 0) & (skill >= 0)
        values = np.full(len(person), -1, dtype=np.int8)
        values[known] = matrix[person[known], skill[known]]
        return values


# --- goals ---------------------------------------------------------------------

@dataclass(frozen=True)
class GoalFact:
    """A goal with everything SPEC §3 derives for it on an as-of date."""

    person: str
    cycle: str
    file: str
    goal: Goal
    start: date  # the goal's start, defaulting to the cycle's first day
    achieved: date | None  # learning goals: first qualifying non-self assessment (SPEC §3)

    @property
    def is_learning(self) -> bool:
        return self.goal.kind == "learning"


def goal_table(repo: Repo) -> pd.DataFrame:
    """One row per goal in file order; `start` defaults to the cycle's first day (SPEC §3);
    target/baseline are level codes, weight a number, NaN when absent; dates are
    datetime64, NaT when absent."""
    return TableRows.of(repo, "goals").goals(repo.settings.fiscal_year_start)


def _code(level: Level | None) -> int | None:
    return None if level is None else int(level)


def achievement_dates(goals: pd.DataFrame, ratings: pd.DataFrame, as_of: date, order: Precedence | None = None) -> pd.Series:
    """SPEC §3 achievement of learning goals (columns person, skill, start, target; any index):
    the first non-self rating of (person, skill) dated on/after start, at target or above, by
    as_of. Indexed like `goals`; goals never achieved are absent. `order` is the ratings'
    Precedence when the caller keeps one (Repo.precedence).

    A search, not a join: the wanted pairs' ratings sorted by (pair, day), each goal finds its
    pair's first rating on/after its start by bisection, then the first from there at its target
    or above through a "next at level >= t" array per target (a join made every goal x rating
    row of its pair, three times slower at 100k people)."""
    learning = goals[goals["skill"].notna() & goals["target"].notna()]
    order = order or Precedence(ratings)
    person, skill = recode(learning["person"], order.people), recode(learning["skill"], order.skills)
    known = (person >= 0) & (skill >= 0)
    pair = (person * len(order.skills) + skill)[known]
    start = learning["start"].to_numpy()[known].view(np.int64) // 86_400
    target = learning["target"].to_numpy()[known].astype(np.int8)
    is_wanted = np.zeros(order.pairs, dtype=bool)
    is_wanted[pair] = True
    keep = order.dated_by(as_of, by_self=False)
    keep &= is_wanted[order.pair]
    day = ratings["date"].to_numpy()[keep].view(np.int64) // 86_400
    days = np.concatenate([day, start])
    first = int(days.min()) if len(days) else 0
    span = int(days.max()) - first + 1 if len(days) else 1  # a key per (pair, day)
    key = order.pair[keep].astype(np.int64) * span + (day - first)
    by_key = np.argsort(key, kind="stable")
    key, day, level = key[by_key], day[by_key], ratings["level"].to_numpy()[keep][by_key]
    found = np.searchsorted(key, pair * span + (start - first))  # the pair's first rating on/after start
    n = len(key)
    for wanted in np.unique(target):
        at_target = np.where(np.append(level >= wanted, True), np.arange(n + 1), n)
        next_at_target = np.minimum.accumulate(at_target[::-1])[::-1]  # from each row on, the first at target
        found[target == wanted] = next_at_target[found[target == wanted]]
    hit = found < n
    hit[hit] = key[found[hit]] // span == pair[hit]  # still the goal's pair
    index = pd.Index(learning.index.to_numpy()[known][hit], name="i")
    return pd.Series((day[found[hit]] * 86_400).astype("datetime64[s]"), index=index, name="date").sort_index()


def active_learning_goals(repo: Repo, people: list[str], skills: list[str], day: date) -> pd.DataFrame:
    """The goal-table rows of the learning goals of `people` on `skills` active on `day`:
    started, not dropped and not achieved by then. A few people's are searched among their
    own ratings alone (a team, a candidate list), as LevelGrid.of reads their levels."""
    table = repo.goals
    ts = pd.Timestamp(day)
    mine = table[(table["kind"] == "learning").to_numpy() & table["person"].isin(people).to_numpy() & table["skill"].isin(skills).to_numpy()]
    mine = mine[(mine["start"] <= ts).to_numpy() & ~(mine["dropped"] <= ts).to_numpy()]
    if mine.empty:
        return mine
    if len(people) * 4 >= len(repo.people):
        achieved = achievement_dates(mine, repo.ratings, day, repo.precedence)
    else:
        achieved = achievement_dates(mine, repo.ratings[repo.ratings["person"].isin(people).to_numpy()], day)
    return mine.drop(index=achieved.index.intersection(mine.index))


def goal_facts(repo: Repo, as_of: date) -> list[GoalFact]:
    """Every goal, in file order, with its start and (for learning goals) achievement date as of `as_of`."""
    table = repo.goals
    learning = table[table["kind"] == "learning"]
    achieved = {int(i): day.date() for i, day in achievement_dates(learning, repo.ratings, as_of, repo.precedence).items()}
    starts = table["start"].dt.date.tolist()  # the cycle's first day already filled in
    goals = ((rel, goal_file, goal) for rel, goal_file in repo.goal_files for goal in goal_file.goals)
    return [
        GoalFact(goal_file.person, goal_file.cycle, rel, goal, starts[i], achieved.get(i))
        for i, (rel, goal_file, goal) in enumerate(goals)
    ]


def checkin_table(repo: Repo) -> pd.DataFrame:
    """One row per check-in in file order: person, date, substantive (SPEC §7), file."""
    return TableRows.of(repo, "checkins").checkins()


def review_table(repo: Repo) -> pd.DataFrame:
    """One row per performance rating in read order: person, period, rating, root_cause, skill, file."""
    return TableRows.of(repo, "reviews").reviews()


class TableRows:
    """The rows of the tables that grow with time (ratings, goals, check-ins, reviews), added a
    valid file at a time in read order: from a Repo's per-file lists, or during a load that
    lets each model go once its rows are taken. Built column by column where the rows are
    many (no row tuples): at 10k people there are 1.7M ratings. Each table is taken once:
    its rows are let go as it is made, so that they and the table are not both held for long."""

    KINDS = frozenset({"assessments", "goals", "checkins", "reviews"})

    def __init__(self) -> None:
        # Text as codes, numbers and days in machine arrays: at 100k people there are 17M ratings.
        self.rating_rows = Gathered(_RATING_TYPES)
        self.goal_rows = Gathered(_GOAL_TYPES)
        self.checkin_rows = Gathered(_CHECKIN_TYPES)
        self.review_rows = Gathered(_REVIEW_TYPES)

    @classmethod
    def of(cls, repo: Repo, kind: str) -> "TableRows":
        rows = cls()
        for rel, model in getattr(repo, _LIST_OF[kind]):
            rows.add(kind, rel, model)
        return rows

    def add(self, kind: str, rel: str, model) -> None:
        if kind == "assessments" and model.ratings:  # an empty batch adds no row, so no file code
            # The hot loop of a cold load: each cell appended in place, no call per cell.
            person, skill, level, day, source, assessor, rel_of, item, dated = self.rating_rows.columns.values()
            people, skills, sources, assessors = person.values, skill.values, source.values, assessor.values
            file_code = rel_of.values.setdefault(rel, len(rel_of.values))
            batch_day = model.date.toordinal() if model.date else NO_DAY
            for index, rating in enumerate(model.ratings):
                person.codes.append(people.setdefault(rating.person, len(people)))
                skill.codes.append(skills.setdefault(rating.skill, len(skills)))
                level.values.append(rating.level)
                day.days.append(rating.date.toordinal() if rating.date else batch_day)
                by = rating.source or model.source  # none only in a file with errors (S002), as the date
                source.codes.append(-1 if by is None else sources.setdefault(by, len(sources)))
                who = rating.assessor or model.assessor
                assessor.codes.append(-1 if who is None else assessors.setdefault(who, len(assessors)))
                rel_of.codes.append(file_code)
                item.values.append(index)
                dated.values.append(rating.date is not None)
        elif kind == "goals":
            for goal in model.goals:
                self.goal_rows.add(
                    model.person, model.cycle, rel, goal.id, goal.kind, goal.skill, _code(goal.target),
                    _code(goal.baseline), goal.weight, goal.start, goal.due, goal.dropped,
                )
        elif kind == "checkins":
            self.checkin_rows.add(model.person, model.date, model.learning.substantive, rel)
        elif kind == "reviews":
            for r in model.ratings:
                self.review_rows.add(r.person, model.period, float(r.rating), r.root_cause, r.skill, rel)

    def ratings(self) -> pd.DataFrame:
        frame = self.rating_rows.frame()
        source = frame["source"].cat
        priority = np.array([SOURCE_PRIORITY[s] for s in source.categories] + [0], dtype=np.int8)
        frame.insert(6, "priority", priority[source.codes.to_numpy()])
        frame.insert(7, "seq", np.arange(len(frame), dtype=np.int32))
        return frame

    def goals(self, fiscal_year_start: int) -> pd.DataFrame:
        frame = self.goal_rows.frame()
        # A goal's start defaults to its cycle's first day: taken here, as the settings that
        # place quarters may be read after the goal files.
        cycles = frame["cycle"].cat
        first_days = np.array([Quarter.parse(c, fiscal_year_start).start for c in cycles.categories] + [None], dtype="datetime64[s]")
        frame["start"] = frame["start"].where(frame["start"].notna(), first_days[cycles.codes.to_numpy()])
        return frame

    def checkins(self) -> pd.DataFrame:
        return self.checkin_rows.frame()

    def reviews(self) -> pd.DataFrame:
        return self.review_rows.frame()


# Each table's columns and their types (TableRows); ratings add priority and seq when made.
_RATING_TYPES = {
    "person": "text", "skill": "text", "level": "int8", "date": "date", "source": "text", "assessor": "text",
    "file": "text", "item": "int32", "dated": "bool",
}
_GOAL_TYPES = {
    "person": "text", "cycle": "text", "file": "text", "id": "text", "kind": "text", "skill": "text",
    "target": "float64", "baseline": "float64", "weight": "float64", "start": "date", "due": "date", "dropped": "date",
}
_CHECKIN_TYPES = {"person": "text", "date": "date", "substantive": "bool", "file": "text"}
_REVIEW_TYPES = {"person": "text", "period": "text", "rating": "float64", "root_cause": "text", "skill": "text", "file": "text"}


# file kind -> the Repo list of (path, model) that holds it
_LIST_OF = {kind: name for name, kind in REPO_LISTS.items()}


def goal_status(fact: GoalFact, as_of: date) -> str:
    """active | achieved | overdue | dropped, on `as_of` (review packets, exports).

    As in SPEC §7, a dropped goal counts as achieved only if it was achieved
    before its dropped date.
    """
    goal = fact.goal
    if fact.achieved is not None and (goal.dropped is None or fact.achieved < goal.dropped):
        return "achieved"
    if goal.dropped is not None and goal.dropped <= as_of:
        return "dropped"
    if goal.due < as_of:
        return "overdue"
    return "active"
