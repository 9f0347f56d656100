"""JSON Schemas of every file kind, generated from the pydantic models of schema.py.

Editors (VS Code's YAML extension, JetBrains) read them through a
`# yaml-language-server: $schema=...` modeline and offer completion, hover help
and squiggles; independent validators (check-jsonschema) can use them in CI.

The schemas say what one file alone must look like — keys, types, levels,
dates, id slugs, allowed values, ranges. What needs other files (references,
duplicate ids, manager cycles, goal weights per cycle) or several keys at once
(learning-goal-only keys, `filled` with `hired`, rating within the review
scale) is checked only by `skillcycle validate`; see docs/git-workflow.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .safetext import json_text
from .schema import FOLDERS, TOP_FILES, Model

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SUFFIX = ".schema.json"

KINDS: dict[str, type[Model]] = {**TOP_FILES, **FOLDERS}


def file_name(kind: str) -> str:
    """`roles` -> `roles.schema.json`."""
    return kind + SUFFIX


def where(kind: str) -> str:
    """The files a kind's schema is for, as SPEC §3 names them."""
    return f"{kind}.yaml" if kind in TOP_FILES else f"{kind}/**.yaml"


def schema_for(kind: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one file kind."""
    model = KINDS[kind]
    body = model.model_json_schema(mode="validation")
    _close_pattern_mappings(body)
    schema: dict[str, Any] = {"$schema": DRAFT, "title": f"skillcycle {where(kind)}"}
    schema.update((key, value) for key, value in body.items() if key != "title")
    return schema


def _close_pattern_mappings(node: Any) -> None:
    """Mappings keyed by ids (`requires: {sql: proficient}`) accept only slug keys, as the models do."""
    if isinstance(node, dict):
        if "patternProperties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close_pattern_mappings(value)
    elif isinstance(node, list):
        for value in node:
            _close_pattern_mappings(value)


def render(schema: dict[str, Any]) -> str:
    """Stable text: the committed schemas/ folder is compared byte for byte."""
    return json_text(schema, indent=2) + "\n"


def all_schemas() -> dict[str, str]:
    """File name -> rendered schema, for every kind."""
    return {file_name(kind): render(schema_for(kind)) for kind in KINDS}


def stale(folder: Path) -> list[str]:
    """Schema files in `folder` that are missing or differ from the models (empty: up to date)."""
    out = []
    for name, text in all_schemas().items():
        path = folder / name
        try:
            current = path.read_text(encoding="utf-8")
        except OSError:
            current = None
        if current != text:
            out.append(name)
    return out


def modeline(kind: str, rel_file: str, schemas_dir: str = "schemas") -> str:
    """The yaml-language-server modeline for the repo file `rel_file` of `kind`, relative to it."""
    depth = rel_file.count("/")
    prefix = "../" * depth
    return f"# yaml-language-server: $schema={prefix}{schemas_dir}/{file_name(kind)}"
