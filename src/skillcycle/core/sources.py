"""Where a repo's files come from (a folder, or bytes held in memory: a git revision), and
reading one file strictly and checking it against its kind's model.

A file keeps its parsed document (with positions) beside its model, so that later
cross-file checks can point at the exact key or value. `loader.load` reads a whole repo
through these; the parse cache (cache.py) reads through them too, and neither of them is
known here.
"""

from __future__ import annotations

import stat
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from . import yamlstrict
from .ownfiles import read_regular
from .problems import Problem, did_you_mean
from .schema import FOLDERS, TOP_FILES, Model
from .walk import SUFFIXES, SYMLINK, Stat, both_suffixes, discover, kind_of


@dataclass(slots=True)
class SourceFile:
    rel: str  # repo-relative, '/'-separated: the sort key of SPEC §4
    kind: str  # a key of TOP_FILES or FOLDERS
    doc: yamlstrict.Document
    model: Any = None  # the validated model, or None when the file has errors

    @property
    def stem(self) -> str:
        return self.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]


class FileSource:
    """Where `loader.load()` reads a repo's files from: a folder on disk, or bytes held in memory."""

    root: Path

    def entries(self) -> tuple[list[tuple[str, str]], list[Problem]]:
        """Every skills file as (rel, kind), sorted by rel, and problems found while listing."""
        raise NotImplementedError

    def read(self, rel: str) -> bytes | yamlstrict.Finding:
        """The file's bytes, or the finding that says why they cannot be read."""
        raise NotImplementedError




def _too_big(size: int) -> yamlstrict.Finding | None:
    if size > yamlstrict.MAX_BYTES:
        return yamlstrict.Finding(
            "Y009", 1, 1, f"file is {size / 2**20:.1f} MiB, over the {yamlstrict.MAX_BYTES // 2**20} MiB limit for one skills file; split it"
        )
    return None


@dataclass
class DirectorySource(FileSource):
    """A repo on disk; `overlay` (rel -> bytes) replaces or adds files as if they were written."""

    root: Path
    overlay: typing.Mapping[str, bytes] = field(default_factory=dict)
    stats: dict[str, Stat] = field(default_factory=dict)  # filled by entries(): regular files only

    def entries(self) -> tuple[list[tuple[str, str]], list[Problem]]:
        listing = discover(self.root)
        self.stats = listing.stats
        entries, problems = list(listing.entries), listing.problems
        if self.overlay:
            known = {rel for rel, _ in entries}
            entries += [(rel, kind_of(rel)) for rel in self.overlay if rel not in known and kind_of(rel)]
            entries.sort()
        return entries, problems

    def read(self, rel: str) -> bytes | yamlstrict.Finding:
        if rel in self.overlay:
            return self.overlay[rel]
        path = self.root / rel
        if path.is_symlink():
            return yamlstrict.Finding("Y009", 1, 1, SYMLINK)
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
                return yamlstrict.Finding("Y009", 1, 1, "is not a regular file")
            return _too_big(info.st_size) or path.read_bytes()
        except OSError as exc:
            return yamlstrict.Finding("Y009", 1, 1, f"cannot read file: {exc.strerror or exc}")


@dataclass
class MemorySource(FileSource):
    """A repo held in memory, e.g. one git revision: repo-relative path -> bytes.

    `links` are paths that are symbolic links there; they are reported exactly
    as on disk, never followed. `root` is only where the repo is said to be.
    """

    root: Path
    files: typing.Mapping[str, bytes]
    links: frozenset[str] = frozenset()

    def entries(self) -> tuple[list[tuple[str, str]], list[Problem]]:
        found: list[tuple[str, str]] = []
        problems: list[Problem] = []
        for rel in sorted(set(self.files) | self.links):
            parts = rel.split("/")
            if len(parts) > 1 and parts[0] in FOLDERS and any(p.startswith(".") for p in parts[1:]):
                continue  # as on disk: dot-names inside the folders are skipped
            if rel in self.links and rel in FOLDERS:
                problems.append(Problem(rel, 1, 1, "Y009", f"{rel}/ is a symlink; skillcycle does not follow links"))
            kind = kind_of(rel)
            if kind is None:
                continue
            if rel in self.links and "/" in rel:
                problems.append(Problem(rel, 1, 1, "Y009", SYMLINK))
            else:
                found.append((rel, kind))
        for kind in TOP_FILES:
            names = [name for name in (kind + s for s in SUFFIXES) if name in self.files or name in self.links]
            if len(names) > 1:
                problems.append(both_suffixes(names))
        return found, problems

    def read(self, rel: str) -> bytes | yamlstrict.Finding:
        if rel in self.links:
            return yamlstrict.Finding("Y009", 1, 1, SYMLINK)
        raw = self.files[rel]
        return _too_big(len(raw)) or raw


