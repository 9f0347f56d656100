"""Typed models of every file kind of SPEC §3.

Models are strict (no silent coercion: `"15"` is not 15, `yes` is not true)
and forbid unknown keys. Custom validators raise PydanticCustomError with a
type that names the finding code's family, so the loader can map every
pydantic error to a stable code and a position.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from .kinds import KINDS
from .levels import Level, parse_level
from . import quarters

SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def slugify(text: str) -> str:
    """The lowercase slug of a label: accents dropped, runs of other characters made '-'
    ('' when nothing is left)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9._-]+", "-", plain.lower()).strip("-._")


def _slug(value: str) -> str:
    if not SLUG.match(value):
        hint = ""
        fixed = slugify(value)
        if fixed:
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
    try:
        quarters.Quarter.parse(value)
    except ValueError as exc:
        raise PydanticCustomError("bad_value", str(exc)) from None
    return value


# --- JSON Schema of the custom types ----------------------------------------
# `WithJsonSchema` only changes what `model_json_schema()` says (see
# jsonschema_export.py); validation is done by the validators above.

def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


LEVEL_JSON_SCHEMA = {
    "anyOf": [
        {"type": "string", "enum": ["none", "foundational", "proficient", "expert"]},
        {"type": "integer", "enum": [0, 1, 2, 3]},
        {
            "type": "string",
            "pattern": "^(none|None|NONE|" + "|".join(_any_case(w) for w in ("foundational", "proficient", "expert")) + "|[0-3])$",
        },
    ],
    "description": "Proficiency level: none, foundational, proficient or expert (any capitalisation; "
    "none also None/NONE), or 0-3. Empty is not none.",
    "examples": ["proficient"],
}
ID_JSON_SCHEMA = {
    "type": "string",
    "pattern": "^[a-z0-9][a-z0-9._-]*$",
    "description": "A lowercase slug: a-z, 0-9, '.', '_', '-', starting with a letter or digit.",
}
DAY_JSON_SCHEMA = {
    "type": "string",
    "format": "date",
    "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "description": "A date YYYY-MM-DD.",
    "examples": ["2026-07-01"],
}
QUARTER_JSON_SCHEMA = {
    "type": "string",
    "pattern": "^[0-9]{4}Q[1-4]$",
    "description": "A fiscal quarter label YYYYQn.",
    "examples": ["2026Q3"],
}
PERCENT_RANGE_JSON_SCHEMA = {
    "type": "array",
    "items": {"type": "integer", "minimum": 0, "maximum": 100},
    "minItems": 2,
    "maxItems": 2,
    "description": "[low, high] percentages with 0 <= low <= high <= 100.",
}

