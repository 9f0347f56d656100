"""Renderings of a MetricsReport (skillcycle.reports.metrics): JSON exactly per SPEC §7.2,
plain/Rich tables, Markdown for a GitHub job summary, and a self-contained HTML
page with a small inline-SVG trend chart per metric. No computation beyond
formatting and the change between quarters."""

from __future__ import annotations

from typing import Any

from ..reports.metrics_report import Headline, MetricsReport, QuarterMetrics, r3
from ..core.safetext import json_text
from .table import Column, Table, fmt, to_csv, to_markdown, to_plain, trim_number

# --- what each headline row shows (the rows each metric registers: metrics.METRICS) ----------

def figure(q: QuarterMetrics, row: Headline) -> float | None:
    return q[row.key][row.field]


def suppressed(q: QuarterMetrics, row: Headline) -> bool:
    """Is this figure hidden by the privacy rule, as opposed to empty (nobody rated in both quarters)?"""
    if row.key != "performance_lift":
        return False
    lift = q["performance_lift"]
    if lift["r_n"] == 0:
        return False
    return lift["value"] is None if row.field == "value" else lift["r_n"] < q.min_group_size


def note(q: QuarterMetrics, row: Headline) -> str:
    """Why a figure is missing (suppressed or empty), or how it compares with its target."""
    m, metric = q.min_group_size, q[row.key]
    if row.key == "performance_lift" and row.field == "value" and metric["value"] is None:
        if not q.lift_families:
            return f"no data: no one active was rated in both {q.quarter.previous()} and {q.quarter}"
        return (
            f"suppressed: no role family has at least {m} people in both groups "
            f"(C: achieved a learning goal in {q.quarter}; N: no learning goal active) — privacy, min group {m}"
        )
    if row.key == "performance_lift" and row.field == "r":
        if metric["r_n"] == 0:
            return f"no data: no one active was rated in both {q.quarter.previous()} and {q.quarter}"
        if metric["r_n"] < m:
            return f"suppressed: {metric['r_n']} people rated in both quarters, fewer than {m} (privacy)"
        if metric["r"] is None:
            return "undefined: tiers gained or rating change do not vary"
        return ""
    if figure(q, row) is None:
        return row.empty
    if row.note:
        return row.note
    if row.field == "value" and metric.get("target") is not None:
        return "meets target" if metric["value"] >= metric["target"] else "below target"
    return ""


def full_note(q: QuarterMetrics, prev: QuarterMetrics | None, row: Headline) -> str:
    """The note of the current figure, plus why the previous quarter's is hidden when it is."""
    text = note(q, row)
    if prev is not None and suppressed(prev, row):
        text = "; ".join(t for t in (text, f"{prev.quarter} {note(prev, row)}") if t)
    return text


# --- number formats -------------------------------------------------------------------------

def change(now: float | None, before: float | None, kind: str) -> str | None:
    if now is None or before is None:
        return None
    diff = r3(now - before)
    sign = "+" if diff > 0 else ("-" if diff < 0 else "")
    if kind == "share":
        return f"{sign}{abs(diff) * 100:.1f} pp"
    if kind in ("days", "mean-days"):
        return f"{sign}{fmt(abs(diff), kind)}"
    return f"{sign}{trim_number(abs(diff), 2)}"


def shown(value: float | None, hidden: bool, kind: str) -> str | None:
    if hidden:
        return "suppressed"
    return fmt(value, kind)


# --- the tables (shared by table, markdown and HTML) ---------------------------------------------

def header_lines(report: MetricsReport) -> list[str]:
    q = report.current
    lines = [
        f"skillcycle metrics — {report.organization} — {q.quarter} ({q.quarter.start} – {q.quarter.end}), as of {report.as_of}",
    ]
    if not q.complete:
        lines.append(
            f"Quarter to date: facts up to {q.cutoff}; conversation frequency counts the "
            f"{q.months_counted} calendar month{'s' * (q.months_counted != 1)} begun so far."
        )
    lines.append(
        f"Privacy: figures from performance ratings over fewer than {report.min_group_size} people are suppressed (docs/metrics.md, privacy)."
    )
    lines.append(f"Which learning resources moved these skills: skillcycle learning --quarter {q.quarter} (docs/learning.md).")
    return lines


