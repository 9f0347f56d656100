"""A strict YAML reader on libyaml's event parser.

It builds plain Python values (dict, list, str, int, float, bool, None) and
records the 1-based (line, column) of every key and value by its path, e.g.
("ratings", 3, "level"). Anything YAML would do silently — duplicate keys,
aliases, several documents, YAML 1.1 booleans such as `yes` — is either a
finding or left as text, so a file means what it looks like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

import yaml

try:  # libyaml is the fast path; the pure-Python parser gives identical events.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - PyYAML wheels ship libyaml
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[Any, ...]
Pos = tuple[int, int]

MAX_DEPTH = 64
MAX_BYTES = 10 * 1024 * 1024

_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+\.[0-9]*)([eE][-+]?[0-9]+)?\Z|[-+]?[0-9]+[eE][-+]?[0-9]+\Z")
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_TAB_INDENT = re.compile(r"^[ ]*\t", re.M)


@dataclass(slots=True)
class Finding:
    code: str
    line: int
    col: int
    message: str


@dataclass(slots=True)
class Document:
    """A parsed file: its value, where each value and key starts, and any findings."""

    value: Any = None
    values: dict[Path, Pos] = field(default_factory=dict)
    keys: dict[Path, Pos] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def at(self, path: Path, *, key: bool = False) -> Pos:
        """Position of the value (or key) at path; falls back to the nearest enclosing value."""
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return self.values.get((), (1, 1))


class _Stop(Exception):
    """Aborts building: the finding is already recorded and nothing later can be trusted."""


def parse(raw: bytes) -> Document:
    doc = Document()
    text = _decode(raw, doc)
    if text is None:
        return doc
    for m in _TAB_INDENT.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        doc.findings.append(Finding("Y002", line, m.end() - m.start(), "tab used for indentation; indent with spaces"))
        return doc
    try:
        events = yaml.parse(text, Loader=_Loader)
        _build_stream(events, doc)
    except _Stop:
        pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = _clamp(text, mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:  # PyYAML 6.0.4's own limit (1000) can stop the parse before ours
            doc.findings.append(Finding("Y010", line, col, f"nesting deeper than {MAX_DEPTH} levels"))
        else:
            doc.findings.append(Finding("Y001", line, col, f"invalid YAML: {problem}"))
    except yaml.YAMLError as exc:  # e.g. a reader error without a mark
        doc.findings.append(Finding("Y001", 1, 1, f"invalid YAML: {exc}"))
    return doc


def _clamp(text: str, line: int, col: int) -> Pos:
    """libyaml puts end-of-stream errors one line past a file without a final newline: point at its last line."""
    lines = text.split("\n")
    if line > len(lines):
        return len(lines), len(lines[-1]) + 1
    return line, col


def _decode(raw: bytes, doc: Document) -> str | None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) >= 2 and (raw[0] == 0 or raw[1] == 0)):
        doc.findings.append(Finding("Y006", 1, 1, "file is UTF-16 (or binary); save it as UTF-8"))
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte-order mark is still UTF-8
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        doc.findings.append(Finding("Y006", line, col, f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8"))
        return None
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        doc.findings.append(Finding("Y006", line, nul - (text.rfind("\n", 0, nul) + 1) + 1, "file contains a NUL byte: it is binary, not YAML text"))
        return None
    return text


def _pos(event: yaml.Event) -> Pos:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _stop(doc: Document, code: str, event: yaml.Event, message: str) -> _Stop:
    line, col = _pos(event)
    doc.findings.append(Finding(code, line, col, message))
    return _Stop()


def _build_stream(events: Iterator[yaml.Event], doc: Document) -> None:
    next(events)  # StreamStartEvent
    first = next(events)
    if isinstance(first, yaml.StreamEndEvent):
        doc.findings.append(Finding("Y007", 1, 1, "file is empty; it must hold one YAML mapping"))
        return
    doc.value = _build_node(events, next(events), (), doc, 0)
    next(events)  # DocumentEndEvent
    after = next(events)
    if isinstance(after, yaml.DocumentStartEvent):
        raise _stop(doc, "Y005", after, "a second YAML document starts here; keep one document per file")
    if doc.value is None:
        doc.findings.append(Finding("Y007", *_pos(first), "document is empty; it must hold one YAML mapping"))


def _build_node(events: Iterator[yaml.Event], event: yaml.Event, path: Path, doc: Document, depth: int) -> Any:
    if isinstance(event, yaml.AliasEvent):
        raise _stop(doc, "Y004", event, f"alias *{event.anchor} is not allowed; write the value out")
    if event.anchor is not None:
        raise _stop(doc, "Y004", event, f"anchor &{event.anchor} is not allowed; write values out where they are used")
    if depth > MAX_DEPTH:
        raise _stop(doc, "Y010", event, f"nesting deeper than {MAX_DEPTH} levels")
    doc.values[path] = _pos(event)
    if isinstance(event, yaml.ScalarEvent):
        return _scalar(event, doc)
    if isinstance(event, yaml.SequenceStartEvent):
        _check_tag(event, doc)
        items = []
        for event in events:
            if isinstance(event, yaml.SequenceEndEvent):
                return items
            items.append(_build_node(events, event, path + (len(items),), doc, depth + 1))
    if isinstance(event, yaml.MappingStartEvent):
        _check_tag(event, doc)
        mapping: dict[Any, Any] = {}
        for key_event in events:
            if isinstance(key_event, yaml.MappingEndEvent):
                return mapping
            if not isinstance(key_event, yaml.ScalarEvent):
                if isinstance(key_event, yaml.AliasEvent) or key_event.anchor is not None:
                    _build_node(events, key_event, path, doc, depth + 1)  # reports the alias
                raise _stop(doc, "S003", key_event, "a key must be plain text, not a list or mapping")
            if key_event.anchor is not None:
                raise _stop(doc, "Y004", key_event, f"anchor &{key_event.anchor} is not allowed")
            key = _scalar(key_event, doc)
            if key in mapping:
                first = doc.keys[path + (key,)]
                raise _stop(doc, "Y003", key_event, f"duplicate key {key!r} (first at line {first[0]}); remove one")
            doc.keys[path + (key,)] = _pos(key_event)
            mapping[key] = _build_node(events, next(events), path + (key,), doc, depth + 1)
    raise _stop(doc, "Y001", event, "unexpected YAML structure")  # pragma: no cover - libyaml guarantees nesting


def _check_tag(event: yaml.Event, doc: Document) -> None:
    if event.tag is not None and not event.implicit:
        raise _stop(doc, "Y008", event, f"YAML tag {event.tag} is not allowed; write a plain value")


def _scalar(event: yaml.ScalarEvent, doc: Document) -> Any:
    value = event.value
    if event.tag is not None and event.tag != "!":
        raise _stop(doc, "Y008", event, f"YAML tag {event.tag} is not allowed; write a plain value")
    if not event.implicit[0]:  # quoted or block scalar: always text
        return value
    if value in _NULLS:
        return None
    if value in _BOOLS:
        return _BOOLS[value]
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value):
        return float(value)
    return value
