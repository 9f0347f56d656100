"""The checks beyond the schema: rules within one file, and references,
duplicates and consistency across files.

Rules within a file read its model and positions; the rules across files read
only the index of what each file defines and points at (index.py), and open a
file (`source_of`) just to point at a finding in it. None of them raises on odd
data: schema errors have already been reported, and files with errors carry no
model.

A rule across files is one function registered with `@cross_file_rule`: the
codes it reports and the index tables it reads. A table it needs that the index
lacks is registered beside it with `@index_table`. Nothing else need change: an
edit's run (delta.py) checks a rule with no incremental twin over its tables
made whole, slower but the same answer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from ..core.sources import SourceFile
from ..core.problems import Problem, did_you_mean
from ..core.schema import SLUG, slugify

if TYPE_CHECKING:
    import pandas as pd

    from .index import RepoIndex

Path = tuple[Any, ...]

TARGET_KINDS = {"skill": "R001", "role": "R002", "person": "R003", "goal": "R004", "resource": "R005"}
MAX_APPLY_DAYS = 14


def problem(source: SourceFile, path: Path, code: str, message: str, *, key: bool = False) -> Problem:
    line, col = source.doc.at(path, key=key)
    return Problem(source.rel, line, col, code, message)


# --- what ids exist ----------------------------------------------------------

# The only kinds whose raw documents a check reads once the file has a model (defined_ids,
# _goal_rules); the loader drops the raw value of the others (most of a repo's bytes).


def _items(source: SourceFile, list_key: str) -> Iterator[tuple[int, dict]]:
    """Entries of a top-level list in the raw document, leniently (the file may have schema errors)."""
    value = source.doc.value
    entries = value.get(list_key) if isinstance(value, dict) else None
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if isinstance(entry, dict):
            yield index, entry


# The one kind of file that defines each kind of id: a file names itself (roles, people), or
# lists ids under a key. delta.py reads only these files' rows to know a kind's ids.
DEFINED_BY = {"skill": "competencies", "role": "roles", "person": "people", "goal": "goals", "resource": "learning"}
_LISTED_UNDER = {"skill": "skills", "goal": "goals", "resource": "resources"}
_DEFINES = {kind: target for target, kind in DEFINED_BY.items()}


def definitions(source: SourceFile) -> Iterator[tuple[str, str, Path]]:
    """(target kind, id, path) of every id the file defines.

    Read from the raw document, so a file with a schema error still defines
    its ids and does not cascade into 'unknown id' findings elsewhere.
    """
    target = _DEFINES.get(source.kind)
    if target in _LISTED_UNDER:
        list_key = _LISTED_UNDER[target]
        for i, entry in _items(source, list_key):
            if isinstance(entry.get("id"), str):
                yield target, entry["id"], (list_key, i, "id")
    elif target is not None:
        yield target, source.stem, ()


# --- references --------------------------------------------------------------

def references(source: SourceFile) -> Iterator[tuple[str, Any, Path, bool]]:
    """(target kind, id, path, is_key) for every id the validated file points at."""
    m = source.model
    kind = source.kind
    if kind == "learning":
        for i, resource in enumerate(m.resources):
            for j, skill in enumerate(resource.skills):
                yield "skill", skill, ("resources", i, "skills", j), False
    elif kind == "roles":
        for i, role in enumerate(m.next):
            yield "role", role, ("next", i), False
        for skill in m.requires:
            yield "skill", skill, ("requires", skill), True
        for i, change in enumerate(m.changes):
            for skill in change.requires:
                yield "skill", skill, ("changes", i, "requires", skill), True
    elif kind == "people":
        yield "role", m.role, ("role",), False
        if m.manager:
            yield "person", m.manager, ("manager",), False
        if m.aspiration:
            yield "role", m.aspiration, ("aspiration",), False
    elif kind == "assessments":
        if m.assessor:
            yield "person", m.assessor, ("assessor",), False
        for i, rating in enumerate(m.ratings):
            yield "person", rating.person, ("ratings", i, "person"), False
            yield "skill", rating.skill, ("ratings", i, "skill"), False
            if rating.assessor:
                yield "person", rating.assessor, ("ratings", i, "assessor"), False
    elif kind == "goals":
        yield "person", m.person, ("person",), False
        for i, goal in enumerate(m.goals):
            if goal.skill:
                yield "skill", goal.skill, ("goals", i, "skill"), False
            if goal.owner:
                yield "person", goal.owner, ("goals", i, "owner"), False
            for j, resource in enumerate(goal.resources):
                yield "resource", resource, ("goals", i, "resources", j), False
    elif kind == "checkins":
        yield "person", m.person, ("person",), False
        yield "person", m.manager, ("manager",), False
        for i, note in enumerate(m.goals):
            yield "goal", note.goal, ("goals", i, "goal"), False
    elif kind == "reviews":
        for i, rating in enumerate(m.ratings):
            yield "person", rating.person, ("ratings", i, "person"), False
            if rating.skill:
                yield "skill", rating.skill, ("ratings", i, "skill"), False
    elif kind == "openings":
        yield "role", m.role, ("role",), False
        if m.hired and m.hired != "external":
            yield "person", m.hired, ("hired",), False
    elif kind == "completions":
        for i, record in enumerate(m.records):
            yield "person", record.person, ("records", i, "person"), False
            yield "resource", record.resource, ("records", i, "resource"), False


# --- rules within one file ---------------------------------------------------

def check_file_name(source: SourceFile) -> list[Problem]:
    """Role and person ids are file stems, so the stem must be a valid id too."""
    if source.kind in ("roles", "people") and not SLUG.match(source.stem):
        return [Problem(source.rel, 1, 1, "S006", f"file name {source.stem!r} is not a valid id: use a lowercase slug such as {slugify(source.stem) or 'name'!r}")]
    return []


def check_file_rules(source: SourceFile) -> list[Problem]:
    """Rules a single valid file can break beyond its schema."""
    m = source.model
    out: list[Problem] = []
    if source.kind in ("roles", "people") and m.id is not None and m.id != source.stem:
        out.append(problem(source, ("id",), "C002", f"id {m.id!r} differs from the file name {source.stem!r}; rename one"))
    if source.kind == "people" and m.started and m.left and m.left < m.started:
        out.append(problem(source, ("left",), "C010", f"left ({m.left}) is before started ({m.started})"))
    if source.kind == "assessments":
        for i, rating in enumerate(m.ratings):
            for key in ("date", "source"):
                if getattr(rating, key) is None and getattr(m, key) is None:
                    out.append(problem(source, ("ratings", i), "S002", f"rating has no {key}: set it here or at the top of the batch"))
    elif source.kind == "goals":
        out.extend(_goal_rules(source))
    elif source.kind == "checkins":
        block = m.learning
        if block.apply_due is not None:
            if block.apply_due < m.date:
                out.append(problem(source, ("learning", "apply_due"), "C010", f"apply_due ({block.apply_due}) is before the check-in ({m.date})"))
            elif block.apply_due > m.date + timedelta(days=MAX_APPLY_DAYS):
                days = (block.apply_due - m.date).days
                out.append(problem(source, ("learning", "apply_due"), "C005", f"apply_due is {days} days after the check-in; keep application assignments within {MAX_APPLY_DAYS} days"))
    elif source.kind == "reviews":
        low, high = (m.scale + [None, None])[:2]
        if len(m.scale) != 2 or low >= high:
            out.append(problem(source, ("scale",), "S007", "scale must be [low, high] with low < high"))
        else:
            for i, rating in enumerate(m.ratings):
                if not low <= rating.rating <= high:
                    out.append(problem(source, ("ratings", i, "rating"), "S007", f"rating {rating.rating:g} is outside the scale [{low:g}, {high:g}]"))
                if rating.root_cause == "skill" and rating.skill is None:
                    out.append(problem(source, ("ratings", i), "S002", "missing required key 'skill' (root_cause is skill)"))
                if rating.skill is not None and rating.root_cause != "skill":
                    out.append(problem(source, ("ratings", i, "skill"), "S001", "key 'skill' is only allowed with root_cause: skill", key=True))
    elif source.kind == "openings":
        if (m.filled is None) != (m.hired is None):
            present, absent = ("filled", "hired") if m.hired is None else ("hired", "filled")
            out.append(problem(source, (present,), "S002", f"missing required key {absent!r} (an opening with {present!r} needs both)"))
        if m.filled and m.filled < m.opened:
            out.append(problem(source, ("filled",), "C010", f"filled ({m.filled}) is before opened ({m.opened})"))
    return out


_LEARNING_ONLY = ("skill", "target", "baseline", "resources")


def _goal_rules(source: SourceFile) -> list[Problem]:
    out = []
    for i, goal in enumerate(source.model.goals):
        raw = source.doc.value["goals"][i]
        here = ("goals", i)
        if goal.kind == "performance":
            for key in _LEARNING_ONLY:
                if key in raw:
                    out.append(problem(source, here + (key,), "S001", f"key {key!r} is for learning goals only", key=True))
        else:
            for key in ("skill", "target"):
                if key not in raw:
                    out.append(problem(source, here, "S002", f"missing required key {key!r} (learning goals need skill and target)"))
            if goal.baseline is not None and goal.target is not None and goal.target <= goal.baseline:
                out.append(problem(source, here + ("target",), "C004", f"target {goal.target.slug} is not above baseline {goal.baseline.slug}"))
            if not goal.resources:
                out.append(problem(source, here + ("id",), "C008", f"learning goal {goal.id!r} has no resources; attach learning.yaml ids"))
        if goal.start and goal.due < goal.start:
            out.append(problem(source, here + ("due",), "C010", f"due ({goal.due}) is before start ({goal.start})"))
        if goal.start and goal.dropped and goal.dropped < goal.start:
            out.append(problem(source, here + ("dropped",), "C010", f"dropped ({goal.dropped}) is before start ({goal.start})"))
    return out


# --- the registries: the index's tables, and the rules across files -----------

SourceOf = Callable[[str], SourceFile]  # rel -> the file read with positions and model (read again if need be)


@dataclass(frozen=True)
class IndexTable:
    """A table of the index: the rows each valid file of `kind` adds (`rows(source)`, each
    without the leading `file` column, which the index fills in)."""

    name: str
    kind: str
    columns: dict[str, str]  # name -> coded.Gathered type, `file` first
    rows: Callable[[SourceFile], Iterable[tuple]]


@dataclass(frozen=True)
class CrossFileRule:
    """A check across files: `check(index, source_of)` over the index tables it `reads`."""

    codes: tuple[str, ...]
    reads: tuple[str, ...]
    check: Callable[[Any, SourceOf], list[Problem]]


INDEX_TABLES: dict[str, IndexTable] = {}
CROSS_FILE_RULES: dict[str, CrossFileRule] = {}  # by function name, in registration order


def index_table(name: str, kind: str, **columns: str) -> Callable:
    """Register `rows` as the maker of index table `name` from the valid files of `kind`."""

    def register(rows: Callable[[SourceFile], Iterable[tuple]]) -> Callable:
        INDEX_TABLES[name] = IndexTable(name, kind, {"file": "text", **columns}, rows)
        return rows

    return register


def cross_file_rule(*codes: str, reads: tuple[str, ...]) -> Callable:
    """Register a check across files reporting `codes` from the index tables `reads`."""

    def register(check: Callable[[Any, SourceOf], list[Problem]]) -> Callable:
        CROSS_FILE_RULES[check.__name__] = CrossFileRule(codes, reads, check)
        return check

    return register


def rule_of(code: str) -> CrossFileRule:
    """The rule across files that reports `code`."""
    return next(rule for rule in CROSS_FILE_RULES.values() if code in rule.codes)


# --- rules across files -------------------------------------------------------

REQUIRED_FILES = ("skillcycle", "competencies")


def cross_file_problems(index: "RepoIndex", kinds: set[str], source_of: SourceOf) -> list[Problem]:
    """Every check that spans files, over the index alone; `source_of` gives the file a
    finding points into (for its position), or whose references must be listed again.
    (delta.py answers the same over only the rows a few changed files can meet.)"""
    problems = missing_files(kinds)
    for rule in CROSS_FILE_RULES.values():
        problems += rule.check(index, source_of)
    return problems


def missing_files(kinds: set[str]) -> list[Problem]:
    return [
        Problem(f"{kind}.yaml", 1, 1, "S002", f"{kind}.yaml is missing; every skills repo needs it")
        for kind in REQUIRED_FILES if kind not in kinds
    ]


def first_definitions(defines: "pd.DataFrame", source_of: SourceOf) -> tuple[dict[str, dict[str, tuple[str, Path]]], list[Problem]]:
    """Where each id of each kind is first defined; later definitions are R006 (each id's
    answer depends on its own rows alone)."""
    first: dict[str, dict[str, tuple[str, Path]]] = {kind: {} for kind in TARGET_KINDS}
    problems = []
    for rel, target, ident, path in zip(defines["file"], defines["target"], defines["id"], defines["path"]):
        known = first[target]
        if ident in known:
            first_rel, first_path = known[ident]
            line = source_of(first_rel).doc.at(first_path)[0]
            problems.append(problem(source_of(rel), path, "R006", f"{target} id {ident!r} is already defined in {first_rel}:{line}"))
        else:
            known[ident] = (rel, path)
    return first, problems


@cross_file_rule(*TARGET_KINDS.values(), "R006", reads=("defines", "refs"))
def ids_defined_once(index: Any, source_of: SourceOf) -> list[Problem]:
    """R006 for an id defined twice; R001-R005 for a reference to an id nothing defines."""
    first, duplicates = first_definitions(index.defines, source_of)
    return duplicates + _unknown_references(index.refs, first, source_of)


def _unknown_references(refs: "pd.DataFrame", ids: dict[str, dict], source_of: SourceOf) -> list[Problem]:
    """R001-R005, found over the whole table at once; only files holding an unknown id are read
    again, to point at each one."""
    import numpy as np

    # Each distinct id looked up once per kind, among its own kind's ids, and each row reads its
    # answer by code: no cell is made into a string (13M references at 100k people).
    kinds, idents = refs["target"].cat.codes.to_numpy(), refs["id"].cat.codes.to_numpy()
    unknown = np.zeros(len(refs), dtype=bool)
    for code, target in enumerate(refs["target"].cat.categories):
        if target in ids:
            rows = np.flatnonzero(kinds == code)
            known = refs["id"].cat.categories.isin(list(ids[target]))
            unknown[rows] = ~known[idents[rows]]
    return unknown_references(sorted(set(refs["file"][unknown])), ids, source_of)


def unknown_references(files: list[str], ids: dict[str, Any], source_of: SourceOf) -> list[Problem]:
    """R001-R005 in `files` (the ones holding an unknown id), against the ids of each kind
    (`ids[target]`: a collection in definition order, the order hints are chosen in)."""
    problems = []
    for rel in files:
        source = source_of(rel)
        for target, ident, path, is_key in references(source):
            if ident not in ids[target]:
                hint = did_you_mean(ident, ids[target])
                problems.append(problem(source, path, TARGET_KINDS[target], f"unknown {target} {ident!r}{hint}", key=is_key))
    return problems


@index_table("managers", "people", person="text", manager="text")
def _manager_rows(source: SourceFile) -> Iterator[tuple]:
    yield source.stem, source.model.manager


@cross_file_rule("C001", reads=("managers",))
def no_manager_cycle(index: Any, source_of: SourceOf) -> list[Problem]:
    return manager_cycles(index.managers, source_of)


def manager_cycles(managers: "pd.DataFrame", source_of: SourceOf, starts: Iterable[str] | None = None) -> list[Problem]:
    """C001: each loop once. Walked up from `starts` only (default everyone): a loop holds
    every one of its people, so starting from the changed ones finds every loop they are in."""
    manager_of = dict(zip(managers["person"], managers["manager"]))
    file_of = dict(zip(managers["person"], managers["file"]))
    out: list[Problem] = []
    reported: set[str] = set()
    for start in sorted(manager_of if starts is None else set(starts) & manager_of.keys()):
        chain: list[str] = []
        current: str | None = start
        while current in manager_of and current not in chain and current not in reported:
            chain.append(current)
            current = manager_of[current]
        if current in chain:
            loop = chain[chain.index(current):]
            reported.update(loop)
            first = min(loop)
            order = loop[loop.index(first):] + loop[:loop.index(first)] + [first]
            out.append(problem(source_of(file_of[first]), ("manager",), "C001", "manager cycle: " + " → ".join(order)))
        reported.update(chain)
    return out


@index_table("goal_files", "goals", person="text", cycle="text", weight="object")
def _goal_file_rows(source: SourceFile) -> Iterator[tuple]:
    """One row: the file's weights summed as written."""
    model = source.model
    yield model.person, model.cycle, sum(goal.weight or 0 for goal in model.goals)


