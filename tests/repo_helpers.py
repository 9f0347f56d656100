"""Copies of the example repos for a test, and the README's example outputs kept true."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).parents[1]


def readme_table_lines(command: str) -> list[str]:
    """The Markdown table rows (and header) the README shows for `command`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.startswith("| ")]


def acme_copy(tmp_path: Path) -> Path:
    """examples/acme copied, without a snapshot of the working tree's."""
    acme = tmp_path / "acme"
    shutil.copytree(ROOT / "examples" / "acme", acme, ignore=shutil.ignore_patterns(".skillcycle"))
    return acme


def squad_copy(tmp_path: Path) -> Path:
    """tests/fixtures/squad copied (the team, mobility and calibration fixture)."""
    copy = tmp_path / "squad"
    shutil.copytree(ROOT / "tests" / "fixtures" / "squad", copy)
    return copy
