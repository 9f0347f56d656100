"""Required-vs-current gaps (SPEC §6), vectorised over the org.

`person_gaps` gives one row per active person x required skill; `rollup` folds
those rows into the report rows of `skillcycle gap` (by role family x skill by
default); `gap_report` answers one run of the command: population filters,
horizon, roll-up, --top and the person-level detail behind the rows shown.
Nothing here prints.

Inside, people, roles, families and skills are integer codes in sorted-id
order (so sorting by code is sorting by id) and every step is a numpy or
pandas operation on whole columns; ids become text only in the rows returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from .facts import LevelGrid, add_months, requirements_on
from .levels import Level
from .problems import did_you_mean
from .repo import Repo
from .schema import Skill

GAP_COLUMNS = ["person", "role", "family", "skill", "required", "current", "gap", "track", "self"]
DETAIL_COLUMNS = ["person", "name", "role", "family", "manager", "skill", "urgency", "required", "current", "self",
                  "gap", "track"]

URGENCY_WEIGHT = {"high": 3, "medium": 2, "low": 1}  # SPEC §6: priority = w(urgency) * below
URGENCIES = ("high", "medium", "low")  # strategic first
BY = ("family", "role", "skill", "person", "manager")
TRACKS = ("upskill", "reskill")
HORIZONS = (0, 12, 24, 36)

# The columns of a roll-up row, in the order of SPEC §6's JSON, per --by.
COUNT_COLUMNS = ["required", "below", "unassessed", "upskill", "reskill"]
ROW_COLUMNS = {
    "family": ["family", "skill", *COUNT_COLUMNS, "mean_gap", "urgency", "priority"],
    "role": ["role", "family", "skill", *COUNT_COLUMNS, "mean_gap", "urgency", "priority"],
    "skill": ["skill", *COUNT_COLUMNS, "mean_gap", "urgency", "priority"],
    "manager": ["manager", "skill", *COUNT_COLUMNS, "mean_gap", "urgency", "priority"],
    "person": ["person", "role", "family", *COUNT_COLUMNS, "mean_gap", "track", "priority"],
}
# What a row is keyed by; after priority and below, rows sort by these ids.
ROW_KEYS = {
    "family": ["family", "skill"],
    "role": ["role", "skill"],
    "skill": ["skill"],
    "manager": ["manager", "skill"],
    "person": ["person"],
}
_CODE = {"person": "p", "role": "r", "family": "f", "skill": "s", "manager": "m"}  # id column -> code column
_TRACK_NAMES = np.array(["none", "upskill", "reskill"], dtype=object)  # track codes 0, 1, 2
_LEVEL_NAMES = np.array([level.slug for level in Level], dtype=object)


# --- the pairs: one row per person x required skill, as codes -------------------------------

@dataclass
class _Pairs:
    """Person x required-skill rows as integer columns, with the id lists the codes point into."""

    frame: pd.DataFrame  # p r f s required current gap track below unassessed upskill reskill weighted [self]
    people: list[str]
    roles: list[str]
    families: list[str]
    skills: list[str]
    urgency: list[str]  # per skill code

    def ids(self, column: str, codes: np.ndarray) -> pd.array:
        return _take({"p": self.people, "r": self.roles, "f": self.families, "s": self.skills}[column], codes)

    def subset(self, mask: np.ndarray) -> "_Pairs":
        """Only the rows where mask is true (people codes unchanged)."""
        return _Pairs(self.frame[mask].reset_index(drop=True), self.people, self.roles, self.families, self.skills,
                      self.urgency)

    def only_people(self, keep: np.ndarray) -> "_Pairs":
        """Only the people (by code) where keep is true, recoded 0..n-1 in the same order."""
        recode = np.cumsum(keep) - 1
        frame = self.frame[keep[self.frame["p"].to_numpy()]].reset_index(drop=True)
        frame["p"] = recode[frame["p"].to_numpy()]
        return _Pairs(frame, [pid for pid, kept in zip(self.people, keep) if kept], self.roles, self.families,
                      self.skills, self.urgency)


def _pairs(repo: Repo, day: date, who: list[str], levels_on: date, *, own: bool = True) -> _Pairs:
    """Requirements on `day` of the people `who` (sorted ids), levels read on `levels_on`; with
    `own`, each pair's latest self rating too (column self)."""
    roles = list(repo.roles)  # sorted ids
    families = sorted({role.family for role in repo.roles.values()})
    required_on = {rid: requirements_on(role, day) for rid, role in repo.roles.items()}  # each sorted by skill id
    skills = sorted(set(repo.skills).union(*(r.keys() for r in required_on.values())))
    skill_code = {sid: i for i, sid in enumerate(skills)}
    family_code = {fid: i for i, fid in enumerate(families)}
    role_code = {rid: i for i, rid in enumerate(roles)}

    req = [(i, skill_code[sid], int(level)) for i, rid in enumerate(roles) for sid, level in required_on[rid].items()]
    req_role, req_skill, req_level = (np.array(col, dtype=np.int64) for col in zip(*req)) if req else (np.zeros(0, np.int64),) * 3
    per_role = np.bincount(req_role, minlength=len(roles)).astype(np.int64)
    first_of_role = np.cumsum(per_role) - per_role  # req rows are grouped by role, skills sorted within

    person_role = np.array([role_code[repo.people[pid].role] for pid in who], dtype=np.int64)
    n_rows = per_role[person_role] if len(who) else np.zeros(0, np.int64)
    p = np.repeat(np.arange(len(who), dtype=np.int64), n_rows)
    offset = np.arange(len(p), dtype=np.int64) - np.repeat(np.cumsum(n_rows) - n_rows, n_rows)
    row = np.repeat(first_of_role[person_role], n_rows) + offset if len(who) else np.zeros(0, np.int64)
    r = person_role[p]
    s = req_skill[row]
    required = req_level[row].astype(np.int8)
    role_family = np.array([family_code[repo.roles[rid].family] for rid in roles], dtype=np.int64)

    levels = LevelGrid.of(repo, who)
    person_code, skill_code = levels.people.get_indexer(who), levels.skills.get_indexer(skills)
    current = levels.lookup(levels.matrix(levels_on, own=False), person_code[p], skill_code[s])
    level = np.maximum(current, 0)  # unassessed ranks as 0
    gap = np.maximum(required - level, 0).astype(np.int8)
    below = gap > 0
    track = np.where(below, np.where(level == 0, 2, 1), 0).astype(np.int8)
    urgency = [repo.skills[sid].urgency if sid in repo.skills else "low" for sid in skills]
    weight = np.array([URGENCY_WEIGHT[u] for u in urgency], dtype=np.int64)
    frame = pd.DataFrame({
        "p": p, "r": r, "f": role_family[r] if len(r) else r, "s": s,
        "required": required, "current": current, "gap": gap, "track": track,
        "below": below.astype(np.int64), "unassessed": (current < 0).astype(np.int64),
        "upskill": (track == 1).astype(np.int64), "reskill": (track == 2).astype(np.int64),
        "weighted": below * weight[s] if len(s) else np.zeros(0, np.int64),
    })
    if own:  # the latest self rating, shown beside the current level (a roll-up does not count it)
        frame["self"] = levels.lookup(levels.matrix(levels_on, own=True), person_code[p], skill_code[s])
    return _Pairs(frame, who, roles, families, skills, urgency)