class Reparse:
    """Parses a clean file again for its positions, once, when a check first needs one."""

    __slots__ = ("path", "doc")

    def __init__(self, path: str) -> None:
        self.path = path
        self.doc: yamlstrict.Document | None = None

    def document(self) -> yamlstrict.Document:
        if self.doc is None:
            try:
                self.doc = yamlstrict.parse(read_regular(Path(self.path), yamlstrict.MAX_BYTES))
            except OSError:  # gone or replaced since it was read: positions fall back to (1, 1)
                self.doc = yamlstrict.Document()
        return self.doc

    def positions(self, which: str) -> dict:
        return getattr(self.document(), which)


def read_source(source: FileSource, rel: str, kind: str) -> SourceFile:
    """Parse one file of `source` strictly and validate it against its kind's model."""
    file = SourceFile(rel, kind, yamlstrict.Document())
    raw = source.read(rel)
    if isinstance(raw, yamlstrict.Finding):
        file.doc.findings.append(raw)
        return file
    return parse_into(file, raw)


def parse_into(source: SourceFile, raw: bytes) -> SourceFile:
    """Parse `raw` into `source` (its document, findings and model); the parse cache calls it too."""
    kind = source.kind
    source.doc = doc = yamlstrict.parse(raw)
    if doc.findings:
        return source
    model_cls = TOP_FILES.get(kind) or FOLDERS[kind]
    try:
        source.model = model_cls.model_validate(doc.value)
    except ValidationError as exc:
        doc.findings.extend(schema_findings(model_cls, doc, exc))
    return source


def problems_of(source: SourceFile) -> list[Problem]:
    return [Problem(source.rel, f.line, f.col, f.code, f.message) for f in source.doc.findings]


# --- pydantic errors -> findings -------------------------------------------

_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date YYYY-MM-DD",
}
_CODE_OF_TYPE = {"bad_level": "S004", "bad_date": "S005", "bad_id": "S006", "bad_value": "S007"}


def describe(value: Any) -> str:
    """How a value read from YAML is named in a message."""
    if value is None:
        return "nothing (empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _data_path(value: Any, loc: tuple) -> tuple:
    """Keep the loc segments that address the document; drop pydantic's union/validator labels."""
    path: list[Any] = []
    for segment in loc:
        if isinstance(value, dict) and segment in value:
            value = value[segment]
        elif isinstance(value, list) and isinstance(segment, int) and 0 <= segment < len(value):
            value = value[segment]
        else:
            continue
        path.append(segment)
    return tuple(path)


def _model_at(model_cls: type[BaseModel], path: tuple) -> type[BaseModel] | None:
    """The model class that reads the mapping at path, if any (for 'did you mean' on keys)."""
    annotation: Any = model_cls
    for segment in path:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field_info = annotation.model_fields.get(segment)
            if field_info is None:
                return None
            annotation = field_info.annotation
        elif typing.get_origin(annotation) in (list, dict):
            annotation = typing.get_args(annotation)[-1]
        else:
            return None
    annotation = _unwrap(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation


def schema_findings(model_cls: type[Model], doc: yamlstrict.Document, exc: ValidationError) -> list[yamlstrict.Finding]:
    findings: list[yamlstrict.Finding] = []
    seen: set[tuple] = set()
    for err in exc.errors(include_url=False):
        kind, loc = err["type"], err["loc"]
        if kind == "missing":
            parent = _data_path(doc.value, loc[:-1])
            if parent + (loc[-1],) in seen:
                continue
            seen.add(parent + (loc[-1],))
            line, col = doc.at(parent)
            findings.append(yamlstrict.Finding("S002", line, col, f"missing required key {loc[-1]!r}"))
            continue
        path = _data_path(doc.value, loc)
        if path in seen:  # a union reports once per member: keep the first
            continue
        seen.add(path)
        if kind == "extra_forbidden":
            line, col = doc.at(path, key=True)
            owner = _model_at(model_cls, path[:-1])
            allowed = sorted(owner.model_fields) if owner else []
            hint = did_you_mean(path[-1], allowed) or (f" (allowed: {', '.join(allowed)})" if allowed else "")
            findings.append(yamlstrict.Finding("S001", line, col, f"unknown key {path[-1]!r}{hint}"))
            continue
        line, col = doc.at(path)
        where = f"{path[-1]}: " if path and isinstance(path[-1], str) else ""
        if kind in _CODE_OF_TYPE:
            findings.append(yamlstrict.Finding(_CODE_OF_TYPE[kind], line, col, f"{where}{err['msg']}"))
        elif kind in _TYPE_WORDS:
            findings.append(yamlstrict.Finding(
                "S003", line, col, f"{where}expected {_TYPE_WORDS[kind]}, got {describe(err['input'])}"
            ))
        elif kind == "literal_error":
            expected = err["ctx"]["expected"]
            options = [o.strip(" '") for o in expected.replace(" or ", ", ").split(",")]
            hint = did_you_mean(err["input"], options) if isinstance(err["input"], str) else ""
            findings.append(yamlstrict.Finding(
                "S007", line, col, f"{where}{describe(err['input'])} is not allowed; expected {expected}{hint}"
            ))
        else:  # ranges and lengths: pydantic's own wording is clear enough
            findings.append(yamlstrict.Finding("S007", line, col, f"{where}{err['msg'].lower()}, got {describe(err['input'])}"))
    return findings
