"""Quarterly metrics of SPEC §7: did capability move?

Pure computation: `compute(repo, quarter, as_of, quarters)` gives a
`MetricsReport` (one `QuarterMetrics` per quarter, oldest first, the asked-for
quarter last). Nothing here prints. Populations that span the whole org
(people, learning goals, reviews, check-ins) are pandas tables built once per
report and filtered per quarter.

Each metric is one function registered with `@metric(key, headline rows...)`, in
the order of the report: the JSON, the tables and the HTML page show every
registered metric, and the populations several metrics count are `_Quarter`'s,
each made once.

Interpretation choices where SPEC §7 is silent are listed in docs/metrics.md;
the ones that matter for a number are repeated in the comments below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any, Callable

import numpy as np
import pandas as pd

from ..core import gaps
from ..core.coded import recode
from ..core.facts import LevelGrid, achievement_dates, requirements_on
from ..core.quarters import Quarter
from .calibration import drift
from .mobility import readiness
from .metrics_report import DemandTrend, Headline, LiftFamily, MetricsReport, QuarterMetrics, r3
from ..core.repo import Repo

TOP_DEMAND = 5  # SPEC §7.1 item 8: the 5 gap rows with the highest priority


def _share(hits: int, n: int) -> float | None:
    return r3(hits / n) if n else None


def _median(values: pd.Series) -> float | None:
    return r3(float(values.median())) if len(values) else None


def _mean(values: pd.Series) -> float | None:
    return r3(float(values.mean())) if len(values) else None


# --- the org as tables, built once per report ------------------------------------

@dataclass
class _Org:
    repo: Repo
    as_of: date
    people: pd.DataFrame  # index person: role, family, manager, started, left
    goals: pd.DataFrame  # learning goals: person, goal, skill, baseline, start, achieved, dropped; pc, sc: grid positions
    checkins: pd.DataFrame  # substantive check-ins dated <= as_of: person, date
    reviews: pd.DataFrame  # person, period, rating, root_cause, skill (last rating per person and period)
    openings: pd.DataFrame  # filled openings (filled <= as_of): id, role, filled, hired
    grid: LevelGrid  # levels as person x skill matrices
    _gaps: dict[date, list[dict[str, Any]]] = field(default_factory=dict)

    def levels(self, day: date) -> np.ndarray:
        """level(P, S, day) as the grid's matrix (-1: unassessed)."""
        return self.grid.matrix(min(day, self.as_of))  # nothing dated after as-of is used (SPEC §5.2)

    def level_of(self, day: date, goals: pd.DataFrame) -> np.ndarray:
        """level(P, S, day) of each goal's person and skill (-1: unassessed)."""
        return self.grid.lookup(self.levels(day), goals["pc"].to_numpy(), goals["sc"].to_numpy())

    def gap_rows(self, day: date) -> list[dict[str, Any]]:
        """The §6 family x skill roll-up on `day`; cached per day."""
        if day not in self._gaps:
            self._gaps[day] = _gap_rows(self.repo, day)
        return self._gaps[day]

    def below(self, day: date) -> dict[tuple[str, str], int]:
        return {(r["family"], r["skill"]): r["below"] for r in self.gap_rows(day)}


def _ts(day: date | None) -> pd.Timestamp:
    return pd.Timestamp(day) if day is not None else pd.NaT


