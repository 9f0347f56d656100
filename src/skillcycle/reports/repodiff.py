"""`skillcycle diff`: what a change to the skills repo means, for the reviewer of a pull request.

Both sides are read from git objects (`git ls-tree -r` + `git cat-file --batch`:
no checkout, no worktree, nothing written) into a sources.MemorySource and go
through the normal loader and validator. The working tree is read from disk as
usual. Then two valid Repos are compared on one as-of date:

- ratings: rating records added, removed or re-levelled, and the resulting
  moves of current levels (SPEC §4) — who moved up or down a tier, by which source;
- goals: added, removed, achieved, dropped, or edited;
- requirements: what each role requires on the as-of date, and scheduled
  (future) requirement changes added or removed;
- people: joined, removed, changed role or manager, left;
- gaps: rows of the SPEC §6 roll-up (by family x skill) whose `below` or
  `priority` moved.

Nothing here prints.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.facts import current_levels, goal_facts, goal_status, requirements_on
from ..core.gaps import rollup
from ..core.levels import Level
from ..core.loader import load
from ..core.sources import MemorySource
from ..core.walk import kind_of
from ..core.problems import Problem
from ..core.repo import Repo
from ..core.schema import FOLDERS, TOP_FILES
from ..validation.validate import Validation, validate_loaded

WORKTREE = "working tree"


class GitError(Exception):
    """Not a git repository, or a revision that does not exist (exit code 2, one line)."""


class RevisionInvalid(Exception):
    """A revision's skills repo has errors: nothing can be compared (exit code 1)."""

    def __init__(self, label: str, problems: list[Problem]) -> None:
        super().__init__(f"the skills repo at {label} is invalid")
        self.label = label
        self.problems = problems


# --- reading a revision from git ------------------------------------------------

# git reads a repo's own .git/config, which can name programs to run (an fsmonitor hook, a
# pager, hooks): none of them runs for skillcycle, and neither does the machine's config.
_GIT_SETTINGS = ("-c", "core.fsmonitor=false", "-c", "core.pager=cat", "-c", f"core.hooksPath={os.devnull}")
_GIT_ENV = {
    "GIT_LITERAL_PATHSPECS": "1",  # a folder named `*` is just a name
    "GIT_CONFIG_NOSYSTEM": "1", "GIT_PAGER": "cat", "PAGER": "cat", "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",  # reading never writes the index
}


