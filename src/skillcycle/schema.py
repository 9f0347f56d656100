"""Typed models of every file kind of SPEC §3.

Models are strict (no silent coercion: `"15"` is not 15, `yes` is not true)
and forbid unknown keys. Custom validators raise PydanticCustomError with a
type that names the finding code's family, so the loader can map every
pydantic error to a stable code and a position.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from .levels import Level, parse_level

SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
QUARTER = re.compile(r"([0-9]{4})Q([1-4])\Z")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def _slug(value: str) -> str:
    if not SLUG.match(value):
        hint = ""
        fixed = re.sub(r"[^a-z0-9._-]+", "-", value.lower()).strip("-._")
        if fixed and SLUG.match(fixed):
            hint = f" — e.g. {fixed!r}"
        raise PydanticCustomError(
            "bad_id", f"id {value!r} is not a lowercase slug (a-z, 0-9, '.', '_', '-', starting with a letter or digit){hint}"
        )
    return value


def _day(value: object) -> date:
    if isinstance(value, str) and _DAY.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError as exc:
            raise PydanticCustomError("bad_date", f"date {value!r} does not exist ({exc})") from None
    raise PydanticCustomError("bad_date", f"expected a date YYYY-MM-DD, got {value!r}")


def _level(value: object) -> Level:
    try:
        return parse_level(value)
    except ValueError as exc:
        raise PydanticCustomError("bad_level", str(exc)) from None


def _quarter(value: str) -> str:
    if not QUARTER.match(value):
        raise PydanticCustomError("bad_value", f"quarter {value!r} is not a label like 2026Q3")
    return value


Id = Annotated[str, AfterValidator(_slug)]
Day = Annotated[date, BeforeValidator(_day)]
LevelValue = Annotated[Level, BeforeValidator(_level)]
Quarter = Annotated[str, AfterValidator(_quarter)]
Text = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- skillcycle.yaml -------------------------------------------------------

class Privacy(Model):
    min_group_size: int = Field(5, ge=1, description="Smallest group whose performance-derived figures are shown (SPEC §7.3).")


class Targets(Model):
    skill_advancement_rate: float = Field(0.70, ge=0, le=1)


def _range(value: list[int]) -> list[int]:
    if len(value) != 2 or not 0 <= value[0] <= value[1] <= 100:
        raise PydanticCustomError("bad_value", "expected [low, high] percentages with 0 <= low <= high <= 100")
    return value


PercentRange = Annotated[list[int], AfterValidator(_range)]


class LearningWeight(Model):
    upskill: PercentRange = [10, 15]
    reskill: PercentRange = [15, 25]


class Settings(Model):
    """skillcycle.yaml: marks the repo root and holds organisation-wide settings."""

    organization: Text
    fiscal_year_start: int = Field(1, ge=1, le=12, description="Month (1-12) the fiscal year starts in.")
    privacy: Privacy = Privacy()
    targets: Targets = Targets()
    learning_weight: LearningWeight = LearningWeight()


# --- competencies.yaml and learning.yaml -----------------------------------

class Anchors(Model):
    foundational: str | None = None
    proficient: str | None = None
    expert: str | None = None


class Skill(Model):
    id: Id
    name: Text
    group: str | None = None
    category: Literal["technical", "functional", "leadership"]
    urgency: Literal["high", "medium", "low"] = "low"
    horizon_months: Literal[12, 24, 36] | None = None
    description: str | None = None
    levels: Anchors = Anchors()

    @property
    def strategic(self) -> bool:
        return self.urgency in ("high", "medium")


class Competencies(Model):
    skills: list[Skill]


class Resource(Model):
    id: Id
    title: Text
    type: Literal["course", "program", "mentoring", "stretch-assignment", "reading", "other"]
    skills: Annotated[list[Id], Field(min_length=1)]
    target: LevelValue | None = None
    url: str | None = None
    hours: float | None = Field(None, ge=0)


class Learning(Model):
    resources: list[Resource]


# --- roles and people ------------------------------------------------------

class RequirementChange(Model):
    effective: Day
    requires: dict[Id, LevelValue]


class Role(Model):
    id: Id | None = None
    title: Text
    family: Id
    next: list[Id] = []
    requires: dict[Id, LevelValue]
    changes: list[RequirementChange] = []


class Person(Model):
    id: Id | None = None
    name: Text
    role: Id
    manager: Id | None = None
    started: Day | None = None
    left: Day | None = None
    aspiration: Id | None = None
    email: str | None = None

    def active_on(self, day: date) -> bool:
        return (self.started is None or self.started <= day) and (self.left is None or self.left >= day)


# --- assessments, goals, check-ins, reviews, openings, completions ---------

Source = Literal["calibration", "manager", "peer", "self"]


class Rating(Model):
    person: Id
    skill: Id
    level: LevelValue
    date: Day | None = None
    source: Source | None = None
    assessor: Id | None = None


class AssessmentBatch(Model):
    date: Day | None = None
    source: Source | None = None
    assessor: Id | None = None
    ratings: list[Rating]


class Goal(Model):
    id: Id
    kind: Literal["learning", "performance"]
    skill: Id | None = None
    target: LevelValue | None = None
    baseline: LevelValue | None = None
    title: Text
    start: Day | None = None
    due: Day
    owner: Id | None = None
    verify: str | None = None
    weight: int | None = Field(None, ge=0, le=100)
    resources: list[Id] = []
    dropped: Day | None = None


class GoalFile(Model):
    person: Id
    cycle: Quarter
    goals: list[Goal]


class LearningBlock(Model):
    progress: str | None = None
    barriers: str | None = None
    apply: str | None = None
    apply_due: Day | None = None

    @property
    def substantive(self) -> bool:
        return any(text and text.strip() for text in (self.progress, self.barriers, self.apply))


class GoalNote(Model):
    goal: Id
    note: str | None = None


class Checkin(Model):
    person: Id
    manager: Id
    date: Day
    type: Literal["one-on-one", "calibration", "review"]
    learning: LearningBlock = LearningBlock()
    goals: list[GoalNote] = []
    notes: str | None = None


RootCause = Literal["skill", "process", "motivation", "other"]


class ReviewRating(Model):
    person: Id
    rating: float
    root_cause: RootCause | None = None
    skill: Id | None = None


class ReviewBatch(Model):
    period: Quarter
    scale: list[float] = [1, 5]
    ratings: list[ReviewRating]


class Opening(Model):
    id: Id
    role: Id
    opened: Day
    filled: Day | None = None
    hired: Id | None = None


class Completion(Model):
    person: Id
    resource: Id
    date: Day
    completed: bool


class CompletionBatch(Model):
    source: str | None = None
    records: list[Completion]


# Which model reads which file: top-level files by name, the rest by folder.
TOP_FILES: dict[str, type[Model]] = {
    "skillcycle": Settings,
    "competencies": Competencies,
    "learning": Learning,
}
FOLDERS: dict[str, type[Model]] = {
    "roles": Role,
    "people": Person,
    "assessments": AssessmentBatch,
    "goals": GoalFile,
    "checkins": Checkin,
    "reviews": ReviewBatch,
    "openings": Opening,
    "completions": CompletionBatch,
}
