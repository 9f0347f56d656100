"""`skillcycle init`: a small valid repo with git tooling, deterministic from its anchor date."""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from skillcycle.cli import app
from skillcycle.core.jsonschema_export import all_schemas
from skillcycle.core.walk import kind_of
from skillcycle.reports.scaffold import HOOK_FILES, plan
from skillcycle.validation.validate import validate_path

PROJECT = Path(__file__).resolve().parents[1]
PACKAGE = PROJECT / "src" / "skillcycle"
runner = CliRunner()
MODELINE = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")


def init(*args: str):
    return runner.invoke(app, ["init", *args], env={"GITHUB_ACTIONS": ""})


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("anchor", ["2026-11-23", "2026-07-01", "2026-03-31", "2027-01-01", "2024-02-29"])
def test_scaffold_is_valid_with_zero_findings_at_its_anchor(tmp_path, anchor):
    result = init(str(tmp_path / "repo"), "--as-of", anchor)
    assert result.exit_code == 0, result.output
    day = date.fromisoformat(anchor)
    validation = validate_path(tmp_path / "repo", day, day)
    assert validation.problems == []
    repo = validation.repo
    assert (len(repo.skills), len(repo.roles), len(repo.people)) == (10, 2, 3)
    assert (len(repo.assessments), len(repo.goal_files), len(repo.checkins)) == (1, 1, 1)
    assert repo.assessments[0][1].source == "calibration"


def test_default_anchor_is_today_and_validate_passes_without_warnings(tmp_path):
    assert init(str(tmp_path / "repo")).exit_code == 0
    result = runner.invoke(app, ["validate", "--repo", str(tmp_path / "repo")], env={"GITHUB_ACTIONS": ""})
    assert result.exit_code == 0
    assert "(0 errors, 0 warnings)" in result.stdout


def test_same_anchor_same_bytes(tmp_path):
    for name in ("a", "b"):
        assert init(str(tmp_path / name), "--as-of", "2026-08-15", "--organization", "Acme", "--install", "skillcycle==0.1.0").exit_code == 0
    assert tree(tmp_path / "a") == tree(tmp_path / "b")
    assert tree(tmp_path / "a") == {rel: text.encode() for rel, text in plan(date(2026, 8, 15), "Acme", "skillcycle==0.1.0").items()}


def test_files_and_dates_follow_the_anchor(tmp_path):
    files = plan(date(2026, 8, 15), "Acme", "skillcycle==0.1.0")
    assert {"goals/ada-2026q3.yaml", "assessments/2026q2-calibration.yaml", "checkins/ada-2026-07-01.yaml"} <= set(files)
    assert "date: 2026-06-30" in files["assessments/2026q2-calibration.yaml"]
    assert "apply_due: 2026-07-15" in files["checkins/ada-2026-07-01.yaml"]
    assert "effective: 2027-01-01" in files["roles/software-engineer.yaml"]


def test_git_tooling_files(tmp_path):
    files = plan(date(2026, 8, 15), "Acme", "skillcycle==0.1.0")
    assert ".skillcycle/" in files[".gitignore"].splitlines()
    workflow = yaml.safe_load(files[".github/workflows/skillcycle.yml"])
    runs = [step.get("run", "") for step in workflow["jobs"]["skills"]["steps"]]
    assert "skillcycle validate" in runs[runs.index("skillcycle validate")]
    assert any(r.startswith("skillcycle metrics --format markdown") and '"$GITHUB_STEP_SUMMARY"' in r for r in runs)
    assert 'pip install "skillcycle==0.1.0"' in runs
    hook = yaml.safe_load(files[".pre-commit-config.yaml"])["repos"][0]["hooks"][0]
    assert hook["entry"] == "skillcycle validate" and hook["pass_filenames"] is False
    assert hook["files"] == HOOK_FILES


def test_every_skills_file_has_a_modeline_to_its_schema(tmp_path):
    pytest.importorskip("jsonschema")
    import jsonschema

    assert init(str(tmp_path), "--as-of", "2026-08-15").exit_code == 0
    schemas = {f"schemas/{name}": text for name, text in all_schemas().items()}
    assert {rel: (tmp_path / rel).read_text() for rel in schemas} == schemas
    yaml_files = [p for p in tmp_path.rglob("*.y*ml") if not p.relative_to(tmp_path).as_posix().startswith(".")]
    assert len(yaml_files) == 11
    for path in yaml_files:
        rel = path.relative_to(tmp_path).as_posix()
        text = path.read_text()
        match = MODELINE.match(text)
        assert match, f"{rel} does not start with a yaml-language-server modeline"
        schema_path = (path.parent / match.group(1)).resolve()
        assert schema_path == (tmp_path / "schemas" / f"{kind_of(rel)}.schema.json").resolve()
        schema = json.loads(schema_path.read_text())
        jsonschema.Draft202012Validator(schema).validate(_yaml12(text))


def _yaml12(text: str):
    """Plain values as skillcycle reads them (dates stay text)."""
    from skillcycle.core import yamlstrict

    doc = yamlstrict.parse(text.encode())
    assert not doc.findings
    return doc.value