def _org(repo: Repo, as_of: date) -> _Org:
    people = pd.DataFrame(
        [
            (pid, p.role, repo.roles[p.role].family if p.role in repo.roles else None, p.manager, p.started, p.left)
            for pid, p in repo.people.items()
        ],
        columns=["person", "role", "family", "manager", "started", "left"],
    ).set_index("person")
    for column in ("started", "left"):  # one conversion per column, not a Timestamp per date
        people[column] = pd.to_datetime(people[column]).astype("datetime64[s]")
    # Dates after as-of are not used (SPEC §5.2): a later `left` is as good as none.
    people.loc[people["left"] > _ts(as_of), "left"] = pd.NaT

    table = repo.goals
    goals = table[(table["kind"] == "learning") & (table["start"] <= _ts(as_of))]  # later goals do not exist yet
    goals = goals[["person", "id", "skill", "baseline", "start", "dropped"]].rename(columns={"id": "goal"})
    grid = repo.level_grid
    achieved = achievement_dates(goals.assign(target=table["target"]), repo.ratings, as_of, repo.precedence).reindex(goals.index)
    # SPEC §7: a dropped goal counts as achieved only if achieved before `dropped`.
    goals["achieved"] = achieved.where(~(achieved >= goals["dropped"]))
    goals["dropped"] = goals["dropped"].where(goals["dropped"] <= _ts(as_of))
    goals = goals[["person", "goal", "skill", "baseline", "start", "achieved", "dropped"]].reset_index(drop=True)
    for column in ("start", "achieved", "dropped"):
        goals[column] = goals[column].astype("datetime64[ns]")
    goals["pc"], goals["sc"] = recode(goals["person"], grid.people), recode(goals["skill"], grid.skills)

    checkins = repo.checkin_table
    checkins = checkins.loc[checkins["substantive"] & (checkins["date"] <= _ts(as_of)), ["person", "date"]]
    checkins = checkins.reset_index(drop=True).astype({"date": "datetime64[ns]"})

    # A person rated twice for one period: the later in read order wins (as for proficiency, SPEC §4).
    reviews = repo.review_table.drop_duplicates(["person", "period"], keep="last")

    openings = pd.DataFrame(
        [(o.id, o.role, _ts(o.filled), o.hired) for _, o in repo.openings if o.filled is not None and o.filled <= as_of],
        columns=["id", "role", "filled", "hired"],
    )
    openings["filled"] = pd.to_datetime(openings["filled"])
    return _Org(repo, as_of, people, goals, checkins, reviews, openings, grid)


# --- one quarter -------------------------------------------------------------------

def _active(people: pd.DataFrame, day: date) -> pd.Series:
    """SPEC §4 active people on `day`, as a boolean Series over people."""
    ts = _ts(day)
    return (people["started"].isna() | (people["started"] <= ts)) & (people["left"].isna() | (people["left"] >= ts))


def _member(values, allowed) -> np.ndarray:
    """`values.isin(allowed)` through a hash table of Python strings: on Arrow text pandas
    makes a scalar per allowed value in Python (measured in benchmarks/README.md)."""
    return pd.Index(_objects(values), dtype=object).isin(_objects(allowed))


def _objects(values) -> np.ndarray:
    """Python strings in a numpy array; a Series or Index converted as a whole, not element by element."""
    return values.to_numpy(dtype=object) if hasattr(values, "to_numpy") else np.asarray(list(values), dtype=object)


def _baseline_default(org: _Org, goals: pd.DataFrame) -> np.ndarray:
    """Each goal's `baseline`, defaulting (SPEC §3) to the current level at the goal's start; unassessed = 0."""
    out = goals["baseline"].to_numpy(dtype="float64", na_value=np.nan).copy()
    starts = goals["start"].to_numpy()
    missing = np.isnan(out) & ~np.isnat(starts)
    for start in np.unique(starts[missing]):
        rows = missing & (starts == start)
        out[rows] = np.maximum(org.level_of(pd.Timestamp(start).date(), goals[rows]), 0)
    return np.nan_to_num(out).astype(np.int64)


