"""validate on every hostile repo: the exact outcome, never a traceback, nothing written."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .corpus import CASES, Case, build

ENV = {**os.environ, "GITHUB_ACTIONS": "", "COLUMNS": "200"}


def snapshot(repo: Path) -> dict[str, str]:
    """Hash of every regular file (symlinks by target) so a run can be shown to change nothing.

    The cache folder .skillcycle/ is the one place a read command may write.
    """
    found = {}
    for path in sorted(repo.rglob("*")):
        rel = path.relative_to(repo).as_posix()
        if rel.startswith(".skillcycle"):
            continue
        if path.is_symlink():
            found[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def run_validate(repo: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skillcycle.cli", "validate", "--repo", str(repo), "--as-of", "2026-08-01", "--format", "text"],
        capture_output=True, text=True, env=ENV, timeout=120,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_outcome(case: Case, tmp_path: Path) -> None:
    repo = build(case, tmp_path)
    before = snapshot(repo)
    proc = run_validate(repo)
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode == case.exit_code, proc.stdout + proc.stderr
    found = []
    for line in proc.stdout.splitlines():
        if ": error [" in line or ": warning [" in line:
            location, rest = line.split(": ", 1)
            file, lineno, _col = location.rsplit(":", 2)
            found.append((file, rest.split("[", 1)[1].split("]", 1)[0], int(lineno)))
    errors = [f for f in found if f[1] != "C007"]  # lin's standing warning in the fixture
    assert errors == case.findings
    assert snapshot(repo) == before


def test_markup_and_escapes_print_literally(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "rich-markup-and-ansi")
    proc = run_validate(build(case, tmp_path))
    assert "\x1b" not in proc.stdout
    assert "'[link=x]\\x1b[2J'" in proc.stdout  # the value, escaped, with its brackets intact
