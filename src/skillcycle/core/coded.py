"""Tables whose text columns are coded: categoricals of their sorted values, gathered a row
at a time as the files are read, and spliced when a few files change.

The tables' text columns (ids, sources, file paths) are categoricals: a small integer code
per row into the column's distinct values, sorted, so that sorting by the column sorts by its
text. At 100k people a ratings row is ~30 bytes instead of 140, the table reads back as a few
arrays, and takes, sorts and groupings work on integers. A text column is categorical even
when every cell is empty: a table spliced from parts must come out exactly as one built
whole. Compare two such columns through their text, or `recode` one into the other's
categories, never code against code.
"""

from __future__ import annotations

from array import array
from datetime import date

import numpy as np
import pandas as pd

EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
NO_DAY = -(2**31)  # a rating with no date, in a file with errors (S002): NaT in the table


def text_codes(texts) -> pd.CategoricalDtype:
    """The dtype of a text column holding `texts` (distinct): its categories sorted, as Python
    text rather than Arrow's (whose isin copies every value out on each call: an edit's splice
    took twice as long)."""
    return pd.CategoricalDtype(pd.Index(sorted(texts), dtype=object))


class _Text:
    """A text column dictionary-coded as it is gathered: a code per row (-1 = none), each text once."""

    def __init__(self, _: str = "text") -> None:
        self.codes = array("i")
        self.values: dict[str, int] = {}

    def append(self, text: str | None) -> None:
        self.codes.append(-1 if text is None else self.values.setdefault(text, len(self.values)))

    def column(self) -> pd.Categorical:
        dtype = text_codes(self.values)
        texts = dtype.categories
        rank = np.empty(len(texts) + 1, dtype=np.int32)  # gathered code -> sorted code; rank[-1] = -1
        rank[[self.values[text] for text in texts]] = np.arange(len(texts), dtype=np.int32)
        rank[-1] = -1
        codes = rank[np.frombuffer(self.codes, dtype=np.int32)] if len(self.codes) else np.zeros(0, np.int32)
        return pd.Categorical.from_codes(codes, dtype=dtype)


class _Days:
    """A date column gathered as day numbers; none is NaT."""

    def __init__(self, _: str = "date") -> None:
        self.days = array("i")

    def append(self, day: date | None) -> None:
        self.days.append(NO_DAY if day is None else day.toordinal())

    def column(self) -> np.ndarray:
        days = np.frombuffer(self.days, dtype=np.int32).astype(np.int64) if len(self.days) else np.zeros(0, np.int64)
        dates = (days - EPOCH_ORDINAL).astype("datetime64[D]")
        dates[days == NO_DAY] = np.datetime64("NaT")
        return dates.astype("datetime64[s]")


class _Numbers:
    """A number column in a machine array: int8, int32, bool, or float64 where none is NaN."""

    def __init__(self, dtype: str) -> None:
        self.dtype = dtype
        self.values = array({"int8": "b", "bool": "b", "int32": "i", "float64": "d"}[dtype])
        # An attribute, not a method: appending in place costs no call of ours per cell.
        self.append = self.values.append if dtype != "float64" else self._append_float

    def _append_float(self, value: float | None) -> None:
        self.values.append(np.nan if value is None else value)

    def column(self) -> np.ndarray:
        stored = {"bool": np.int8}.get(self.dtype, self.dtype)
        values = np.frombuffer(self.values, dtype=stored) if len(self.values) else np.zeros(0, stored)
        return values.astype(self.dtype)


class _Objects:
    """Any Python values, as they are (the index's paths in files, weights as written)."""

    def __init__(self, _: str = "object") -> None:
        self.values: list = []
        self.append = self.values.append

    def column(self) -> np.ndarray:
        return np.fromiter(self.values, dtype=object, count=len(self.values))  # tuples stay cells, not rows