def _git(cwd: Path, *args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        env = {**os.environ, **_GIT_ENV}
        return subprocess.run(["git", *_GIT_SETTINGS, *args], cwd=cwd, input=input, capture_output=True, timeout=300, env=env)
    except FileNotFoundError:
        raise GitError("git is not installed (skillcycle diff reads revisions with git)") from None


def git_location(root: Path) -> tuple[Path, str]:
    """(the git work tree's top folder, the skills repo's folder inside it as 'a/b/' or '')."""
    proc = _git(root, "rev-parse", "--show-toplevel", "--show-prefix")
    if proc.returncode != 0:
        raise GitError(f"{root} is not in a git repository")
    lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
    top = Path(lines[0])
    prefix = lines[1] if len(lines) > 1 else ""
    return top, prefix


def resolve(top: Path, revision: str) -> str:
    """The commit id a revision names; GitError when there is none."""
    if not revision or revision.startswith("-"):
        raise GitError(f"unknown revision {revision!r}")
    proc = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
    if proc.returncode != 0:
        raise GitError(f"unknown revision {revision!r} (not a commit in {top})")
    return proc.stdout.decode().strip()


_TOP_NAMES = {kind + suffix for kind in TOP_FILES for suffix in (".yaml", ".yml")}


def read_revision(top: Path, commit: str, prefix: str) -> MemorySource:
    """The skills files of `commit` under `prefix`, in memory (a MemorySource rooted at the skills folder)."""
    args = ["ls-tree", "-r", "-z", "--full-tree", commit]
    if prefix:
        args += ["--", prefix.rstrip("/")]
    proc = _git(top, *args)
    if proc.returncode != 0:
        raise GitError(f"cannot list {commit[:12]}: {proc.stderr.decode(errors='replace').strip()}")
    blobs: dict[str, str] = {}
    links: set[str] = set()
    for record in proc.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, oid = meta.decode().split()
        path = raw_path.decode("utf-8", "surrogateescape")
        if not path.startswith(prefix):
            continue
        rel = path[len(prefix):]
        if kind != "blob":
            continue  # a submodule
        if mode == "120000":
            if kind_of(rel) or rel in FOLDERS or rel in _TOP_NAMES:
                links.add(rel)  # reported as on disk, never followed
        elif kind_of(rel):
            blobs[rel] = oid
    contents = _cat_blobs(top, list(blobs.values()))
    files = {rel: contents[oid] for rel, oid in blobs.items()}
    return MemorySource(top / prefix, files, frozenset(links))


def _cat_blobs(top: Path, oids: list[str]) -> dict[str, bytes]:
    """Blob contents by id, in one `git cat-file --batch` call."""
    if not oids:
        return {}
    unique = sorted(set(oids))
    proc = _git(top, "cat-file", "--batch", input=("\n".join(unique) + "\n").encode())
    if proc.returncode != 0:
        raise GitError(f"git cat-file failed: {proc.stderr.decode(errors='replace').strip()}")
    out: dict[str, bytes] = {}
    data, at = proc.stdout, 0
    for oid in unique:
        end = data.index(b"\n", at)
        header = data[at:end].decode().split()
        if len(header) != 3:
            raise GitError(f"git cat-file: object {oid} is missing")
        size = int(header[2])
        out[oid] = data[end + 1:end + 1 + size]
        at = end + 1 + size + 1
    return out


@dataclass
class Side:
    """One side of the comparison: a label for people, and its validated repo (None: no skills repo there)."""

    label: str
    repo: Repo | None
    validation: Validation | None = None


def open_side(label: str, source: Any, as_of: date, today: date) -> Side:
    """Load and validate one side; an empty side (no skills files at all) compares as an empty repo."""
    loaded = load(source)
    if not loaded.files and not loaded.problems:
        return Side(label, None)
    validation = validate_loaded(loaded, as_of, today)
    if not validation.ok:
        raise RevisionInvalid(label, validation.problems)
    return Side(label, validation.repo, validation)


# --- the comparison ----------------------------------------------------------------

def _slug(level: int | None) -> str | None:
    return None if level is None else Level(int(level)).slug


def _moved(before: int | None, after: int | None) -> str:
    if before is None:
        return "assessed" if after is not None else "same"
    if after is None:
        return "unassessed"
    return "up" if after > before else "down" if after < before else "same"


@dataclass
class RepoDiff:
    base: str
    head: str
    as_of: date
    ratings: list[dict] = field(default_factory=list)
    levels: list[dict] = field(default_factory=list)
    goals: list[dict] = field(default_factory=list)
    requirements: list[dict] = field(default_factory=list)
    scheduled: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    gaps: list[dict] = field(default_factory=list)
    skills: list[dict] = field(default_factory=list)

    SECTIONS = ("people", "skills", "requirements", "scheduled", "ratings", "levels", "goals", "gaps")

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in self.SECTIONS)

    def to_dict(self) -> dict:
        payload = asdict(self)
        payload["as_of"] = self.as_of.isoformat()
        return payload


_RATING_KEY = ["file", "person", "skill", "date", "source", "assessor"]


def _ratings(repo: Repo | None) -> pd.DataFrame:
    if repo is None or repo.ratings.empty:
        return pd.DataFrame(columns=_RATING_KEY + ["level", "seq"])
    frame = repo.ratings.copy()
    frame["date"] = frame["date"].dt.date
    frame["assessor"] = frame["assessor"].astype(object).where(frame["assessor"].notna(), None)
    return frame


def diff_ratings(base: Repo | None, head: Repo | None) -> list[dict]:
    """Rating records added, removed or re-levelled, matched by file, person, skill, date, source, assessor."""
    def records(repo: Repo | None) -> dict[tuple, int]:
        frame = _ratings(repo)
        return {tuple(row[k] for k in _RATING_KEY): int(row["level"]) for row in frame.to_dict("records")}

    old, new = records(base), records(head)
    rows = []
    for key in sorted(set(old) | set(new), key=lambda k: (k[1], k[2], k[3], k[4], k[0], k[5] or "")):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        file, person, skill, day, source, assessor = key
        rows.append({
            "change": "added" if before is None else "removed" if after is None else "changed",
            "person": person, "skill": skill, "date": day.isoformat(), "source": source, "assessor": assessor,
            "file": file, "before": _slug(before), "after": _slug(after),
        })
    return rows