Id = Annotated[str, AfterValidator(_slug), WithJsonSchema(ID_JSON_SCHEMA)]
Day = Annotated[date, BeforeValidator(_day), WithJsonSchema(DAY_JSON_SCHEMA)]
LevelValue = Annotated[Level, BeforeValidator(_level), WithJsonSchema(LEVEL_JSON_SCHEMA)]
Quarter = Annotated[str, AfterValidator(_quarter), WithJsonSchema(QUARTER_JSON_SCHEMA)]
Text = Annotated[str, Field(min_length=1)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _d(text: str, *examples: object, **extra: object) -> dict:
    """Field(...) keyword arguments for the JSON Schema only: a description and examples for editors' hover help."""
    kwargs: dict = {"description": text}
    if examples:
        kwargs["examples"] = list(examples)
    if extra:
        kwargs["json_schema_extra"] = extra
    return kwargs


# --- skillcycle.yaml -------------------------------------------------------

class Privacy(Model):
    """Privacy settings for figures computed from performance ratings."""

    min_group_size: int = Field(5, ge=1, **_d("Smallest group whose performance-derived figures are shown.", 5))


class Targets(Model):
    """Targets the metrics are compared with."""

    skill_advancement_rate: float = Field(0.70, ge=0, le=1, **_d("Target share of people with a learning goal who advance a tier in the quarter.", 0.7))


def _range(value: list[int]) -> list[int]:
    if len(value) != 2 or not 0 <= value[0] <= value[1] <= 100:
        raise PydanticCustomError("bad_value", "expected [low, high] percentages with 0 <= low <= high <= 100")
    return value


PercentRange = Annotated[list[int], AfterValidator(_range), WithJsonSchema(PERCENT_RANGE_JSON_SCHEMA)]


class LearningWeight(Model):
    """Percent of a person's goal weight per cycle that learning goals should carry, by track."""

    upskill: PercentRange = Field([10, 15], **_d("Range for people on the upskill track (current level foundational or proficient).", [10, 15]))
    reskill: PercentRange = Field([15, 25], **_d("Range for people on the reskill track (none or unassessed in a required skill).", [15, 25]))


class Settings(Model):
    """skillcycle.yaml: marks the repo root and holds organisation-wide settings."""

    organization: Text = Field(**_d("The organisation's name, shown in reports.", "Acme Corp"))
    fiscal_year_start: int = Field(1, ge=1, le=12, **_d("Month (1-12) the fiscal year starts in; 1 gives calendar quarters.", 1, 7))
    privacy: Privacy = Field(Privacy(), **_d("Privacy settings."))
    targets: Targets = Field(Targets(), **_d("Metric targets."))
    learning_weight: LearningWeight = Field(LearningWeight(), **_d("Share of goal weight learning goals should carry, by track."))


# --- competencies.yaml and learning.yaml -----------------------------------

class Anchors(Model):
    """Behavioural anchors per level, shown in review packets."""

    foundational: str | None = Field(None, **_d("What Foundational looks like.", "Reads and questions existing dashboards."))
    proficient: str | None = Field(None, **_d("What Proficient looks like.", "Builds clear charts for a team's recurring decisions."))
    expert: str | None = Field(None, **_d("What Expert looks like.", "Sets the standards others follow."))


class Skill(Model):
    """One skill of the competency map."""

    id: Id = Field(**_d("Skill id (a lowercase slug), unique in competencies.yaml.", "data-visualization"))
    name: Text = Field(**_d("Display name.", "Data visualization"))
    group: str | None = Field(None, **_d("Optional group, used to group reports.", "Data literacy"))
    category: Literal["technical", "functional", "leadership"] = Field(**_d("technical, functional or leadership.", "technical"))
    urgency: Literal["high", "medium", "low"] = Field("low", **_d("Strategic urgency: high and medium make the skill strategic; weights gap priority 3/2/1.", "high"))
    horizon_months: Literal[12, 24, 36] | None = Field(None, **_d("When the business needs it: 12, 24 or 36 months.", 12))
    description: str | None = Field(None, **_d("What the skill is for.", "Turns data into charts that decisions are made from."))
    levels: Anchors = Field(Anchors(), **_d("Optional behavioural anchors per level."))

    @property
    def strategic(self) -> bool:
        return self.urgency in ("high", "medium")


class Competencies(Model):
    """competencies.yaml: the competency map (the skills and their strategic weight)."""

    skills: list[Skill] = Field(**_d("Every skill of the organisation."))


class Resource(Model):
    """One learning resource of the catalogue."""

    id: Id = Field(**_d("Resource id (a lowercase slug), unique in learning.yaml.", "sql-fundamentals"))
    title: Text = Field(**_d("Display title.", "SQL Fundamentals (internal course)"))
    type: Literal["course", "program", "mentoring", "stretch-assignment", "reading", "other"] = Field(
        **_d("course, program, mentoring, stretch-assignment, reading or other.", "course")
    )
    skills: Annotated[list[Id], Field(min_length=1)] = Field(**_d("Skill ids it develops (at least one).", ["sql"]))
    target: LevelValue | None = Field(None, **_d("The level it is meant to help reach.", "proficient"))
    url: str | None = Field(None, **_d("Where to find it.", "https://learn.example.com/sql-101"))
    hours: float | None = Field(None, ge=0, **_d("Expected effort in hours.", 12))


class Learning(Model):
    """learning.yaml: the learning catalogue (courses, mentoring, stretch work)."""

    resources: list[Resource] = Field(**_d("Every learning resource."))


# --- roles and people ------------------------------------------------------

class RequirementChange(Model):
    """Requirements that change on a date (a strategy shift)."""

    effective: Day = Field(**_d("The date the change applies from.", "2027-01-01"))
    requires: dict[Id, LevelValue] = Field(
        **_d("Skill id -> level from that date: added, raised or lowered; none removes the requirement.", {"ai-tooling": "proficient"})
    )


class Role(Model):
    """roles/<id>.yaml: one role and what it requires; the id is the file name."""

    id: Id | None = Field(None, **_d("Optional; must equal the file name without .yaml.", "data-analyst-2"))
    title: Text = Field(**_d("Job title.", "Data Analyst II"))
    family: Id = Field(**_d("Role family: the unit gaps are rolled up by.", "analytics"))
    next: list[Id] = Field([], **_d("Career-path edges: role ids this role leads to.", ["data-analyst-3"]))
    requires: dict[Id, LevelValue] = Field(
        **_d("Skill id -> required level.", {"sql": "proficient", "data-visualization": "proficient"})
    )
    changes: list[RequirementChange] = Field([], **_d("Requirements that change on a date, applied in date order."))


class Person(Model):
    """people/<id>.yaml: one person; the id is the file name."""

    id: Id | None = Field(None, **_d("Optional; must equal the file name without .yaml.", "ada"))
    name: Text = Field(**_d("Full name.", "Ada Lovelace"))
    role: Id = Field(**_d("Role id (roles/<id>.yaml).", "data-analyst-2"))
    manager: Id | None = Field(None, **_d("Manager's person id; omitted only for the top of the tree.", "grace"))
    started: Day | None = Field(None, **_d("First day of employment.", "2023-04-01"))
    left: Day | None = Field(None, **_d("Last day of employment.", "2026-10-31"))
    aspiration: Id | None = Field(None, **_d("The role id they want next.", "data-scientist-1"))
    email: str | None = Field(None, **_d("Matches records imported from other systems.", "ada@acme.example"))

    def active_on(self, day: date) -> bool:
        return (self.started is None or self.started <= day) and (self.left is None or self.left >= day)


# --- assessments, goals, check-ins, reviews, openings, completions ---------

Source = Literal["calibration", "manager", "peer", "self"]
_SOURCE_HELP = "calibration, manager, peer or self (self ratings never set the current level)."


class Rating(Model):
    """One proficiency rating; date, source and assessor default to the batch's."""

    person: Id = Field(**_d("Person id.", "ada"))
    skill: Id = Field(**_d("Skill id.", "sql"))
    level: LevelValue = Field(**_d("The level observed.", "foundational"))
    date: Day | None = Field(None, **_d("Overrides the batch date.", "2026-03-22"))
    source: Source | None = Field(None, **_d("Overrides the batch source: " + _SOURCE_HELP, "manager"))
    assessor: Id | None = Field(None, **_d("Overrides the batch assessor (person id).", "lin"))


class AssessmentBatch(Model):
    """assessments/**.yaml: a batch of proficiency ratings, usually one calibration session."""

    date: Day | None = Field(None, **_d("Default date of every rating below.", "2026-03-20"))
    source: Source | None = Field(None, **_d("Default source: " + _SOURCE_HELP, "calibration"))
    assessor: Id | None = Field(None, **_d("Default assessor (person id).", "grace"))
    ratings: list[Rating] = Field(**_d("The ratings.", [{"person": "ada", "skill": "sql", "level": "foundational"}]))


class Goal(Model):
    """One learning or performance goal."""

    id: Id = Field(**_d("Goal id, unique across the repo.", "ada-sql-2026q3"))
    kind: Literal["learning", "performance"] = Field(**_d("learning (closes a skill gap) or performance.", "learning"))
    skill: Id | None = Field(None, **_d("Learning goals only: the skill id.", "sql"))
    target: LevelValue | None = Field(None, **_d("Learning goals only: the level that counts as success.", "proficient"))
    baseline: LevelValue | None = Field(None, **_d("Learning goals only; default: the current level at start.", "foundational"))
    title: Text = Field(**_d("What the goal is.", "Advance SQL from Foundational to Proficient"))
    start: Day | None = Field(None, **_d("Default: the first day of the cycle.", "2026-07-01"))
    due: Day = Field(**_d("Due date.", "2026-09-30"))
    owner: Id | None = Field(None, **_d("Person id; default: the goal's person.", "ada"))
    verify: str | None = Field(None, **_d("How advancement will be verified.", "Q3 calibration session"))
    weight: int | None = Field(None, ge=0, le=100, **_d("Percent of the cycle's goal scoring (whole number 0-100).", 15))
    resources: list[Id] = Field([], **_d("Learning goals only: learning.yaml resource ids.", ["sql-fundamentals"]))
    dropped: Day | None = Field(None, **_d("The date the goal was abandoned.", "2026-08-15"))


class GoalFile(Model):
    """goals/**.yaml: one person's goals for one cycle."""

    person: Id = Field(**_d("Person id.", "ada"))
    cycle: Quarter = Field(**_d("The cycle: a quarter label.", "2026Q3"))
    goals: list[Goal] = Field(**_d("Learning and performance goals."))


class LearningBlock(Model):
    """The standing learning block of every check-in."""

    progress: str | None = Field(None, **_d("What moved since the last conversation.", "Finished modules 1-3 of SQL Fundamentals."))
    barriers: str | None = Field(None, **_d("What got in the way.", "Sprint load left no time in week 2."))
    apply: str | None = Field(None, **_d("A micro-application assignment.", "Write the cohort query for the churn dashboard"))
    apply_due: Day | None = Field(None, **_d("When the assignment is due (within 14 days).", "2026-07-28"))
    applied: bool | None = Field(None, **_d(
        "Whether the application assignment agreed at an earlier check-in (the latest not yet reported on) was done: "
        "true or false; left out when it was not discussed.", True))

    @property
    def substantive(self) -> bool:
        return any(text and text.strip() for text in (self.progress, self.barriers, self.apply))


class GoalNote(Model):
    """A note on one goal."""

    goal: Id = Field(**_d("Goal id (of this check-in's person).", "ada-sql-2026q3"))
    note: str | None = Field(None, **_d("The note.", "On track for Q3 calibration."))


class Checkin(Model):
    """checkins/**.yaml: one conversation."""

    person: Id = Field(**_d("Person id.", "ada"))
    manager: Id = Field(**_d("Manager's person id.", "grace"))
    date: Day = Field(**_d("Date of the conversation.", "2026-07-14"))
    type: Literal["one-on-one", "calibration", "review"] = Field(**_d("one-on-one, calibration or review.", "one-on-one"))
    learning: LearningBlock = Field(LearningBlock(), **_d("Progress, barriers and an application assignment."))
    goals: list[GoalNote] = Field([], **_d("Optional per-goal notes."))
    notes: str | None = Field(None, **_d("Free text."))


RootCause = Literal["skill", "process", "motivation", "other"]


class ReviewRating(Model):
    """One person's performance rating."""

    person: Id = Field(**_d("Person id.", "ada"))
    rating: float = Field(**_d("The rating, within the batch's scale.", 3))
    root_cause: RootCause | None = Field(None, **_d("Below target: why (skill, process, motivation, other).", "skill"))
    skill: Id | None = Field(None, **_d("Only with root_cause: skill — the skill id.", "sql"))


class ReviewBatch(Model):
    """reviews/**.yaml: performance ratings for one period."""

    period: Quarter = Field(**_d("The quarter rated.", "2026Q2"))
    scale: list[float] = Field([1, 5], **_d("[low, high]; default [1, 5].", [1, 5]))
    ratings: list[ReviewRating] = Field(**_d("The ratings."))


class Opening(Model):
    """openings/**.yaml: one open role (requisition)."""

    id: Id = Field(**_d("Requisition id.", "req-2026-014"))
    role: Id = Field(**_d("Role id.", "data-scientist-1"))
    opened: Day = Field(**_d("Date opened.", "2026-04-02"))
    filled: Day | None = Field(None, **_d("Date filled; absent while open (needs hired).", "2026-06-15"))
    hired: Id | None = Field(None, **_d("Person id when filled internally, 'external' otherwise (needs filled).", "ada"))


class Completion(Model):
    """One learning-activity record."""

    person: Id = Field(**_d("Person id.", "ada"))
    resource: Id = Field(**_d("learning.yaml resource id.", "sql-fundamentals"))
    date: Day = Field(**_d("Date of the activity.", "2026-07-10"))
    completed: bool = Field(**_d("true when completed.", True))


class CompletionBatch(Model):
    """completions/**.yaml: learning-activity records (never change a level)."""

    source: str | None = Field(None, **_d("Where the records came from.", "xapi"))
    records: list[Completion] = Field(**_d("The records."))


# Which model reads which file (kinds.KINDS names each kind's model): top-level files by name, the rest by folder.
TOP_FILES: dict[str, type[Model]] = {kind.name: globals()[kind.model] for kind in KINDS if not kind.in_folder}
FOLDERS: dict[str, type[Model]] = {kind.name: globals()[kind.model] for kind in KINDS if kind.in_folder}