class _Quarter:
    """The populations of one quarter that several metrics count, each made when first asked."""

    def __init__(self, org: _Org, quarter: Quarter) -> None:
        self.org, self.quarter, self.settings = org, quarter, org.repo.settings
        self.minimum = self.settings.privacy.min_group_size
        self.start, self.end = quarter.start, quarter.end
        self.cutoff = min(self.end, org.as_of)
        self.t_start, self.t_cut = _ts(self.start), _ts(self.cutoff)
        self.before = self.start - timedelta(days=1)

    @cached_property
    def active(self) -> pd.DataFrame:
        """People active on `end` (the cutoff): the only ones any metric counts."""
        return self.org.people[_active(self.org.people, self.cutoff)]

    @cached_property
    def goals(self) -> pd.DataFrame:
        """Learning goals of the active people."""
        return self.org.goals[_member(self.org.goals["person"], self.active.index)]

    @cached_property
    def goals_q(self) -> pd.DataFrame:
        """Their learning goals active during Q: started by the cutoff, not achieved or dropped before Q."""
        g = self.goals
        return g[(g["start"] <= self.t_cut) & ~(g["achieved"] < self.t_start) & ~(g["dropped"] < self.t_start)]

    @cached_property
    def with_goal(self) -> set[str]:
        return set(self.goals_q["person"])

    @cached_property
    def achieved(self) -> pd.DataFrame:
        """Learning goals achieved during Q, with `days` from start to achievement and the person's family."""
        g = self.goals
        achieved = g[(g["achieved"] >= self.t_start) & (g["achieved"] <= self.t_cut)].copy()
        achieved["days"] = (achieved["achieved"] - achieved["start"]).dt.days.astype("float64")
        achieved["family"] = achieved["person"].map(self.org.people["family"])
        return achieved

    @cached_property
    def filled(self) -> pd.DataFrame:
        openings = self.org.openings
        return openings[(openings["filled"] >= self.t_start) & (openings["filled"] <= self.t_cut)]

    @cached_property
    def internal(self) -> pd.DataFrame:
        """Openings filled during Q by someone in the repo (whether still active or not)."""
        return self.filled[_member(self.filled["hired"], self.org.people.index)]

    @cached_property
    def whole_q(self) -> pd.Index:
        """Active on start and on end: the whole quarter."""
        return self.active[_active(self.active, self.start)].index

    @cached_property
    def months(self) -> list[tuple[int, int]]:
        """The calendar months of Q begun by the cutoff."""
        return [(y, m) for y, m in self.quarter.months() if date(y, m, 1) <= self.cutoff]

    @cached_property
    def talked_every_month(self) -> set[str]:
        """People of the whole quarter with a substantive check-in in each of its months."""
        talks = self.org.checkins[(self.org.checkins["date"] >= self.t_start) & (self.org.checkins["date"] <= self.t_cut)]
        talks = talks[_member(talks["person"], self.whole_q)]
        month_count = (talks["date"].dt.year * 12 + talks["date"].dt.month).groupby(talks["person"]).nunique()
        return set(month_count[month_count >= len(self.months)].index)

    @cached_property
    def lift(self) -> tuple[dict[str, Any], list[LiftFamily]]:
        org = self.org
        return _performance_lift(org, self.quarter, self.active, self.goals_q, self.achieved, org.levels(self.before), org.levels(self.cutoff), self.minimum)


@dataclass(frozen=True)
class Metric:
    key: str
    compute: Callable[[_Quarter], Any]  # the metric's object, or a table's rows (a list)
    headlines: tuple[Headline, ...]  # what the human formats show of it (a table shows its rows)


METRICS: dict[str, Metric] = {}  # in the order of the report


def metric(key: str, *headlines: tuple) -> Callable:
    """Register a metric: `compute(quarter)` and its headline rows, each (label, kind, *fields)
    as `Headline` takes them after the key."""

    def register(compute: Callable[[_Quarter], Any]) -> Callable:
        METRICS[key] = Metric(key, compute, tuple(Headline(key, *row) for row in headlines))
        return compute

    return register


