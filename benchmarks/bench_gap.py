#!/usr/bin/env python3
"""Time `skillcycle gap` computation on a 10,000-person organisation.

    python3 benchmarks/bench_gap.py [--people N] [--repeat R] [--org DIR]

By default it builds a synthetic Repo in memory (no files): N people in 8 role
families x 4 rungs, a manager tree, 40 skills (15 strategic), every role
requiring 15 skills with one requirement change, and 8 quarters (2025Q1-2026Q4)
of calibration ratings of every person in every required skill plus a yearly
self-assessment: 10,000 x 15 x 8 = 1.2M calibration ratings. With --org DIR (or
when /tmp/org-10k exists and neither --org nor --synthetic is given) it loads and validates that
repo instead (benchmarks/make_org.py writes one); loading is timed separately.

What is timed, best of R runs (--repeat, default 5):
- ratings table: turning the loaded assessment batches into the one pandas table
  every computation shares (part of loading; built once per run of the CLI);
- gap: `gaps.gap_report` for the default roll-up, as `skillcycle gap` runs it;
- each --by roll-up, --horizon 12 and --top with --by manager;
- rendering: JSON, CSV, plain text and HTML of the default report.
Wall and CPU seconds are both shown: on a busy machine the CPU time is the
steadier number.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from skillcycle.core import gaps
from skillcycle.core.levels import Level
from skillcycle.core.repo import Repo
from skillcycle.core.schema import Person, RequirementChange, Role, Settings, Skill

AS_OF = date(2026, 12, 31)
FAMILIES = ["engineering", "data", "product", "design", "sales", "support", "finance", "people"]
LEVELS = list(Level)
QUARTER_DAYS = [date(y, m, 20) for y in (2025, 2026) for m in (3, 6, 9, 12)]


@dataclass(slots=True)
class _Rating:  # what facts.ratings_frame reads of a schema.Rating; 1.3M pydantic objects would take a minute
    person: str
    skill: str
    level: Level
    date: date | None = None
    source: str | None = None
    assessor: str | None = None


@dataclass(slots=True)
class _Batch:
    date: date
    source: str
    ratings: list[_Rating]
    assessor: str | None = None


def synthetic_repo(n_people: int, seed: int = 7) -> Repo:
    rng = random.Random(seed)
    urgencies = ["high"] * 7 + ["medium"] * 8 + ["low"] * 25
    skills = {
        f"s{i:02d}": Skill.model_construct(id=f"s{i:02d}", name=f"Skill {i}", category="technical", urgency=urgencies[i - 1])
        for i in range(1, 41)
    }
    skill_ids = list(skills)
    roles: dict[str, Role] = {}
    for family in FAMILIES:
        core = rng.sample(skill_ids, 15)
        for rung in range(1, 5):
            requires = {s: Level(min(3, 1 + (rung + k) % 3)) for k, s in enumerate(core)}
            change = RequirementChange.model_construct(effective=date(2027, 7, 1), requires={core[0]: Level.EXPERT})
            rid = f"{family}-{rung}"
            roles[rid] = Role.model_construct(id=rid, title=rid, family=family, next=[], requires=requires, changes=[change])
    people: dict[str, Person] = {}
    ids = [f"p{i:05d}" for i in range(n_people)]
    for i, pid in enumerate(ids):
        manager = None if i == 0 else ids[(i - 1) // 8]  # an 8-ary tree: about 1,250 managers
        family = FAMILIES[i % len(FAMILIES)]
        left = date(2026, 6, 30) if i % 50 == 7 else None
        people[pid] = Person.model_construct(
            id=pid, name=f"Person {i}", role=f"{family}-{1 + i % 4}", manager=manager, started=None, left=left
        )
    assessments = []
    for day in QUARTER_DAYS:
        ratings = []
        for pid, person in people.items():
            for skill in roles[person.role].requires:
                if rng.random() < 0.93:  # a few are never assessed
                    ratings.append(_Rating(pid, skill, LEVELS[rng.randint(0, 3)]))
        assessments.append((f"assessments/{day.isoformat()}-calibration.yaml", _Batch(day, "calibration", ratings)))
        if day.month == 12:
            own = [_Rating(pid, skill, LEVELS[rng.randint(0, 3)])
                   for pid, person in people.items() for skill in roles[person.role].requires]
            assessments.append((f"assessments/{day.isoformat()}-self.yaml", _Batch(day, "self", own)))
    assessments.sort(key=lambda item: item[0])
    return Repo(root=Path("."), settings=Settings.model_construct(organization="Bench"), skills=skills, roles=roles,
                people=people, assessments=assessments)


def load_org(folder: Path) -> Repo:
    from skillcycle.validation.validate import validate_path

    started = time.perf_counter()
    validation = validate_path(folder, AS_OF, AS_OF)
    if not validation.ok:
        sys.exit(f"{folder} is not a valid skills repo")
    print(f"load + validate {folder}: {time.perf_counter() - started:.2f} s")
    return validation.repo


def best_of(repeat: int, work) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds of `repeat` runs (CPU time is what a busy machine does not inflate)."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--org", type=Path, default=None, help="a skills repo to load (default: /tmp/org-10k if it exists)")
    parser.add_argument("--synthetic", action="store_true", help="use the in-memory org even if /tmp/org-10k exists")
    args = parser.parse_args(argv)
    org = args.org
    if org is None and not args.synthetic and Path("/tmp/org-10k/skillcycle.yaml").exists():
        org = Path("/tmp/org-10k")

    started = time.perf_counter()
    repo = load_org(org) if org else synthetic_repo(args.people)
    if not org:
        print(f"synthetic repo built in {time.perf_counter() - started:.2f} s")
    n_ratings = sum(len(batch.ratings) for _, batch in repo.assessments)
    print(f"{len(repo.people):,} people, {len(repo.roles)} roles, {len(repo.skills)} skills, {n_ratings:,} ratings")

    def build_table() -> None:
        repo.__dict__.pop("ratings", None)
        _ = repo.ratings

    wall, cpu = best_of(max(1, args.repeat // 2), build_table)
    print(f"{'ratings table (part of loading, once per run)':<48} {wall:7.3f} s wall {cpu:7.3f} s cpu")

    from skillcycle.render import gap as render_gap

    report = gaps.gap_report(repo, gaps.GapQuery(as_of=AS_OF))
    print(f"{int(report.summary.people):,} active people, {len(report.pairs.frame):,} person x skill requirements, "
          f"{len(report.detail):,} gaps, {len(report.rows)} family x skill rows")
    timings = {"gap (default: family x skill)": lambda: gaps.gap_report(repo, gaps.GapQuery(as_of=AS_OF))}
    for by in ("role", "skill", "person", "manager"):
        timings[f"gap --by {by}"] = lambda by=by: gaps.gap_report(repo, gaps.GapQuery(as_of=AS_OF, by=by))
    timings["gap --horizon 12"] = lambda: gaps.gap_report(repo, gaps.GapQuery(as_of=AS_OF, horizon_months=12))
    timings["gap --top 10 --by manager"] = lambda: gaps.gap_report(repo, gaps.GapQuery(as_of=AS_OF, by="manager", top=10))
    timings["render --format json"] = lambda: render_gap.to_json(report)
    timings["render --format csv"] = lambda: render_gap.to_csv(report)
    timings["render plain text"] = lambda: render_gap.to_text(report)
    timings["render --format html"] = lambda: render_gap.to_html(gaps.gap_report(repo, gaps.GapQuery(as_of=AS_OF)))
    for name, work in timings.items():
        wall, cpu = best_of(args.repeat, work)
        print(f"{name:<48} {wall:7.3f} s wall {cpu:7.3f} s cpu")
    return 0


if __name__ == "__main__":
    sys.exit(main())