@index_table("goal_ids", "goals", goal="text", person="text")
def _goal_id_rows(source: SourceFile) -> Iterator[tuple]:
    for goal in source.model.goals:
        yield goal.id, source.model.person


@cross_file_rule("C003", "C011", reads=("goal_files",))
def one_goal_file_per_cycle(index: Any, source_of: SourceOf) -> list[Problem]:
    return goal_weights(index.goal_files, source_of)


def goal_weights(files: "pd.DataFrame", source_of: SourceOf) -> list[Problem]:
    """C011 (two goal files for one person and cycle) and C003 (weights over 100) over goal_files
    rows in read order: each (person, cycle)'s answer depends on its own rows alone."""
    # Only the goal files that share a person's cycle, or weigh over 100 alone, are looped over
    # (77k goal files at 10k people).
    out = []
    shared = files.duplicated(["person", "cycle"], keep=False).to_numpy()  # a person's cycle in 2+ files
    seen: dict[tuple[str, str], str] = {}
    weights: dict[tuple[str, str], list[tuple[str, int]]] = defaultdict(list)
    for rel, person, cycle, weight in files[shared].itertuples(index=False):
        key = (person, cycle)
        if key in seen:
            out.append(problem(source_of(rel), ("cycle",), "C011", f"{person} already has a goals file for {cycle}: {seen[key]}"))
        else:
            seen[key] = rel
        weights[key].append((rel, weight))
    alone = files[~shared]
    for rel, person, cycle, weight in alone[(alone["weight"] > 100).to_numpy(dtype=bool)].itertuples(index=False):
        weights[(person, cycle)].append((rel, weight))
    for (person, cycle), parts in weights.items():
        total = sum(weight for _, weight in parts)  # summed in file order, as written
        if total > 100:
            out.append(problem(source_of(parts[-1][0]), ("goals",), "C003", f"goal weights of {person} in {cycle} add up to {total}, over 100", key=True))
    return out


