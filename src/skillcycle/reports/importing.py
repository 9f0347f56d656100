"""Bring spreadsheets and LMS records into a skills repo (`skillcycle import ...`).

Pure core: read a CSV/XLSX sheet into cells that remember their spreadsheet
position, match names to ids, read levels (optionally through a --levels
mapping), and build the YAML text of the files to write. Every problem is an
Issue that names its cell (`C7`) and column header. Nothing here writes; the
command checks the planned files with the normal loader (validate.validate_path
with an overlay) and writes only when both the sheet and the repo are clean.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..core import yamlstrict
from ..core.levels import ALLOWED, Level, parse_level
from ..core.problems import did_you_mean
from ..core.safetext import FORMULA_STARTS
from ..core.repo import Repo
from ..core.schema import SLUG, slugify

SOURCES = ("calibration", "manager", "peer", "self")


class SheetError(Exception):
    """The input file cannot be read at all (a usage error: exit 2)."""


# --- sheets --------------------------------------------------------------------

def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA (spreadsheet column names)."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Cell:
    text: str  # stripped; '' when empty
    row: int  # 1-based spreadsheet row
    col: int  # 1-based spreadsheet column

    @property
    def a1(self) -> str:
        return f"{column_letter(self.col)}{self.row}"


@dataclass
class Sheet:
    """A rectangular grid of cells; grid[0] is the header row. Fully empty rows are dropped."""

    name: str
    grid: list[list[Cell]]

    @property
    def header(self) -> list[Cell]:
        return self.grid[0] if self.grid else []

    @property
    def body(self) -> list[list[Cell]]:
        return self.grid[1:]

    def transposed(self) -> "Sheet":
        """Rows become columns; every cell keeps its original position for messages."""
        return Sheet(self.name, [list(column) for column in zip(*self.grid)])


def _unquote(text: str) -> str:
    """Undo spreadsheet_safe: "'=x" (a neutralised formula, as `export` writes it) reads as "=x"."""
    text = text.strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def sheet_from_rows(name: str, rows: list[list[Any]]) -> Sheet:
    width = max((len(r) for r in rows), default=0)
    grid = [
        [Cell(_unquote(_cell_text(row[c]) if c < len(row) else ""), r + 1, c + 1) for c in range(width)]
        for r, row in enumerate(rows)
    ]
    grid = [grid[0]] + [row for row in grid[1:] if any(cell.text for cell in row)] if grid else []
    used = [c for c in range(width) if any(row[c].text for row in grid)]  # drop columns empty from top to bottom
    return Sheet(name, [[row[c] for c in used] for row in grid])


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_sheet(path: Path, sheet: str | None = None) -> Sheet:
    """Read a .csv (UTF-8; comma, semicolon or tab separated) or .xlsx file (first sheet, or `sheet`)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise SheetError(f"{path}: no such file")
    if suffix == ".csv":
        return sheet_from_rows(path.name, _csv_rows(path))
    if suffix in (".xlsx", ".xlsm"):
        return sheet_from_rows(path.name, _xlsx_rows(path, sheet))
    raise SheetError(f"{path}: expected a .csv or .xlsx file")


def _csv_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SheetError(f"{path.name}: byte {exc.start} is not UTF-8; save the sheet as 'CSV UTF-8'") from None
    try:
        dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise SheetError(f"{path.name}: not a readable CSV file ({exc})") from None


def _xlsx_rows(path: Path, sheet: str | None) -> list[list[Any]]:
    from ..core.extras import need

    openpyxl = need("openpyxl", "reading .xlsx files")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SheetError(f"{path.name}: not a readable .xlsx file ({exc})") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise SheetError(f"{path.name} has no sheet {sheet!r} (sheets: {', '.join(book.sheetnames)})")
        ws = book[sheet] if sheet is not None else book.worksheets[0]
        return [list(row) for row in ws.iter_rows(values_only=True)]
    finally:
        book.close()


# --- issues --------------------------------------------------------------------

@dataclass(frozen=True)
class Issue:
    """One problem in the input, at a cell (with its column header) or at a line of a file."""

    message: str
    cell: Cell | None = None
    header: str | None = None
    where: str | None = None  # e.g. "map.yaml:3:1" when not a sheet cell

    def show(self, source: str) -> str:
        if self.where:
            return f"{self.where}: {self.message}"
        if self.cell is None:
            return f"{source}: {self.message}"
        header = f" ({self.header})" if self.header else ""
        return f"{source}:{self.cell.a1}{header}: {self.message}"


def _issue(message: str, cell: Cell, header: Cell | str | None) -> Issue:
    label = header.text if isinstance(header, Cell) else header
    return Issue(message, cell, label or None)


# --- matching names to ids -------------------------------------------------------

def label_id(text: str) -> str:
    """The id a new skill or role gets from its label: the label itself when it is a slug, else its slug."""
    return text if SLUG.match(text) else slugify(text)


