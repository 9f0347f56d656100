"""The house's floors hold: `lint-imports` keeps the contracts in pyproject.toml (no import
circles; imports go down the floors only). A broken contract names the import that climbs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).parent.parent
# This checkout's code, whatever else the environment has installed.
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PROJECT / "src"), os.environ.get("PYTHONPATH", "")])}


LINT = Path(sys.executable).with_name("lint-imports")  # installed beside this Python by the dev extra


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (pip install -e '.[dev]')")
def test_imports_keep_the_floors() -> None:
    done = subprocess.run([str(LINT), "--no-cache"], cwd=PROJECT, capture_output=True, text=True, timeout=300, env=ENV)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "0 broken" in done.stdout


def test_the_domain_validation_and_reports_import_no_cache() -> None:
    """Every module of core/, validation/ and reports/ imported: none of the fast layer comes
    with them (the domain is blind to caching; only the api and the CLI bring it in)."""
    code = (
        "import importlib, pkgutil, sys\n"
        "for floor in ('core', 'validation', 'reports'):\n"
        "    package = importlib.import_module('skillcycle.' + floor)\n"
        "    for info in pkgutil.iter_modules(package.__path__):\n"
        "        importlib.import_module(f'skillcycle.{floor}.{info.name}')\n"
        "print(sorted(m for m in sys.modules if m.startswith('skillcycle.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=ENV)
    assert done.returncode == 0, done.stderr
    loaded = eval(done.stdout)  # a list of module names
    assert "skillcycle.core.loader" in loaded and "skillcycle.reports.metrics" in loaded
    assert [m for m in loaded if m.startswith(("skillcycle.fast", "skillcycle.api", "skillcycle.cli", "skillcycle.render"))] == []


def _private_uses(path: Path) -> list[str]:
    """`from .x import _name`, and `x._name` where x is a skillcycle module this file imported."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()  # local names bound to skillcycle modules
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("skillcycle")):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.name}:{node.lineno} imports {alias.name} from {node.module or '.'}")
                elif node.module is None or alias.name[0].islower():
                    modules.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            found.append(f"{path.name}:{node.lineno} reads {node.value.id}.{node.attr}")
    return found


def test_no_module_reads_another_modules_private_names() -> None:
    found = [use for path in sorted((PROJECT / "src" / "skillcycle").rglob("*.py")) for use in _private_uses(path)]
    assert found == []
