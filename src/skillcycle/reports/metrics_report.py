"""What `metrics` computes (SPEC §7): the report's plain data, kept apart from the
computation (metrics.py) and free of pandas, so that a remembered report (app.open_report)
reads back and renders without importing it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..core.quarters import Quarter


def r3(value: float | None) -> float | None:
    """Round to 3 decimals, halves away from zero (as by hand: 0.8125 -> 0.813); None (and NaN) give None."""
    if value is None or math.isnan(value):
        return None
    return float(Decimal(repr(float(value))).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


# --- results -------------------------------------------------------------------

@dataclass
class LiftFamily:
    """One role family's groups for performance_lift; `lift` is None unless it qualified."""

    family: str
    c: int
    n: int
    qualified: bool
    mean_delta_c: float | None = None
    mean_delta_n: float | None = None
    lift: float | None = None


@dataclass(frozen=True)
class Headline:
    """A row of the headline table: one figure of a metric's object."""

    key: str  # the metric
    label: str
    kind: str  # share | days | rating | r: how the figure is written
    field: str = "value"  # which figure of the metric's object
    n_field: str = "n"  # the population it counts
    empty: str = "empty population"  # why the figure is blank when its population is empty
    note: str = ""  # what to keep in mind when reading the figure


@dataclass
class QuarterMetrics:
    quarter: Quarter
    as_of: date
    cutoff: date  # min(end, as_of): the last day any fact of this quarter can come from
    min_group_size: int
    metrics: dict[str, Any]  # key -> the metric's object (a headline metric) or rows (a table), in report order
    headlines: tuple[Headline, ...]  # what the human formats show of the headline metrics, in order
    # Detail shown by the human formats only (never in the JSON).
    lift_families: list[LiftFamily] = field(default_factory=list)
    months_counted: int = 3  # calendar months of Q that had begun by the cutoff

    def __getitem__(self, key: str) -> Any:
        return self.metrics[key]

    @property
    def complete(self) -> bool:
        return self.cutoff >= self.quarter.end

    def to_json(self) -> dict[str, Any]:
        """The quarter's JSON object: its dates, then each metric, a table as {"rows": [...]}."""
        out: dict[str, Any] = {"quarter": self.quarter.label, "start": self.quarter.start.isoformat(), "end": self.quarter.end.isoformat()}
        for key, value in self.metrics.items():
            out[key] = {"rows": value} if isinstance(value, list) else value
        return out


@dataclass
class DemandTrend:
    """`below` of one (family, skill) gap row at the end of each quarter of the report."""

    family: str
    skill: str
    below: list[int | None]  # None: no active person's role required the skill then


@dataclass
class MetricsReport:
    organization: str
    as_of: date
    min_group_size: int
    quarters: list[QuarterMetrics]  # oldest first; the asked-for quarter is last
    shown: int  # how many quarters were asked for (--quarters); earlier ones are context only
    demand_trend: list[DemandTrend]
    names: dict[str, str] = field(default_factory=dict)  # person id -> name, for the human formats

    @property
    def current(self) -> QuarterMetrics:
        return self.quarters[-1]

    @property
    def previous(self) -> QuarterMetrics | None:
        return self.quarters[-2] if len(self.quarters) > 1 else None

    @property
    def trend(self) -> list[QuarterMetrics]:
        """The quarters asked for with --quarters, oldest first (at least two for charts)."""
        return self.quarters[-max(self.shown, 2):]

    def to_json(self) -> dict[str, Any]:
        """SPEC §7.2; with --quarters N > 1 one documented extra key, `trend`: the N-1 earlier quarters."""
        out = self.current.to_json()
        if self.shown > 1:
            out["trend"] = [q.to_json() for q in self.quarters[-self.shown:-1]]
        return out
