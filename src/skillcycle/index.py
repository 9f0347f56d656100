"""What each file contributes to the checks that span files, kept as tables.

The cross-file checks (checks.cross_file_problems) read only this index, never
the loaded files, so a run can build it from every file (a full load) or take
the last valid run's index a part of the repo at a time, drop the rows of the
files that changed since and add theirs again (delta.Now): the checks then see
the same rows either way.

Every table has a `file` column (repo-relative path) and holds its rows in
SPEC §4 read order: files by path, entries in file order. That order decides
which of two definitions of an id comes first, so `splice` keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd

from . import checks
from .coded import Gathered, only_used_categories, rows_before
from .sources import SourceFile, problems_of
from .problems import Problem

# Each table's columns and their types (coded.Gathered): ids and paths are text, coded.
_COLUMNS = {
    "defines": {"file": "text", "target": "text", "id": "text", "path": "object"},  # every file, read leniently: (kind, id, path in the file)
    "refs": {"file": "text", "target": "text", "id": "text"},  # the distinct ids a valid file points at
    "managers": {"file": "text", "person": "text", "manager": "text"},  # valid people files
    "goal_files": {"file": "text", "person": "text", "cycle": "text", "weight": "object"},  # valid goal files; weight = the file's sum, as written
    "goal_ids": {"file": "text", "goal": "text", "person": "text"},  # goals of valid goal files
    "notes": {"file": "text", "item": "int32", "goal": "text", "person": "text"},  # goal notes of valid check-ins
}

FRAMES = tuple(_COLUMNS)  # the tables of a RepoIndex
TABLES = ("own", *FRAMES)  # what a RepoIndex holds: each file's own findings, and the tables


@dataclass
class RepoIndex:
    own: list[Problem]  # findings about one file alone: reading, schema, file name, rules within the file
    defines: pd.DataFrame
    refs: pd.DataFrame
    managers: pd.DataFrame
    goal_files: pd.DataFrame
    goal_ids: pd.DataFrame
    notes: pd.DataFrame

    def part(self, part: str) -> "RepoIndex":
        """The rows of the files of one part of the repo (see `part_of`)."""
        tables = {}
        for name in _COLUMNS:
            table = getattr(self, name)
            # Rows are in path order: a part's rows are one run, found by bisection. A top-level
            # file's rows sort before the next text after it (its name and a NUL); a folder's are
            # the paths from 'part/' up to 'part0' ('0' follows '/').
            bounds = [part, part + "\0"] if "." in part else [part + "/", part + "0"]
            start, stop = rows_before(table["file"], np.array(bounds, dtype=object))
            tables[name] = only_used_categories(table.iloc[start:stop].reset_index(drop=True))
        return RepoIndex([p for p in self.own if part_of(p.file) == part], **tables)


def part_of(rel: str) -> str:
    """The part of the repo a file's index rows are stored with: its kind's folder, or the
    top-level file itself. Sorted part names are in path order (no kind is a prefix of another)."""
    return rel.split("/", 1)[0]


def build_index(files: Iterable[SourceFile]) -> RepoIndex:
    """The index of `files` (sorted by path)."""
    builder = IndexBuilder()
    for source in files:
        builder.add(source)
    return builder.index()


class IndexBuilder:
    """The index, a file at a time (in path order), column by column: at 10k people the refs
    alone are millions of rows, and a file's model can be let go once it is added."""

    def __init__(self) -> None:
        self.own: list[Problem] = []
        self.tables = {name: Gathered(types) for name, types in _COLUMNS.items()}

    def add(self, source: SourceFile) -> None:
        rel, own, tables = source.rel, self.own, self.tables
        own += problems_of(source)
        own += checks.check_file_name(source)
        for target, ident, path in checks.definitions(source):
            tables["defines"].add(rel, target, ident, path)
        if source.model is None:
            return
        own += checks.check_file_rules(source)
        # Each distinct id once per file (an assessment batch names each person once per skill).
        pointed = {(target, ident) for target, ident, _, _ in checks.references(source)}
        # Codes appended in place (coded._Text), no call per cell: 1.26M rows at 10k people.
        files, targets, idents = tables["refs"].columns.values()
        target_codes, ident_codes = targets.values, idents.values
        if pointed:
            files.codes.extend([files.values.setdefault(rel, len(files.values))] * len(pointed))
        for target, ident in sorted(pointed):
            targets.codes.append(target_codes.setdefault(target, len(target_codes)))
            idents.codes.append(ident_codes.setdefault(ident, len(ident_codes)))
        model = source.model
        if source.kind == "people":
            tables["managers"].add(rel, source.stem, model.manager)
        elif source.kind == "goals":
            tables["goal_files"].add(rel, model.person, model.cycle, sum(g.weight or 0 for g in model.goals))
            for goal in model.goals:
                tables["goal_ids"].add(rel, goal.id, model.person)
        elif source.kind == "checkins":
            for item, note in enumerate(model.goals):
                tables["notes"].add(rel, item, note.goal, model.person)

    def index(self) -> RepoIndex:
        """The index, once: the rows are let go as each table is made."""
        tables = {}
        while self.tables:
            name, gathered = self.tables.popitem()
            tables[name] = gathered.frame()
        return RepoIndex(self.own, **tables)
