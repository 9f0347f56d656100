"""What each file contributes to the checks that span files, kept as tables.

The rules across files (checks.cross_file_problems) read only this index, never
the loaded files, so a run can build it from every file (a full load) or take
the last valid run's index a part of the repo at a time, drop the rows of the
files that changed since and add theirs again (delta.EditedIndex): the checks then see
the same rows either way.

Every table has a `file` column (repo-relative path) and holds its rows in
SPEC §4 read order: files by path, entries in file order. That order decides
which of two definitions of an id comes first, so `splice` keeps it.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from . import checks
from ..core.coded import Gathered, only_used_categories, rows_before
from ..core.sources import SourceFile, problems_of
from ..core.problems import Problem

# Each table's columns and their types (coded.Gathered): ids and paths are text, coded. Two
# tables every file adds to; the others are registered by the rules that read them.
_COLUMNS = {
    "defines": {"file": "text", "target": "text", "id": "text", "path": "object"},  # every file, read leniently: (kind, id, path in the file)
    "refs": {"file": "text", "target": "text", "id": "text"},  # the distinct ids a valid file points at
    **{name: table.columns for name, table in checks.INDEX_TABLES.items()},
}

FRAMES = tuple(_COLUMNS)  # the tables of a RepoIndex
INDEX_PARTS = ("own", *FRAMES)  # what a RepoIndex holds: each file's own findings, and the tables
_TABLES_OF = {  # file kind -> the registered tables its valid files add to
    kind: [table for table in checks.INDEX_TABLES.values() if table.kind == kind]
    for kind in {table.kind for table in checks.INDEX_TABLES.values()}
}


class RepoIndex:
    """Each file's own findings (reading, schema, file name, rules within the file), and the
    tables of FRAMES, each an attribute: `index.refs`."""

    def __init__(self, own: list[Problem], **tables: pd.DataFrame) -> None:
        if set(tables) != set(FRAMES):
            raise TypeError(f"an index holds the tables {sorted(FRAMES)}, not {sorted(tables)}")
        self.own = own
        self.__dict__.update(tables)

    def part(self, part: str) -> "RepoIndex":
        """The rows of the files of one part of the repo (see `part_of`)."""
        tables = {}
        for name in FRAMES:
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
        for table in _TABLES_OF.get(source.kind, ()):
            gathered = tables[table.name]
            for row in table.rows(source):
                gathered.add(rel, *row)

    def index(self) -> RepoIndex:
        """The index, once: the rows are let go as each table is made."""
        tables = {}
        while self.tables:
            name, gathered = self.tables.popitem()
            tables[name] = gathered.frame()
        return RepoIndex(self.own, **tables)
