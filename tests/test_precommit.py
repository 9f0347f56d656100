"""The published pre-commit hook, run for real by the pre-commit framework.

`pre-commit try-repo <this checkout> skillcycle-validate` installs this project
(its working tree: committed files plus tracked changes) into a fresh virtualenv
and runs the hook in a repo made by `skillcycle init`. It needs pre-commit
(dev extra) and a package index or pip cache for the dependencies; it takes
30 s to 2 min, mostly the install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from skillcycle.reports.scaffold import HOOK_FILES

PROJECT = Path(__file__).resolve().parents[1]
HOOKS = PROJECT / ".pre-commit-hooks.yaml"


def test_manifest_declares_the_validate_hook():
    (hook,) = yaml.safe_load(HOOKS.read_text())
    assert hook["id"] == "skillcycle-validate"
    assert hook["entry"] == "skillcycle validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["files"] == HOOK_FILES  # the same pattern init writes into .pre-commit-config.yaml


@pytest.mark.parametrize(
    "path, matches",
    [
        ("skillcycle.yaml", True), ("competencies.yml", True), ("people/ada.yaml", True),
        ("people/eng/ada.yaml", True), ("hr/skills/goals/ada-2026q3.yaml", True), ("hr/skills/learning.yaml", True),
        ("README.md", False), ("people/ada.txt", False), (".github/workflows/skillcycle.yml", False),
        ("schemas/people.schema.json", False), ("peoples/ada.yaml", False), ("roles.yaml", False),
        ("people/.draft/zed.yaml", False), (".hidden/skillcycle.yaml", False), ("hr/.old/people/ada.yaml", False),
    ],
)
def test_hook_files_pattern(path, matches):
    import re

    assert bool(re.search(HOOK_FILES, path)) is matches


def _git(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)


def _hook_file_is_tracked() -> bool:
    return shutil.which("git") is not None and _git("ls-files", "--error-unmatch", HOOKS.name, cwd=PROJECT).returncode == 0


@pytest.fixture
def precommit():
    pytest.importorskip("pre_commit", reason="pre-commit is not installed: pip install -e '.[dev]'")
    if not _hook_file_is_tracked():
        pytest.skip("try-repo needs this checkout to be a git repository with .pre-commit-hooks.yaml tracked")


def _try_repo(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(PROJECT), "skillcycle-validate", "--all-files", "--color", "never"],
        cwd=repo, capture_output=True, text=True, timeout=900,
        env={**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home")},
    )


def test_try_repo_fails_on_a_broken_file_and_passes_once_fixed(tmp_path, precommit):
    repo = tmp_path / "skills"
    init = subprocess.run([sys.executable, "-m", "skillcycle.cli", "init", str(repo)], capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    assert _git("init", "-q", cwd=repo).returncode == 0
    person = repo / "people" / "lin.yaml"
    good = person.read_text()
    person.write_text(good.replace("manager: grace", "manger: grace"))
    _git("add", "-A", cwd=repo)
    assert _git("commit", "-q", "-m", "scaffold with a typo", cwd=repo).returncode == 0

    broken = _try_repo(repo)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "skillcycle validate" in broken.stdout and "Failed" in broken.stdout
    assert "people/lin.yaml:" in broken.stdout and "[S001] unknown key 'manger'" in broken.stdout

    person.write_text(good)
    _git("add", "-A", cwd=repo)
    fixed = _try_repo(repo)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "Passed" in fixed.stdout
