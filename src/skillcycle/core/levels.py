"""The proficiency scale of SPEC §2."""

from __future__ import annotations

from enum import IntEnum


class Level(IntEnum):
    NONE = 0
    FOUNDATIONAL = 1
    PROFICIENT = 2
    EXPERT = 3

    @property
    def slug(self) -> str:
        """The lowercase name used in machine formats."""
        return self.name.lower()

    @property
    def label(self) -> str:
        """The capitalised name used for people."""
        return self.name.capitalize()


ALLOWED = "none, foundational, proficient, expert (or 0-3)"

# `none` accepts exactly these spellings (SPEC §2); the other levels accept any case.
_NONE_SPELLINGS = {"none", "None", "NONE"}


def parse_level(value: object) -> Level:
    """Read a level as written in a YAML file; raise ValueError with the allowed values."""
    if isinstance(value, bool):  # bool is an int subclass: `true` must not become 1
        raise ValueError(f"level {_show(value)} is not allowed; use {ALLOWED}")
    if isinstance(value, int):
        if 0 <= value <= 3:
            return Level(value)
        raise ValueError(f"level {value} is out of range; use {ALLOWED}")
    if isinstance(value, str):
        if value in _NONE_SPELLINGS:
            return Level.NONE
        if value != value.strip():
            raise ValueError(
                f"level {value!r} has surrounding spaces; write {value.strip()!r} without them"
            )
        lowered = value.lower()
        if lowered in ("foundational", "proficient", "expert"):
            return Level[lowered.upper()]
        if value in ("0", "1", "2", "3"):
            return Level(int(value))
    if value is None:
        raise ValueError(f"level is empty; a missing level is not 'none' — use {ALLOWED}")
    raise ValueError(f"unknown level {_show(value)}; use {ALLOWED}")


def _show(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)