class Matcher:
    """Finds an id for a label: the exact id, else the one id whose id, name or alias matches ignoring case."""

    def __init__(self, kind: str, names: dict[str, Iterable[str | None]]):
        self.kind = kind
        self.ids: set[str] = set()
        self.choices: set[str] = set()
        self.by_key: dict[str, set[str]] = {}
        for ident, aliases in names.items():
            self.add(ident, aliases)

    def add(self, ident: str, aliases: Iterable[str | None] = ()) -> None:
        self.ids.add(ident)
        for alias in (ident, *aliases):
            if alias:
                self.choices.add(alias)
                self.by_key.setdefault(alias.strip().casefold(), set()).add(ident)

    def find(self, label: str) -> tuple[str | None, str | None]:
        """(id, None) on a match, else (None, what is wrong)."""
        if label in self.ids:
            return label, None
        hits = self.by_key.get(label.casefold(), set())
        if len(hits) == 1:
            return next(iter(hits)), None
        if hits:
            return None, f"{self.kind} {label!r} is ambiguous: it matches {', '.join(sorted(hits))}; write the id"
        return None, f"unknown {self.kind} {label!r}{did_you_mean(label, sorted(self.choices))}"


def people_matcher(repo: Repo) -> Matcher:
    return Matcher("person", {pid: (p.name, p.email) for pid, p in repo.people.items()})


def skills_matcher(repo: Repo) -> Matcher:
    return Matcher("skill", {sid: (s.name, slugify(s.name)) for sid, s in repo.skills.items()})


# --- levels ---------------------------------------------------------------------

@dataclass(frozen=True)
class Scale:
    """How cells read as levels: SPEC §2 spellings, or a --levels mapping (an empty right side: not required)."""

    mapping: dict[str, Level | None] | None = None  # casefolded label -> level
    labels: tuple[str, ...] = ()

    def read(self, text: str) -> tuple[Level | None, str | None]:
        """(level, None); (None, None) for an empty or not-required cell; (None, error) otherwise."""
        if not text:
            return None, None
        if self.mapping is not None:
            if text.casefold() in self.mapping:
                return self.mapping[text.casefold()], None
            if NUMBER.fullmatch(text) and _number_text(text) in self.mapping:  # 5.0 as a spreadsheet writes 5
                return self.mapping[_number_text(text)], None
            return None, f"{text!r} is not in --levels (expected one of: {', '.join(self.labels)}){did_you_mean(text, self.labels)}"
        try:
            return parse_level("none" if text.casefold() == "none" else text), None
        except ValueError:
            return None, f"unknown level {text!r}; use {ALLOWED} or pass --levels{did_you_mean(text.lower(), [l.slug for l in Level])}"


def parse_scale(text: str | None) -> Scale:
    """Read --levels "Awareness=foundational,Expert=expert,NC=" (raise ValueError on a bad entry)."""
    if text is None:
        return Scale()
    mapping: dict[str, Level | None] = {}
    labels = []
    for entry in text.split(","):
        if not entry.strip():
            continue
        if "=" not in entry:
            raise ValueError(f"--levels entry {entry.strip()!r} has no '='; write LABEL=LEVEL, e.g. Expert=expert")
        label, _, level = (part.strip() for part in entry.rpartition("="))
        if label.casefold() in mapping:
            raise ValueError(f"--levels gives {label!r} twice")
        try:
            mapping[label.casefold()] = parse_level("none" if level.casefold() == "none" else level) if level else None
        except ValueError:
            raise ValueError(f"--levels maps {label!r} to {level!r}, which is not a level; use {ALLOWED}, or nothing for 'not required'") from None
        labels.append(label)
    if not mapping:
        raise ValueError("--levels is empty")
    return Scale(mapping, tuple(labels))


NUMBER = re.compile(r"[+-]?\d+(\.\d+)?")


def _number_text(text: str) -> str:
    """'2', '2.0' and '+2' (as spreadsheets write them) are the one value 2."""
    value = float(text)
    return str(int(value)) if value == int(value) else str(value)


# --- YAML text --------------------------------------------------------------------