def _take(values: list, codes) -> pd.array:
    """values[code] for every code, as a text column (None becomes NA)."""
    codes = np.asarray(codes, dtype=np.int64)
    return pd.array(values, dtype="str").take(codes) if len(codes) else pd.array([], dtype="str")


def _nullable(codes: np.ndarray) -> pd.arrays.IntegerArray:
    return pd.arrays.IntegerArray(np.maximum(codes, 0).astype(np.int8), codes < 0)


def _active(repo: Repo, day: date) -> list[str]:
    return [pid for pid, person in repo.people.items() if person.active_on(day)]  # repo.people is sorted by id


def person_gaps(repo: Repo, day: date, people: list[str] | None = None, levels_on: date | None = None) -> pd.DataFrame:
    """One row per active person x skill their role requires on `day` (level > none), by person then skill.

    `levels_on` is the date current and self levels are read on (default `day`;
    `gap --horizon` reads requirements on a later day but levels on the as-of
    date, since nothing after it may be used). `current` and `self` are
    nullable ints (NA = unassessed / no self rating); `gap` = max(0, required -
    current) with unassessed ranked 0; `track` is 'upskill' or 'reskill' for
    positive gaps and 'none' otherwise.
    """
    who = _active(repo, day) if people is None else sorted(people)
    pairs = _pairs(repo, day, who, levels_on or day)
    f = pairs.frame
    return pd.DataFrame({
        "person": pairs.ids("p", f["p"]), "role": pairs.ids("r", f["r"]), "family": pairs.ids("f", f["f"]),
        "skill": pairs.ids("s", f["s"]), "required": f["required"].to_numpy(dtype=np.int8),
        "current": _nullable(f["current"].to_numpy()), "gap": f["gap"].to_numpy(dtype=np.int8),
        "track": _take(_TRACK_NAMES.tolist(), f["track"].to_numpy()),
        "self": _nullable(f["self"].to_numpy()),
    }, columns=GAP_COLUMNS)