def headline_table(report: MetricsReport) -> Table:
    q, prev = report.current, report.previous
    prev_label = str(prev.quarter) if prev else "previous"
    rows = []
    for row in report.current.headlines:
        metric = q[row.key]
        target = metric.get("target") if row.field == "value" else None
        now_hidden = suppressed(q, row)
        before = figure(prev, row) if prev else None
        before_hidden = suppressed(prev, row) if prev else False
        rows.append([
            row.label,
            shown(figure(q, row), now_hidden, row.kind),
            metric[row.n_field],
            fmt(target, row.kind),
            shown(before, before_hidden, row.kind),
            change(figure(q, row), before, row.kind),
            full_note(q, prev, row),
        ])
    return Table(
        [Column("metric"), Column("value", "right"), Column("n", "right"), Column("target", "right"),
         Column(prev_label, "right"), Column("change", "right"), Column("note")],
        rows,
        title=f"Metrics {q.quarter}",
    )


def ttc_table(report: MetricsReport) -> Table:
    q = report.current
    rows = [[fam, v["n"], fmt(v["median"], "days"), fmt(v["mean"], "mean-days")]
            for fam, v in q["time_to_competency_days"]["by_family"].items()]
    return Table([Column("family"), Column("goals achieved", "right"), Column("median days", "right"), Column("mean days", "right")],
                 rows, title="Time to competency by role family")


def lift_table(report: MetricsReport) -> Table:
    q, m = report.current, report.min_group_size
    rows = []
    for fam in q.lift_families:
        why = "" if fam.qualified else f"suppressed: C {fam.c}, N {fam.n} — both need at least {m}"
        rows.append([
            fam.family, fam.c, fam.n,
            fmt(fam.mean_delta_c, "rating") if fam.qualified else "suppressed",
            fmt(fam.mean_delta_n, "rating") if fam.qualified else "suppressed",
            fmt(fam.lift, "rating") if fam.qualified else "suppressed",
            why,
        ])
    return Table(
        [Column("family"), Column("C", "right"), Column("N", "right"), Column("mean change C", "right"),
         Column("mean change N", "right"), Column("lift", "right"), Column("note")],
        rows,
        title="Performance lift by role family",
        caption=(f"C: rated in {q.quarter.previous()} and {q.quarter} and achieved a learning goal in {q.quarter}; "
                 "N: rated in both and had no learning goal active."),
    )


def managers_table(report: MetricsReport) -> Table:
    rows = [
        [m["manager"], report.names.get(m["manager"], ""), m["reports"], fmt(m["learning_coverage"], "share"),
         fmt(m["conversation_frequency"], "share"), fmt(m["median_time_to_competency_days"], "days"), m["internal_moves"]]
        for m in report.current["managers"]
    ]
    return Table(
        [Column("manager"), Column("name"), Column("reports", "right"), Column("learning coverage", "right"),
         Column("conversation frequency", "right"), Column("median days to competency", "right"),
         Column("internal moves", "right")],
        rows,
        title="Managers (direct reports active at quarter end)",
    )


def demand_table(report: MetricsReport) -> Table:
    q, prev = report.current, report.previous
    rows = []
    for r in q["skill_demand"]:
        diff = None if r["below_previous"] is None else r["below"] - r["below_previous"]
        rows.append([r["family"], r["skill"], r["below"], r["below_previous"],
                     None if diff is None else f"{diff:+d}" if diff else "0", r["priority"]])
    return Table(
        [Column("family"), Column("skill"), Column("below", "right"), Column(f"below at {prev.quarter if prev else 'Q-1'} end", "right"),
         Column("change", "right"), Column("priority", "right")],
        rows,
        title="Skill demand (top gap rows at quarter end)",
    )