def scalar(value: Any) -> str:
    """A YAML scalar that the strict reader reads back as exactly `value`, also inside a flow mapping."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    plain = yaml.safe_dump([text], default_flow_style=True, allow_unicode=True, width=2**30).strip()[1:-1]
    if "\n" not in plain and _reads_back(plain, text):
        return plain
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=2**30).strip()


def _reads_back(rendered: str, value: str) -> bool:
    doc = yamlstrict.parse(f"k: {{v: {rendered}}}\n".encode())
    return not doc.findings and doc.value == {"k": {"v": value}}


def flow(mapping: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in mapping.items() if v is not None) + "}"


def header_comment(command: str, origin: str) -> str:
    return f"# Imported by `skillcycle import {command}` from {scalar(origin)}.\n"


# --- plans ---------------------------------------------------------------------------

@dataclass
class Plan:
    """What an import would write: files (repo-relative path -> text), or the issues that stop it."""

    files: dict[str, str] = field(default_factory=dict)
    replaces: set[str] = field(default_factory=set)  # paths in files that already exist and may be overwritten
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # summary lines for the user
    numbers: dict[str, list[Cell]] = field(default_factory=dict)  # bare numbers in level cells -> their cells

    def level(self, scale: Scale, cell: Cell, header: Cell | str | None) -> tuple[Level | None, bool]:
        """A level cell read on `scale`: (level, ok); an empty or not-required cell is (None, True).
        Without --levels, bare numbers are remembered: `check_numbers` reads them as one scale."""
        if scale.mapping is None and NUMBER.fullmatch(cell.text):
            self.numbers.setdefault(_number_text(cell.text), []).append(cell)
        level, error = scale.read(cell.text)
        if error:
            self.issues.append(_issue(error, cell, header))
            return None, False
        return level, True

    def check_numbers(self) -> None:
        """The numbers of one sheet are one scale: when any of them is not 0-3 (a 1-5 or 0-4 sheet),
        none of them is read as skillcycle's levels, and the user is given a --levels template
        of the values found; when all are, the note says how they were read."""
        if not self.numbers:
            return
        found = sorted(self.numbers, key=float)
        if set(found) <= {"0", "1", "2", "3"}:
            self.notes.append(
                f"numbers read as skillcycle's levels: 0 none, 1 foundational, 2 proficient, 3 expert (found {', '.join(found)}); "
                "if the sheet uses another scale, give it with --levels"
            )
            return
        numeric = {cell for cells in self.numbers.values() for cell in cells}
        self.issues = [issue for issue in self.issues if issue.cell not in numeric]
        template = ",".join(f"{value}=?" for value in found)
        self.issues.append(Issue(
            f"the level cells hold the numbers {', '.join(found)}, which are not skillcycle's 0-3 scale: none of them is read "
            f'until the sheet\'s scale is given: --levels "{template}" (each ? one of none, foundational, proficient, '
            "expert, or nothing for not required)"
        ))


def _columns(header: list[Cell]) -> dict[str, int]:
    """Casefolded header text -> column index (the first occurrence)."""
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        found.setdefault(cell.text.casefold(), i)
    return found


def _first(columns: dict[str, int], *names: str) -> int | None:
    return next((columns[n] for n in names if n in columns), None)


def _parse_day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else None
    except ValueError:
        return None


# --- import ratings -----------------------------------------------------------------

# `proposed`: the column a calibration sheet (skillcycle calibration) is filled in.
LONG_RATING_COLUMNS = {"person": ("person", "employee", "name"), "skill": ("skill",), "level": ("level", "proposed")}
WIDE_IGNORED = ("name", "email", "role", "title", "family", "manager", "team", "department", "notes", "comment", "comments")


def plan_ratings(
    repo: Repo, sheet: Sheet, *, day: date, source: str, rel: str, assessor: str | None = None,
    scale: Scale = Scale(), origin: str = "",
) -> Plan:
    """One assessments batch from a calibration sheet, long (person, skill, level) or wide (person x skills)."""
    plan = Plan()
    people = people_matcher(repo)
    batch_assessor = None
    if assessor is not None:
        batch_assessor, error = people.find(assessor)
        if error:
            plan.issues.append(Issue(f"--assessor: {error}"))
    if source not in SOURCES:
        plan.issues.append(Issue(f"--source {source!r} is not one of {', '.join(SOURCES)}{did_you_mean(source, SOURCES)}"))
    if not sheet.grid or not sheet.body:
        plan.issues.append(Issue("the sheet has no rows under its header"))
        return plan
    columns = _columns(sheet.header)
    long = "skill" in columns and _first(columns, *LONG_RATING_COLUMNS["level"]) is not None
    reader = _long_ratings if long else _wide_ratings
    ratings = reader(repo, sheet, people, scale, plan, columns)
    plan.check_numbers()
    if not ratings and not plan.issues:
        plan.issues.append(Issue("the sheet holds no ratings (every level cell is empty)"))
    if plan.issues:
        return plan
    lines = [header_comment("ratings", origin), f"date: {day.isoformat()}\n", f"source: {scalar(source)}\n"]
    if batch_assessor:
        lines.append(f"assessor: {scalar(batch_assessor)}\n")
    lines.append("ratings:\n")
    for rating in ratings:
        row = dict(rating)
        for key, default in (("date", day), ("source", source), ("assessor", batch_assessor)):
            if row.get(key) == default:
                row[key] = None
        lines.append(f"  - {flow(row)}\n")
    plan.files[rel] = "".join(lines)
    rated = len({r["person"] for r in ratings})
    plan.notes.append(
        f"{len(ratings)} rating{'s' * (len(ratings) != 1)} of {rated} {'person' if rated == 1 else 'people'} "
        f"({'long' if long else 'wide'} layout) -> {rel}"
    )
    return plan


def _long_ratings(repo: Repo, sheet: Sheet, people: Matcher, scale: Scale, plan: Plan, columns: dict[str, int]) -> list[dict]:
    skills = skills_matcher(repo)
    header = sheet.header
    person_col = _first(columns, *LONG_RATING_COLUMNS["person"])
    if person_col is None:
        plan.issues.append(_issue("no person column: a long sheet needs the columns person, skill and level", header[0], header[0]))
        return []
    skill_col, level_col = columns["skill"], _first(columns, *LONG_RATING_COLUMNS["level"])
    optional = {name: columns.get(name) for name in ("date", "source", "assessor")}
    manager_col = columns.get("manager")  # a calibration sheet's: the row must still be that manager's report
    used = {person_col, skill_col, level_col, manager_col} | {i for i in optional.values() if i is not None}
    ignored = [c.text for i, c in enumerate(header) if i not in used]
    if ignored:
        plan.notes.append(f"ignored column{'s' * (len(ignored) != 1)}: {', '.join(ignored)}")
    ratings = []
    for row in sheet.body:
        found: dict[str, Any] = {}
        bad = False
        for key, col, matcher in (("person", person_col, people), ("skill", skill_col, skills)):
            cell = row[col]
            if not cell.text:
                plan.issues.append(_issue(f"{key} is empty", cell, header[col]))
                bad = True
                continue
            ident, error = matcher.find(cell.text)
            if error:
                plan.issues.append(_issue(error, cell, header[col]))
                bad = True
            found[key] = ident
        level, ok = plan.level(scale, row[level_col], header[level_col])
        if not ok:
            continue
        if level is None:  # an empty (or --levels "not rated") cell: no rating
            continue
        if manager_col is not None and not bad:
            cell, now = row[manager_col], repo.people[found["person"]].manager
            if cell.text and cell.text != now:
                plan.issues.append(_issue(f"{found['person']}'s manager is now {now or 'nobody'}, not {cell.text}: the sheet no longer matches the repo", cell, header[manager_col]))
                continue
        found["level"] = level.slug
        for key, col in optional.items():
            cell = row[col] if col is not None else None
            if cell is None or not cell.text:
                continue
            value, error = _rating_field(key, cell.text, people)
            if error:
                plan.issues.append(_issue(error, cell, header[col]))
                bad = True
            found[key] = value
        if not bad:
            ratings.append(found)
    return ratings


def _rating_field(key: str, text: str, people: Matcher) -> tuple[Any, str | None]:
    if key == "date":
        day = _parse_day(text)
        return day, None if day else f"{text!r} is not a date YYYY-MM-DD"
    if key == "source":
        value = text.casefold()
        return value, None if value in SOURCES else f"source {text!r} is not one of {', '.join(SOURCES)}{did_you_mean(value, SOURCES)}"
    return people.find(text)


def _wide_ratings(repo: Repo, sheet: Sheet, people: Matcher, scale: Scale, plan: Plan, columns: dict[str, int]) -> list[dict]:
    header = sheet.header
    skills = skills_matcher(repo)
    skill_of: dict[int, str] = {}
    seen: dict[str, Cell] = {}
    ignored = []
    for i, cell in enumerate(header[1:], 1):
        if not cell.text:
            plan.issues.append(_issue("this column has values but no header; name the skill", cell, None))
            continue
        ident, error = skills.find(cell.text)
        if error and cell.text.casefold() in WIDE_IGNORED:
            ignored.append(cell.text)
            continue
        if error:
            plan.issues.append(_issue(f"{error} (a wide sheet has one column per skill)", cell, cell))
        elif ident in seen:
            plan.issues.append(_issue(f"skill {ident!r} has two columns (also {seen[ident].a1})", cell, cell))
        else:
            seen[ident] = cell
            skill_of[i] = ident
    if ignored:
        plan.notes.append(f"ignored column{'s' * (len(ignored) != 1)}: {', '.join(ignored)}")
    ratings = []
    rows_of: dict[str, Cell] = {}
    for row in sheet.body:
        who = row[0]
        person, error = people.find(who.text) if who.text else (None, "person is empty")
        if error:
            plan.issues.append(_issue(error, who, header[0]))
        elif person in rows_of:
            plan.issues.append(_issue(f"{person!r} has two rows (also row {rows_of[person].row})", who, header[0]))
            person = None
        else:
            rows_of[person] = who
        for i, skill in skill_of.items():
            level, ok = plan.level(scale, row[i], header[i])
            if ok and level is not None and person:
                ratings.append({"person": person, "skill": skill, "level": level.slug})
    return ratings


# --- import roles ----------------------------------------------------------------------

ROLE_META = ("title", "family")  # rows (wide) that describe role columns
SKILL_META = ("name", "group", "category", "urgency")  # columns (wide) that describe skill rows, for new skills
CATEGORIES = ("technical", "functional", "leadership")
URGENCIES = ("high", "medium", "low")


@dataclass
class RoleDraft:
    id: str
    title: str | None = None
    family: str | None = None
    existing: bool = False
    requires: dict[str, Level | None] = field(default_factory=dict)  # None: an empty cell (removes only with --prune)
    changes: dict[date, dict[str, Level]] = field(default_factory=dict)
    whole_list: bool = False  # long layout: the sheet lists every requirement of the role (removes the others with --prune)
    label: Cell | None = None


@dataclass
class SkillDraft:
    id: str
    name: str
    group: str | None = None
    category: str | None = None
    urgency: str | None = None


class _RolesReader:
    """Shared state of one roles import: matching rows to skills (creating new ones) and labels to roles."""

    def __init__(self, repo: Repo, scale: Scale, family: str | None, update: bool, category: str, plan: Plan, prune: bool = False):
        self.repo, self.scale, self.family, self.update, self.category, self.plan = repo, scale, family, update, category, plan
        self.prune = prune
        self.roles_matcher = Matcher("role", {rid: (r.title, slugify(r.title)) for rid, r in repo.roles.items()})
        self.skills_matcher = skills_matcher(repo)
        self.refused: set[str] = set()  # role ids already reported (the long layout repeats a role on many rows)
        self.columns: dict[str, Cell] = {}  # wide layout: role id -> the header cell that names it
        self.new_skills: dict[str, SkillDraft] = {}
        self.skill_rows: dict[str, Cell] = {}
        self.roles: dict[str, RoleDraft] = {}

    def skill(self, cell: Cell, header: Cell | None, meta: dict[str, Cell] | None = None) -> str | None:
        if not cell.text:
            self.plan.issues.append(_issue("skill is empty", cell, header))
            return None
        ident, _ = self.skills_matcher.find(cell.text)
        if ident is None:
            ident = label_id(cell.text)
            if not ident:
                self.plan.issues.append(_issue(f"cannot make a skill id from {cell.text!r}; write a lowercase id", cell, header))
                return None
            if ident in self.new_skills:  # same id from another label
                self.plan.issues.append(_issue(f"{cell.text!r} gives the same skill id {ident!r} as another row", cell, header))
                return None
            self.new_skills[ident] = self._new_skill(ident, cell, meta or {})
            self.skills_matcher.add(ident, (cell.text,))
        return ident

    def _new_skill(self, ident: str, cell: Cell, meta: dict[str, Cell]) -> SkillDraft:
        values = {k: (meta[k].text if k in meta and meta[k].text else None) for k in SKILL_META}
        for key, allowed in (("category", CATEGORIES), ("urgency", URGENCIES)):
            if values[key] is not None:
                values[key] = values[key].casefold()
                if values[key] not in allowed:
                    self.plan.issues.append(_issue(f"{key} {meta[key].text!r} is not one of {', '.join(allowed)}", meta[key], key))
        name = values["name"] or cell.text
        return SkillDraft(ident, name, values["group"], values["category"] or self.category, values["urgency"])

    def role(self, cell: Cell, header: Cell | str | None, title: str | None, family: str | None, *, long: bool) -> RoleDraft | None:
        if not cell.text:
            self.plan.issues.append(_issue("role is empty", cell, header))
            return None
        ident, _ = self.roles_matcher.find(cell.text)
        if ident is None:
            ident = label_id(cell.text)
        if not long:
            if ident in self.columns:
                self.plan.issues.append(_issue(f"role {ident!r} has two columns (also {self.columns[ident].a1})", cell, header))
                return None
            self.columns[ident] = cell
        if ident in self.refused:
            return None
        if ident in self.roles:
            return self.roles[ident]
        if not ident:
            self.plan.issues.append(_issue(f"cannot make a role id from {cell.text!r}; write a lowercase id", cell, header))
            return None
        existing = ident in self.repo.roles
        family = family or (None if existing else self.family)
        error = None
        if existing and not self.update:
            error = f"role {ident!r} already exists; pass --update to change its requirements"
        elif not existing and not family:
            error = f"new role {ident!r} needs a family: add a 'family' row or column, or pass --family"
        elif family and not SLUG.match(family):
            error = f"family {family!r} is not a lowercase id" + (f" — e.g. {slugify(family)!r}" if slugify(family) else "")
        if error:
            self.plan.issues.append(_issue(error, cell, header))
            self.refused.add(ident)
            return None
        draft = RoleDraft(ident, title or (None if existing else cell.text), family, existing, whole_list=long, label=cell)
        self.roles[ident] = draft
        return draft

    def level(self, cell: Cell, header: Cell | str | None) -> tuple[Level | None, bool]:
        return self.plan.level(self.scale, cell, header)


def plan_roles(
    repo: Repo, sheet: Sheet, competencies_text: str, *, scale: Scale = Scale(), family: str | None = None,
    update: bool = False, transpose: bool = False, category: str = "technical", role_files: dict[str, str] | None = None,
    origin: str = "", prune: bool = False,
) -> Plan:
    """Role files (and new skills appended to competencies.yaml) from a requirements matrix.

    Layouts: wide (rows = skills, one column per role; `transpose` or a first
    header 'role' for rows = roles) or long (columns role, skill, level and
    optionally effective, title, family). `role_files` maps existing role ids to
    their repo-relative paths, for --update: an existing role changes only in the cells
    the sheet fills; with `prune` its empty cells (wide) or the requirements it does not
    list (long) are removed too. Every change of an existing role is a note.
    """
    plan = Plan()
    if category not in CATEGORIES:
        plan.issues.append(Issue(f"--category {category!r} is not one of {', '.join(CATEGORIES)}"))
        return plan
    if not sheet.grid or not sheet.body:
        plan.issues.append(Issue("the sheet has no rows under its header"))
        return plan
    reader = _RolesReader(repo, scale, family, update, category, plan, prune)
    columns = _columns(sheet.header)
    long = {"role", "skill", "level"} <= set(columns)
    if long:
        _long_roles(reader, sheet, columns)
    else:
        first = sheet.header[0].text.casefold()
        _wide_roles(reader, sheet.transposed() if transpose or first in ("role", "roles") else sheet)
    plan.check_numbers()
    if not reader.roles and not plan.issues:
        plan.issues.append(Issue("the sheet names no roles"))
    if plan.issues:
        return plan
    for draft in reader.roles.values():
        rel = (role_files or {}).get(draft.id, f"roles/{draft.id}.yaml")
        requires, changes = _merged(repo.roles.get(draft.id), draft, prune)
        plan.files[rel] = _role_yaml(repo, draft, requires, changes, origin)
        if draft.existing:
            plan.replaces.add(rel)
            plan.notes += _requirement_changes(repo.roles[draft.id], draft, requires, changes, prune)
    if reader.new_skills:
        plan.files["competencies.yaml"] = append_skills(competencies_text, list(reader.new_skills.values()))
        plan.replaces.add("competencies.yaml")
    created = [d.id for d in reader.roles.values() if not d.existing]
    updated = [d.id for d in reader.roles.values() if d.existing]
    plan.notes.append(f"{'long' if long else 'wide'} layout: {len(created)} new role{'s' * (len(created) != 1)}"
                      + (f", {len(updated)} updated" if updated else "")
                      + f", {len(reader.new_skills)} new skill{'s' * (len(reader.new_skills) != 1)} for competencies.yaml")
    return plan


def _wide_roles(reader: _RolesReader, sheet: Sheet) -> None:
    header = sheet.header
    meta_rows = {row[0].text.casefold(): row for row in sheet.body if row[0].text.casefold() in ROLE_META}
    skill_cols = {header[i].text.casefold(): i for i in range(1, len(header)) if header[i].text.casefold() in SKILL_META}
    role_cols: dict[int, RoleDraft | None] = {}  # None: a column whose role is refused (its cells are still checked)
    for i, cell in enumerate(header[1:], 1):
        if i in skill_cols.values():
            continue
        if not cell.text:
            reader.plan.issues.append(_issue("this column has values but no header; name the role", cell, None))
            continue
        meta = {k: meta_rows[k][i].text or None for k in ROLE_META if k in meta_rows}
        role_cols[i] = reader.role(cell, cell, meta.get("title"), meta.get("family"), long=False)
    for row in sheet.body:
        if row[0].text.casefold() in ROLE_META:
            continue
        skill = reader.skill(row[0], header[0], {k: row[i] for k, i in skill_cols.items()})
        if skill in reader.skill_rows:
            reader.plan.issues.append(_issue(f"skill {skill!r} has two rows (also {reader.skill_rows[skill].a1})", row[0], header[0]))
            continue
        if skill:
            reader.skill_rows[skill] = row[0]
        for i, draft in role_cols.items():
            level, ok = reader.level(row[i], header[i])
            if ok and skill and draft is not None:
                if level is not None and level > Level.NONE:
                    draft.requires[skill] = level
                elif draft.existing:
                    draft.requires[skill] = None  # the sheet says: not required


def _long_roles(reader: _RolesReader, sheet: Sheet, columns: dict[str, int]) -> None:
    header = sheet.header
    col = {name: columns.get(name) for name in ("role", "skill", "level", "effective", "title", "family")}
    seen: dict[tuple, Cell] = {}
    for row in sheet.body:
        text = {k: (row[i].text if i is not None else "") for k, i in col.items()}
        draft = reader.role(row[col["role"]], header[col["role"]], text["title"] or None, text["family"] or None, long=True)
        skill = reader.skill(row[col["skill"]], header[col["skill"]])
        level, ok = reader.level(row[col["level"]], header[col["level"]])
        effective = None
        if text["effective"]:
            effective = _parse_day(text["effective"])
            if effective is None:
                cell = row[col["effective"]]
                reader.plan.issues.append(_issue(f"{cell.text!r} is not a date YYYY-MM-DD", cell, header[col["effective"]]))
                continue
        if draft is None or skill is None or not ok or level is None:
            continue
        key = (draft.id, skill, effective)
        if key in seen:
            reader.plan.issues.append(_issue(f"{draft.id} / {skill} is given twice (also row {seen[key].row})", row[col["skill"]], header[col["skill"]]))
            continue
        seen[key] = row[col["skill"]]
        if effective is None:
            if level > Level.NONE:  # `none` in the base requirement is the same as absent
                draft.requires[skill] = level
        else:
            draft.changes.setdefault(effective, {})[skill] = level


Requirements = dict[str, Level]
Changes = dict[date, dict[str, Level]]


def _merged(old: Any, draft: RoleDraft, prune: bool) -> tuple[Requirements, Changes]:
    """The requirements and dated changes a role gets: a new role's are the sheet's; an existing
    role keeps everything the sheet does not fill, unless `prune` (see plan_roles)."""
    filled = {s: l for s, l in draft.requires.items() if l is not None}
    if old is None or (prune and draft.whole_list):
        return filled, {d: draft.changes[d] for d in sorted(draft.changes)}
    requires = dict(old.requires)
    for skill, level in draft.requires.items():
        if level is not None:
            requires[skill] = level
        elif prune:
            requires.pop(skill, None)
    changes: Changes = {}
    for change in old.changes:
        changes.setdefault(change.effective, {}).update(change.requires)
    for effective, required in draft.changes.items():
        changes.setdefault(effective, {}).update(required)
    return requires, {d: changes[d] for d in sorted(changes)}


def _requirement_changes(old: Any, draft: RoleDraft, requires: Requirements, changes: Changes, prune: bool) -> list[str]:
    """What an update does to an existing role, a line each: changed, added and removed
    requirements, and what was kept because removing needs --prune."""
    before = dict(old.requires)
    moves = [f"{s} {Level(before[s]).slug} -> {Level(requires[s]).slug}" for s in sorted(before.keys() & requires.keys()) if before[s] != requires[s]]
    moves += [f"+ {s} {Level(requires[s]).slug}" for s in sorted(requires.keys() - before.keys())]
    moves += [f"- {s} {Level(before[s]).slug} (removed)" for s in sorted(before.keys() - requires.keys())]
    old_changes = {(c.effective, s): Level(l).slug for c in old.changes for s, l in c.requires.items()}
    new_changes = {(d, s): Level(l).slug for d, required in changes.items() for s, l in required.items()}
    moves += [f"{d.isoformat()}: {s} {old_changes.get((d, s), 'nothing')} -> {new_changes.get((d, s), 'nothing')}"
              for d, s in sorted(old_changes.keys() | new_changes.keys()) if old_changes.get((d, s)) != new_changes.get((d, s))]
    lines = [f"role {draft.id}: " + ("; ".join(moves) if moves else "no change")]
    if not prune:
        listed = set(draft.requires)
        kept = sorted(s for s in before if (s not in listed and draft.whole_list) or (s in listed and draft.requires[s] is None))
        if kept:
            lines.append(f"role {draft.id}: kept {', '.join(kept)} (not filled in the sheet; --prune removes them)")
    return lines


def _role_yaml(repo: Repo, draft: RoleDraft, requires: Requirements, changes: Changes, origin: str) -> str:
    old = repo.roles.get(draft.id)
    title = draft.title or (old.title if old else draft.id)
    family = draft.family or (old.family if old else None)
    next_roles = list(old.next) if old else []
    lines = [header_comment("roles", origin), f"title: {scalar(title)}\n", f"family: {scalar(family)}\n"]
    if next_roles:
        lines.append(f"next: [{', '.join(scalar(n) for n in next_roles)}]\n")
    lines.append("requires:\n" if requires else "requires: {}\n")
    lines += [f"  {scalar(skill)}: {Level(level).slug}\n" for skill, level in requires.items()]
    if changes:
        lines.append("changes:\n")
        for effective, required in changes.items():
            lines += [f"  - effective: {effective.isoformat()}\n", "    requires:\n"]
            lines += [f"      {scalar(skill)}: {Level(level).slug}\n" for skill, level in required.items()]
    return "".join(lines)


def append_skills(text: str, skills: list[SkillDraft]) -> str:
    """competencies.yaml with new skills appended as text, so existing content and comments stay as they were."""
    entries = []
    for s in skills:
        entry = [f"- id: {scalar(s.id)}", f"  name: {scalar(s.name)}"]
        if s.group:
            entry.append(f"  group: {scalar(s.group)}")
        entry.append(f"  category: {scalar(s.category)}")
        if s.urgency:
            entry.append(f"  urgency: {scalar(s.urgency)}")
        entries.append(entry)
    doc = yamlstrict.parse(text.encode("utf-8"))
    value = doc.value if isinstance(doc.value, dict) else {}
    items = value.get("skills")
    if isinstance(items, list) and items and ("skills", 0) in doc.values:
        line, col = doc.values[("skills", 0)]
        source_line = text.splitlines()[line - 1]
        dash = source_line.rfind("-", 0, col - 1)
        if dash >= 0 and not source_line[:dash].strip():  # a block list: append in its indentation
            indent = " " * dash
            body = "".join(f"{indent}{part}\n" for entry in entries for part in entry)
            return (text if text.endswith("\n") or not text else text + "\n") + body
    # empty or flow-style list (e.g. `skills: []`): write the key again with every skill in block style
    lines = text.splitlines(keepends=True)
    key_line = doc.keys.get(("skills",), (len(lines) + 1, 1))[0]
    kept = "".join(lines[: key_line - 1])
    existing = yaml.safe_dump(items, default_flow_style=False, sort_keys=False, allow_unicode=True, width=2**30) if items else ""
    body = "".join(f"  {line}\n" for line in existing.splitlines())
    body += "".join(f"  {part}\n" for entry in entries for part in entry)
    return kept + "skills:\n" + body


# --- import xapi -------------------------------------------------------------------------

XAPI_COMPLETED = (
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/passed",
)
XAPI_VOIDED = "http://adlnet.gov/expapi/verbs/voided"

SKIP_REASONS = {
    "not-a-statement": "not an xAPI statement (no actor, verb and object)",
    "voided": "voided by a later statement",
    "verb": "verb is not completed or passed",
    "not-completed": "result.completion is false",
    "no-mbox": "actor has no mbox (mailto:) to match a person's email",
    "account-actor": "actor is an LMS account (homePage and name), not an email: skillcycle matches people by email",
    "undone": "a later statement of the same person and activity says it is not completed",
    "unknown-person": "no person has the actor's email",
    "unmapped-activity": "activity is not in the --resources map",
    "bad-timestamp": "timestamp missing or not ISO 8601",
    "duplicate": "same person, resource and date as an earlier statement",
    "already-recorded": "already in a completions file of the repo",
}


def read_statements(path: Path) -> tuple[list[Any], str | None]:
    """An LRS export: a JSON array of statements, or an LRS page (`{"statements": [...], "more": IRL}`);
    with the page's `more` link when it has one (later pages are not in this file)."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SheetError(f"{path.name}: not a readable JSON file ({exc})") from None
    more = None
    if isinstance(data, dict) and isinstance(data.get("statements"), list):
        more = data.get("more") if isinstance(data.get("more"), str) and data.get("more") else None
        data = data["statements"]
    if not isinstance(data, list):
        raise SheetError(f"{path.name}: expected a JSON array of xAPI statements")
    return data, more