def tracks(repo: Repo, day: date) -> pd.Series:
    """Each active person's track on `day` (person_tracks: the people whose role requires a
    skill), made once per day and kept with the repo (one of repo.DERIVED): the checks of
    development and the snapshot both read it."""
    made = repo.__dict__.setdefault("_tracks", {})
    if day not in made:
        made[day] = person_tracks(person_gaps(repo, day))
    return made[day]


def person_tracks(gaps: pd.DataFrame) -> pd.Series:
    """Track per person in `gaps`: reskill if any gap is, else upskill if any gap, else none."""
    flags = gaps.assign(
        is_reskill=gaps["track"] == "reskill", is_upskill=gaps["track"] == "upskill"
    ).groupby("person")[["is_reskill", "is_upskill"]].any()
    track = pd.Series("none", index=flags.index, name="track", dtype=object)
    track[flags["is_upskill"]] = "upskill"
    track[flags["is_reskill"]] = "reskill"
    return track


def _track_codes(pairs: _Pairs) -> np.ndarray:
    """Per person code: 2 reskill if any gap is, else 1 upskill if any gap, else 0 (SPEC §6)."""
    codes = np.zeros(len(pairs.people), dtype=np.int8)
    np.maximum.at(codes, pairs.frame["p"].to_numpy(), pairs.frame["track"].to_numpy())
    return codes


# --- roll-ups -------------------------------------------------------------------------

