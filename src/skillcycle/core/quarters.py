"""Fiscal quarters (SPEC §5.1): kept apart from facts (and free of pandas and pydantic), so
that a remembered metrics report, which holds them, reads back without importing either."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

QUARTER = re.compile(r"([0-9]{4})Q([1-4])\Z")
# Quarters of these years only: a report looks five years back and three ahead.
FIRST_YEAR, LAST_YEAR = 1900, 9000


@dataclass(frozen=True, order=True)
class Quarter:
    """A fiscal quarter (SPEC §5.1): fiscal year `year` ends in calendar year `year`."""

    year: int
    q: int
    fy_start: int = 1

    @classmethod
    def parse(cls, label: str, fy_start: int = 1) -> "Quarter":
        match = QUARTER.match(label)
        if not match:
            raise ValueError(f"quarter {label!r} is not a label like 2026Q3")
        if not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
            raise ValueError(f"quarter {label!r} is not of a year from {FIRST_YEAR} to {LAST_YEAR}")
        return cls(int(match.group(1)), int(match.group(2)), fy_start)

    @classmethod
    def containing(cls, day: date, fy_start: int = 1) -> "Quarter":
        months_into_fy = (day.month - fy_start) % 12
        fy_first_year = day.year if day.month >= fy_start else day.year - 1
        year = fy_first_year if fy_start == 1 else fy_first_year + 1
        return cls(year, months_into_fy // 3 + 1, fy_start)

    @classmethod
    def last_complete(cls, day: date, fy_start: int = 1) -> "Quarter":
        """The latest quarter that has ended by `day` (the one containing it, when `day` is its last)."""
        quarter = cls.containing(day, fy_start)
        return quarter if quarter.end <= day else quarter.previous()

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.q}"

    @property
    def start(self) -> date:
        first_year = self.year if self.fy_start == 1 else self.year - 1
        month0 = (self.fy_start - 1) + (self.q - 1) * 3  # months since January of first_year
        return date(first_year + month0 // 12, month0 % 12 + 1, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def months(self) -> list[tuple[int, int]]:
        """The three calendar (year, month) pairs of the quarter."""
        start = self.start
        return [((start.year * 12 + start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1) for i in range(3)]

    def next(self) -> "Quarter":
        return Quarter(self.year + self.q // 4, self.q % 4 + 1, self.fy_start)

    def previous(self) -> "Quarter":
        return Quarter(self.year - (self.q == 1), (self.q - 2) % 4 + 1, self.fy_start)

    def __str__(self) -> str:
        return self.label