def read_resource_map(path: Path, repo: Repo) -> tuple[dict[str, str], list[Issue]]:
    """The --resources file: a YAML mapping of activity IRI -> learning resource id."""
    try:
        doc = yamlstrict.parse(path.read_bytes())
    except OSError as exc:
        raise SheetError(f"{path}: cannot read ({exc.strerror})") from None
    if doc.findings:
        f = doc.findings[0]
        return {}, [Issue(f.message, where=f"{path.name}:{f.line}:{f.col}")]
    if not isinstance(doc.value, dict) or not doc.value:
        return {}, [Issue("expected a mapping of activity IRI: resource id", where=f"{path.name}:1:1")]
    mapping, issues = {}, []
    for iri, resource in doc.value.items():
        line, col = doc.at((iri,))
        where = f"{path.name}:{line}:{col}"
        if not isinstance(resource, str) or resource not in repo.resources:
            hint = did_you_mean(str(resource), repo.resources) if isinstance(resource, str) else ""
            issues.append(Issue(f"{iri}: unknown resource {resource!r}{hint} (learning.yaml defines the resources)", where=where))
        else:
            mapping[str(iri)] = resource
    return mapping, issues


@dataclass
class XapiResult:
    records: list[dict]
    skipped: dict[str, list[str]]  # reason -> statement labels