def round_half_up(numerator, denominator, places: int = 2):
    """numerator / denominator (integers >= 0) rounded half up to `places` decimals, exactly.

    0.125 -> 0.13 and 0.665 -> 0.67, as a spreadsheet's ROUND does; binary
    floating point (Python's round(0.125, 2) is 0.12) never enters.
    """
    scale = 10 ** places
    numerator = np.asarray(numerator, dtype=np.int64)
    denominator = np.asarray(denominator, dtype=np.int64)
    return ((2 * scale * numerator + denominator) // (2 * denominator)) / scale


def management_chains(repo: Repo, people: list[str] | None = None) -> list[tuple[str, str]]:
    """(manager, person) for every person and everyone above them, directly or not.

    Grouped by manager this is `repo.subtree(manager)` for every manager at
    once (restricted to `people`): one walk up per person instead of one walk
    down the whole tree per manager.
    """
    above: dict[str, tuple[str, ...]] = {}  # person -> everyone above them, nearest first

    def manager_of(pid: str) -> str | None:
        return repo.people[pid].manager if pid in repo.people else None

    def chain(pid: str) -> tuple[str, ...]:
        path: list[str] = []
        current: str | None = pid
        while current is not None and current not in above and current not in path:
            path.append(current)
            current = manager_of(current)
        # current is now None (the top), someone already walked, or (never in a valid repo) a cycle
        tail = () if current is None or current in path else (current, *above[current])
        for node in reversed(path):
            above[node] = tail
            tail = (node, *tail)
        return above[pid]

    return [(manager, pid) for pid in (repo.people if people is None else people) for manager in chain(pid)]


def _under_managers(repo: Repo, pairs: _Pairs, subtree: bool) -> tuple[pd.DataFrame, list[str]]:
    """The pair rows once per manager of the person (column m), and the manager ids m points
    into: their own manager alone, or with `subtree` everyone above them."""
    if subtree:
        chains = management_chains(repo, pairs.people)
    else:
        chains = [(repo.people[pid].manager, pid) for pid in pairs.people if repo.people[pid].manager]
    managers = sorted({m for m, _ in chains})
    code = {m: i for i, m in enumerate(managers)}
    person = {pid: i for i, pid in enumerate(pairs.people)}
    links = pd.DataFrame({"m": [code[m] for m, _ in chains], "p": [person[pid] for _, pid in chains]},
                         dtype=np.int64)
    return pairs.frame.merge(links, on="p", how="inner"), managers


def _rollup(repo: Repo, pairs: _Pairs, by: str, subtree: bool = False) -> pd.DataFrame:
    """Fold pair rows into roll-up rows (ROW_COLUMNS[by]), sorted as SPEC §6 sorts them; by
    manager, a manager's direct reports (everyone under them with `subtree`)."""
    frame, managers = _under_managers(repo, pairs, subtree) if by == "manager" else (pairs.frame, [])
    codes = [_CODE[key] for key in ROW_KEYS[by]]
    grouped = frame.groupby(codes, sort=True)  # codes follow id order: sorted by key ids
    rows = grouped[["below", "unassessed", "upskill", "reskill", "gap", "weighted"]].sum()
    rows["required"] = grouped.size()
    carried = [c for c in ("f", "r") if by in ("role", "person") and c not in codes]  # functions of the key
    if carried:
        rows[carried] = grouped[carried].first()
    rows = rows.reset_index()
    rows = rows.sort_values(["weighted", "below"], ascending=False, kind="stable").reset_index(drop=True)
    out = {}
    for column in ROW_COLUMNS[by]:
        if column == "manager":
            out[column] = _take(managers, rows["m"].to_numpy())
        elif column in _CODE:
            out[column] = pairs.ids(_CODE[column], rows[_CODE[column]].to_numpy())
        elif column in COUNT_COLUMNS:
            out[column] = rows[column].to_numpy(dtype=np.int64)
        elif column == "mean_gap":
            out[column] = round_half_up(rows["gap"].to_numpy(), rows["required"].to_numpy()) if len(rows) else np.zeros(0)
        elif column == "urgency":
            out[column] = _take(pairs.urgency, rows["s"].to_numpy())
        elif column == "track":
            out[column] = _take(_TRACK_NAMES.tolist(), _track_codes(pairs)[rows["p"].to_numpy()])
        elif column == "priority":
            out[column] = rows["weighted"].to_numpy(dtype=np.int64)
    return pd.DataFrame(out, columns=ROW_COLUMNS[by])


def rollup(repo: Repo, day: date, by: str = "family", *, levels_on: date | None = None) -> pd.DataFrame:
    """The SPEC §6 roll-up of every person active on `day` (columns ROW_COLUMNS[by], in §6 order)."""
    return _rollup(repo, _pairs(repo, day, _active(repo, day), levels_on or day, own=False), by)


# --- one run of `skillcycle gap` ----------------------------------------------------

class GapQueryError(ValueError):
    """An option value the repo does not know (a usage error: exit 2)."""


@dataclass(frozen=True)
class GapQuery:
    as_of: date
    horizon_months: int = 0
    by: str = "family"
    families: tuple[str, ...] = ()
    manager: str | None = None
    track: str | None = None
    top: int | None = None
    subtree: bool = False  # by manager: everyone under each manager, not their direct reports alone

    @property
    def day(self) -> date:
        """D of SPEC §6: the day requirements and active people are evaluated on."""
        return add_months(self.as_of, self.horizon_months)


@dataclass(frozen=True)
class GapSummary:
    people: int  # active people in the population
    with_gaps: int
    upskill: int  # people on each track (SPEC §6 person track)
    reskill: int
    unassessed_people: int  # people unassessed in at least one required skill
    unassessed: int  # (person, required skill) pairs with no non-self rating


@dataclass
class GapReport:
    query: GapQuery
    organization: str
    skills: dict[str, Skill]
    rows: pd.DataFrame  # the roll-up (ROW_COLUMNS[by]), sorted, cut to --top
    total_rows: int  # roll-up rows before --top
    detail: pd.DataFrame  # DETAIL_COLUMNS: the positive gaps the rows shown count, by person then skill
    tracks: dict[str, str]  # person -> upskill | reskill, for people in `detail`
    summary: GapSummary
    repo: Repo
    pairs: _Pairs

    @property
    def day(self) -> date:
        return self.query.day

    @property
    def heat_by(self) -> str:
        """The heat map's columns: managers when rolled up by manager, else role families."""
        return "manager" if self.query.by == "manager" else "family"

    @cached_property
    def heat(self) -> pd.DataFrame:
        """heat_by x skill cells of the whole population (column, skill, urgency, required, below,
        share), skills strategic first (high, medium, low), then by skill id."""
        cells = _rollup(self.repo, self.pairs, self.heat_by, self.query.subtree)
        cells = cells.rename(columns={self.heat_by: "column"})[["column", "skill", "urgency", "required", "below"]]
        cells = cells.assign(share=cells["below"] / cells["required"],
                             rank=cells["urgency"].map({u: i for i, u in enumerate(URGENCIES)}))
        return cells.sort_values(["rank", "skill", "column"], kind="stable").drop(columns="rank").reset_index(drop=True)


def families_of(repo: Repo) -> list[str]:
    return sorted({role.family for role in repo.roles.values()})


def managers_of(repo: Repo) -> list[str]:
    """People with at least one report (a person with reports counts as a manager)."""
    return sorted({p.manager for p in repo.people.values() if p.manager})


def check_query(repo: Repo, query: GapQuery) -> None:
    """Raise GapQueryError for values the repo does not know, with a did-you-mean hint."""
    if query.by not in BY:
        raise GapQueryError(f"--by {query.by!r} is not one of {', '.join(BY)}")
    if query.horizon_months not in HORIZONS:
        raise GapQueryError(f"--horizon {query.horizon_months} is not one of 12, 24, 36")
    if query.track is not None and query.track not in TRACKS:
        raise GapQueryError(f"--track {query.track!r} is not one of {', '.join(TRACKS)}")
    if query.top is not None and query.top < 1:
        raise GapQueryError("--top must be at least 1")
    known = families_of(repo)
    for family in query.families:
        if family not in known:
            hint = did_you_mean(family, known) or f" (role families: {', '.join(known) or 'none'})"
            raise GapQueryError(f"unknown role family {family!r}{hint}")
    if query.manager is not None:
        managers = managers_of(repo)
        if query.manager not in repo.people:
            hint = did_you_mean(query.manager, managers) or did_you_mean(query.manager, repo.people)
            raise GapQueryError(f"unknown person {query.manager!r}{hint}")
        if query.manager not in managers:
            raise GapQueryError(f"{query.manager!r} has no reports, so there is no team to show"
                                f"{did_you_mean(query.manager, managers)}")


def gap_report(repo: Repo, query: GapQuery) -> GapReport:
    """Everything `skillcycle gap` shows for one set of options (call check_query first).

    The population is everyone active on D, narrowed by --family, --manager
    (the whole sub-tree, not the manager) and --track (the person's track);
    --top cuts the roll-up rows and the detail to the gaps those rows count.
    """
    day = query.day
    population = _active(repo, day)
    if query.families:
        wanted = set(query.families)
        population = [pid for pid in population if repo.roles[repo.people[pid].role].family in wanted]
    if query.manager is not None:
        team = set(repo.subtree(query.manager))
        population = [pid for pid in population if pid in team]
    pairs = _pairs(repo, day, population, query.as_of)
    tracks = _track_codes(pairs)
    if query.track is not None:
        wanted_code = 1 + TRACKS.index(query.track)
        pairs = pairs.only_people(tracks == wanted_code)
        tracks = tracks[tracks == wanted_code]
    all_rows = _rollup(repo, pairs, query.by, query.subtree)
    rows = all_rows if query.top is None else all_rows.head(query.top).reset_index(drop=True)
    frame = pairs.frame
    unassessed = frame["unassessed"].to_numpy() > 0
    summary = GapSummary(
        people=len(pairs.people),
        with_gaps=int((tracks > 0).sum()),
        upskill=int((tracks == 1).sum()),
        reskill=int((tracks == 2).sum()),
        unassessed_people=int(len(np.unique(frame["p"].to_numpy()[unassessed]))),
        unassessed=int(unassessed.sum()),
    )
    detail = _detail(repo, pairs, rows, query.by, cut=query.top is not None, subtree=query.subtree)
    person_track = {pid: str(_TRACK_NAMES[code]) for pid, code in zip(pairs.people, tracks) if code}
    return GapReport(query, repo.settings.organization, repo.skills, rows, len(all_rows), detail, person_track,
                     summary, repo, pairs)


def _detail(repo: Repo, pairs: _Pairs, rows: pd.DataFrame, by: str, *, cut: bool, subtree: bool) -> pd.DataFrame:
    """The positive gaps behind `rows` (all of them unless --top cut the rows), with name and manager."""
    positive = pairs.frame[pairs.frame["gap"].to_numpy() > 0]
    if cut:
        keys = ROW_KEYS[by]
        if by == "manager":
            under, managers = _under_managers(repo, pairs.subset(pairs.frame["gap"].to_numpy() > 0), subtree)
            shown = {(m, s) for m, s in zip(rows["manager"], rows["skill"])}
            code = {m: i for i, m in enumerate(managers)}
            skill = {sid: i for i, sid in enumerate(pairs.skills)}
            wanted = pd.DataFrame([(code[m], skill[s]) for m, s in sorted(shown)], columns=["m", "s"])
            chosen = under.merge(wanted, on=["m", "s"])[["p", "s"]].drop_duplicates()
        else:
            lists = {"p": pairs.people, "r": pairs.roles, "f": pairs.families, "s": pairs.skills}
            codes = {column: {value: i for i, value in enumerate(ids)} for column, ids in lists.items()}
            chosen = pd.DataFrame({
                _CODE[key]: [codes[_CODE[key]][value] for value in rows[key]] for key in keys
            }, columns=[_CODE[key] for key in keys], dtype=np.int64)
        positive = positive.merge(chosen, on=list(chosen.columns)).sort_values(["p", "s"], kind="stable")
    p = positive["p"].to_numpy()
    s = positive["s"].to_numpy()
    return pd.DataFrame({
        "person": pairs.ids("p", p),
        "name": _take([repo.people[pid].name for pid in pairs.people], p),
        "role": pairs.ids("r", positive["r"].to_numpy()),
        "family": pairs.ids("f", positive["f"].to_numpy()),
        "manager": _take([repo.people[pid].manager for pid in pairs.people], p),
        "skill": pairs.ids("s", s),
        "urgency": _take(pairs.urgency, s),
        "required": positive["required"].to_numpy(dtype=np.int8),
        "current": _nullable(positive["current"].to_numpy()),
        "self": _nullable(positive["self"].to_numpy()),
        "gap": positive["gap"].to_numpy(dtype=np.int8),
        "track": _take(_TRACK_NAMES.tolist(), positive["track"].to_numpy()),
    }, columns=DETAIL_COLUMNS).reset_index(drop=True)
