"""JSON Schema export: committed schemas are current, and they agree with `validate`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillcycle.cli import app
from skillcycle.core.jsonschema_export import KINDS, all_schemas, file_name, modeline, schema_for, stale
from skillcycle.core.levels import parse_level
from skillcycle.core.walk import kind_of
from skillcycle.core.schema import DAY_JSON_SCHEMA, ID_JSON_SCHEMA, LEVEL_JSON_SCHEMA, SLUG
from skillcycle.validation.validate import validate_path

PROJECT = Path(__file__).resolve().parents[1]
FIXTURES = PROJECT / "tests" / "fixtures"
EXAMPLE = PROJECT / "examples" / "acme"
jsonschema = pytest.importorskip("jsonschema")

SCHEMAS = PROJECT / "schemas"
runner = CliRunner()


def test_committed_schemas_are_current():
    assert stale(SCHEMAS) == [], "schemas/ is stale: run `skillcycle schema --out schemas` and commit it"
    assert sorted(p.name for p in SCHEMAS.glob("*.schema.json")) == sorted(all_schemas())


@pytest.mark.parametrize("kind", list(KINDS))
def test_schema_is_valid_2020_12_and_closed(kind):
    schema = schema_for(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["additionalProperties"] is False
    assert schema["description"]

    def walk(node, path):
        if isinstance(node, dict):
            if node.get("type") == "object" and "properties" in node:
                assert node.get("additionalProperties") is False, f"{kind}: {path} accepts unknown keys"
                for key, prop in node["properties"].items():
                    assert prop.get("description"), f"{kind}: {path}.{key} has no description for hover help"
            if "patternProperties" in node:
                assert node["additionalProperties"] is False, f"{kind}: {path} accepts non-slug keys"
            for key, value in node.items():
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]")

    walk(schema, "$")


def _accepts(schema: dict, value) -> bool:
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return validator.is_valid(value)


# Patterns are ECMA-262 (as JSON Schema specifies); Python's `$` also matches
# before a final newline, so no sample ends in one.
LEVEL_SAMPLES = [
    "none", "None", "NONE", "nOnE", "foundational", "Foundational", "FOUNDATIONAL", "fOuNdAtIoNaL",
    "proficient", "Proficient", "expert", "EXPERT", "eXPert", 0, 1, 2, 3, "0", "1", "3", -1, 4, "4", "",
    " expert", "expert ", "master", "pro", True, False, None, 2.5, [], {}, "Expert\t",
]


@pytest.mark.parametrize("value", LEVEL_SAMPLES, ids=repr)
def test_level_schema_agrees_with_parse_level(value):
    try:
        parse_level(value)
        expected = True
    except ValueError:
        expected = False
    assert _accepts(LEVEL_JSON_SCHEMA, value) is expected


@pytest.mark.parametrize(
    "value", ["ada", "a", "0", "data-analyst-2", "a.b_c-d", "Ada", "-ada", ".x", "_x", "a b", "", "ada!", "é", 7],
    ids=repr,
)
def test_id_schema_agrees_with_slug_rule(value):
    assert _accepts(ID_JSON_SCHEMA, value) is (isinstance(value, str) and bool(SLUG.match(value)))


@pytest.mark.parametrize(
    "value", ["2026-07-01", "2024-02-29", "2026-02-29", "2026-13-01", "2026-7-1", "26-07-01", "2026-07-01T00:00", 20260701],
    ids=repr,
)
def test_date_schema_agrees_with_models(value):
    ok = isinstance(value, str) and len(value) == 10
    if ok:
        try:
            date.fromisoformat(value)
        except ValueError:
            ok = False
    assert _accepts(DAY_JSON_SCHEMA, value) is ok


def test_modeline_is_relative_to_the_file():
    assert modeline("skillcycle", "skillcycle.yaml") == "# yaml-language-server: $schema=schemas/skillcycle.schema.json"
    assert modeline("people", "people/ada.yaml") == "# yaml-language-server: $schema=../schemas/people.schema.json"
    assert modeline("people", "people/eng/ada.yaml").endswith("$schema=../../schemas/people.schema.json")


# --- the CLI -----------------------------------------------------------------

def test_schema_command_writes_and_checks(tmp_path):
    out = tmp_path / "schemas"
    result = runner.invoke(app, ["schema", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(all_schemas())
    assert runner.invoke(app, ["schema", "--out", str(out), "--check"]).exit_code == 0
    (out / "roles.schema.json").write_text("{}\n")
    (out / "people.schema.json").unlink()
    result = runner.invoke(app, ["schema", "--out", str(out), "--check"])
    assert result.exit_code == 1
    assert "roles.schema.json" in result.output and "people.schema.json" in result.output


def test_schema_command_prints_one_kind_or_all():
    result = runner.invoke(app, ["schema", "roles"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == schema_for("roles")
    result = runner.invoke(app, ["schema"])
    assert sorted(json.loads(result.stdout)) == sorted(file_name(k) for k in KINDS)


def test_schema_command_usage_errors(tmp_path):
    result = runner.invoke(app, ["schema", "rolez"])
    assert result.exit_code == 2 and "unknown file kind 'rolez'" in result.output
    assert runner.invoke(app, ["schema", "--check"]).exit_code == 2


# --- an independent validator: check-jsonschema --------------------------------

def _skills_files(repo: Path) -> dict[str, list[str]]:
    """kind -> repo-relative skills files, as the loader would read them."""
    by_kind: dict[str, list[str]] = {}
    for path in sorted(repo.rglob("*")):
        rel = path.relative_to(repo).as_posix()
        if path.is_file() and not any(part.startswith(".") for part in rel.split("/")) and kind_of(rel):
            by_kind.setdefault(kind_of(rel), []).append(rel)
    return by_kind


def _rejected_by_check_jsonschema(repo: Path) -> set[str]:
    rejected: set[str] = set()
    for kind, files in _skills_files(repo).items():
        proc = subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "-o", "json", "--schemafile", str(SCHEMAS / file_name(kind)), *files],
            cwd=repo, capture_output=True, text=True, timeout=300,
        )
        report = json.loads(proc.stdout)
        assert proc.returncode in (0, 1), proc.stderr
        names = {e["filename"] for e in report.get("errors", [])} | {e["filename"] for e in report.get("parse_errors", [])}
        assert (proc.returncode == 1) == bool(names), proc.stdout
        rejected |= names
    return rejected


def _rejected_by_validate(repo: Path) -> set[str]:
    """Files `validate` flags with a single-file finding (syntax or schema: Y*, S*)."""
    validation = validate_path(repo, date(2026, 7, 20), date(2026, 7, 20))
    return {p.file for p in validation.problems if p.code[0] in "YS" and p.severity.value == "error"}


@pytest.fixture(scope="module")
def check_jsonschema_available():
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is not installed (pip install -e '.[dev]')")


def test_check_jsonschema_accepts_every_example_file(check_jsonschema_available):
    repo = EXAMPLE if (EXAMPLE / "skillcycle.yaml").is_file() else FIXTURES / "tiny"
    assert _skills_files(repo)
    assert _rejected_by_check_jsonschema(repo) == set()


@pytest.mark.parametrize(
    "fixture, broken",
    [
        ("broken-types", {"roles/analyst.yaml", "goals/ada-2026q3.yaml", "assessments/2026q2.yaml", "people/lin.yaml"}),
        (
            "broken-values",
            {"skillcycle.yaml", "competencies.yaml", "learning.yaml", "openings/req-1.yaml", "reviews/2026q2.yaml",
             "checkins/ada-2026-07-14.yaml", "completions/lms.yaml"},
        ),
    ],
)
def test_check_jsonschema_and_validate_reject_the_same_files(check_jsonschema_available, fixture, broken):
    repo = FIXTURES / fixture
    assert _rejected_by_validate(repo) == broken
    assert _rejected_by_check_jsonschema(repo) == broken


def test_every_file_kind_is_described_once_and_whole() -> None:
    """kinds.KINDS is the one description of each file kind; the models, the Repo's lists and
    tables and the schema command all agree with it."""
    import dataclasses

    from skillcycle.cli import schema as schema_command
    from skillcycle.core import kinds, repo, schema

    for kind in kinds.KINDS:
        model = (schema.FOLDERS if kind.in_folder else schema.TOP_FILES)[kind.name]
        assert model.__name__ == kind.model and issubclass(model, schema.Model)
        assert kind.table is None or kind.table in repo.TABLES
        assert not kind.grows or kind.repo_list  # what a full read lets go can be read again
    fields = {f.name for f in dataclasses.fields(repo.Repo)}
    assert set(kinds.REPO_LISTS) <= fields and set(kinds.PER_FILE) <= fields
    assert tuple(schema.TOP_FILES) + tuple(schema.FOLDERS) == tuple(k.name for k in kinds.KINDS) == schema_command.KINDS == tuple(KINDS)