@index_table("notes", "checkins", item="int32", goal="text", person="text")
def _note_rows(source: SourceFile) -> Iterator[tuple]:
    for item, note in enumerate(source.model.goals):
        yield item, note.goal, source.model.person


@cross_file_rule("C012", reads=("goal_ids", "notes"))
def notes_on_own_goals(index: Any, source_of: SourceOf) -> list[Problem]:
    # A goal defined twice (R006) belongs to its last definition in read order.
    return foreign_notes(dict(zip(index.goal_ids["goal"], index.goal_ids["person"])), index.notes, source_of)


def foreign_notes(goal_owner: dict[str, str], notes: "pd.DataFrame", source_of: SourceOf) -> list[Problem]:
    """C012: check-in notes on a goal that `goal_owner` (goal id -> person; the last definition
    in read order) gives to someone else."""
    out = []
    for rel, item, goal, person in zip(notes["file"], notes["item"], notes["goal"], notes["person"]):
        owner = goal_owner.get(goal)
        if owner is not None and owner != person:
            out.append(problem(source_of(rel), ("goals", item, "goal"), "C012", f"goal {goal!r} belongs to {owner}, not {person}"))
    return out


@index_table("one_on_ones", "checkins", person="text", manager="text", date="date")
def _one_on_one_rows(source: SourceFile) -> Iterator[tuple]:
    model = source.model
    if model.type == "one-on-one":
        yield model.person, model.manager, model.date