class Gathered:
    """A table gathered a row (or a cell) at a time in read order, column by column."""

    def __init__(self, types: dict[str, str]) -> None:
        self.columns = {name: _COLUMN_OF.get(t, _Numbers)(t) for name, t in types.items()}
        self.appends = [column.append for column in self.columns.values()]

    def add(self, *row) -> None:
        for append, value in zip(self.appends, row):
            append(value)

    def frame(self) -> pd.DataFrame:
        columns, self.columns, self.appends = self.columns, {}, []
        return pd.DataFrame({name: column.column() for name, column in columns.items()})


_COLUMN_OF = {"text": _Text, "date": _Days, "object": _Objects}


def used(column: pd.Series) -> tuple[pd.Index, np.ndarray]:
    """(the values a text column holds, each cell's position among them, -1 for none): its
    categories without the unused ones, marked rather than sorted (remove_unused_categories
    sorts every code: seconds for a column of 17M ratings). The positions keep the codes'
    narrow integer type: a 64-bit copy of 17M codes costs more than the marking."""
    codes = column.cat.codes.to_numpy()
    seen = np.zeros(len(column.cat.categories) + 1, dtype=bool)
    seen[codes] = True  # a missing cell's code -1 marks the spare last slot
    used = seen[:-1]
    if used.all():
        return column.cat.categories, codes
    return column.cat.categories[used], np.append(np.cumsum(used) - 1, -1).astype(codes.dtype)[codes]


def only_used(column: pd.Series) -> pd.Series:
    """A text column with the categories it does not use dropped."""
    categories, codes = used(column)
    if len(categories) == len(column.cat.categories):
        return column
    return pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories)), index=column.index, name=column.name)


def rows_before(column: pd.Series, texts: np.ndarray) -> np.ndarray:
    """For each of `texts`, how many cells of a text column sorted by its text come before it:
    found through the codes, the cells never made into strings (17M ratings at 100k people)."""
    position = column.cat.categories.searchsorted(texts)  # where each text sorts among the categories
    return np.searchsorted(column.cat.codes.to_numpy(), position)


def recode(column: pd.Series, into: pd.Index) -> np.ndarray:
    """Each cell of a text column as its position in `into` (-1: not there, or no value)."""
    codes = column.cat.codes.to_numpy()
    if into is column.cat.categories:  # its own: the codes are the positions
        return codes.astype(np.int64)
    positions = np.append(into.get_indexer(column.cat.categories), -1)  # a missing cell's code -1 picks the -1
    return positions[codes].astype(np.int64)


def splice(table: pd.DataFrame, removed: set[str], rows: pd.DataFrame) -> pd.DataFrame:
    """`table` without the rows of the files in `removed`, with `rows` put in read order.

    Both hold their rows grouped by file and files in path order, so each new
    file's rows go in one piece where its path sorts; the index is renumbered.
    `rows` must come from files in `removed` or new ones, never from a kept file.
    """
    kept = table[~table["file"].isin(removed)] if removed else table
    if rows.empty:
        return only_used_categories(kept.reset_index(drop=True))
    where = rows_before(kept["file"], rows["file"].to_numpy(dtype=object))
    # A new row sorts just before the kept row it was placed at: keys 2*where vs 2*i + 1.
    keys = np.concatenate([np.arange(len(kept)) * 2 + 1, where * 2])
    order = np.argsort(keys, kind="stable")
    plain = {c: dtype for c, dtype in kept.dtypes.items() if not isinstance(dtype, pd.CategoricalDtype)}
    joined = concat([kept, rows.astype(plain)])
    return only_used_categories(joined.take(order).reset_index(drop=True))


def concat(tables: list[pd.DataFrame]) -> pd.DataFrame:
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
    table's file paths, 300k at 10k people, made an edit seconds slower that way)."""
    united = categories[0]
    for other in categories[1:]:
        if len(other) and not other.isin(united).all():
            united = united.union(other)  # sorted, as both are
    return united


def only_used_categories(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with its text columns' categories only those it uses: as the table built whole has."""
    for column, dtype in table.dtypes.items():
        if isinstance(dtype, pd.CategoricalDtype):
            table[column] = only_used(table[column])
    return table
