"""The whole skills repo as typed, validated data: what every computation reads.

The files that grow with time (assessments, goals, check-ins, reviews,
completions) are also kept as tables (`ratings`, `goals`, `checkins`,
`reviews`), which is what the org-wide computations read. A repo restored
from the snapshot (snapshot.py) carries only the tables and the small files;
its lists of per-file models are read again, through the parse cache, the
first time something asks for them (a review packet, an export).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .schema import (
    AssessmentBatch,
    Checkin,
    CompletionBatch,
    GoalFile,
    Opening,
    Person,
    Resource,
    ReviewBatch,
    Role,
    Settings,
    Skill,
)

if TYPE_CHECKING:
    import pandas as pd

    from .loader import Loaded


PER_FILE = ("assessments", "goal_files", "checkins", "reviews", "completions")
TABLES = ("ratings", "goals", "checkin_table", "review_table")


@dataclass
class Repo:
    """A valid repo. Lists of batches keep (repo-relative path, model), sorted by path."""

    root: Path
    settings: Settings
    skills: dict[str, Skill]
    resources: dict[str, Resource] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    people: dict[str, Person] = field(default_factory=dict)
    assessments: list[tuple[str, AssessmentBatch]] = field(default_factory=list)
    goal_files: list[tuple[str, GoalFile]] = field(default_factory=list)
    checkins: list[tuple[str, Checkin]] = field(default_factory=list)
    reviews: list[tuple[str, ReviewBatch]] = field(default_factory=list)
    openings: list[tuple[str, Opening]] = field(default_factory=list)
    completions: list[tuple[str, CompletionBatch]] = field(default_factory=list)
    file_count: int = 0
    person_files: dict[str, str] = field(default_factory=dict)  # person id -> repo-relative path

    @cached_property
    def ratings(self) -> "pd.DataFrame":
        """Every proficiency rating as one table, in SPEC §4 file order (see facts.ratings_frame)."""
        from .facts import ratings_frame

        return ratings_frame(self)

    @cached_property
    def goals(self) -> "pd.DataFrame":
        """Every goal as one table, in file order (see facts.goal_table)."""
        from .facts import goal_table

        return goal_table(self)

    @cached_property
    def checkin_table(self) -> "pd.DataFrame":
        """Every check-in as (person, date, substantive, file), in file order."""
        from .facts import checkin_table

        return checkin_table(self)

    @cached_property
    def review_table(self) -> "pd.DataFrame":
        """Every performance rating as (person, period, rating, root_cause, skill), in read order."""
        from .facts import review_table

        return review_table(self)

    def tables_only(self) -> "Repo":
        """A copy holding the tables and the small files, not the per-file models that grow with
        time; those come back from disk when first used (see `__getattr__`)."""
        for table in TABLES:
            getattr(self, table)
        light = copy.copy(self)
        for name in PER_FILE:
            del light.__dict__[name]
        return light

    def __getattr__(self, name: str):
        # Reached only for attributes missing from the instance: the per-file lists of a
        # tables-only repo. Reading them again goes through the parse cache (no re-parsing).
        if name not in PER_FILE or "root" not in self.__dict__:
            raise AttributeError(name)
        from .loader import load

        full = build_repo(load(self.root, use_cache=True))
        for other in PER_FILE:
            self.__dict__.setdefault(other, full.__dict__[other])
        return self.__dict__[name]

    def reports_of(self, manager: str) -> list[str]:
        """Direct reports, sorted by id."""
        return sorted(pid for pid, p in self.people.items() if p.manager == manager)

    def subtree(self, manager: str) -> list[str]:
        """Everyone under manager, directly or not (not the manager), sorted by id."""
        children: dict[str, list[str]] = {}
        for pid, person in self.people.items():
            if person.manager:
                children.setdefault(person.manager, []).append(pid)
        found: list[str] = []
        stack = list(children.get(manager, []))
        seen = {manager}
        while stack:
            pid = stack.pop()
            if pid in seen:
                continue
            seen.add(pid)
            found.append(pid)
            stack.extend(children.get(pid, []))
        return sorted(found)


def build_repo(loaded: "Loaded") -> Repo:
    """Assemble a Repo from a load with no errors; ids of roles and people come from file stems."""
    by_kind: dict[str, list] = {}
    for source in loaded.files:
        by_kind.setdefault(source.kind, []).append(source)
    settings = by_kind["skillcycle"][0].model
    competencies = by_kind.get("competencies", [])
    learning = by_kind.get("learning", [])
    return Repo(
        root=loaded.root,
        settings=settings,
        skills={s.id: s for f in competencies for s in f.model.skills},
        resources={r.id: r for f in learning for r in f.model.resources},
        roles=dict(sorted((f.stem, f.model.model_copy(update={"id": f.stem})) for f in by_kind.get("roles", []))),
        people=dict(sorted((f.stem, f.model.model_copy(update={"id": f.stem})) for f in by_kind.get("people", []))),
        assessments=[(f.rel, f.model) for f in by_kind.get("assessments", [])],
        goal_files=[(f.rel, f.model) for f in by_kind.get("goals", [])],
        checkins=[(f.rel, f.model) for f in by_kind.get("checkins", [])],
        reviews=[(f.rel, f.model) for f in by_kind.get("reviews", [])],
        openings=[(f.rel, f.model) for f in by_kind.get("openings", [])],
        completions=[(f.rel, f.model) for f in by_kind.get("completions", [])],
        file_count=len(loaded.files),
        person_files={f.stem: f.rel for f in by_kind.get("people", [])},
    )
