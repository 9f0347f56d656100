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
from .facts import Gathered, only_used, recode, rows_before
from .loader import SourceFile, problems_of
from .problems import Problem

# Each table's columns and their types (facts.Gathered): ids and paths are text, coded.
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
            tables[name] = _recoded(table.iloc[start:stop].reset_index(drop=True))
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
        # Codes appended in place (facts._Text), no call per cell: 1.26M rows at 10k people.
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


def splice(table: pd.DataFrame, removed: set[str], rows: pd.DataFrame) -> pd.DataFrame:
    """`table` without the rows of the files in `removed`, with `rows` put in read order.

    Both hold their rows grouped by file and files in path order, so each new
    file's rows go in one piece where its path sorts; the index is renumbered.
    `rows` must come from files in `removed` or new ones, never from a kept file.
    """
    kept = table[~table["file"].isin(removed)] if removed else table
    if rows.empty:
        return _recoded(kept.reset_index(drop=True))
    where = rows_before(kept["file"], rows["file"].to_numpy(dtype=object))
    # A new row sorts just before the kept row it was placed at: keys 2*where vs 2*i + 1.
    keys = np.concatenate([np.arange(len(kept)) * 2 + 1, where * 2])
    order = np.argsort(keys, kind="stable")
    plain = {c: dtype for c, dtype in kept.dtypes.items() if not isinstance(dtype, pd.CategoricalDtype)}
    joined = _concat([kept, rows.astype(plain)])
    return _recoded(joined.take(order).reset_index(drop=True))


def _concat(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """The tables one after the other, text columns still coded: over their categories united
    (pd.concat makes plain objects of categoricals whose categories differ)."""
    columns = {}
    for name, dtype in tables[0].dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype):
            categories = [table[name].cat.categories for table in tables]
            filled = [c for c in categories if len(c)]
            if all(a[-1] < b[0] for a, b in zip(filled, filled[1:])):
                # Each table's values after the last's (file paths, when the rows spliced in come
                # after every kept file's): the united categories one after the other, codes shifted.
                united = pd.Index(np.concatenate([c.to_numpy() for c in filled]), dtype=object) if len(filled) > 1 else (filled or categories)[0]
                starts = np.cumsum([0] + [len(c) for c in categories[:-1]])
                codes = np.concatenate([_shifted(table[name].cat.codes.to_numpy(), start) for table, start in zip(tables, starts)])
            else:  # recoded by hand: pd.concat hashes every category of every part to compare them
                united = _united(categories)
                codes = np.concatenate([recode(table[name], united) for table in tables])
            columns[name] = pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(united))
        else:
            columns[name] = pd.concat([table[name] for table in tables], ignore_index=True)
    return pd.DataFrame(columns)


def _shifted(codes: np.ndarray, start: int) -> np.ndarray:
    return np.where(codes >= 0, codes.astype(np.int64) + start, -1)


def _united(categories: list[pd.Index]) -> pd.Index:
    """Sorted categories, united as indexes: never a Python string per value (a ratings
    table's file paths, 300k at 10k people, made an edit 4 s slower that way)."""
    united = categories[0]
    for other in categories[1:]:
        if len(other) and not other.isin(united).all():
            united = united.union(other)  # sorted, as both are
    return united


def _recoded(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with its text columns' categories only those it uses: as the table built whole has."""
    for column, dtype in table.dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype):
            table[column] = only_used(table[column])
    return table
