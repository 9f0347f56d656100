"""`skillcycle import ratings`: calibration sheets (long or wide, CSV or XLSX) into one new batch."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataio_helpers import add_person, load_repo, run, tree_digest, write_csv, write_xlsx
from skillcycle.reports import importing
from skillcycle.core import yamlstrict
from skillcycle.core.facts import current_levels
from skillcycle.validation.validate import validate_path

DAY = "2026-09-24"
TARGET = "assessments/2026-09-24-calibration.yaml"


def import_ratings(repo: Path, sheet: Path, *extra: object):
    return run("import", "ratings", sheet, "--date", DAY, "--source", "calibration", "--repo", repo, *extra)


def test_wide_sheet_by_names_becomes_one_batch(tiny: Path, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "q3.csv", [
        ["Name", "SQL", "python", "Coaching", "Role"],
        ["Ada Lovelace", "Proficient", "", "foundational", "analyst"],
        ["lin", "expert", "1", "", "analyst"],
        ["grace@nowhere", "", "", "", ""],  # a row with no ratings at all is fine... but the person must exist
    ])
    assert import_ratings(tiny, sheet, "--assessor", "Grace Hopper").exit_code == 1  # grace@nowhere is unknown
    sheet = write_csv(tmp_path / "q3.csv", [
        ["Name", "SQL", "python", "Coaching", "Role"],
        ["Ada Lovelace", "Proficient", "", "foundational", "analyst"],
        ["lin", "expert", "1", "", "analyst"],
    ])
    result = import_ratings(tiny, sheet, "--assessor", "Grace Hopper")
    assert result.exit_code == 0, result.output
    assert (tiny / TARGET).read_text() == (
        "# Imported by `skillcycle import ratings` from q3.csv.\n"
        "date: 2026-09-24\nsource: calibration\nassessor: grace\nratings:\n"
        "  - {person: ada, skill: sql, level: proficient}\n"
        "  - {person: ada, skill: coaching, level: foundational}\n"
        "  - {person: lin, skill: sql, level: expert}\n"
        "  - {person: lin, skill: python, level: foundational}\n"
    )
    assert "ignored column: Role" in result.stdout and "4 ratings of 2 people (wide layout)" in result.stdout
    levels = current_levels(load_repo(tiny).ratings, date(2026, 9, 30))
    assert levels.loc[("ada", "sql"), "level"] == 2 and levels.loc[("lin", "python"), "level"] == 1


def test_every_bad_cell_is_reported_with_its_position_and_nothing_is_written(tiny: Path, tmp_path: Path) -> None:
    add_person(tiny, "ada2", "Ada Lovelace", "analyst", manager="grace")  # two people called Ada Lovelace
    sheet = write_csv(tmp_path / "q3.csv", [
        ["person", "SQL", "Pyhton", "coaching"],
        ["Ada Lovelace", "proficient", "", ""],
        ["lin", "Profcient", "", ""],
        ["Nobody", "2", "", "4"],
        ["lin", "1", "", ""],
    ])
    before = tree_digest(tiny)
    result = import_ratings(tiny, sheet)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "q3.csv:C1 (Pyhton): unknown skill 'Pyhton' — did you mean 'Python'? (a wide sheet has one column per skill)",
        "q3.csv:A2 (person): person 'Ada Lovelace' is ambiguous: it matches ada, ada2; write the id",
        "q3.csv:B3 (SQL): unknown level 'Profcient'; use none, foundational, proficient, expert (or 0-3) or pass --levels — did you mean 'proficient'?",
        "q3.csv:A4 (person): unknown person 'Nobody'",
        "q3.csv:A5 (person): 'lin' has two rows (also row 3)",
        # the 4 makes every number of the sheet another scale's, the 2 and the 1 too: one problem for all
        "q3.csv: the level cells hold the numbers 1, 2, 4, which are not skillcycle's 0-3 scale: none of them is read "
        'until the sheet\'s scale is given: --levels "1=?,2=?,4=?" (each ? one of none, foundational, proficient, expert, '
        "or nothing for not required)",
        "skillcycle: nothing written: 6 problems in q3.csv",
    ]
    assert tree_digest(tiny) == before


def test_long_sheet_with_row_dates_sources_and_extra_columns(tiny: Path, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "long.csv", [
        ["person", "skill", "level", "level_rank", "date", "source", "assessor", "comment"],
        ["ada", "sql", "proficient", "2", "", "", "", "solid"],
        ["ada", "python", "expert", "3", "2026-09-20", "manager", "lin", ""],
        ["lin", "python", "", "", "", "", "", "not rated yet"],
        ["lin", "Python", "Foundational", "1", "2026-09-24", "self", "", ""],
    ])
    result = import_ratings(tiny, sheet, "--assessor", "grace")
    assert result.exit_code == 0, result.output
    assert (tiny / TARGET).read_text().splitlines()[-3:] == [
        "  - {person: ada, skill: sql, level: proficient}",
        "  - {person: ada, skill: python, level: expert, date: 2026-09-20, source: manager, assessor: lin}",
        "  - {person: lin, skill: python, level: foundational, source: self}",
    ]
    assert "ignored columns: level_rank, comment" in result.stdout


def test_long_sheet_bad_cells(tiny: Path, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "long.csv", [
        ["employee", "skill", "level", "date", "source"],
        ["ada", "sql", "proficient", "2026-02-30", "boss"],
        ["", "cobol", "expert", "", ""],
    ])
    result = import_ratings(tiny, sheet)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:4] == [
        "long.csv:D2 (date): '2026-02-30' is not a date YYYY-MM-DD",
        "long.csv:E2 (source): source 'boss' is not one of calibration, manager, peer, self",
        "long.csv:A3 (employee): person is empty",
        "long.csv:B3 (skill): unknown skill 'cobol'",
    ]


def test_dry_run_shows_the_file_and_writes_nothing(tiny: Path, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "q3.csv", [["person", "sql"], ["lin", "expert"]])
    before = tree_digest(tiny)
    result = import_ratings(tiny, sheet, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"--- {TARGET} (would create)" in result.stdout
    assert "  - {person: lin, skill: sql, level: expert}" in result.stdout
    assert f"would write 1 file: {TARGET}" in result.stdout
    assert tree_digest(tiny) == before


def test_never_overwrites_and_out_must_be_under_assessments(tiny: Path, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "q3.csv", [["person", "sql"], ["lin", "expert"]])
    assert import_ratings(tiny, sheet).exit_code == 0
    first = (tiny / TARGET).read_bytes()
    result = import_ratings(tiny, sheet)
    assert result.exit_code == 2 and f"{TARGET} already exists" in result.stderr
    assert (tiny / TARGET).read_bytes() == first
    assert import_ratings(tiny, sheet, "--out", tiny / "people" / "x.yaml").exit_code == 2
    result = import_ratings(tiny, sheet, "--out", tiny / "assessments" / "2026q3" / "eng.yaml")
    assert result.exit_code == 0 and (tiny / "assessments" / "2026q3" / "eng.yaml").exists()


def test_nothing_is_written_when_the_repo_would_not_validate(tiny: Path, tmp_path: Path, monkeypatch) -> None:
    def broken_plan(*args, **kwargs) -> importing.Plan:
        return importing.Plan(files={TARGET: "date: 2026-09-24\nsource: calibration\nratings:\n  - {person: nobody, skill: sql, level: expert}\n"})

    monkeypatch.setattr(importing, "plan_ratings", broken_plan)
    sheet = write_csv(tmp_path / "q3.csv", [["person", "sql"], ["lin", "expert"]])
    result = import_ratings(tiny, sheet)
    assert result.exit_code == 1
    assert f"{TARGET}:4:14: error [R003] unknown person 'nobody'" in result.stderr
    assert "the repo would not validate" in result.stderr
    assert not (tiny / TARGET).exists()


def test_overlay_validation_sees_files_not_on_disk(tiny: Path) -> None:
    overlay = {"assessments/new.yaml": b"date: 2026-09-24\nsource: calibration\nratings:\n  - {person: lin, skill: cobol, level: 2}\n"}
    validation = validate_path(tiny, date(2026, 9, 30), date(2026, 9, 30), overlay=overlay)
    assert [(p.file, p.code) for p in validation.problems if p.severity.value == "error"] == [("assessments/new.yaml", "R001")]
    assert not (tiny / "assessments" / "new.yaml").exists()


def test_xlsx_wide_sheet_with_numbers_and_levels_mapping(tiny: Path, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    sheet = write_xlsx(tmp_path / "q3.xlsx", [
        ["Person", "sql", "python", "coaching"],
        ["ada", 3, 1, "n/a"],
        ["lin", 2.0, None, 0],
    ])
    result = import_ratings(tiny, sheet, "--levels", "0=none,1=foundational,2=proficient,3=expert,n/a=")
    assert result.exit_code == 0, result.output
    assert (tiny / TARGET).read_text().splitlines()[-4:] == [
        "  - {person: ada, skill: sql, level: expert}",
        "  - {person: ada, skill: python, level: foundational}",  # n/a: not rated
        "  - {person: lin, skill: sql, level: proficient}",  # 2.0 in the sheet
        "  - {person: lin, skill: coaching, level: none}",
    ]


def test_xlsx_long_sheet_with_date_cells(tiny: Path, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    from datetime import datetime

    sheet = write_xlsx(tmp_path / "long.xlsx", [["person", "skill", "level", "date"], ["lin", "sql", "Expert", datetime(2026, 9, 1)]])
    assert import_ratings(tiny, sheet).exit_code == 0
    assert "{person: lin, skill: sql, level: expert, date: 2026-09-01}" in (tiny / TARGET).read_text()


def test_semicolon_csv_and_exported_formula_prefix(tiny: Path, tmp_path: Path) -> None:
    (tiny / "people" / "lin.yaml").write_text('name: "=Lin"\nrole: analyst\nmanager: grace\n')
    sheet = write_csv(tmp_path / "eu.csv", [["person", "sql"], ["'=Lin", "proficient"]], delimiter=";")
    result = import_ratings(tiny, sheet)
    assert result.exit_code == 0, result.output
    assert "{person: lin, skill: sql, level: proficient}" in (tiny / TARGET).read_text()


def test_bad_options_are_usage_errors(tiny: Path, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "q3.csv", [["person", "sql"], ["lin", "expert"]])
    assert run("import", "ratings", sheet, "--date", "2026-13-01", "--source", "calibration", "--repo", tiny).exit_code == 2
    assert import_ratings(tiny, sheet, "--levels", "Expert:expert").exit_code == 2
    assert import_ratings(tiny, tmp_path / "missing.csv").exit_code == 2
    (tmp_path / "latin1.csv").write_bytes("person,sql\nlin,Expert\nJosé,1\n".encode("latin-1"))
    result = import_ratings(tiny, tmp_path / "latin1.csv")
    assert result.exit_code == 2 and "save the sheet as 'CSV UTF-8'" in result.stderr
    result = run("import", "ratings", sheet, "--date", DAY, "--source", "boss", "--repo", tiny)
    assert result.exit_code == 1 and "--source 'boss' is not one of" in result.stderr


def test_xlsx_without_openpyxl_names_the_extra(tiny: Path, tmp_path: Path, monkeypatch) -> None:
    import sys

    (tmp_path / "q3.xlsx").write_bytes(b"PK")
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    result = import_ratings(tiny, tmp_path / "q3.xlsx")
    assert result.exit_code == 2
    assert result.stderr.strip() == "skillcycle: reading .xlsx files needs openpyxl, which is not installed: pip install 'skillcycle[xlsx]'"


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40))
def test_any_text_is_written_as_a_scalar_the_strict_reader_reads_back(text: str) -> None:
    rendered = importing.scalar(text)
    doc = yamlstrict.parse(f"a: {{v: {rendered}}}\nb: {rendered}\n".encode())
    assert not doc.findings and doc.value == {"a": {"v": text}, "b": text}


def test_a_five_level_sheet_is_one_scale_not_read_as_ours(tiny: Path, tmp_path: Path) -> None:
    """A 1-5 sheet whose first columns use only 1-3: the 4s and 5s elsewhere show the scale, so
    the 1-3 cells are not read as foundational..expert either, and the template lists every value."""
    sheet = write_csv(tmp_path / "five.csv", [["person", "sql", "python"], ["ada", "1", "2"], ["lin", "3", "5.0"]])
    before = tree_digest(tiny)
    refused = import_ratings(tiny, sheet)
    assert refused.exit_code == 1
    assert '--levels "1=?,2=?,3=?,5=?"' in refused.stderr and refused.stderr.count("five.csv") == 2
    assert tree_digest(tiny) == before
    mapped = import_ratings(tiny, sheet, "--levels", "1=none,2=foundational,3=proficient,4=proficient,5=expert", "--dry-run")
    assert mapped.exit_code == 0, mapped.output
    assert "{person: lin, skill: python, level: expert}" in mapped.stdout and "{person: ada, skill: sql, level: none}" in mapped.stdout
    ours = import_ratings(tiny, write_csv(tmp_path / "ours.csv", [["person", "sql"], ["ada", "0"], ["lin", "3"]]), "--dry-run")
    assert ours.exit_code == 0
    assert "numbers read as skillcycle's levels: 0 none, 1 foundational, 2 proficient, 3 expert (found 0, 3)" in ours.stdout
