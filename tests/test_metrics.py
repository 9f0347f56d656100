"""skillcycle.reports.metrics against tests/fixtures/metrics-fy7, every number derived by hand.

The fixture (fiscal year starting in July, min_group_size 2, advancement target 0.5):

  Q   = 2027Q1 = 2026-07-01 .. 2026-09-30    (fiscal year 2027 starts 2026-07-01)
  Q-1 = 2026Q4 = 2026-04-01 .. 2026-06-30
  Q-2 = 2026Q3 = 2026-01-01 .. 2026-03-31

  person role     family     manager  notes
  boss   lead     analytics  -
  ana    analyst  analytics  boss     sql goal in Q, achieved 08-20
  ben    analyst  analytics  boss     sql goal of Q-1 (start 04-01), achieved 07-31 (across the boundary)
  cal    analyst  analytics  boss     python goal (baseline foundational, start 07-15): self rating only
  hal    analyst  analytics  boss     sql goal of Q-2 achieved 03-01; filled req-1 internally
  sam    rep      sales      boss
  dee    rep      sales      sam      Q-1 coaching goal dropped 05-01; Q excel goal dropped 08-10, rated proficient 09-01
  eve    rep      sales      sam      Q-2 excel goal achieved 02-10; Q excel->expert goal achieved 08-05 and again 09-20
  fay    rep      sales      sam      left 2026-08-15 (mid-quarter); excel goal achieved 08-01; filled req-6
  joe    rep      sales      sam      coaching goal, achieved 09-10
  kim    rep      sales      sam
  gus    clerk    ops        boss     started 2026-08-01; excel goal from 08-01, rated foundational on 08-01
  ivy    clerk    ops        boss
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from skillcycle.core.quarters import Quarter
from skillcycle.reports.metrics import compute, r3
from skillcycle.validation.validate import validate_path

FIXTURE = Path(__file__).parent / "fixtures" / "metrics-fy7"
END = date(2026, 9, 30)


def load(root: Path = FIXTURE, as_of: date = END):
    validation = validate_path(root, as_of, as_of)
    assert validation.ok, validation.problems
    return validation.repo


def metrics_of(label: str, as_of: date = END, quarters: int = 1, root: Path = FIXTURE):
    repo = load(root, as_of)
    return compute(repo, Quarter.parse(label, repo.settings.fiscal_year_start), as_of, quarters)


@pytest.fixture(scope="module")
def q():
    """2027Q1 as of its last day."""
    return metrics_of("2027Q1").current


# --- time ----------------------------------------------------------------------

def test_fiscal_year_starting_in_july():
    q = Quarter.parse("2027Q1", 7)
    assert (q.start, q.end) == (date(2026, 7, 1), date(2026, 9, 30))
    assert q.previous().label == "2026Q4" and q.previous().start == date(2026, 4, 1)
    assert Quarter.containing(date(2026, 8, 15), 7).label == "2027Q1"


def test_report_header_fields(q):
    out = q.to_json()
    assert (out["quarter"], out["start"], out["end"]) == ("2027Q1", "2026-07-01", "2026-09-30")


# --- 1. skill advancement ----------------------------------------------------------

def test_skill_advancement_rate(q):
    # Active on 09-30 with a learning goal active during Q: ana, ben, cal, dee, eve, gus, joe = 7
    # (fay left 08-15; hal's and eve-excel-a were achieved before 07-01; dee-coaching dropped 05-01).
    #   ana  sql      level(06-30)=1 -> level(09-30)=2          advanced
    #   ben  sql      1 -> 2 (a Q-1 goal still active in Q)      advanced
    #   cal  python   unassessed on 06-30 -> base = baseline foundational(1); end: self only = 0   no
    #   dee  excel    1 -> 2 (goal dropped 08-10, but active during Q: dropped after start)   advanced
    #   eve  excel    2 -> 3                                     advanced
    #   gus  excel    unassessed on 06-30, no baseline -> level at the goal's start 08-01 = 1; end 1   no
    #   joe  coaching unassessed, no baseline, level at goal start 07-01 = 0; end 1   advanced
    # 5 / 7 = 0.714
    assert q["skill_advancement_rate"] == {"value": 0.714, "n": 7, "target": 0.5}


# --- 2. time to competency ------------------------------------------------------------

def test_time_to_competency(q):
    # Achieved during Q by people active on 09-30 (first non-self rating >= target on/after start):
    #   ana  07-01 -> 08-20 = 31 + 19 = 50 days
    #   ben  04-01 -> 07-31 = 30 + 31 + 30 + 30 = 121 days (started in Q-1)
    #   eve  07-01 -> 08-05 = 35 days (the 09-20 expert rating is a second achievement: ignored)
    #   joe  07-01 -> 09-10 = 31 + 31 + 9 = 71 days
    # not: cal (self only), dee (proficient 09-01, after dropping on 08-10), fay (left), gus (not reached)
    # sorted 35, 50, 71, 121: median (50 + 71) / 2 = 60.5; mean 277 / 4 = 69.25
    assert q["time_to_competency_days"] == {
        "value": 60.5, "median": 60.5, "mean": 69.25, "n": 4,
        "by_family": {
            "analytics": {"median": 85.5, "mean": 85.5, "n": 2},  # ana 50, ben 121
            "sales": {"median": 53.0, "mean": 53.0, "n": 2},  # eve 35, joe 71
        },
    }


# --- 3. internal mobility ----------------------------------------------------------------

def test_internal_mobility_and_fill(q):
    # Filled during Q: req-1 (07-20, hal), req-2 (09-05, cal), req-3 (08-10, external), req-6 (07-10, fay).
    # req-4 was filled in Q-1, req-5 is open.
    #   hal: hal-sql achieved 03-01 < 07-20, analyst requires sql        -> prepared
    #   cal: no goal achieved (self rating only)                          -> internal, not prepared
    #   fay: fay-coaching achieved 05-20 < 07-10, rep requires coaching   -> prepared
    #        (fay left on 08-15: internal mobility still counts her)
    # mobility 2 / 4 = 0.5; internal fill 3 / 4 = 0.75
    assert q["internal_mobility_rate"] == {"value": 0.5, "n": 4}
    assert q["internal_fill_rate"] == {"value": 0.75, "n": 4}


# --- 4. performance lift --------------------------------------------------------------

def test_performance_lift(q):
    # Rated in 2026Q4 and 2027Q1 and active on 09-30 (fay left; gus only rated in Q):
    #   analytics: ana 3->4 (+1, C), ben 2->4 (+2, C), cal 3->3 (0, active goal, not achieved: neither),
    #              boss 4->4 (0, N), hal 3->3 (0, N)       C=2 N=2 -> lift 1.5 - 0 = 1.5
    #   sales:     eve 3->4 (+1, C), joe 2->2 (0, C), sam 3->3 (0, N), kim 3->4 (+1, N),
    #              dee 3->2 (-1, neither)                  C=2 N=2 -> lift 0.5 - 0.5 = 0
    #   ops:       ivy 3->2 (-1, N)                         C=0 N=1 -> below min_group_size 2
    # overall: (1.5 * 4 + 0 * 4) / 8 = 0.75, n = 8
    #
    # r over all 11 rated twice; x = tiers gained (level(09-30) - level(06-30), floored at 0, summed):
    #   ana 1, ben 1, cal 0, boss 0 (coaching 2 -> 1 floors at 0), hal 0, sam 0, dee 1, eve 1, joe 1, kim 0, ivy 0
    #   y = delta: 1, 2, 0, 0, 0, 0, -1, 1, 0, 1, -1
    #   Sxy = 3 - 11 * (5/11) * (3/11) = 18/11; Sxx = 5 - 25/11 = 30/11; Syy = 9 - 9/11 = 90/11
    #   r = 18 / sqrt(30 * 90) = 0.3464 -> 0.346
    assert q["performance_lift"] == {"value": 0.75, "n": 8, "r": 0.346, "r_n": 11, "suppressed": False}
    by_family = {f.family: (f.c, f.n, f.qualified, f.lift) for f in q.lift_families}
    assert by_family == {"analytics": (2, 2, True, 1.5), "ops": (0, 1, False, None), "sales": (2, 2, True, 0.0)}


def test_performance_lift_suppressed_below_the_privacy_threshold(tmp_path):
    # min_group_size 3: no family has 3 in both C and N -> value null; r_n = 11 >= 3 keeps r.
    root = _copy_with(tmp_path, "min_group_size: 2", "min_group_size: 3")
    lift = metrics_of("2027Q1", root=root).current["performance_lift"]
    assert lift == {"value": None, "n": 0, "r": 0.346, "r_n": 11, "suppressed": True}
    # min_group_size 12: r over 11 people is hidden too.
    root = _copy_with(tmp_path / "b", "min_group_size: 2", "min_group_size: 12")
    lift = metrics_of("2027Q1", root=root).current["performance_lift"]
    assert lift == {"value": None, "n": 0, "r": None, "r_n": 11, "suppressed": True}


# --- 5., 6. conversations and coverage -----------------------------------------------------

def test_conversation_frequency(q):
    # Active for all of Q (on 07-01 and on 09-30): everyone but gus (started 08-01) and fay (left) = 11.
    # Substantive check-ins in each of July, August, September: ana, dee, joe.
    # ben's August check-in has no learning block; eve has none in August.  3 / 11 = 0.273
    assert q["conversation_frequency"] == {"value": 0.273, "n": 11}


def test_learning_coverage(q):
    # Active on 09-30: 13 people - fay = 12; with a learning goal active during Q: 7 (see advancement).
    # 7 / 12 = 0.583
    assert q["learning_coverage"] == {"value": 0.583, "n": 12}


# --- 7. managers ------------------------------------------------------------------------------

def test_managers(q):
    # boss: ana ben cal gus hal ivy sam (7). goals: ana ben cal gus -> 4/7 = 0.571.
    #       whole quarter: all but gus (6); talked every month: ana -> 1/6 = 0.167.
    #       achieved: ana 50, ben 121 -> median 85.5. moves: hal (req-1), cal (req-2) = 2.
    # sam:  dee eve joe kim (fay left) (4). goals: dee eve joe -> 0.75. talked: dee joe -> 2/4 = 0.5.
    #       achieved: eve 35, joe 71 -> 53.0. moves: fay (req-6; she left, but mobility counts her) = 1.
    assert q["managers"] == [
        {"manager": "boss", "reports": 7, "learning_coverage": 0.571, "conversation_frequency": 0.167,
         "median_time_to_competency_days": 85.5, "internal_moves": 2},
        {"manager": "sam", "reports": 4, "learning_coverage": 0.75, "conversation_frequency": 0.5,
         "median_time_to_competency_days": 53.0, "internal_moves": 1},
    ]


# --- 8. skill demand --------------------------------------------------------------------------

def test_skill_demand(q):
    # On 09-30 (active: all but fay), below requirement (§6), priority = w(urgency) * below:
    #   analytics python (medium, 2): ana ben cal hal unassessed           below 4, priority 8
    #   sales coaching (low, 1):      sam dee eve kim unassessed; joe 1 ok   below 4, priority 4
    #   analytics sql (high, 3):      hal 1 < 2                               below 1, priority 3
    #   sales excel (low):            joe, kim unassessed                     below 2, priority 2
    #   analytics coaching (low):     boss 1 < 2                              below 1, priority 1
    #   ops excel (low):              ivy                                     below 1, priority 1 (ops > analytics)
    # On 06-30 (active: all but gus; fay counts): python 4; sales coaching sam dee eve joe kim = 5
    # (fay 1 ok); sql ana 1, ben 1, hal 1 = 3; sales excel dee 1, fay, joe, kim = 4; boss coaching 2 ok = 0.
    assert q["skill_demand"] == [
        {"family": "analytics", "skill": "python", "below": 4, "below_previous": 4, "priority": 8},
        {"family": "sales", "skill": "coaching", "below": 4, "below_previous": 5, "priority": 4},
        {"family": "analytics", "skill": "sql", "below": 1, "below_previous": 3, "priority": 3},
        {"family": "sales", "skill": "excel", "below": 2, "below_previous": 4, "priority": 2},
        {"family": "analytics", "skill": "coaching", "below": 1, "below_previous": 0, "priority": 1},
    ]


# --- 9. root causes ---------------------------------------------------------------------------

def test_root_causes(q):
    # 2027Q1 ratings with root_cause skill: dee excel, ivy excel, hal sql, fay python (fay left: out).
    # excel 2 >= 2 shown; sql 1 < 2 suppressed (the row stays).
    assert q["root_causes"] == [{"skill": "excel", "count": 2}, {"skill": "sql", "count": None, "suppressed": True}]


# --- other quarters, as-of, empty populations ----------------------------------------------------

def test_previous_quarter():
    q1 = metrics_of("2027Q1").previous
    assert q1.quarter.label == "2026Q4"
    # goals active in 2026Q4: ben-sql, dee-coaching (dropped 05-01, after the start), fay-coaching.
    # advanced: only fay (coaching unassessed -> 1); ben stays at 1 until 07-31; dee never rated.
    assert q1["skill_advancement_rate"] == {"value": 0.333, "n": 3, "target": 0.5}
    # fay-coaching 04-01 -> 05-20 = 30 + 19 = 49 days
    assert q1["time_to_competency_days"]["median"] == 49.0 and q1["time_to_competency_days"]["n"] == 1
    # req-4 filled 06-10 by an external hire
    assert q1["internal_mobility_rate"] == {"value": 0.0, "n": 1}
    # active on 06-30: 12 (gus not yet, fay yet); 3 with goals; ana talked in April, May and June.
    assert q1["learning_coverage"] == {"value": 0.25, "n": 12}
    assert q1["conversation_frequency"] == {"value": 0.083, "n": 12}
    # no reviews for 2026Q3: nobody rated in both quarters
    assert q1["performance_lift"] == {"value": None, "n": 0, "r": None, "r_n": 0, "suppressed": False}  # no data, not hidden


def test_empty_populations_are_null_not_zero():
    # 2026Q2 = 2025-10-01 .. 2025-12-31: no goals, ratings, openings or reviews yet.
    q = metrics_of("2026Q2").current
    assert q["skill_advancement_rate"] == {"value": None, "n": 0, "target": 0.5}
    assert q["time_to_competency_days"] == {"value": None, "median": None, "mean": None, "n": 0, "by_family": {}}
    assert q["internal_mobility_rate"] == {"value": None, "n": 0}
    assert q["internal_fill_rate"] == {"value": None, "n": 0}
    assert q["performance_lift"] == {"value": None, "n": 0, "r": None, "r_n": 0, "suppressed": False}  # no data, not hidden
    assert q["root_causes"] == []
    # people exist, so these populations are not empty: 12 active (gus not yet), none with a goal.
    assert q["learning_coverage"] == {"value": 0.0, "n": 12}
    assert q["managers"][0]["median_time_to_competency_days"] is None


def test_quarter_to_date():
    # As of 2026-08-31: nothing later is used.
    q = metrics_of("2027Q1", as_of=date(2026, 8, 31)).current
    assert not q.complete and q.cutoff == date(2026, 8, 31) and q.months_counted == 2
    # fay left 08-15 (< 08-31): out. dee is rated proficient only on 09-01, joe on 09-10.
    # advanced: ana, ben, eve = 3 of ana ben cal dee eve gus joe
    assert q["skill_advancement_rate"] == {"value": 0.429, "n": 7, "target": 0.5}
    # achieved: ana 50, ben 121, eve 35 -> median 50, mean 206 / 3 = 68.667
    assert q["time_to_competency_days"]["median"] == 50.0 and q["time_to_competency_days"]["mean"] == 68.667
    # filled by 08-31: req-6 (fay, prepared), req-1 (hal, prepared), req-3 (external)
    assert q["internal_mobility_rate"] == {"value": 0.667, "n": 3}
    # July and August so far: ana, dee, joe talked in both; 11 active since 07-01
    assert q["conversation_frequency"] == {"value": 0.273, "n": 11}


def test_a_left_date_after_as_of_is_not_used():
    # As of 2026-08-10, fay's `left` (08-15) lies after the as-of date: not used, so she is active;
    # gus (started 08-01) is too: 13 people, 8 with a goal (the 7 above and fay) -> 8 / 13 = 0.615.
    q = metrics_of("2027Q1", as_of=date(2026, 8, 10)).current
    assert q["learning_coverage"] == {"value": 0.615, "n": 13}
    # achieved by 08-10: fay 07-01 -> 08-01 = 31, eve 35, ben 121 -> median 35, mean 187 / 3 = 62.333
    assert q["time_to_competency_days"]["median"] == 35.0 and q["time_to_competency_days"]["mean"] == 62.333


def test_trend_and_gap_shrinkage():
    report = metrics_of("2027Q1", quarters=3)
    assert [q.quarter.label for q in report.trend] == ["2026Q3", "2026Q4", "2027Q1"]
    # 2026Q3 (Jan-Mar 2026): eve-excel-a 01-01 -> 02-10 = 40 days, hal-sql-a 01-01 -> 03-01 = 59 days
    assert report.quarters[0]["time_to_competency_days"]["median"] == 49.5
    below = {(t.family, t.skill): t.below for t in report.demand_trend}
    # at 03-31 / 06-30 / 09-30: sales coaching 6 (fay unassessed until 05-20) -> 5 -> 4
    assert below[("sales", "coaching")] == [6, 5, 4]
    assert below[("analytics", "sql")] == [3, 3, 1]
    assert below[("analytics", "python")] == [4, 4, 4]
    out = report.to_json()
    assert [t["quarter"] for t in out["trend"]] == ["2026Q3", "2026Q4"]


def test_json_shape_is_spec_7_2(q):
    out = q.to_json()
    assert list(out) == [
        "quarter", "start", "end", "skill_advancement_rate", "time_to_competency_days", "internal_mobility_rate",
        "internal_fill_rate", "internal_readiness", "performance_lift", "conversation_frequency", "learning_coverage", "managers",
        "skill_demand", "root_causes", "rater_drift",
    ]
    assert "trend" not in metrics_of("2027Q1").to_json()


def test_rounding_is_half_up_to_3_decimals():
    assert r3(0.8125) == 0.813 and r3(2 / 3) == 0.667 and r3(-0.0005) == -0.001 and r3(None) is None
    assert r3(61) == 61.0


def _copy_with(tmp_path: Path, old: str, new: str) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    settings = root / "skillcycle.yaml"
    settings.write_text(settings.read_text().replace(old, new))
    return root


def test_a_registered_metric_reaches_every_format(monkeypatch) -> None:
    """Adding a metric is its function and @metric: the JSON object, the headline table and the
    HTML page show it without another change (here: people active at the end of the quarter)."""
    from skillcycle.reports import metrics
    from skillcycle.render import metrics as render

    monkeypatch.setattr(metrics, "METRICS", dict(metrics.METRICS))
    metrics.metric("headcount", ("Headcount at quarter end", "r", "value", "n", "no one was active"))(
        lambda quarter: {"value": float(len(quarter.active)), "n": len(quarter.active)}
    )
    report = metrics_of("2027Q1")
    assert list(report.to_json())[-1] == "headcount"
    assert report.to_json()["headcount"] == {"value": 12.0, "n": 12}  # learning coverage counts the same 12
    assert report.current["learning_coverage"]["n"] == 12
    assert "Headcount at quarter end" in render.render_plain(report)
    assert "Headcount at quarter end" in render.render_html(report)
