"""The one type every validation finding has, and the registry of stable codes.

A code never changes meaning once released; docs/validation.md is generated
from CODES (see tests/test_docs.py), so the two never drift apart.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Code:
    code: str
    name: str
    severity: Severity
    summary: str


_E, _W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = {
    c.code: c
    for c in [
        # Y: the file cannot be read as one strict YAML document.
        Code("Y001", "yaml-syntax", _E, "The file is not valid YAML."),
        Code("Y002", "tab-indent", _E, "A tab is used for indentation; YAML indents with spaces."),
        Code("Y003", "duplicate-key", _E, "A key appears twice in the same mapping; the second would silently win."),
        Code("Y004", "anchor-alias", _E, "Anchors (&a) and aliases (*a) hide what a value is; write values out."),
        Code("Y005", "multiple-documents", _E, "The file holds more than one YAML document."),
        Code("Y006", "encoding", _E, "The file is not UTF-8 text (binary, UTF-16, invalid bytes)."),
        Code("Y007", "empty-file", _E, "The file is empty or holds only comments/null."),
        Code("Y008", "yaml-tag", _E, "Explicit YAML tags (!!str, !custom) are not allowed."),
        Code("Y009", "file-unreadable", _E, "The file cannot be read: permissions, size over the limit, or a symlink leaving the repo."),
        Code("Y010", "too-deep", _E, "Nesting deeper than any skills file needs."),
        # S: the document does not have the shape of its file kind.
        Code("S001", "unknown-key", _E, "A key that this kind of file does not have (often a typo)."),
        Code("S002", "missing-key", _E, "A required key is absent."),
        Code("S003", "wrong-type", _E, "A value has the wrong type (a list where a mapping belongs, text where a number belongs, ...)."),
        Code("S004", "bad-level", _E, "A proficiency level outside none/foundational/proficient/expert."),
        Code("S005", "bad-date", _E, "A date that is not YYYY-MM-DD or does not exist."),
        Code("S006", "bad-id", _E, "An id that is not a lowercase slug ^[a-z0-9][a-z0-9._-]*$."),
        Code("S007", "bad-value", _E, "A value outside its allowed set or range (urgency, source, quarter label, weight, ...)."),
        # R: an id points at nothing, or is defined twice.
        Code("R001", "unknown-skill", _E, "A skill id that competencies.yaml does not define."),
        Code("R002", "unknown-role", _E, "A role id with no roles/<id>.yaml."),
        Code("R003", "unknown-person", _E, "A person id with no people/<id>.yaml."),
        Code("R004", "unknown-goal", _E, "A goal id that no goals file defines."),
        Code("R005", "unknown-resource", _E, "A resource id that learning.yaml does not define."),
        Code("R006", "duplicate-id", _E, "The same id is defined twice within its kind."),
        # C: each file is fine alone, but together they disagree.
        Code("C001", "manager-cycle", _E, "Managers form a loop: someone is (indirectly) their own manager."),
        Code("C002", "id-stem-mismatch", _E, "An explicit id differs from the file name."),
        Code("C003", "goal-weights-over-100", _E, "A person's goal weights in one cycle add up to more than 100."),
        Code("C004", "target-not-above-baseline", _E, "A learning goal's target is not above its baseline."),
        Code("C005", "apply-due-late", _W, "An application assignment is due more than 14 days after its check-in."),
        Code("C006", "learning-weight-range", _W, "Learning goals carry a share of the cycle's goal weight outside the person's track range."),
        Code("C007", "gap-without-goal", _W, "A person has skill gaps but no learning goal in the current cycle."),
        Code("C008", "goal-without-resources", _W, "A learning goal has no learning resources attached."),
        Code("C009", "future-rating", _W, "A rating is dated after today; computations ignore it until then."),
        Code("C010", "date-order", _E, "Dates in one record are out of order (left before started, due before start, filled before opened, ...)."),
        Code("C011", "goal-file-twice", _E, "Two goal files for the same person and cycle."),
        Code("C012", "checkin-goal-of-other", _E, "A check-in note refers to another person's goal."),
        Code("C013", "one-on-one-not-with-manager", _W, "A person's latest one-on-one was held by someone other than their manager."),
    ]
}


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One validation finding. `file` is repo-relative with `/` separators; line and col are 1-based."""

    file: str
    line: int
    col: int
    code: str
    message: str

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    @property
    def name(self) -> str:
        return CODES[self.code].name


def sort_problems(problems: list[Problem]) -> list[Problem]:
    """Stable, deterministic order: by file, then position, then code and message."""
    return sorted(set(problems))


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)


def codes_markdown() -> str:
    """The code table of docs/validation.md (a test keeps the doc equal to this)."""
    lines = ["| code | name | severity | meaning |", "|---|---|---|---|"]
    lines += [f"| {c.code} | {c.name} | {c.severity.value} | {c.summary} |" for c in CODES.values()]
    return "\n".join(lines)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' — did you mean X?' for the choice closest to `word`, or '' when none is close."""
    match = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" — did you mean {match[0]!r}?" if match else ""
