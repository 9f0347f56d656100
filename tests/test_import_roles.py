"""`skillcycle import roles`: requirement matrices (wide, transposed or long) into roles/ and competencies.yaml."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dataio_helpers import empty_repo, load_repo, run, tree_digest, write_csv
from skillcycle.core.facts import requirements_on
from skillcycle.reports.importing import Scale, parse_scale
from skillcycle.core.levels import Level

FT_LEVELS = "Awareness=foundational,Foundational=foundational,Working knowledge=proficient,Practitioner=proficient,Expert=expert"


def import_roles(repo: Path, sheet: Path, *extra: object):
    return run("import", "roles", sheet, "--repo", repo, *extra)


def requires(repo: Path, role: str, on: date = date(2026, 9, 30)) -> dict[str, str]:
    return {s: level.slug for s, level in requirements_on(load_repo(repo).roles[role], on).items()}


def test_wide_matrix_makes_roles_and_appends_skills_as_text(tiny: Path, tmp_path: Path) -> None:
    competencies_before = (tiny / "competencies.yaml").read_text()
    sheet = write_csv(tmp_path / "matrix.csv", [
        ["Skill", "Data Scientist I", "data-scientist-2"],
        ["family", "science", "science"],
        ["title", "", "Data Scientist II"],
        ["SQL", "Working knowledge", "Expert"],
        ["Machine learning", "Awareness", "Practitioner"],
        ["Coaching", "", "Foundational"],
    ])
    result = import_roles(tiny, sheet, "--levels", FT_LEVELS)
    assert result.exit_code == 0, result.output
    assert (tiny / "roles" / "data-scientist-i.yaml").read_text() == (
        "# Imported by `skillcycle import roles` from matrix.csv.\n"
        "title: Data Scientist I\nfamily: science\nrequires:\n  sql: proficient\n  machine-learning: foundational\n"
    )
    assert requires(tiny, "data-scientist-2") == {"coaching": "foundational", "machine-learning": "proficient", "sql": "expert"}
    assert load_repo(tiny).roles["data-scientist-2"].title == "Data Scientist II"
    competencies = (tiny / "competencies.yaml").read_text()
    assert competencies.startswith(competencies_before)  # existing text untouched
    assert competencies[len(competencies_before):] == "  - id: machine-learning\n    name: Machine learning\n    category: technical\n"
    assert "2 new roles, 1 new skill for competencies.yaml" in result.stdout


def test_transposed_matrix_with_meta_columns(tmp_path: Path) -> None:
    repo = empty_repo(tmp_path / "repo", "# The map\nskills:\n- id: sql\n  name: SQL\n  category: technical\n")
    sheet = write_csv(tmp_path / "t.csv", [
        ["role", "family", "SQL", "Python"],
        ["Analyst", "analytics", "2", "1"],
        ["Engineer", "engineering", "1", "3"],
    ])
    assert import_roles(repo, sheet, "--transpose").exit_code == 0
    assert requires(repo, "analyst") == {"python": "foundational", "sql": "proficient"}
    assert load_repo(repo).roles["engineer"].family == "engineering"
    assert (repo / "competencies.yaml").read_text().endswith("  category: technical\n- id: python\n  name: Python\n  category: technical\n")
    # the top-left cell 'role' alone also means rows = roles
    sheet = write_csv(tmp_path / "t2.csv", [["Role", "SQL"], ["lead", "expert"]])
    assert import_roles(repo, sheet, "--family", "analytics").exit_code == 0
    assert requires(repo, "lead") == {"sql": "expert"}


def test_new_skill_columns_name_group_category(tmp_path: Path) -> None:
    repo = empty_repo(tmp_path / "repo")
    sheet = write_csv(tmp_path / "m.csv", [
        ["skill", "group", "category", "urgency", "Lead"],
        ["coaching", "People", "Leadership", "High", "proficient"],
    ])
    assert import_roles(repo, sheet, "--family", "mgmt").exit_code == 0
    skill = load_repo(repo).skills["coaching"]
    assert (skill.group, skill.category, skill.urgency) == ("People", "leadership", "high")


def test_existing_roles_need_update_and_update_keeps_the_rest(tiny: Path, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "m.csv", [["skill", "Analyst", "lead"], ["sql", "expert", ""], ["Coaching", "foundational", "expert"]])
    before = tree_digest(tiny)
    result = import_roles(tiny, sheet)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:2] == [
        "m.csv:B1 (Analyst): role 'analyst' already exists; pass --update to change its requirements",
        "m.csv:C1 (lead): role 'lead' already exists; pass --update to change its requirements",
    ]
    assert tree_digest(tiny) == before
    result = import_roles(tiny, sheet, "--update")
    assert result.exit_code == 0, result.output
    analyst = load_repo(tiny).roles["analyst"]
    assert analyst.requires == {"sql": Level.EXPERT, "python": Level.FOUNDATIONAL, "coaching": Level.FOUNDATIONAL}
    assert analyst.next == ["lead"] and analyst.changes[0].requires == {"python": Level.PROFICIENT}
    assert requires(tiny, "lead") == {"coaching": "expert", "sql": "expert"}  # an empty cell removes nothing...
    assert "role lead: kept sql (not filled in the sheet; --prune removes them)" in result.stdout
    assert "role analyst: sql proficient -> expert; + coaching foundational" in result.stdout
    result = import_roles(tiny, sheet, "--update", "--prune")
    assert result.exit_code == 0, result.output
    assert requires(tiny, "lead") == {"coaching": "expert"}  # ...unless asked to
    assert "role lead: - sql expert (removed)" in result.stdout


def test_an_update_of_one_skill_in_the_long_layout_keeps_the_rest_and_says_what_moves(tiny: Path, tmp_path: Path) -> None:
    """The long layout lists rows, not a whole role: one row changes one requirement."""
    sheet = write_csv(tmp_path / "one.csv", [["role", "skill", "level"], ["analyst", "sql", "expert"]])
    before = tree_digest(tiny)
    dry = import_roles(tiny, sheet, "--update", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "role analyst: sql proficient -> expert\n" in dry.stdout
    assert "role analyst: kept python (not filled in the sheet; --prune removes them)" in dry.stdout
    assert tree_digest(tiny) == before
    assert import_roles(tiny, sheet, "--update").exit_code == 0
    analyst = load_repo(tiny).roles["analyst"]
    assert analyst.requires == {"sql": Level.EXPERT, "python": Level.FOUNDATIONAL}
    assert analyst.changes[0].requires == {"python": Level.PROFICIENT}  # the dated change kept too
    pruned = import_roles(tiny, sheet, "--update", "--prune", "--dry-run")
    assert "role analyst: - python foundational (removed); 2027-01-01: python proficient -> nothing" in pruned.stdout
    assert import_roles(tiny, sheet, "--prune").exit_code == 2  # --prune goes with --update


def test_long_layout_with_dated_changes(tmp_path: Path) -> None:
    repo = empty_repo(tmp_path / "repo")
    sheet = write_csv(tmp_path / "req.csv", [
        ["role", "title", "family", "skill", "effective", "level", "level_rank"],
        ["analyst", "Analyst", "analytics", "sql", "", "proficient", "2"],
        ["analyst", "Analyst", "analytics", "ai-tooling", "2027-01-01", "proficient", "2"],
        ["analyst", "Analyst", "analytics", "sql", "2027-01-01", "expert", "3"],
        ["analyst", "Analyst", "analytics", "python", "", "none", "0"],
    ])
    result = import_roles(repo, sheet)
    assert result.exit_code == 0, result.output
    assert (repo / "roles" / "analyst.yaml").read_text().endswith(
        "title: Analyst\nfamily: analytics\nrequires:\n  sql: proficient\n"
        "changes:\n  - effective: 2027-01-01\n    requires:\n      ai-tooling: proficient\n      sql: expert\n"
    )
    assert requires(repo, "analyst", date(2027, 1, 1)) == {"ai-tooling": "proficient", "sql": "expert"}


def test_bad_cells_are_reported_by_position_and_nothing_is_written(tiny: Path, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "m.csv", [
        ["skill", "Data Scientist", "Analyst", "Data Scientist"],
        ["sql", "Guru", "expert", "1"],
        ["SQL", "1", "2", "1"],
        ["???", "1", "", ""],
    ])
    before = tree_digest(tiny)
    result = import_roles(tiny, sheet)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "m.csv:B1 (Data Scientist): new role 'data-scientist' needs a family: add a 'family' row or column, or pass --family",
        "m.csv:C1 (Analyst): role 'analyst' already exists; pass --update to change its requirements",
        "m.csv:D1 (Data Scientist): role 'data-scientist' has two columns (also B1)",
        "m.csv:B2 (Data Scientist): unknown level 'Guru'; use none, foundational, proficient, expert (or 0-3) or pass --levels",
        "m.csv:A3 (skill): skill 'sql' has two rows (also A2)",
        "m.csv:A4 (skill): cannot make a skill id from '???'; write a lowercase id",
        "skillcycle: nothing written: 6 problems in m.csv",
    ]
    assert tree_digest(tiny) == before


def test_dry_run_and_levels_mapping_errors(tiny: Path, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path / "m.csv", [["skill", "Scientist"], ["sql", "NC"], ["python", "4"]])
    before = tree_digest(tiny)
    result = import_roles(tiny, sheet, "--family", "science", "--levels", "NC=,0=none,1=foundational,2=proficient,3=proficient,4=expert", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "--- roles/scientist.yaml (would create)" in result.stdout and "  python: expert\n" in result.stdout
    assert "sql" not in result.stdout.split("--- roles/scientist.yaml")[1].split("requires:")[1]
    assert tree_digest(tiny) == before
    result = import_roles(tiny, sheet, "--family", "science", "--levels", "4=expert")
    assert result.exit_code == 1
    assert "m.csv:B2 (Scientist): 'NC' is not in --levels (expected one of: 4)" in result.stderr


def test_parse_scale() -> None:
    scale = parse_scale("Awareness=foundational, Working knowledge = proficient ,NC=,0=None")
    assert scale.read("awareness") == (Level.FOUNDATIONAL, None)
    assert scale.read("WORKING KNOWLEDGE") == (Level.PROFICIENT, None)
    assert scale.read("NC") == (None, None) and scale.read("") == (None, None)
    assert scale.read("0") == (Level.NONE, None)
    assert scale.read("Expert")[1].startswith("'Expert' is not in --levels")
    assert Scale().read("EXPERT") == (Level.EXPERT, None) and Scale().read("nOnE") == (Level.NONE, None)
    for bad in ("Expert", "Expert=guru", "a=1,A=2", ""):
        try:
            parse_scale(bad)
        except ValueError:
            continue
        raise AssertionError(bad)


def test_a_failure_on_the_last_file_leaves_no_file_written(tiny: Path, tmp_path: Path, disk_full_on) -> None:
    """Importing writes competencies.yaml and two role files; the last one fails (a full disk,
    a read-only folder): neither the map nor the other role is written."""
    before = tree_digest(tiny)
    sheet = write_csv(tmp_path / "matrix.csv", [
        ["Skill", "Data Scientist I", "data-scientist-2"], ["family", "science", "science"],
        ["SQL", "Working knowledge", "Expert"], ["Machine learning", "Awareness", "Practitioner"],
    ])
    disk_full_on("data-scientist-i.yaml")
    result = import_roles(tiny, sheet, "--levels", FT_LEVELS)
    assert result.exit_code == 2, result.output
    assert "cannot write" in result.stderr and "data-scientist-i.yaml: No space left on device; nothing written" in result.stderr
    assert tree_digest(tiny) == before
    assert not list(tiny.rglob("*.tmp"))