def root_cause_table(report: MetricsReport) -> Table:
    m = report.min_group_size
    rows = [[r["skill"], "suppressed" if r.get("suppressed") else r["count"],
             f"suppressed: fewer than {m} ratings (privacy)" if r.get("suppressed") else ""]
            for r in report.current["root_causes"]]
    return Table([Column("skill"), Column("count", "right"), Column("note")], rows,
                 title=f"Root causes: performance ratings of {report.current.quarter} below target for a skill")


def drift_table(report: MetricsReport) -> Table:
    from .calibration import drift_table as table

    return table(report.current["rater_drift"], report.current.quarter.label, report.min_group_size)


def trend_table(report: MetricsReport) -> Table:
    quarters = report.trend
    rows = []
    for row in report.current.headlines:
        rows.append([row.label] + [shown(figure(q, row), suppressed(q, row), row.kind) for q in quarters])
    return Table([Column("metric")] + [Column(str(q.quarter), "right") for q in quarters], rows,
                 title=f"Trend over {len(quarters)} quarters")


def gap_verdict(below: list[int | None]) -> str:
    """Whether people below requirement fell quarter on quarter: shrinking | growing | flat | mixed."""
    known = [b for b in below if b is not None]
    steps = [b - a for a, b in zip(known, known[1:])]
    if not steps:
        return "new"
    if all(s == 0 for s in steps):
        return "flat"
    if all(s <= 0 for s in steps):
        falls = sum(s < 0 for s in steps)
        return f"shrinking ({falls} of {len(steps)} quarters)"
    if all(s >= 0 for s in steps):
        return "growing"
    return "mixed"


def gap_trend_table(report: MetricsReport) -> Table:
    quarters = report.trend
    rows = [[t.family, t.skill] + t.below + [gap_verdict(t.below)] for t in report.demand_trend]
    return Table(
        [Column("family"), Column("skill")] + [Column(f"{q.quarter} end", "right") for q in quarters] + [Column("over time")],
        rows,
        title="Do gaps shrink on the same competencies? (people below requirement at each quarter end)",
    )


def tables(report: MetricsReport) -> list[Table]:
    out = [headline_table(report), ttc_table(report), lift_table(report), managers_table(report),
           demand_table(report), root_cause_table(report), drift_table(report)]
    if report.shown > 1:
        out += [trend_table(report), gap_trend_table(report)]
    return out


# --- the formats -------------------------------------------------------------------------------

def render_json(report: MetricsReport) -> str:
    return json_text(report.to_json(), indent=2)


def render_plain(report: MetricsReport) -> str:
    parts = ["\n".join(header_lines(report))]
    for table in tables(report):
        parts.append(to_plain(table) if table.rows else f"{table.title}\n(none)")
    return "\n\n".join(parts)


def render_markdown(report: MetricsReport) -> str:
    lines = header_lines(report)
    parts = [f"## {_md(lines[0])}", "\n\n".join(_md(line) for line in lines[1:])]
    for table in tables(report):
        parts.append(to_markdown(table) if table.rows else f"### {_md(table.title)}\n\n_None._")
    return "\n\n".join(parts)


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


# --- HTML ----------------------------------------------------------------------------------------

CHART_W, CHART_H, PAD = 220, 56, 6


