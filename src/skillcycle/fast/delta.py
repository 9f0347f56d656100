"""The rules across files after a few files changed since a valid base (snapshot.py),
reading only the base's rows those files can meet.

A rule (checks.CROSS_FILE_RULES) may have a twin here, registered with `@twin_of`
one of its codes. A rule that reports only errors finds nothing in a valid base,
so any finding now involves a changed file: an id it defines that another file
defines too, an id it points at that nothing defines, an id it no longer defines
that another file points at, a manager loop through a person it names, a second
goal file for its person and cycle, a note on a goal whose owner it changed. Each
twin looks only there and runs the rule's own code (checks.py) on those rows, so
it answers what the rule would; the tests compare the two on every kind of
change (tests/test_incremental.py). A rule with no twin (or one that can warn)
runs whole, over the tables it reads as they are now.

`EditedIndex` is the index as it is: the base's (`BaseIndex`), without the rows of the
files that changed or were deleted since (`removed`), with those of the files
read again (`new`: changed or added), a part of the repo and a table at a time.
"""

from __future__ import annotations

from typing import Callable, Protocol

import numpy as np
import pandas as pd

from ..validation import checks
from ..core import walk
from ..core.coded import concat, splice
from ..validation.index import FRAMES, RepoIndex, part_of
from ..core.problems import CODES, Problem, Severity

Twin = Callable[["EditedIndex", "_LazyIds", checks.SourceOf], list[Problem]]
TWINS: dict[str, Twin] = {}  # by the name of the rule it stands for


def twin_of(code: str) -> Callable[[Twin], Twin]:
    """Register an incremental twin for the rule that reports `code`."""

    def register(twin: Twin) -> Twin:
        TWINS[checks.rule_of(code).check.__name__] = twin
        return twin

    return register


class BaseIndex(Protocol):
    """The base's index a part of the repo (index.part_of) and a table at a time."""

    parts: list[str]  # sorted: in path order

    def table(self, part: str, name: str) -> pd.DataFrame | list[Problem]: ...


def _kind_of_part(part: str) -> str | None:
    return walk.kind_of(part) if "." in part else part  # a top-level file, or a kind's folder


class EditedIndex:
    """The index's tables as they are now: the base's, with the changed files' rows
    spliced into the parts that hold them."""

    def __init__(self, base: BaseIndex, removed: set[str], new: RepoIndex) -> None:
        self.base, self.new = base, new
        self.removed: dict[str, set[str]] = {}  # per part
        for rel in removed:
            self.removed.setdefault(part_of(rel), set()).add(rel)
        read = {p.file for p in new.own}
        for name in FRAMES:
            read.update(getattr(new, name)["file"].unique())
        self.changed = set(self.removed) | {part_of(rel) for rel in read}
        self.parts = sorted(set(base.parts) | self.changed)
        self._new_parts: dict[str, RepoIndex] = {}
        self._tables: dict[tuple[str, str], pd.DataFrame] = {}

    def _new_part(self, part: str) -> RepoIndex:
        if part not in self._new_parts:
            self._new_parts[part] = self.new.part(part)
        return self._new_parts[part]

    def new_rows(self, part: str, name: str) -> pd.DataFrame:
        return getattr(self._new_part(part), name)

    def table(self, part: str, name: str) -> pd.DataFrame:
        """A table of one part as it is now (not "own": see `whole`)."""
        key = (part, name)
        if key not in self._tables:
            if part not in self.base.parts:  # a part the base had no file of (a new top-level file)
                self._tables[key] = self.new_rows(part, name)
            else:
                table = self.base.table(part, name)
                if part in self.changed:
                    table = splice(table, self.removed_in(part), self.new_rows(part, name))
                self._tables[key] = table
        return self._tables[key]

    def whole(self, part: str) -> RepoIndex:
        """The index of one part now: what the next base keeps of it (snapshot.save_base)."""
        own = self.base.table(part, "own") if part in self.base.parts else []
        own = [p for p in own if p.file not in self.removed_in(part)] + self._new_part(part).own
        return RepoIndex(own, **{name: self.table(part, name) for name in FRAMES})

    def removed_in(self, part: str) -> set[str]:
        return self.removed.get(part, set())

    def gone(self, part: str, name: str) -> pd.DataFrame:
        """The base's rows of the removed files of `part`."""
        if part not in self.removed or part not in self.base.parts:
            return self.new_rows(part, name).iloc[:0]
        table = self.base.table(part, name)
        return table[table["file"].isin(self.removed[part])]

    def kept(self, part: str, name: str) -> pd.DataFrame:
        """The base's rows of `part` that still hold (of the files not removed)."""
        if part not in self.base.parts:
            return self.new_rows(part, name).iloc[:0]
        table = self.base.table(part, name)
        return table[~table["file"].isin(self.removed_in(part)).to_numpy()] if part in self.removed else table

    def rows(self, name: str, column: str, values: set, *, before: bool = False, parts: list[str] | None = None) -> pd.DataFrame:
        """The rows of table `name` (as they are now; `before`: as the base had them) whose
        `column` is among `values`, in read order, of every part or of `parts`. Picked from the
        base's table and the new rows apart, never spliced whole (2.1M goal ids at 100k people)."""
        picked = []
        for part in self.parts if parts is None else parts:
            tables = [self.base.table(part, name)] if before else [self.kept(part, name), self.new_rows(part, name)]
            picked += [table[table[column].isin(values).to_numpy()] for table in tables]
        rows = _plain_rows(picked)
        # Within a part the kept rows and the new come apart: files in path order again, each
        # file's rows as they were (a stable sort).
        return rows if before else rows.sort_values("file", kind="stable", ignore_index=True)

    def defining(self, target: str) -> list[str]:
        return [part for part in self.parts if _kind_of_part(part) == checks.DEFINED_BY[target]]


