"""Optional dependencies (pyproject extras): import them, or say in one line which extra to install."""

from __future__ import annotations

import importlib
from types import ModuleType

# module -> the pyproject extra that installs it
EXTRAS = {"pyarrow": "parquet", "openpyxl": "xlsx"}


class MissingExtra(Exception):
    """An optional dependency is not installed (a usage error: exit 2)."""


def need(module: str, purpose: str) -> ModuleType:
    """Import `module` or raise MissingExtra naming the extra, e.g. pip install 'skillcycle[xlsx]'."""
    try:
        return importlib.import_module(module)
    except ImportError:
        extra = EXTRAS[module.split(".")[0]]
        raise MissingExtra(
            f"{purpose} needs {module.split('.')[0]}, which is not installed: pip install 'skillcycle[{extra}]'"
        ) from None
