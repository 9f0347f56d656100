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
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .kinds import PER_FILE, REPO_LISTS, TABLE_KINDS
from .problems import did_you_mean
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

    from .facts import LevelGrid, Precedence, TableRows
    from .loader import Loaded
    from .sources import SourceFile


TABLES = tuple(TABLE_KINDS)
DERIVED = ("precedence", "level_grid", "_tracks")  # made from the tables when first used: dropped with them
_BUILDERS = {"ratings": "ratings_frame", "goals": "goal_table", "checkin_table": "checkin_table", "review_table": "review_table"}


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
    completion_files: list[str] = field(default_factory=list)  # kept when the batches are not
    # The repo's files read again, all (None) or these paths, as the load that made it read them:
    # how a repo without its per-file lists gets them back (see __getattr__, narrowed).
    read_files: "Callable[[list[str] | None], list[SourceFile]] | None" = field(default=None, repr=False, compare=False)

    @cached_property
    def ratings(self) -> "pd.DataFrame":
        """Every proficiency rating as one table, in SPEC §4 file order (see facts.ratings_frame)."""
        return self._table("ratings")

    @cached_property
    def goals(self) -> "pd.DataFrame":
        """Every goal as one table, in file order (see facts.goal_table)."""
        return self._table("goals")

    @cached_property
    def checkin_table(self) -> "pd.DataFrame":
        """Every check-in as (person, date, substantive, file), in file order."""
        return self._table("checkin_table")

    @cached_property
    def review_table(self) -> "pd.DataFrame":
        """Every performance rating as (person, period, rating, root_cause, skill, file), in read order."""
        return self._table("review_table")

    @cached_property
    def precedence(self) -> "Precedence":
        """The ratings' SPEC §4 precedence (facts.Precedence), made once: levels are read on many dates."""
        from .facts import Precedence

        return Precedence(self.ratings)

    @cached_property
    def level_grid(self) -> "LevelGrid":
        """Everyone's levels as matrices per day (facts.LevelGrid), each day's made once: the
        gaps and the metrics of one run read the same days."""
        from .facts import LevelGrid

        return LevelGrid(self.precedence, self.ratings)

    def _table(self, name: str) -> "pd.DataFrame":
        # A repo from the snapshot reads its tables from there when first used (`stored_tables`,
        # a snapshot.StoredTables); otherwise, or when that file is unreadable, they are built
        # from the per-file lists (and written back to the snapshot).
        stored = self.__dict__.get("stored_tables")
        table = stored.read(name) if stored else None
        if table is None:
            from . import facts

            table = getattr(facts, _BUILDERS[name])(self)
            if stored:
                stored.write(name, table)
        return table

    def tables_only(self) -> "Repo":
        """A copy holding the tables and the small files, not the per-file models that grow with
        time; those come back from disk when first used (see `__getattr__`)."""
        for table in TABLES:
            getattr(self, table)
        return self.without(*PER_FILE, "stored_tables", *DERIVED)

    def without(self, *names: str) -> "Repo":
        """A shallow copy with these attributes dropped: tables and per-file lists come back when
        first used, from `stored_tables` or the files."""
        light = copy.copy(self)
        for name in names:
            light.__dict__.pop(name, None)
        return light

    def __getattr__(self, name: str):
        # Reached only for attributes missing from the instance: the per-file lists of a
        # tables-only repo. Reading them again goes through the parse cache (no re-parsing).
        if name not in PER_FILE or self.__dict__.get("read_files") is None:
            raise AttributeError(name)
        by_kind = _by_kind(self.read_files(None))
        for other in PER_FILE:
            self.__dict__.setdefault(other, [(f.rel, f.model) for f in by_kind.get(REPO_LISTS[other], [])])
        return self.__dict__[name]

    def narrowed(self, people: set[str]) -> "Repo":
        """This repo as the review packets of `people` read it, without reading every file.

        A tables-only repo (from the snapshot) gets, instead of all of them, the
        check-ins and goal files of these people (found in its tables) and every
        review and completion batch, read through the parse cache; its goals table
        keeps their goals alone, in the same order as those files. Nothing but
        their packets may be computed from it. A repo holding its lists is returned as is.
        """
        if "checkins" in self.__dict__:
            return self
        goals = self.goals[self.goals["person"].isin(people)].reset_index(drop=True)
        checkins = self.checkin_table
        wanted = (
            set(checkins.loc[checkins["person"].isin(people), "file"]) | set(goals["file"])
            | set(self.review_table["file"]) | set(self.completion_files)
        )
        by_kind = _by_kind([f for f in self.read_files(sorted(wanted)) if f.model is not None])
        narrow = copy.copy(self)
        narrow.__dict__["goals"] = goals
        for name in ("checkins", "goal_files", "reviews", "completions"):
            narrow.__dict__[name] = [(f.rel, f.model) for f in by_kind.get(REPO_LISTS[name], [])]
        return narrow

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