def convert_xapi(repo: Repo, statements: list[Any], activities: dict[str, str]) -> XapiResult:
    """Completion records from xAPI statements; every statement not used is counted under a reason.

    A statement counts when its verb is completed or passed and result.completion
    is not false: then `completed: true` on the date of its timestamp (as written,
    in the statement's own time zone). Other verbs (failed, attempted, ...) are skipped.
    A later completed or passed statement of the same person and activity whose
    result.completion is false (the LMS took the completion back) undoes the completions
    before it.
    """
    by_email: dict[str, list[str]] = {}
    for pid, person in repo.people.items():
        if person.email:
            by_email.setdefault(person.email.strip().casefold(), []).append(pid)
    voided = {
        s["object"].get("id") for s in statements
        if isinstance(s, dict) and _get(s, "verb", "id") == XAPI_VOIDED and isinstance(s.get("object"), dict)
    }
    read = [_xapi_read(statement, by_email, activities, voided) for statement in statements]
    taken_back: dict[tuple[str, str], datetime] = {}  # (person, resource) -> the last time a completion was taken back
    for record, reason, moment in read:
        if reason == "not-completed" and record is not None and moment is not None:
            key = (record["person"], record["resource"])
            taken_back[key] = max(moment, taken_back.get(key, moment))
    recorded = {(r.person, r.resource, r.date) for _, batch in repo.completions for r in batch.records}
    records: list[dict] = []
    seen: set[tuple] = set()
    skipped: dict[str, list[str]] = {}
    for index, (statement, (record, reason, moment)) in enumerate(zip(statements, read), 1):
        label = f"#{index}"
        if isinstance(statement, dict) and isinstance(statement.get("id"), str):
            label += f" {statement['id']}"
        if not reason:
            key = (record["person"], record["resource"], record["date"])
            undone = taken_back.get(key[:2])
            reason = ("undone" if undone is not None and moment < undone else "already-recorded" if key in recorded
                      else "duplicate" if key in seen else "")
            if not reason:
                seen.add(key)
                records.append(record)
                continue
        skipped.setdefault(reason, []).append(label)
    records.sort(key=lambda r: (r["date"], r["person"], r["resource"]))
    return XapiResult(records, skipped)