@metric("skill_advancement_rate", ("Skill advancement rate", "share", "value", "n", "no one had a learning goal active during the quarter"))
def _skill_advancement(q: _Quarter) -> dict[str, Any]:
    """Share of the people with a learning goal active during Q who ended Q above its base on one of them."""
    goals_q = q.goals_q
    level_pre = q.org.level_of(q.before, goals_q)
    base = np.where(level_pre >= 0, level_pre, _baseline_default(q.org, goals_q))
    moved = np.maximum(q.org.level_of(q.cutoff, goals_q), 0) > base
    advanced = set(goals_q.loc[moved, "person"])
    return {"value": _share(len(advanced), len(q.with_goal)), "n": len(q.with_goal), "target": q.settings.targets.skill_advancement_rate}


_RESOLUTION = "dated by the calibration that recorded it: moves in steps of the calibration cadence"


@metric(
    "time_to_competency_days",
    ("Time to competency, median (days)", "days", "value", "n", "no learning goal was achieved during the quarter", _RESOLUTION),
    ("Time to competency, mean (days)", "mean-days", "mean", "n", "no learning goal was achieved during the quarter", _RESOLUTION),
)
def _time_to_competency(q: _Quarter) -> dict[str, Any]:
    """Days from start to achievement of the learning goals achieved during Q, overall and by family."""
    achieved = q.achieved
    by_family = {
        fam: {"median": _median(grp["days"]), "mean": _mean(grp["days"]), "n": len(grp)}
        for fam, grp in achieved.groupby("family", sort=True)
    }
    median = _median(achieved["days"])
    return {"value": median, "median": median, "mean": _mean(achieved["days"]), "n": len(achieved), "by_family": by_family}


@metric("internal_mobility_rate", ("Internal mobility rate", "share", "value", "n", "no opening was filled during the quarter"))
def _internal_mobility(q: _Quarter) -> dict[str, Any]:
    """Share of the openings filled during Q that went to someone prepared by a learning goal."""
    return {"value": _share(_prepared(q.org, q.internal), len(q.filled)), "n": len(q.filled)}


@metric("internal_fill_rate", ("Internal fill rate", "share", "value", "n", "no opening was filled during the quarter"))
def _internal_fill(q: _Quarter) -> dict[str, Any]:
    return {"value": _share(len(q.internal), len(q.filled)), "n": len(q.filled)}


@metric("internal_readiness", ("Internal readiness", "share", "value", "n", "no opening was opened during the quarter"))
def _internal_readiness(q: _Quarter) -> dict[str, Any]:
    """Share of the openings opened during Q with a ready internal candidate on the opened date;
    and the mean number of candidates within one level of shortfall."""
    opened = [(o.id, o.role, o.opened) for _, o in q.org.repo.openings if q.start <= o.opened <= q.cutoff]
    ready, n, within = readiness(q.org.repo, opened, q.org.as_of)
    return {"value": _share(ready, n), "n": n, "mean_candidates_within_one_level": r3(within) if n else None}


@metric(
    "performance_lift",
    ("Performance lift (rating points)", "rating"),
    ("Performance r (tiers gained vs rating change)", "r", "r", "r_n"),
)
def _lift(q: _Quarter) -> dict[str, Any]:
    return q.lift[0]


@metric("conversation_frequency", ("Conversation frequency", "share", "value", "n", "no one was active for the whole quarter"))
def _conversations(q: _Quarter) -> dict[str, Any]:
    """Share of the people active all quarter with a substantive conversation in each of its months."""
    return {"value": _share(len(q.talked_every_month), len(q.whole_q)), "n": len(q.whole_q)}


@metric("learning_coverage", ("Learning coverage", "share", "value", "n", "no one was active at the end of the quarter"))
def _coverage(q: _Quarter) -> dict[str, Any]:
    return {"value": _share(len(q.with_goal), len(q.active)), "n": len(q.active)}


@metric("managers")
def _manager_rows(q: _Quarter) -> list[dict[str, Any]]:
    return _managers(q.active, q.with_goal, set(q.whole_q), q.talked_every_month, q.achieved, q.internal, q.org.people)