def sparkline(report: MetricsReport, row: Headline) -> dict[str, Any]:
    """Coordinates of a small line chart of one figure over the report's trend quarters.

    Missing (empty or suppressed) points break the line; shares use a fixed 0..1 axis,
    everything else the range of its own values (and of the target, if any).
    """
    quarters = report.trend
    values = [None if suppressed(q, row) else figure(q, row) for q in quarters]
    target = report.current[row.key].get("target") if row.field == "value" else None
    known = [v for v in values if v is not None] + ([target] if target is not None else [])
    if row.kind == "share":
        low, high = 0.0, 1.0
    elif known:
        low, high = min(known + [0.0]), max(known + [0.0])
    else:
        low, high = 0.0, 1.0
    if high == low:
        high = low + 1.0
    step = (CHART_W - 2 * PAD) / max(len(quarters) - 1, 1)

    def y(v: float) -> float:
        return round(CHART_H - PAD - (v - low) / (high - low) * (CHART_H - 2 * PAD), 1)

    points, segments, current = [], [], []
    for i, (q, v) in enumerate(zip(quarters, values)):
        x = round(PAD + i * step, 1)
        label = f"{q.quarter}: {shown(v, suppressed(q, row), row.kind) or 'no data'}"
        if v is None:
            if current:
                segments.append(current)
            current = []
            points.append({"x": x, "y": CHART_H - PAD, "title": label, "missing": True})
            continue
        current.append(f"{x},{y(v)}")
        points.append({"x": x, "y": y(v), "title": label, "missing": False})
    if current:
        segments.append(current)
    return {
        "width": CHART_W, "height": CHART_H,
        "segments": [" ".join(s) for s in segments],
        "points": points,
        "target_y": None if target is None else y(target),
        "zero_y": y(0.0) if low < 0 < high else None,
        "first": str(quarters[0].quarter), "last": str(quarters[-1].quarter),
    }


def render_html(report: MetricsReport) -> str:
    from .html import render_page

    q, prev = report.current, report.previous
    cards = []
    for row in report.current.headlines:
        metric = q[row.key]
        before = figure(prev, row) if prev else None
        cards.append({
            "label": row.label,
            "value": shown(figure(q, row), suppressed(q, row), row.kind) or "—",
            "n": metric[row.n_field],
            "target": fmt(metric.get("target") if row.field == "value" else None, row.kind),
            "previous": shown(before, suppressed(prev, row) if prev else False, row.kind) or "—",
            "change": change(figure(q, row), before, row.kind),
            "note": full_note(q, prev, row),
            "suppressed": suppressed(q, row),
            "chart": sparkline(report, row),
        })
    body = [t for t in tables(report)[1:]]  # the headline table is shown as cards
    return render_page(
        "metrics.html.j2",
        report=report,
        header=header_lines(report),
        previous_label=str(prev.quarter) if prev else "previous",
        cards=cards,
        tables=[_html_table(t) for t in body],
    )


def _html_table(table: Table) -> dict[str, Any]:
    from .table import cell_text

    return {
        "title": table.title,
        "caption": table.caption,
        "headers": [(c.header, c.align == "right") for c in table.columns],
        "rows": [[(cell_text(v), c.align == "right", v == "suppressed") for c, v in zip(table.columns, row)] for row in table.rows],
    }


CSV_HEADERS = ["quarter", "kind", "name", "figure", "value", "n", "target", "note"]
_MANAGER_FIGURES = ("learning_coverage", "conversation_frequency", "median_time_to_competency_days", "internal_moves")


def render_csv(report: MetricsReport) -> str:
    """One long table for a spreadsheet: every headline figure of every quarter shown (kind
    `metric`), then each manager's figures (kind `manager`, n: their direct reports); values as
    numbers, a blank for none."""
    rows = []
    for q in report.trend if report.shown > 1 else [report.current]:
        for row in q.headlines:
            metric = q[row.key]
            target = metric.get("target") if row.field == "value" else None
            rows.append([q.quarter.label, "metric", row.key, row.field, figure(q, row), metric[row.n_field], target, note(q, row)])
    q = report.current
    for m in q["managers"]:
        for name in _MANAGER_FIGURES:
            rows.append([q.quarter.label, "manager", m["manager"], name, m[name], m["reports"], None, ""])
    return to_csv(CSV_HEADERS, rows)


FORMATS = {"text": render_plain, "json": render_json, "csv": render_csv, "markdown": render_markdown, "html": render_html}
