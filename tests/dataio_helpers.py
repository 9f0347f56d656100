"""Helpers shared by the export/import tests: run the CLI, make small repos and sheets."""

from __future__ import annotations

import csv
import hashlib
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

import skillcycle.cli  # noqa: F401  (registers the commands)
from skillcycle.cli.common import app
from skillcycle.core.repo import Repo
from skillcycle.validation.validate import validate_path

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(a) for a in args], env={"GITHUB_ACTIONS": ""})


def load_repo(root: Path, as_of: date = date(2026, 9, 30)) -> Repo:
    validation = validate_path(root, as_of, as_of)
    assert validation.ok, [p for p in validation.problems]
    return validation.repo


def empty_repo(root: Path, skills: str = "skills: []\n") -> Path:
    """A fresh skills repo: settings and a competency map, nothing else."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "skillcycle.yaml").write_text("organization: Test Org\n", encoding="utf-8")
    (root / "competencies.yaml").write_text(skills, encoding="utf-8")
    return root


def add_person(root: Path, pid: str, name: str, role: str, manager: str | None = None, email: str | None = None) -> None:
    lines = [f"name: {name}", f"role: {role}"]
    lines += [f"manager: {manager}"] if manager else []
    lines += [f"email: {email}"] if email else []
    (root / "people").mkdir(exist_ok=True)
    (root / "people" / f"{pid}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_csv(path: Path, rows: list[list[object]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def tree_digest(root: Path) -> str:
    """A hash of every file's path and bytes below root: equal digests, untouched tree.

    The parse cache (.skillcycle/, git-ignored) is not repo content and is left out.
    """
    digest = hashlib.sha256()
    files = (p for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] != ".skillcycle")
    for path in sorted(files):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