def diff_levels(base: Repo | None, head: Repo | None, as_of: date) -> list[dict]:
    """Current levels (SPEC §4) on as-of that moved, with the rating that decides the new level."""
    def levels(repo: Repo | None) -> dict[tuple[str, str], dict]:
        if repo is None or repo.ratings.empty:
            return {}
        frame = current_levels(repo.ratings, as_of, repo.precedence).reset_index()
        return {(r["person"], r["skill"]): r for r in frame.to_dict("records")}

    old, new = levels(base), levels(head)
    rows = []
    for key in sorted(set(old) | set(new)):
        before = old.get(key)
        after = new.get(key)
        level_before = None if before is None else int(before["level"])
        level_after = None if after is None else int(after["level"])
        direction = _moved(level_before, level_after)
        if direction == "same":
            continue
        rows.append({
            "person": key[0], "skill": key[1], "before": _slug(level_before), "after": _slug(level_after),
            "move": direction, "tiers": (level_after or 0) - (level_before or 0),
            "source": None if after is None else after["source"],
            "date": None if after is None else pd.Timestamp(after["date"]).date().isoformat(),
            "assessor": None if after is None or pd.isna(after["assessor"]) else after["assessor"],
        })
    return rows


_GOAL_FIELDS = ("kind", "skill", "target", "baseline", "title", "start", "due", "owner", "weight", "resources", "dropped")


def diff_goals(base: Repo | None, head: Repo | None, as_of: date) -> list[dict]:
    """Goals added, removed, achieved, dropped or edited (status on as-of, SPEC §3 achievement)."""
    def facts(repo: Repo | None) -> dict:
        return {} if repo is None else {f.goal.id: f for f in goal_facts(repo, as_of)}

    old, new = facts(base), facts(head)
    rows = []
    for goal_id in sorted(set(old) | set(new)):
        before, after = old.get(goal_id), new.get(goal_id)
        fact = after or before
        status_before = goal_status(before, as_of) if before else None
        status_after = goal_status(after, as_of) if after else None
        edited: list[str] = []
        if before is None:
            change = "added"
        elif after is None:
            change = "removed"
        elif status_after != status_before and status_after in ("achieved", "dropped"):
            change = status_after
        else:
            edited = [name for name in _GOAL_FIELDS if getattr(before.goal, name) != getattr(after.goal, name)]
            if before.person != after.person or before.cycle != after.cycle:
                edited = ["person/cycle", *edited]
            if not edited and status_before == status_after:
                continue
            change = "edited" if edited else status_after
        goal = fact.goal
        rows.append({
            "change": change, "goal": goal_id, "person": fact.person, "cycle": fact.cycle, "kind": goal.kind,
            "skill": goal.skill, "target": goal.target.slug if goal.target is not None else None,
            "title": goal.title, "status_before": status_before, "status_after": status_after,
            "achieved": after.achieved.isoformat() if after and after.achieved else None,
            "fields": edited, "file": fact.file,
        })
    return rows


def diff_requirements(base: Repo | None, head: Repo | None, as_of: date) -> tuple[list[dict], list[dict]]:
    """(requirements on as-of that changed, scheduled future changes added or removed), by role then skill."""
    roles_before = base.roles if base else {}
    roles_after = head.roles if head else {}
    now: list[dict] = []
    later: list[dict] = []
    for role_id in sorted(set(roles_before) | set(roles_after)):
        before, after = roles_before.get(role_id), roles_after.get(role_id)
        req_before = requirements_on(before, as_of) if before else {}
        req_after = requirements_on(after, as_of) if after else {}
        family = (after or before).family
        for skill in sorted(set(req_before) | set(req_after)):
            lb, la = req_before.get(skill), req_after.get(skill)
            if lb != la:
                now.append({
                    "role": role_id, "family": family, "skill": skill, "before": _slug(lb), "after": _slug(la),
                    "move": "added" if lb is None else "removed" if la is None else ("raised" if la > lb else "lowered"),
                })

        def scheduled(role) -> dict[tuple[str, str], str]:
            out: dict[tuple[str, str], str] = {}
            for change in sorted(role.changes if role else [], key=lambda c: c.effective):
                if change.effective > as_of:
                    for skill, level in change.requires.items():
                        out[(change.effective.isoformat(), skill)] = level.slug
            return out

        sb, sa = scheduled(before), scheduled(after)
        for effective, skill in sorted(set(sb) | set(sa)):
            lb, la = sb.get((effective, skill)), sa.get((effective, skill))
            if lb != la:
                later.append({
                    "role": role_id, "family": family, "effective": effective, "skill": skill, "before": lb, "after": la,
                    "change": "added" if lb is None else "removed" if la is None else "changed",
                })
    return now, later