@cross_file_rule("C013", reads=("one_on_ones", "managers"))
def latest_one_on_one_with_manager(index: Any, source_of: SourceOf) -> list[Problem]:
    """C013: a person's latest one-on-one held by someone other than their manager.

    A people file names today's manager only, so the latest one-on-one is the one it can
    speak for: an older one with someone else may be from before a change of manager.
    Several on that day pass when one of them is with the manager."""
    managers = index.managers[index.managers["manager"].notna().to_numpy()]  # the top of the tree has none
    manager_of = dict(zip(managers["person"], managers["manager"]))
    meetings = index.one_on_ones
    latest: dict[str, tuple] = {}  # person -> (day, managers met that day, the last file of that day)
    for rel, person, held_by, day in zip(meetings["file"], meetings["person"], meetings["manager"], meetings["date"]):
        seen = latest.get(person)
        if seen is None or day > seen[0]:
            latest[person] = (day, {held_by}, rel)
        elif day == seen[0]:
            latest[person] = (day, seen[1] | {held_by}, rel)
    people = set(index.managers["person"])
    out = []
    for person, (day, held_by, rel) in sorted(latest.items()):
        manager = manager_of.get(person)
        # An unknown person on either side is R003's to report, not a meeting with the wrong one.
        if manager in people and held_by <= people and manager not in held_by:
            out.append(problem(source_of(rel), ("manager",), "C013",
                               f"{person}'s latest one-on-one ({day.date()}) was with {min(held_by)}, but {person}'s manager is {manager}"))
    return out