@metric("skill_demand")
def _skill_demand(q: _Quarter) -> list[dict[str, Any]]:
    """The top gap rows as of the cutoff, with `below` as of the end of Q-1."""
    then = q.org.below(min(q.quarter.previous().end, q.org.as_of))
    return [
        {"family": r["family"], "skill": r["skill"], "below": r["below"],
         "below_previous": then.get((r["family"], r["skill"])), "priority": r["priority"]}
        for r in q.org.gap_rows(q.cutoff)[:TOP_DEMAND]
    ]


@metric("root_causes")
def _root_causes(q: _Quarter) -> list[dict[str, Any]]:
    """Review ratings of period Q whose root cause is a skill, counted by skill; small counts suppressed."""
    reviews = q.org.reviews
    causes = reviews[(reviews["period"] == q.quarter.label) & _member(reviews["person"], q.active.index)]
    counts = causes[causes["root_cause"] == "skill"].groupby("skill").size()
    shown = sorted(((s, int(c)) for s, c in counts.items() if c >= q.minimum), key=lambda sc: (-sc[1], sc[0]))
    hidden = sorted(s for s, c in counts.items() if c < q.minimum)  # by skill only: their order would leak counts
    return [{"skill": s, "count": c} for s, c in shown] + [{"skill": s, "count": None, "suppressed": True} for s in hidden]


@metric("rater_drift")
def _rater_drift(q: _Quarter) -> list[dict[str, Any]]:
    """Self ratings and manager observations against calibrations within Q, per manager's team and family."""
    return drift(q.org.repo, q.quarter, q.org.as_of)


def quarter_metrics(org: _Org, quarter: Quarter) -> QuarterMetrics:
    q = _Quarter(org, quarter)
    return QuarterMetrics(
        quarter=quarter, as_of=org.as_of, cutoff=q.cutoff, min_group_size=q.minimum,
        metrics={key: m.compute(q) for key, m in METRICS.items()},
        headlines=tuple(row for m in METRICS.values() for row in m.headlines),
        lift_families=q.lift[1], months_counted=len(q.months),
    )


def _managers(active, with_goal, whole_q, talked, achieved, internal, people) -> list[dict[str, Any]]:
    """SPEC §7.1 item 7: one row per manager with direct reports active on end, by manager id."""
    reports = pd.DataFrame({
        "manager": active["manager"],
        "goal": _member(active.index, with_goal),
        "whole": _member(active.index, whole_q),
        "talked": _member(active.index, talked) & _member(active.index, whole_q),
    }).dropna(subset=["manager"])
    counts = reports.groupby("manager", sort=True)[["goal", "whole", "talked"]].sum()
    counts["reports"] = reports.groupby("manager", sort=True).size()
    # Plain dicts and columns: a row and a Series lookup per manager are slow at org scale
    days = achieved["days"].groupby(achieved["person"].map(people["manager"])).median().to_dict()
    moves = internal["hired"].map(people["manager"]).value_counts().to_dict()
    columns = (counts.index, *(counts[c].astype("int64").tolist() for c in ("reports", "goal", "talked", "whole")))
    return [
        {
            "manager": manager,
            "reports": reports,
            "learning_coverage": _share(goal, reports),
            "conversation_frequency": _share(talked, whole),
            "median_time_to_competency_days": r3(days.get(manager)),
            "internal_moves": int(moves.get(manager, 0)),
        }
        for manager, reports, goal, talked, whole in zip(*columns)
    ]


def _prepared(org: _Org, filled: pd.DataFrame) -> int:
    """How many of these fills went to someone who had achieved, before the fill date, a learning
    goal in a skill the opening's role requires on the fill date (SPEC §7.1 item 3)."""
    if filled.empty:
        return 0
    done = org.goals[org.goals["achieved"].notna()][["person", "skill", "achieved"]]
    pairs = filled.merge(done, left_on="hired", right_on="person", how="inner")
    pairs = pairs[pairs["achieved"] < pairs["filled"]]
    roles = org.repo.roles
    hits = {
        row.id for row in pairs.itertuples()
        if row.role in roles and row.skill in requirements_on(roles[row.role], row.filled.date())
    }
    return len(hits)