def test_refuses_a_non_empty_folder_and_names_what_is_there(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "people").mkdir()
    result = init(str(tmp_path))
    assert result.exit_code == 2
    assert "is not empty (notes.txt, people/)" in result.output and "--force" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "people"]


def test_a_git_folder_alone_is_empty_enough(tmp_path):
    (tmp_path / ".git").mkdir()
    assert init(str(tmp_path), "--as-of", "2026-08-15").exit_code == 0
    assert (tmp_path / "skillcycle.yaml").is_file()


def test_force_writes_beside_and_over_existing_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "skillcycle.yaml").write_text("organization: Old\n")
    result = init(str(tmp_path), "--force", "--as-of", "2026-08-15", "--organization", "New Co")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert 'organization: "New Co"' in (tmp_path / "skillcycle.yaml").read_text()


def test_a_file_is_not_a_folder(tmp_path):
    (tmp_path / "x").write_text("")
    result = init(str(tmp_path / "x"))
    assert result.exit_code == 2 and "not a folder" in result.output


@pytest.mark.parametrize("name", ['Acme "Labs": R&D, #1', "Zoë's Café\\Bar", "- yes"])
def test_any_organization_name_stays_valid_yaml(tmp_path, name):
    assert init(str(tmp_path), "--as-of", "2026-08-15", "--organization", name).exit_code == 0
    validation = validate_path(tmp_path, date(2026, 8, 15), date(2026, 8, 15))
    assert validation.problems == [] and validation.repo.settings.organization == name


def test_default_organization_is_the_folder_name(tmp_path):
    assert init(str(tmp_path / "globex"), "--as-of", "2026-08-15").exit_code == 0
    assert 'organization: "globex"' in (tmp_path / "globex" / "skillcycle.yaml").read_text()


def test_templates_are_package_data():
    patterns = tomllib.loads((PROJECT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["skillcycle"]
    packaged = {Path(p) for pattern in patterns for p in glob.glob(str(PACKAGE / pattern)) if Path(p).is_file()}
    templates = {p for p in (PACKAGE / "templates" / "init").rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert templates and templates <= packaged


def test_scaffolded_workflow_matches_githubs_schema(tmp_path):
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is not installed (pip install -e '.[dev]')")
    assert init(str(tmp_path), "--as-of", "2026-08-15").exit_code == 0
    proc = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows", ".github/workflows/skillcycle.yml"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_scaffolded_pre_commit_config_is_valid(tmp_path):
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install -e '.[dev]')")
    assert init(str(tmp_path), "--as-of", "2026-08-15").exit_code == 0
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", ".pre-commit-config.yaml"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _install_step(files: dict[str, str]) -> str:
    workflow = yaml.safe_load(files[".github/workflows/skillcycle.yml"])
    return next(step["run"] for step in workflow["jobs"]["skills"]["steps"] if step.get("name") == "Install skillcycle")


@pytest.mark.parametrize("direct_url, expected", [
    (None, "skillcycle==0.1.0"),  # from a package index
    ('{"url": "https://github.com/acme/skillcycle", "vcs_info": {"vcs": "git", "commit_id": "0123abc"}}',
     "git+https://github.com/acme/skillcycle@0123abc"),
    ('{"url": "https://example.org/skillcycle-0.1.0.tar.gz", "archive_info": {}}', "https://example.org/skillcycle-0.1.0.tar.gz"),
    ('{"url": "file:///work/skillcycle", "dir_info": {"editable": true}}', None),  # a checkout on this machine
    ('{"url": "https://example.org/a b.tar.gz"}', None),  # not safe to put in the step
    ("not json", None),
])
def test_the_install_source_is_where_this_skillcycle_came_from(direct_url, expected) -> None:
    from skillcycle.reports.scaffold import install_source

    assert install_source(direct_url, "0.1.0") == expected


def test_the_workflows_install_step_runs(tmp_path) -> None:
    """Without a source the step fails, saying what to fill in; with --install it installs that."""
    import subprocess

    unknown = _install_step(plan(date(2026, 8, 15), "Acme", None))
    done = subprocess.run(["bash", "-e", "-c", unknown], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "say where to install skillcycle from" in done.stderr
    project = Path(__file__).resolve().parent.parent
    assert init(str(tmp_path / "repo"), "--as-of", "2026-08-15", "--install", str(project)).exit_code == 0
    step = _install_step({".github/workflows/skillcycle.yml": (tmp_path / "repo" / ".github/workflows/skillcycle.yml").read_text()})
    assert step == f'pip install "{project}"'
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    # the step as CI runs it, with this venv's pip; dependencies left out (the suite has them)
    done = subprocess.run(["bash", "-e", "-c", step], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}", "PIP_NO_DEPS": "1"})
    assert done.returncode == 0, done.stderr[-2000:]
    listed = subprocess.run([str(venv / "bin" / "pip"), "list"], capture_output=True, text=True, timeout=120).stdout
    assert "skillcycle" in listed


def test_init_refuses_an_install_source_it_cannot_quote(tmp_path) -> None:
    result = init(str(tmp_path / "repo"), "--install", 'x"; rm -rf ~')
    assert result.exit_code == 2 and "--install" in result.stderr and not (tmp_path / "repo").exists()