Locate = Callable[[str, Path, bool], tuple[int, int]]  # (rel, path, key?) -> (line, col)


def dated_ratings(files: Iterable[SourceFile]) -> Iterator[tuple[str, int, bool, date]]:
    """(file, index, has its own date, date) of every rating of the assessments among `files`."""
    for source in files:
        if source.kind == "assessments" and source.model is not None:
            for i, rating in enumerate(source.model.ratings):
                day = rating.date or source.model.date
                if day:
                    yield source.rel, i, rating.date is not None, day


def check_future_ratings(ratings: Iterable[tuple[str, int, bool, date]], today: date, locate: Locate) -> list[Problem]:
    """C009 over (file, index, has its own date, date) rows: dated_ratings(), or the repo's ratings table."""
    out = []
    seen = set()  # a batch's date is one finding, however many ratings it dates
    for rel, item, dated, day in ratings:
        path = ("ratings", item, "date") if dated else ("date",)
        if day > today and (rel, path) not in seen:
            seen.add((rel, path))
            line, col = locate(rel, path, False)
            out.append(Problem(rel, line, col, "C009", f"rating dated {day} is in the future; it is ignored until then"))
    return out


def check_development(repo: Any, as_of: date, locate: Locate) -> list[Problem]:
    """C006 and C007: learning goals in the current cycle against each person's gaps on as-of.

    Reads the repo's goal table, so it runs the same on a fresh load and on a snapshot.
    """
    from ..core.gaps import tracks

    return development_findings(tracks(repo, as_of).items(), repo.goals, repo.person_files, repo.settings, as_of, locate)