def _by_kind(files: "list[SourceFile]") -> dict[str, list["SourceFile"]]:
    by_kind: dict[str, list] = {}
    for source in files:
        by_kind.setdefault(source.kind, []).append(source)
    return by_kind


def _named(files: "list[SourceFile]") -> dict:
    """Roles or people by id: the file stem (SPEC §3), which an explicit `id` must equal."""
    return dict(sorted((f.stem, f.model.model_copy(update={"id": f.stem})) for f in files))


def build_repo(loaded: "Loaded") -> Repo:
    """Assemble a Repo from a load with no errors; ids of roles and people come from file stems."""
    by_kind = _by_kind(loaded.files)
    competencies = by_kind.get("competencies", [])
    learning = by_kind.get("learning", [])
    return Repo(
        root=loaded.root,
        settings=by_kind["skillcycle"][0].model,
        skills={s.id: s for f in competencies for s in f.model.skills},
        resources={r.id: r for f in learning for r in f.model.resources},
        roles=_named(by_kind.get("roles", [])),
        people=_named(by_kind.get("people", [])),
        **{name: [(f.rel, f.model) for f in by_kind.get(kind, [])] for name, kind in REPO_LISTS.items()},
        file_count=len(loaded.files),
        person_files={f.stem: f.rel for f in by_kind.get("people", [])},
        completion_files=[f.rel for f in by_kind.get("completions", [])],
        read_files=loaded.read_again,
    )


def streamed_repo(loaded: "Loaded", rows: "TableRows", ratings: "pd.DataFrame", completion_files: list[str]) -> Repo:
    """The Repo of a load that let go of the models of the kinds that grow with time
    (validate.validate_streamed): its tables from their rows, its per-file lists read again
    when first used."""
    repo = build_repo(loaded)
    for name in PER_FILE:
        del repo.__dict__[name]
    repo.__dict__.update(
        ratings=ratings, goals=rows.goals(repo.settings.fiscal_year_start), checkin_table=rows.checkins(),
        review_table=rows.reviews(),
    )
    repo.file_count, repo.completion_files = loaded.read, completion_files
    return repo


def patch_repo(
    base: Repo, removed: set[str], added: "list[SourceFile]", file_count: int, base_table: "Callable[[str], pd.DataFrame]",
) -> Repo:
    """What build_repo would give once the files in `removed` are gone and the valid files
    `added` (none of kinds.SHAPING_KINDS) are in: the tables their kinds feed are `base_table(name)`
    (the base's own: never built from the files, which are no longer the base's) with those
    files' rows spliced in or out; the others are the base's, read when first used (from its
    `stored_tables`); its people and openings likewise. The per-file lists are read again on
    first use."""
    import numpy as np

    from .coded import splice
    from .walk import kind_of

    by_kind = _by_kind(added)
    part = Repo(base.root, base.settings, base.skills, **{
        name: [(f.rel, f.model) for f in by_kind.get(kind, [])] for name, kind in REPO_LISTS.items()
    })
    touched = {kind_of(rel) for rel in removed} | set(by_kind)
    patched = base.without(*PER_FILE, *TABLES, *DERIVED)
    for table in TABLES:
        if TABLE_KINDS[table] in touched:
            patched.__dict__[table] = splice(base_table(table), removed, getattr(part, table))
    if "ratings" in patched.__dict__:
        patched.ratings["seq"] = np.arange(len(patched.ratings), dtype=np.int32)
    gone = {pid for pid, rel in base.person_files.items() if rel in removed}
    people = {pid: p for pid, p in base.people.items() if pid not in gone} | _named(by_kind.get("people", []))
    patched.people = dict(sorted(people.items()))
    files = {pid: rel for pid, rel in base.person_files.items() if pid not in gone}
    patched.person_files = files | {f.stem: f.rel for f in by_kind.get("people", [])}
    patched.openings = sorted([(rel, o) for rel, o in base.openings if rel not in removed] + part.openings, key=lambda item: item[0])
    patched.completion_files = sorted([rel for rel in base.completion_files if rel not in removed] + [rel for rel, _ in part.completions])
    patched.file_count = file_count
    return patched


def _folded(text: str) -> str:
    """Text compared as people type names: case, accents and repeated spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def find_person(people: dict[str, Person], label: str) -> str:
    """The id of the person `label` names: an id wins; otherwise the one person whose full name,
    or last name, it is (case and accents ignored: "ada okafor", "Okafor", "Müller" for
    "Muller"). LookupError with the message when nobody or several people match."""
    if label in people:
        return label
    wanted = _folded(label)
    full = sorted(pid for pid, person in people.items() if _folded(person.name) == wanted)
    matches = full or sorted(pid for pid, person in people.items() if _folded(person.name).split()[-1:] == [wanted])
    if len(matches) == 1:
        return matches[0]
    if matches:
        listed = ", ".join(f"{pid} ({people[pid].name})" for pid in matches)
        raise LookupError(f"{label!r} names {len(matches)} people: {listed}; give the id")
    raise LookupError(f"unknown person {label!r}{did_you_mean(label, people)}")
