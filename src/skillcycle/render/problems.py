"""Formatters for validation findings: pure functions of a list of Problems."""

from __future__ import annotations

from itertools import groupby

from ..core.problems import Problem, Severity
from ..core.safetext import json_text


def summary_counts(problems: list[Problem]) -> tuple[int, int]:
    errors = sum(p.severity is Severity.ERROR for p in problems)
    return errors, len(problems) - errors


def format_text(problems: list[Problem]) -> str:
    """Grouped by file, one `path:line:col: severity [code] message` line per finding."""
    blocks = []
    for _, group in groupby(problems, key=lambda p: p.file):
        blocks.append("\n".join(f"{p.file}:{p.line}:{p.col}: {p.severity.value} [{p.code}] {p.message}" for p in group))
    return "\n\n".join(blocks)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: list[Problem], prefix: str = "") -> str:
    """GitHub Actions workflow commands (::error file=...,line=...::message), escaped per the runner's rules."""
    lines = []
    for p in problems:
        props = ",".join([
            f"file={_escape_property(prefix + p.file)}", f"line={p.line}", f"col={p.col}",
            f"title={_escape_property(f'{p.code} {p.name}')}",
        ])
        lines.append(f"::{p.severity.value} {props}::{_escape_data(p.message)}")
    return "\n".join(lines)


def format_json(problems: list[Problem], summary: dict | None = None) -> str:
    payload = {
        "valid": not any(p.severity is Severity.ERROR for p in problems),
        "errors": summary_counts(problems)[0],
        "warnings": summary_counts(problems)[1],
        "problems": [
            {"file": p.file, "line": p.line, "col": p.col, "severity": p.severity.value, "code": p.code,
             "name": p.name, "message": p.message}
            for p in problems
        ],
    }
    if summary is not None:
        payload["summary"] = summary
    return json_text(payload, indent=2)
