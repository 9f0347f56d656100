"""`skillcycle export`: tidy tables with documented columns, in CSV, Parquet and XLSX,
and the done-criterion of issue #9: export -> import gives the same gaps."""

from __future__ import annotations

import csv
import io
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dataio_helpers import empty_repo, load_repo, run, tree_digest
from skillcycle.reports.exporting import TABLES, build_tables, columns_markdown
from skillcycle.core.facts import requirements_on
from skillcycle.core.gaps import person_gaps

DOCS = Path(__file__).parents[1] / "docs"
EXAMPLE = Path(__file__).parents[1] / "examples" / "acme"
AS_OF = "2026-09-30"


def export(repo: Path, out: Path, *extra: str):
    return run("export", "--repo", repo, "--out", out, "--as-of", AS_OF, *extra)


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def test_csv_tables_have_the_documented_columns_and_rows(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = export(tiny, out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{name}.csv" for name in TABLES)
    for name, spec in TABLES.items():
        header = (out / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header == ",".join(c.name for c in spec.columns), name
    gaps = {(r["person"], r["skill"]): r for r in read_csv(out / "gaps.csv")}
    assert gaps["ada", "sql"] == {
        "person": "ada", "role": "analyst", "family": "analytics", "skill": "sql", "required": "proficient",
        "required_rank": "2", "current": "foundational", "current_rank": "1", "unassessed": "false", "gap": "1",
        "track": "upskill", "self": "proficient", "self_rank": "2",
    }
    assert gaps["lin", "python"]["current"] == "" and gaps["lin", "python"]["unassessed"] == "true"
    assert gaps["lin", "python"]["track"] == "reskill"
    requirements = read_csv(out / "requirements.csv")
    assert [(r["role"], r["skill"], r["effective"], r["level"]) for r in requirements if r["role"] == "analyst"] == [
        ("analyst", "python", "", "foundational"), ("analyst", "sql", "", "proficient"),
        ("analyst", "python", "2027-01-01", "proficient"),
    ]
    goals = {r["goal"]: r for r in read_csv(out / "goals.csv")}
    assert goals["ada-sql-2026q3"]["status"] == "active"  # due 2026-09-30: not yet overdue on that day
    assert goals["ada-sql-2026q3"]["start"] == "2026-07-01"  # the cycle's first day when the file has no start
    assert "exported 13 tables as of 2026-09-30" in result.stdout


def test_export_is_deterministic_and_leaves_the_repo_alone(tiny: Path, tmp_path: Path) -> None:
    before = tree_digest(tiny)
    assert export(tiny, tmp_path / "a").exit_code == 0
    assert export(tiny, tmp_path / "b").exit_code == 0
    assert tree_digest(tiny) == before
    for name in TABLES:
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (tmp_path / "b" / f"{name}.csv").read_bytes()


def test_refuses_to_overwrite_without_force_naming_the_files(tiny: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "people.csv").write_text("mine\n")
    (out / "gaps.csv").write_text("mine\n")
    result = export(tiny, out)
    assert result.exit_code == 2
    assert "2 file(s) already in" in result.stderr and "people.csv, gaps.csv" in result.stderr
    assert (out / "people.csv").read_text() == "mine\n" and not (out / "skills.csv").exists()
    assert export(tiny, out, "--force").exit_code == 0
    assert (out / "people.csv").read_text().startswith("person,name,")


def test_nothing_after_as_of_is_exported(tiny: Path, tmp_path: Path) -> None:
    (tiny / "assessments" / "later.yaml").write_text(
        "date: 2026-10-15\nsource: calibration\nratings:\n  - {person: lin, skill: python, level: expert}\n"
    )
    assert export(tiny, tmp_path / "out").exit_code == 0
    ratings = read_csv(tmp_path / "out" / "ratings.csv")
    assert all(r["date"] <= AS_OF for r in ratings) and len(ratings) == 6
    assert not [r for r in read_csv(tmp_path / "out" / "current_levels.csv") if r["person"] == "lin" and r["skill"] == "python"]


def test_formulas_are_neutralised_in_csv_and_xlsx(tiny: Path, tmp_path: Path) -> None:
    (tiny / "people" / "lin.yaml").write_text('name: "=HYPERLINK(\\"http://evil.example\\", \\"x\\")"\nrole: analyst\nmanager: grace\n')
    assert export(tiny, tmp_path / "csv").exit_code == 0
    people = {r["person"]: r for r in read_csv(tmp_path / "csv" / "people.csv")}
    assert people["lin"]["name"].startswith("'=HYPERLINK(")
    openpyxl = pytest.importorskip("openpyxl")
    assert export(tiny, tmp_path / "xlsx", "--format", "xlsx").exit_code == 0
    sheet = openpyxl.load_workbook(tmp_path / "xlsx" / "skillcycle-export.xlsx")["people"]
    names = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert names["lin"].value.startswith("'=HYPERLINK(") and names["lin"].data_type == "s"


def test_csv_loads_into_pandas_with_the_documented_types(tiny: Path, tmp_path: Path) -> None:
    assert export(tiny, tmp_path / "out").exit_code == 0
    for name, spec in TABLES.items():
        frame = pd.read_csv(tmp_path / "out" / f"{name}.csv", dtype={c.name: "string" for c in spec.columns if c.type == "string"})
        assert list(frame.columns) == [c.name for c in spec.columns]  # no index column
        for column in spec.columns:
            values = frame[column.name].dropna()
            if column.type == "int":
                assert (values == values.astype("int64")).all(), (name, column.name)
            if column.type == "date":
                pd.to_datetime(values, format="%Y-%m-%d")  # ISO dates, or raises
            if column.type == "bool":
                assert set(values) <= {True, False}, (name, column.name)
    levels = pd.read_csv(tmp_path / "out" / "current_levels.csv")
    assert set(levels["level"].dropna()) <= {"none", "foundational", "proficient", "expert"}


def test_parquet_has_typed_columns(tiny: Path, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    assert export(tiny, tmp_path / "out", "--format", "parquet").exit_code == 0
    types = {"string": "string", "int": "int64", "float": "double", "bool": "bool", "date": "date32[day]"}
    for name, spec in TABLES.items():
        schema = pq.read_schema(tmp_path / "out" / f"{name}.parquet")
        assert [(f.name, str(f.type)) for f in schema] == [(c.name, types[c.type]) for c in spec.columns]
    gaps = pd.read_parquet(tmp_path / "out" / "gaps.parquet")
    assert gaps.loc[(gaps.person == "ada") & (gaps.skill == "sql"), "gap"].item() == 1


def test_xlsx_has_real_dates_and_numbers(tiny: Path, tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    assert export(tiny, tmp_path / "out", "--format", "xlsx").exit_code == 0
    book = openpyxl.load_workbook(tmp_path / "out" / "skillcycle-export.xlsx")
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["skillcycle-export.xlsx"]  # one workbook
    assert book.sheetnames == list(TABLES)  # a sheet per table, in the documented order
    sheet = book["ratings"]
    rows = list(sheet.values)
    assert rows[0] == tuple(c.name for c in TABLES["ratings"].columns)
    first = dict(zip(rows[0], rows[1]))
    assert first["level_rank"] == 2 and first["date"].date() == date(2026, 6, 18)
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
    files = sheet.cell(1, sheet.max_column).column_letter  # the `file` column: paths like assessments/2026q2.yaml
    assert sheet.column_dimensions[files].width == max(len(str(v)) for (v,) in sheet.iter_rows(min_col=sheet.max_column, max_col=sheet.max_column, values_only=True)) + 2
    again = tmp_path / "again"
    assert export(tiny, again, "--format", "xlsx").exit_code == 0
    assert (again / "skillcycle-export.xlsx").read_bytes() == (tmp_path / "out" / "skillcycle-export.xlsx").read_bytes()


def test_whole_ratings_are_integers_in_csv(tiny: Path, tmp_path: Path) -> None:
    assert export(tiny, tmp_path / "out").exit_code == 0
    reviews = read_csv(tmp_path / "out" / "reviews.csv")
    assert sorted((r["person"], r["rating"]) for r in reviews) == [("ada", "3"), ("lin", "2")]  # not 3.0, 2.0
    from skillcycle.render.export import _csv_column

    assert _csv_column((3.0, 3.5, None), "float") == [3, 3.5, ""]  # a half point stays one


@pytest.mark.parametrize(("fmt", "module", "extra"), [("parquet", "pyarrow", "parquet"), ("xlsx", "openpyxl", "xlsx")])
def test_missing_extra_is_one_line_and_exit_2(tiny: Path, tmp_path: Path, monkeypatch, fmt, module, extra) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # import now raises ImportError
    monkeypatch.setitem(sys.modules, f"{module}.parquet", None)
    result = export(tiny, tmp_path / "out", "--format", fmt)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"skillcycle: --format {fmt} needs {module}, which is not installed: pip install 'skillcycle[{extra}]'"
    ]
    assert not (tmp_path / "out").exists()


def test_invalid_repo_exports_nothing(tiny: Path, tmp_path: Path) -> None:
    (tiny / "people" / "ada.yaml").write_text("name: Ada\nrole: analyts\n")
    assert export(tiny, tmp_path / "out").exit_code == 1
    assert not (tmp_path / "out").exists()


def test_docs_list_every_column() -> None:
    assert columns_markdown() in (DOCS / "export.md").read_text(encoding="utf-8")


# --- the round trip: export -> import ratings and requirements -> same gaps ------------------

def _people_files(root: Path, people_csv: Path) -> None:
    """The one step no importer covers: people/ files from the exported people table."""
    (root / "people").mkdir()
    for row in read_csv(people_csv):
        person = {k: row[k] for k in ("name", "role", "manager", "started", "left", "email") if row[k]}
        (root / "people" / f"{row['person']}.yaml").write_text(yaml.safe_dump(person, sort_keys=False), encoding="utf-8")


def _round_trip_repos() -> list:
    repos = [pytest.param(Path(__file__).parent / "fixtures" / "tiny", date(2026, 9, 30), id="tiny")]
    if (EXAMPLE / "skillcycle.yaml").exists():
        repos.append(pytest.param(EXAMPLE, date(2026, 11, 20), id="acme"))
    return repos


@pytest.mark.parametrize(("source", "as_of"), _round_trip_repos())
def test_round_trip_gives_the_same_gaps(source: Path, as_of: date, tmp_path: Path) -> None:
    out = tmp_path / "export"
    assert run("export", "--repo", source, "--out", out, "--as-of", as_of.isoformat()).exit_code == 0
    fresh = empty_repo(tmp_path / "fresh")
    result = run("import", "roles", out / "requirements.csv", "--repo", fresh)
    assert result.exit_code == 0, result.output
    _people_files(fresh, out / "people.csv")
    result = run("import", "ratings", out / "ratings.csv", "--date", as_of, "--source", "calibration", "--repo", fresh)
    assert result.exit_code == 0, result.output

    original, copy = load_repo(source, as_of), load_repo(fresh, as_of)
    pd.testing.assert_frame_equal(person_gaps(copy, as_of), person_gaps(original, as_of))
    assert (person_gaps(original, as_of)["gap"] > 0).any()
    later = date(as_of.year + 1, 12, 31)  # dated requirement changes came through too
    assert {r: requirements_on(role, later) for r, role in copy.roles.items()} == {
        r: requirements_on(role, later) for r, role in original.roles.items() if role.requires or role.changes
    }
    # and the copy exports the same gap table, byte for byte
    again = {t.name: t for t in build_tables(copy, as_of)}
    assert again["gaps"].rows == {t.name: t for t in build_tables(original, as_of)}["gaps"].rows


def test_help_names_every_table_written() -> None:
    from skillcycle.cli.export import export

    named = " ".join((export.__doc__ or "").split()).replace("check-ins", "checkins").replace("current levels", "current_levels")
    assert [name for name in TABLES if name not in named] == []