def _performance_lift(org, quarter, active, goals_q, achieved, pre, post, minimum):
    reviews = org.reviews
    now = reviews[reviews["period"] == quarter.label].set_index("person")["rating"]
    then = reviews[reviews["period"] == quarter.previous().label].set_index("person")["rating"]
    both = now.index.intersection(then.index).intersection(active.index).sort_values()
    delta = (now.reindex(both) - then.reindex(both)).rename("delta")
    rated = pd.DataFrame({"delta": delta, "family": org.people["family"].reindex(both)})
    rated["c"] = _member(rated.index, achieved["person"])
    rated["n"] = ~_member(rated.index, goals_q["person"])

    families, weighted, weight = [], 0.0, 0
    for fam, grp in rated.groupby("family", sort=True):
        c, n = grp[grp["c"]], grp[grp["n"]]
        row = LiftFamily(fam, len(c), len(n), qualified=len(c) >= minimum and len(n) >= minimum)
        if row.qualified:
            mean_c, mean_n = float(c["delta"].mean()), float(n["delta"].mean())
            row.mean_delta_c, row.mean_delta_n, row.lift = r3(mean_c), r3(mean_n), r3(mean_c - mean_n)
            weighted += (mean_c - mean_n) * (len(c) + len(n))
            weight += len(c) + len(n)
        families.append(row)
    value = r3(weighted / weight) if weight else None

    # Tiers gained in Q: per skill level(end) - level(start - 1 day), floored at 0, summed;
    # pre and post are the grid's matrices, unassessed (-1) ranked 0.
    gained = np.maximum(np.maximum(post, 0) - np.maximum(pre, 0), 0).sum(axis=1)
    person = org.grid.people.get_indexer(both)
    tiers = pd.Series(np.append(gained, 0)[person], index=both, dtype="float64")  # -1 (never rated) picks the 0
    r_n = len(both)
    r = None
    if r_n >= minimum and r_n >= 2 and tiers.std() > 0 and delta.std() > 0:
        r = r3(float(np.corrcoef(tiers.to_numpy(), delta.to_numpy())[0, 1]))
    result = {
        "value": value,
        "n": weight,
        "r": r,
        "r_n": r_n,
        # Hidden for privacy, which is not the same as no data: nobody rated in both quarters
        # (r_n 0) leaves the figures empty, not suppressed.
        "suppressed": r_n > 0 and (value is None or r_n < minimum),
    }
    return result, families


def _gap_rows(repo: Repo, day: date) -> list[dict[str, Any]]:
    """The §6 family x skill roll-up (owned by gaps.py) as dicts, in its §6 order."""
    rows = gaps.rollup(repo, day)
    return [
        {"family": family, "skill": skill, "below": int(below), "priority": int(priority)}
        for family, skill, below, priority in zip(*(rows[c].tolist() for c in ("family", "skill", "below", "priority")))
    ]


# --- the report ------------------------------------------------------------------------

def compute(repo: Repo, quarter: Quarter, as_of: date, quarters: int = 1) -> MetricsReport:
    """Metrics of `quarter` and of the `quarters - 1` before it (at least Q-1, for the change column)."""
    org = _org(repo, as_of)
    chain = [quarter]
    while len(chain) < max(quarters, 2):
        chain.insert(0, chain[0].previous())
    results = [quarter_metrics(org, q) for q in chain]
    current = results[-1]
    shown = results[-max(quarters, 2):]
    trend = [
        DemandTrend(row["family"], row["skill"], [org.below(q.cutoff).get((row["family"], row["skill"])) for q in shown])
        for row in current["skill_demand"]
    ]
    names = {pid: person.name for pid, person in repo.people.items()}
    return MetricsReport(repo.settings.organization, as_of, repo.settings.privacy.min_group_size, results, quarters, trend, names)