def _plain_rows(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Rows of tables of one kind one after the other, as plain Python values (a few rows,
    looked at and let go)."""
    return pd.DataFrame({name: [value for table in tables for value in table[name].tolist()] for name in tables[0].columns}, dtype=object)


class Ids:
    """The ids of one kind defined now, looked up by value: among each defining part's kept
    base rows, through its categories (2.1M goal ids at 100k people: never made into a set),
    and the new rows; listed in definition order only for a hint (checks.did_you_mean), which
    only an unknown id needs."""

    def __init__(self, now: EditedIndex, target: str) -> None:
        self.now, self.target, self.parts = now, target, now.defining(target)
        self.known = []  # per part: its base table, and whether each category is an id still defined there
        for part in self.parts:
            if part in now.base.parts:
                table, kept = now.base.table(part, "defines"), now.kept(part, "defines")
                defined = np.zeros(len(table["id"].cat.categories), dtype=bool)
                defined[kept["id"].cat.codes.to_numpy()[(kept["target"] == target).to_numpy()]] = True
                self.known.append((table, defined))
        new = now.new.defines
        self.new = set(new["id"][(new["target"] == target).to_numpy()])

    def __contains__(self, ident: object) -> bool:
        if ident in self.new:
            return True
        for table, defined in self.known:
            code = table["id"].cat.categories.get_indexer([ident])[0]
            if code >= 0 and defined[code]:
                return True
        return False

    def __iter__(self):
        ordered: dict[str, None] = {}
        for part in self.parts:
            table = self.now.table(part, "defines")
            ordered.update(dict.fromkeys(table["id"][(table["target"] == self.target).to_numpy()].tolist()))
        return iter(ordered)


def cross_file_delta(now: EditedIndex, kinds: set[str], source_of: checks.SourceOf) -> list[Problem]:
    """What checks.cross_file_problems answers for the index `now`, when the base has none of
    its errors."""
    ids = _LazyIds(now)
    problems = checks.missing_files(kinds)
    for name, rule in checks.CROSS_FILE_RULES.items():
        twin = TWINS.get(name)
        # A twin only sees what changed: it stands for a rule whose findings a valid base has none of.
        if twin is not None and all(CODES[code].severity is Severity.ERROR for code in rule.codes):
            problems += twin(now, ids, source_of)
        else:
            problems += rule.check(_Whole(now, rule.reads), source_of)
    return problems


class _Whole:
    """The index tables a rule reads, each as it is now, whole: every part's rows in path order."""

    def __init__(self, now: EditedIndex, reads: tuple[str, ...]) -> None:
        for name in reads:
            setattr(self, name, concat([now.table(part, name) for part in now.parts]))


class _LazyIds(dict):
    """target -> Ids, made when first asked for (a change to check-ins never needs the skills')."""

    def __init__(self, now: EditedIndex) -> None:
        super().__init__()
        self.now = now

    def __missing__(self, target: str) -> Ids:
        self[target] = Ids(self.now, target)
        return self[target]


@twin_of("R006")
def _ids(now: EditedIndex, ids: _LazyIds, source_of: checks.SourceOf) -> list[Problem]:
    return _duplicates(now, source_of) + _references(now, ids, source_of)


def _duplicates(now: EditedIndex, source_of: checks.SourceOf) -> list[Problem]:
    """R006 for the ids a changed file defines: among every definition of those ids."""
    pointed = now.new.defines
    if pointed.empty:
        return []
    problems = []
    for target in sorted(set(pointed["target"])):
        rows = now.rows("defines", "id", set(pointed["id"][(pointed["target"] == target).to_numpy()]), parts=now.defining(target))
        problems += checks.first_definitions(rows[(rows["target"] == target).to_numpy()], source_of)[1]
    return problems


def _references(now: EditedIndex, ids: _LazyIds, source_of: checks.SourceOf) -> list[Problem]:
    """R001-R005 in the files read again, and in the files pointing at an id no longer defined."""
    files = set()
    refs = now.new.refs
    for rel, target, ident in zip(refs["file"], refs["target"], refs["id"]):
        if ident not in ids[target]:
            files.add(rel)
    for target in checks.TARGET_KINDS:
        gone = [now.gone(part, "defines") for part in now.defining(target) if part in now.removed]
        lost = {ident for table in gone for ident, kind in zip(table["id"], table["target"]) if kind == target and ident not in ids[target]}
        if lost:  # rare (a person's file deleted): every part's references are looked through
            for part in now.base.parts:
                table = now.kept(part, "refs")
                hit = (table["target"] == target).to_numpy() & table["id"].isin(lost).to_numpy()
                files.update(table["file"][hit].unique())
    return checks.unknown_references(sorted(files), ids, source_of)


@twin_of("C001")
def _cycles(now: EditedIndex, ids: _LazyIds, source_of: checks.SourceOf) -> list[Problem]:
    """C001 through a person whose manager a changed file names (no other loop can be new)."""
    starts = set(now.new.managers["person"])
    if not starts:
        return []
    managers = _plain_rows([now.table(part, "managers") for part in now.parts])  # one row a person: small
    return checks.manager_cycles(managers, source_of, starts)


@twin_of("C011")
def _goal_files(now: EditedIndex, ids: _LazyIds, source_of: checks.SourceOf) -> list[Problem]:
    """C011 and C003 for the (person, cycle) of each changed goal file."""
    written = now.new.goal_files
    if written.empty:
        return []
    keys = set(zip(written["person"], written["cycle"]))
    rows = now.rows("goal_files", "person", {person for person, _ in keys})
    return checks.goal_weights(rows[[key in keys for key in zip(rows["person"], rows["cycle"])]], source_of)


@twin_of("C012")
def _notes(now: EditedIndex, ids: _LazyIds, source_of: checks.SourceOf) -> list[Problem]:
    """C012 for the notes of the changed check-ins, and for every note on a goal whose owner changed."""
    # Owners before and after of the goals the changed files define or defined.
    candidates = set(now.new.goal_ids["goal"]) | {goal for part in now.removed for goal in now.gone(part, "goal_ids")["goal"]}
    noted = set(now.new.notes["goal"])
    if not candidates | noted:
        return []
    owner_now = _owners(now.rows("goal_ids", "goal", candidates | noted))
    owner_was = _owners(now.rows("goal_ids", "goal", candidates, before=True)) if candidates else {}
    # A goal no longer defined has no owner to differ from (its notes are R004, above).
    moved = {goal for goal, owner in owner_was.items() if owner_now.get(goal, owner) != owner}
    notes = [now.new.notes]
    if moved:  # rare (a goal given to someone else): every check-in noting it
        for part in now.base.parts:
            table = now.kept(part, "notes")
            notes.append(table[table["goal"].isin(moved).to_numpy()])
    return checks.foreign_notes(owner_now, _plain_rows(notes), source_of)


def _owners(goal_ids: pd.DataFrame) -> dict[str, str]:
    """goal -> person, the last definition in read order winning (as checks.cross_file_problems reads them)."""
    return dict(zip(goal_ids["goal"], goal_ids["person"]))
