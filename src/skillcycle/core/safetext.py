"""Text from a repo made safe for where it goes: a terminal, JSON, a spreadsheet cell.

Every printed or written output passes through one of these (app.emit, app.say and the
renderers); none needs more than the standard library.
"""

from __future__ import annotations

import json
import re
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def show_controls(text: str) -> str:
    """Control characters (ANSI escapes, cursor moves) as visible escapes, so they never run in a terminal."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


_JSON_RAW = re.compile(r"[\x7f-\x9f]")


def json_text(value: Any, **options: Any) -> str:
    """JSON of `value` with non-ASCII text kept readable, and DEL and the C1 controls (U+0080-U+009F,
    which json leaves raw; U+009B starts an escape sequence on many terminals) as \\u escapes."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False, **options))


def spreadsheet_safe(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (OWASP CSV injection) by prefixing a quote;
    control characters become visible escapes (they are never data a sheet can hold)."""
    if isinstance(value, str):
        value = show_controls(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value