def _get(obj: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _xapi_read(s: Any, by_email: dict[str, list[str]], activities: dict[str, str], voided: set) -> tuple[dict | None, str, datetime | None]:
    """(record, "", moment) for a completion; (None or the record it takes back, reason, moment) otherwise."""
    if not isinstance(s, dict) or not all(isinstance(s.get(k), dict) for k in ("actor", "verb", "object")):
        return None, "not-a-statement", None
    if s.get("id") in voided:
        return None, "voided", None
    if _get(s, "verb", "id") not in XAPI_COMPLETED:
        return None, "verb", None
    taken_back = _get(s, "result", "completion") is False
    mbox = _get(s, "actor", "mbox")
    if not isinstance(mbox, str) or not mbox.lower().startswith("mailto:"):
        return None, "account-actor" if isinstance(_get(s, "actor", "account"), dict) else "no-mbox", None
    people = by_email.get(mbox[len("mailto:"):].strip().casefold(), [])
    if len(people) != 1:  # two people with one email cannot be told apart
        return None, "unknown-person", None
    resource = activities.get(_get(s, "object", "id"))
    if resource is None:
        return None, "unmapped-activity", None
    try:
        moment = datetime.fromisoformat(str(s.get("timestamp")))
    except ValueError:
        return None, "bad-timestamp", None
    record = {"person": people[0], "resource": resource, "date": moment.date(), "completed": True}
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)  # no offset: UTC, as the spec says
    return record, "not-completed" if taken_back else "", aware


def completions_yaml(result: XapiResult, source: str, origin: str) -> str:
    lines = [header_comment("xapi", origin), f"source: {scalar(source)}\n", "records:\n"]
    lines += [f"  - {flow(r)}\n" for r in result.records]
    return "".join(lines)


def skipped_lines(result: XapiResult, examples: int = 3) -> list[str]:
    """One line per skip reason, most frequent first, with a few statement labels."""
    out = []
    for reason, labels in sorted(result.skipped.items(), key=lambda item: (-len(item[1]), item[0])):
        shown = ", ".join(labels[:examples]) + (", ..." if len(labels) > examples else "")
        out.append(f"  {len(labels):>5} skipped: {SKIP_REASONS[reason]} [{reason}] (e.g. {shown})")
    return out