SKILL_FIELDS = ("urgency", "name", "category", "group")  # what of a skill reaches gaps and reports


def diff_skills(base: Repo | None, head: Repo | None) -> list[dict]:
    """The competency map's changes, by skill: added, removed, or a field of SKILL_FIELDS changed
    (an urgency change is what moves every gap row of the skill)."""
    skills_before = base.skills if base else {}
    skills_after = head.skills if head else {}
    rows = []
    for sid in sorted(set(skills_before) | set(skills_after)):
        before, after = skills_before.get(sid), skills_after.get(sid)
        if before is None or after is None:
            kept = after or before
            rows.append({"skill": sid, "change": "added" if before is None else "removed", "field": "urgency",
                         "before": None if before is None else before.urgency, "after": None if after is None else after.urgency,
                         "name": kept.name})
            continue
        for name in SKILL_FIELDS:
            vb, va = getattr(before, name), getattr(after, name)
            if vb != va:
                rows.append({"skill": sid, "change": "changed", "field": name, "before": vb, "after": va, "name": after.name})
    return rows


def diff_people(base: Repo | None, head: Repo | None) -> list[dict]:
    people_before = base.people if base else {}
    people_after = head.people if head else {}
    rows = []
    for pid in sorted(set(people_before) | set(people_after)):
        before, after = people_before.get(pid), people_after.get(pid)
        if before is None:
            rows.append({"person": pid, "change": "added", "field": None, "before": None, "after": after.role})
            continue
        if after is None:
            rows.append({"person": pid, "change": "removed", "field": None, "before": before.role, "after": None})
            continue
        for name in ("role", "manager", "started", "left"):
            vb, va = getattr(before, name), getattr(after, name)
            if vb != va:
                rows.append({
                    "person": pid, "change": "changed", "field": name,
                    "before": vb.isoformat() if isinstance(vb, date) else vb,
                    "after": va.isoformat() if isinstance(va, date) else va,
                })
    return rows


def diff_gaps(base: Repo | None, head: Repo | None, as_of: date) -> list[dict]:
    """Roll-up rows (family x skill, SPEC §6) whose `below` or `priority` moved, biggest priority change first."""
    def rows(repo: Repo | None) -> dict[tuple[str, str], dict]:
        if repo is None:
            return {}
        frame = rollup(repo, as_of, "family")
        return {(r["family"], r["skill"]): r for r in frame.to_dict("records")}

    old, new = rows(base), rows(head)
    out = []
    for key in set(old) | set(new):
        before, after = old.get(key), new.get(key)
        below = (int(before["below"]) if before else 0, int(after["below"]) if after else 0)
        priority = (int(before["priority"]) if before else 0, int(after["priority"]) if after else 0)
        if below[0] == below[1] and priority[0] == priority[1]:
            continue
        out.append({
            "family": key[0], "skill": key[1],
            "required_before": int(before["required"]) if before else 0, "required_after": int(after["required"]) if after else 0,
            "below_before": below[0], "below_after": below[1],
            "priority_before": priority[0], "priority_after": priority[1],
            "urgency": (after or before)["urgency"],
        })
    out.sort(key=lambda r: (-abs(r["priority_after"] - r["priority_before"]), -r["priority_after"], r["family"], r["skill"]))
    return out


def compare(base: Side, head: Side, as_of: date) -> RepoDiff:
    b, h = base.repo, head.repo
    requirements, scheduled = diff_requirements(b, h, as_of)
    return RepoDiff(
        base=base.label, head=head.label, as_of=as_of,
        ratings=diff_ratings(b, h), levels=diff_levels(b, h, as_of), goals=diff_goals(b, h, as_of),
        requirements=requirements, scheduled=scheduled, people=diff_people(b, h), gaps=diff_gaps(b, h, as_of),
        skills=diff_skills(b, h),
    )
