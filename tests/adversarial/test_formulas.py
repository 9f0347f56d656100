"""Formula injection: every text column of every CSV and XLSX output, not only names.

Each free-text field of the tiny repo is made to start with one of the characters a
spreadsheet runs as a formula; no cell of any table skillcycle writes may start with one
unless it is neutralised (a leading apostrophe), and no cell is an XLSX formula.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from dataio_helpers import run
from skillcycle.core.safetext import FORMULA_STARTS

from .corpus import TINY

AS_OF = "2026-08-01"
# (file, text in it, hostile replacement): names, titles, notes, skill names, resource titles, anchors, barriers, ...
PLANTED = [
    ("people/ada.yaml", "name: Ada Lovelace", 'name: "=HYPERLINK(\\"http://x\\",\\"ada\\")"'),
    ("people/grace.yaml", "name: ", 'name: "+grace" # '),
    ("competencies.yaml", "name: SQL", 'name: "-SQL"'),
    ("competencies.yaml", "Writes simple queries.", '"@SUM(1)"'),
    ("learning.yaml", "title: SQL Fundamentals", 'title: "=1+1"'),
    ("roles/analyst.yaml", "title: Analyst", 'title: "\\tAnalyst"'),
    ("goals/ada-2026q3.yaml", "title: Advance SQL from Foundational to Proficient", 'title: "=cmd|\' /C calc\'!A0"'),
    ("goals/ada-2026q3.yaml", "title: Ship the churn dashboard", 'title: "\\r=2"'),
    ("checkins/ada-2026-07-14.yaml", "progress: Finished modules 1-3.", 'progress: "=progress"'),
    ("checkins/ada-2026-07-14.yaml", "barriers: Sprint load.", 'barriers: "+barriers"'),
    ("checkins/ada-2026-07-14.yaml", "apply: Write the cohort query", 'apply: "-apply"'),
    ("checkins/ada-2026-07-14.yaml", "note: On track.", 'note: "@note"'),
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("formulas") / "repo"
    shutil.copytree(TINY, repo, ignore=shutil.ignore_patterns(".skillcycle"))
    for rel, old, new in PLANTED:
        text = (repo / rel).read_text(encoding="utf-8")
        assert old in text, (rel, old)
        (repo / rel).write_text(text.replace(old, new, 1), encoding="utf-8")
    done = run("validate", "--repo", repo, "--as-of", AS_OF)
    assert done.exit_code == 0, done.output
    return repo


def _dangerous(cell: object) -> bool:
    return isinstance(cell, str) and cell.startswith(FORMULA_STARTS)


def test_every_csv_cell(hostile: Path, tmp_path: Path) -> None:
    done = run("export", "--repo", hostile, "--as-of", AS_OF, "--out", tmp_path / "csv", "--format", "csv")
    assert done.exit_code == 0, done.output
    texts = {p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "csv").glob("*.csv")}
    for args in (["gap"], ["gap", "--by", "person"], ["gap", "--by", "manager"]):
        gap = run(*args, "--format", "csv", "--repo", hostile, "--as-of", AS_OF)
        assert gap.exit_code == 0, gap.output
        texts[" ".join(args)] = gap.stdout
    planted_seen = 0
    for name, text in texts.items():
        for row in csv.reader(io.StringIO(text)):
            assert not any(_dangerous(cell) for cell in row), (name, row)
            planted_seen += sum(cell.startswith("'") and cell[1:2] in "=+-@\t\r" for cell in row)
    assert planted_seen >= len(PLANTED)  # the hostile texts are there, neutralised


def test_every_xlsx_cell(hostile: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    done = run("export", "--repo", hostile, "--as-of", AS_OF, "--out", tmp_path / "xlsx", "--format", "xlsx")
    assert done.exit_code == 0, done.output
    seen = 0
    for book_path in sorted((tmp_path / "xlsx").glob("*.xlsx")):
        book = openpyxl.load_workbook(book_path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (book_path.name, cell.coordinate, cell.value)
                    assert not _dangerous(cell.value), (book_path.name, cell.coordinate, cell.value)
                    seen += isinstance(cell.value, str) and cell.value.startswith("'")
    assert seen >= len(PLANTED)
