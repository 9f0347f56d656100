"""The repo's tables (facts.TableRows): text columns dictionary-coded as categoricals whose
categories are the column's distinct values, sorted; and a table spliced from parts
(coded.splice, what an edit on a warm run does) equal to one built whole, codes and all."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from skillcycle.core.coded import splice
from skillcycle.validation.index import build_index
from skillcycle.core.loader import load
from skillcycle.core.repo import build_repo

from test_snapshot import FIXTURES, copy

# A second batch, after tiny's 2026q2.yaml in path order: own dates, no assessor, a peer.
LATER = """\
source: peer
ratings:
  - {person: lin, skill: python, level: expert, date: 2026-07-01}
  - {person: ada, skill: coaching, level: foundational, date: 2026-07-02, source: manager, assessor: grace}
"""


def tiny_repo(tmp_path: Path, later: str | None = LATER):
    root = copy(FIXTURES / "tiny", tmp_path)
    if later is not None:
        (root / "assessments" / "2026q3.yaml").write_text(later)
    return build_repo(load(root))


def test_ratings_hold_every_rating_in_read_order_with_batch_defaults(tmp_path: Path) -> None:
    ratings = tiny_repo(tmp_path).ratings
    # tiny's 2026q2.yaml (6 ratings, batch date 2026-06-18, calibration by grace) then LATER (2).
    assert ratings["person"].tolist() == ["ada", "ada", "lin", "grace", "grace", "ada", "lin", "ada"]
    assert ratings["skill"].tolist() == ["sql", "python", "sql", "sql", "coaching", "sql", "python", "coaching"]
    assert ratings["level"].tolist() == [1, 2, 2, 3, 2, 2, 3, 1]
    assert ratings["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-06-18"] * 6 + ["2026-07-01", "2026-07-02"]
    assert ratings["source"].tolist() == ["calibration"] * 5 + ["self", "peer", "manager"]
    assert ratings["priority"].tolist() == [3, 3, 3, 3, 3, 0, 1, 2]  # SPEC §4 calibration > manager > peer > self
    assert ratings["assessor"].tolist()[:6] == ["grace"] * 6 and ratings["assessor"].isna().tolist() == [False] * 6 + [True, False]
    assert ratings["file"].tolist() == ["assessments/2026q2.yaml"] * 6 + ["assessments/2026q3.yaml"] * 2
    assert ratings["seq"].tolist() == list(range(8))
    assert ratings["item"].tolist() == [0, 1, 2, 3, 4, 5, 0, 1]
    assert ratings["dated"].tolist() == [False] * 6 + [True, True]


def test_text_columns_are_codes_into_their_sorted_distinct_values(tmp_path: Path) -> None:
    repo = tiny_repo(tmp_path)
    ratings = repo.ratings
    for column in ("person", "skill", "source", "assessor", "file"):
        dtype = ratings[column].dtype
        assert isinstance(dtype, pd.CategoricalDtype), column
        assert dtype.categories.tolist() == sorted(set(ratings[column].dropna())), column
    assert ratings["person"].cat.categories.tolist() == ["ada", "grace", "lin"]
    assert ratings["assessor"].cat.codes.tolist()[6] == -1  # no assessor: no code
    # Sorting by a coded column sorts by its text (the export and the §4 order rely on it).
    by_skill = ratings.sort_values(["skill", "person"], kind="stable")
    assert list(zip(by_skill["skill"], by_skill["person"])) == sorted(zip(ratings["skill"], ratings["person"]))
    for table, columns in ((repo.goals, ["person", "cycle", "file", "id", "kind", "skill"]),
                           (repo.checkin_table, ["person", "file"]),
                           (repo.review_table, ["person", "period", "root_cause", "skill", "file"])):
        for column in columns:
            assert isinstance(table[column].dtype, pd.CategoricalDtype), column
            assert table[column].cat.categories.tolist() == sorted(set(table[column].dropna())), column


def test_a_table_with_no_rows_has_the_same_columns_and_dtypes(tmp_path: Path) -> None:
    root = copy(FIXTURES / "tiny", tmp_path)
    (root / "assessments" / "2026q2.yaml").unlink()
    empty = build_repo(load(root)).ratings
    full = tiny_repo(tmp_path / "full").ratings
    assert empty.empty and empty.columns.tolist() == full.columns.tolist()
    assert [type(t) for t in empty.dtypes] == [type(t) for t in full.dtypes]
    assert empty["person"].cat.categories.dtype == full["person"].cat.categories.dtype


def test_a_spliced_table_is_the_table_built_whole(tmp_path: Path) -> None:
    """A file added brings new values into the categories; a file removed takes its own out."""
    whole = tiny_repo(tmp_path / "whole").ratings
    base = tiny_repo(tmp_path / "base", later=None).ratings
    assert base["source"].cat.categories.tolist() == ["calibration", "self"]
    added = whole[whole["file"] == "assessments/2026q3.yaml"]  # the rows a load of the new file gives
    spliced = splice(base, set(), added)
    spliced["seq"] = np.arange(len(spliced), dtype=np.int32)  # as repo.patch_repo renumbers
    pd.testing.assert_frame_equal(spliced, whole, check_exact=True)
    without = splice(whole, {"assessments/2026q2.yaml"}, whole.iloc[0:0])
    assert without["person"].cat.categories.tolist() == ["ada", "lin"]
    assert without["source"].cat.categories.tolist() == ["manager", "peer"]
    assert without["file"].cat.categories.tolist() == ["assessments/2026q3.yaml"]


def test_the_index_codes_its_text_and_keeps_paths_as_cells(tmp_path: Path) -> None:
    """Index tables (index.py) code ids and paths like the repo's tables; a definition's path
    in its file stays one tuple per cell even when every path has the same length."""
    root = copy(FIXTURES / "tiny", tmp_path)
    for name in ("people", "roles"):  # only list entries define ids now: every path is (list, i, "id")
        for path in (root / name).iterdir():
            path.unlink()
    index = build_index(load(root).files)
    for table in ("defines", "refs", "managers", "goal_files", "goal_ids", "notes"):
        frame = getattr(index, table)
        for column, dtype in frame.dtypes.items():
            if column in ("path", "weight", "item"):
                continue
            assert isinstance(dtype, pd.CategoricalDtype), (table, column)
            assert dtype.categories.tolist() == sorted(set(frame[column].dropna())), (table, column)
    paths = index.defines["path"].tolist()
    assert paths and all(isinstance(path, tuple) and len(path) == 3 for path in paths)


def test_an_empty_batch_leaves_no_trace_in_the_categories(tmp_path: Path) -> None:
    """A batch with no ratings adds no row, so its path is no category: as a splice, which
    drops unused categories, would leave it."""
    whole = tiny_repo(tmp_path, later="date: 2026-07-01\nsource: peer\nratings: []\n").ratings
    assert "assessments/2026q3.yaml" not in whole["file"].cat.categories
    pd.testing.assert_frame_equal(splice(whole, set(), whole.iloc[0:0]), whole, check_exact=True)