def development_findings(
    tracks: Iterable[tuple[str, str]], goals: "pd.DataFrame", person_files: dict[str, str], settings: Any, as_of: date, locate: Locate,
) -> list[Problem]:
    """C006 and C007 for each (person, track) of `tracks` (gaps.person_tracks), from the rows of
    a goal table (facts.goal_table) that hold their goals: each person's findings depend on
    their own track and goals alone (delta.py's runs make them again for a few people)."""
    import pandas as pd

    from ..core.quarters import Quarter

    cycle = Quarter.containing(as_of, settings.fiscal_year_start).label
    ranges = {"upskill": settings.learning_weight.upskill, "reskill": settings.learning_weight.reskill}
    goals = goals[goals["cycle"] == cycle]
    live = (goals["kind"] == "learning") & ~(goals["dropped"] <= pd.Timestamp(as_of))
    weight = goals["weight"].fillna(0)
    per_person = pd.DataFrame(
        {"person": goals["person"], "file": goals["file"], "total": weight, "learning": weight.where(live, 0), "live": live}
    ).groupby("person", sort=False).agg(
        file=("file", "first"), total=("total", "sum"), learning=("learning", "sum"), live=("live", "any"),
    )
    cycle_goals = per_person.to_dict("index")
    out = []
    for person, track in tracks:
        if track == "none":
            continue
        mine = cycle_goals.get(person)
        if mine is None or not mine["live"]:
            rel = person_files[person]
            line, col = locate(rel, ("role",), False)
            out.append(Problem(rel, line, col, "C007", f"{person} has skill gaps ({track} track) but no learning goal in {cycle}"))
            continue
        if mine["total"] == 0:
            continue
        share = 100 * mine["learning"] / mine["total"]
        low, high = ranges[track]
        if not low <= share <= high:
            line, col = locate(mine["file"], ("goals",), True)
            out.append(Problem(mine["file"], line, col, "C006", f"learning goals carry {share:.0f}% of {person}'s {cycle} goal weight; the {track} track expects {low}-{high}%"))
    return out
