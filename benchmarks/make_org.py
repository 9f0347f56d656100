#!/usr/bin/env python3
"""Generate a synthetic, realistic skills repo of N people for benchmarks.

    python3 benchmarks/make_org.py N OUT [--seed S] [--jobs J] [--force]

The output follows /work/shared/SPEC.md and docs/format-notes.md: settings,
a 40-skill competency map (15 strategic), a learning catalogue, role ladders
per family, people in a manager tree, and eight quarters (2025Q1..2026Q4) of
calibrations, self-assessments, goals, monthly check-ins, reviews, openings
and LMS completions. Every reference resolves, so `skillcycle validate
--as-of 2026-12-31` must report no errors.

Determinism: the same N and seed give byte-identical files whatever --jobs is.
Every person draws from their own RNG seeded by (seed, person id), and the
work is cut into fixed units (family slices) that do not depend on the number
of worker processes. Random() seeded with a str hashes it with SHA-512, so the
output does not depend on PYTHONHASHSEED either; for the same reason nothing
here iterates over a set.

Speed: at N=100,000 the repo has ~3.0M files, mostly check-ins. They are
written from plain string templates (a YAML emitter would dominate the run
time) by a fork()ed process pool that inherits the organisation built once in
the parent, so workers receive only a unit number.

Stdlib only.
"""

from __future__ import annotations

import argparse
import calendar
import math
import os
import random
import shutil
import sys
import time
from collections import deque
from datetime import date, timedelta
from multiprocessing import get_context

LEVELS = ("none", "foundational", "proficient", "expert")
LEVEL_TITLES = ("None", "Foundational", "Proficient", "Expert")
URGENCY_WEIGHT = {"high": 3, "medium": 2, "low": 1}

YEARS = (2025, 2026)
QUARTERS = [(y, q) for y in YEARS for q in (1, 2, 3, 4)]
HORIZON_END = date(2026, 12, 31)  # nothing is dated later: --as-of 2026-12-31 sees it all
MAX_BATCH_RATINGS = 2000  # one assessments file never holds more ratings than this

# id, name, category, group, urgency. s01-s15 are the strategic ones (high/medium).
SKILLS = [
    ("s01", "Data analysis", "technical", "Data literacy", "high"),
    ("s02", "Machine learning literacy", "technical", "Data literacy", "high"),
    ("s03", "AI tooling", "technical", "Digital", "high"),
    ("s04", "Cloud platforms", "technical", "Engineering", "high"),
    ("s05", "Security awareness", "technical", "Digital", "high"),
    ("s06", "Customer insight", "functional", "Customer", "high"),
    ("s07", "Change leadership", "leadership", "Leadership", "high"),
    ("s08", "Data visualization", "technical", "Data literacy", "medium"),
    ("s09", "Automation and scripting", "technical", "Digital", "medium"),
    ("s10", "Product discovery", "functional", "Product", "medium"),
    ("s11", "Stakeholder management", "functional", "Collaboration", "medium"),
    ("s12", "Coaching", "leadership", "Leadership", "medium"),
    ("s13", "Experimentation", "functional", "Product", "medium"),
    ("s14", "Financial acumen", "functional", "Business", "medium"),
    ("s15", "Systems thinking", "functional", "Business", "medium"),
    ("s16", "Written communication", "functional", "Collaboration", "low"),
    ("s17", "Presenting", "functional", "Collaboration", "low"),
    ("s18", "Negotiation", "functional", "Business", "low"),
    ("s19", "Project management", "functional", "Delivery", "low"),
    ("s20", "Agile delivery", "functional", "Delivery", "low"),
    ("s21", "SQL", "technical", "Data literacy", "low"),
    ("s22", "Spreadsheet modelling", "technical", "Business", "low"),
    ("s23", "API design", "technical", "Engineering", "low"),
    ("s24", "Software testing", "technical", "Engineering", "low"),
    ("s25", "Technical writing", "technical", "Engineering", "low"),
    ("s26", "User research", "functional", "Product", "low"),
    ("s27", "Visual design", "functional", "Design", "low"),
    ("s28", "Copywriting", "functional", "Marketing", "low"),
    ("s29", "Prospecting", "functional", "Sales", "low"),
    ("s30", "Account management", "functional", "Sales", "low"),
    ("s31", "Support operations", "functional", "Customer", "low"),
    ("s32", "Incident management", "technical", "Engineering", "low"),
    ("s33", "Budgeting", "functional", "Business", "low"),
    ("s34", "Regulatory compliance", "functional", "Business", "low"),
    ("s35", "Recruiting", "leadership", "Leadership", "low"),
    ("s36", "Facilitation", "leadership", "Collaboration", "low"),
    ("s37", "Mentoring", "leadership", "Leadership", "low"),
    ("s38", "Vendor management", "functional", "Business", "low"),
    ("s39", "Process improvement", "functional", "Delivery", "low"),
    ("s40", "Accessibility", "technical", "Design", "low"),
]
SKILL_NAME = {s[0]: s[1] for s in SKILLS}
SKILL_URGENCY = {s[0]: s[4] for s in SKILLS}

# Required by every role: mostly strategic, so the org-wide gaps that matter
# most show up in every family.
COMMON_SKILLS = ("s03", "s05", "s06", "s11", "s15", "s16")
# Added near the top of each ladder (people leaders).
SENIOR_SKILLS = ("s12", "s07")

# id, role title, headcount weight, core skills (most important first; a
# family takes the first 6-10), performance objectives ({n} is a number).
FAMILIES = [
    ("engineering", "Software Engineer", 30,
     ("s04", "s09", "s02", "s13", "s23", "s24", "s32", "s25", "s20", "s21"),
     ("Cut p95 latency of the checkout service by {n}%", "Ship the billing service migration",
      "Reduce escaped defects by {n}%", "Retire {n} legacy batch jobs")),
    ("data", "Data Analyst", 10,
     ("s01", "s08", "s02", "s09", "s13", "s21", "s22", "s14", "s17", "s25"),
     ("Ship the churn dashboard to the customer success team", "Automate {n} weekly reports",
      "Publish the pricing elasticity study", "Cut dashboard refresh time by {n}%")),
    ("product", "Product Manager", 8,
     ("s10", "s13", "s01", "s08", "s02", "s14", "s26", "s19", "s20", "s17"),
     ("Launch self-serve onboarding", "Raise trial conversion by {n}%",
      "Run {n} discovery interviews per month", "Ship the mobile notifications beta")),
    ("design", "Product Designer", 6,
     ("s10", "s08", "s13", "s26", "s27", "s40", "s17", "s36", "s28", "s20"),
     ("Deliver the design system v{n}", "Fix the top {n} accessibility issues",
      "Redesign the settings flow", "Run {n} usability sessions")),
    ("sales", "Account Executive", 16,
     ("s14", "s01", "s02", "s29", "s30", "s18", "s17", "s22", "s10", "s38"),
     ("Close {n} new enterprise accounts", "Grow expansion revenue by {n}%",
      "Build a pipeline of {n} qualified opportunities", "Renew the top {n} accounts")),
    ("marketing", "Marketing Specialist", 8,
     ("s13", "s08", "s01", "s10", "s28", "s17", "s27", "s29", "s22", "s26"),
     ("Launch the spring campaign", "Grow qualified leads by {n}%",
      "Publish {n} customer stories", "Cut cost per lead by {n}%")),
    ("support", "Support Specialist", 14,
     ("s09", "s01", "s31", "s32", "s17", "s39", "s21", "s40", "s30", "s19"),
     ("Raise first-contact resolution by {n}%", "Keep CSAT above {n} for the quarter",
      "Write {n} help-centre articles", "Cut median response time by {n}%")),
    ("finance", "Financial Analyst", 5,
     ("s14", "s01", "s08", "s09", "s22", "s33", "s34", "s38", "s21", "s39"),
     ("Close the books in {n} working days", "Ship the rolling forecast model",
      "Automate {n} reconciliations", "Complete the audit with no findings")),
    ("people", "People Partner", 4,
     ("s01", "s14", "s08", "s35", "s36", "s34", "s17", "s19", "s39", "s28"),
     ("Fill {n} priority roles", "Roll out the new career framework",
      "Raise engagement survey response to {n}%", "Run {n} manager workshops")),
    ("operations", "Operations Analyst", 7,
     ("s09", "s01", "s14", "s04", "s39", "s19", "s38", "s34", "s22", "s32"),
     ("Cut order cycle time by {n}%", "Onboard {n} new suppliers",
      "Automate the month-end inventory count", "Reduce shipping cost by {n}%")),
]

# Dated strategy shifts (roles' `changes`), applied to a family if present.
# Each entry: family, effective date, {skill: level per rung from the bottom},
# where the last value repeats for the higher rungs and 0 removes the skill.
CHANGES = [
    ("data", date(2025, 7, 1), {"s03": (2,)}),
    ("engineering", date(2026, 4, 1), {"s03": (1, 2, 2, 3), "s20": (0,)}),
    ("product", date(2026, 1, 1), {"s09": (1, 1, 2)}),
    ("sales", date(2026, 7, 1), {"s02": (1,)}),
    ("engineering", date(2026, 10, 1), {"s05": (2,)}),
]

# Multi-skill programmes of the catalogue: id, title, type, skills, target.
PROGRAMMES = [
    ("leadership-essentials", "Leadership essentials programme", "program", ("s07", "s12", "s11"), "proficient"),
    ("ai-for-everyone", "AI for everyone", "program", ("s03", "s02"), "foundational"),
    ("data-literacy-bootcamp", "Data literacy bootcamp", "program", ("s01", "s08", "s21"), "proficient"),
    ("security-champions", "Security champions network", "mentoring", ("s05", "s32"), "proficient"),
    ("customer-immersion", "Customer immersion week", "stretch-assignment", ("s06", "s10", "s13"), "proficient"),
]

FIRST_NAMES = (
    "Ada", "Alan", "Amara", "Ana", "Arjun", "Beatriz", "Bilal", "Carmen", "Chen", "Dara", "David", "Elif",
    "Emeka", "Eva", "Fatima", "Felix", "Grace", "Hana", "Hugo", "Ines", "Ivan", "Jamal", "Jin", "Julia",
    "Kai", "Karin", "Lars", "Leila", "Lin", "Lucas", "Maya", "Mateo", "Nadia", "Nils", "Noor", "Olga",
    "Omar", "Priya", "Rafael", "Rosa", "Sami", "Sara", "Tomas", "Uma", "Vera", "Wei", "Yara", "Zoe",
)
LAST_NAMES = (
    "Adeyemi", "Andersson", "Bauer", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad",
    "Hansen", "Ito", "Jensen", "Kaur", "Kim", "Kowalski", "Larsen", "Lopez", "Martin", "Meyer", "Moreau",
    "Nakamura", "Novak", "Okafor", "Olsen", "Park", "Patel", "Petrov", "Quinn", "Rossi", "Santos", "Schmidt",
    "Silva", "Singh", "Sato", "Tanaka", "Torres", "Nguyen", "Virtanen", "Wagner", "Walsh", "Weber", "Wong",
    "Yilmaz", "Young", "Zhang", "Ziegler", "Brennan",
)

# Check-in phrases. They go into plain YAML scalars and flow mappings, so none
# contains ': ', ' #', a comma or a bracket, and none starts with an indicator.
PROGRESS = (
    "Finished module {m} of {res}.", "Worked through part {m} of {res}.", "Started {res}.",
    "Practised {skill} on a live task twice this month.", "Paired with a senior colleague on {skill}.",
    "Completed the exercises for week {m} of {res}.",
)
BARRIERS = (
    "Sprint load left no time in week {m}.", "On-call rotation took most of the month.",
    "Waiting for access to a sandbox environment.", "The course slot moved to next month.",
    "Two weeks of leave.", "Priorities changed after the reorg.",
)
APPLY = (
    "Use {skill} on the next team deliverable", "Demo {skill} to the team in the weekly meeting",
    "Write a one-page note on applying {res}", "Review a peer's work with the {skill} checklist",
    "Take the lead on one {skill} task this sprint",
)
LEARNING_NOTES = (
    "On track for the calibration.", "Behind plan after a busy month.", "Needs a practice project.",
    "Good progress this month.", "Asked for a mentor.",
)
PERFORMANCE_NOTES = ("Milestone reached.", "Scope agreed with the team.", "At risk because of dependencies.",
                     "Ahead of plan.")
GENERAL_NOTES = ("Talked about workload and priorities.", "Discussed the next career step.",
                 "Agreed to revisit goals next month.", "Shared feedback from the last project.")
PERFORMANCE_VERIFY = ("Reviewed with the manager at quarter end", "Metric dashboard at quarter end",
                      "Signed off by stakeholders")


# --- dates -------------------------------------------------------------------

def quarter_start(year: int, q: int) -> date:
    return date(year, 3 * q - 2, 1)


def quarter_end(year: int, q: int) -> date:
    month = 3 * q
    return date(year, month, calendar.monthrange(year, month)[1])


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def random_day(rng: random.Random, lo: date, hi: date) -> date:
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def is_active(p: "Person", d: date) -> bool:
    """SPEC §4: started absent or <= d, and left absent or >= d."""
    return p.started <= d and (p.left is None or p.left >= d)


# --- the organisation (built once in the parent, inherited by the workers) ----

class Role:
    __slots__ = ("id", "family", "rung", "title", "next", "requires", "changes", "_on")

    def __init__(self, rid, family, rung, title):
        self.id, self.family, self.rung, self.title = rid, family, rung, title
        self.next: list[str] = []
        self.requires: dict[str, int] = {}
        self.changes: list[tuple[date, dict[str, int]]] = []
        self._on: dict[date, dict[str, int]] = {}

    def requires_on(self, d: date) -> dict[str, int]:
        """SPEC roles: `requires`, then every change effective on or before d, in date order."""
        cached = self._on.get(d)
        if cached is None:
            cached = dict(self.requires)
            for effective, req in self.changes:
                if effective <= d:
                    cached.update(req)
            cached = {s: lvl for s, lvl in sorted(cached.items()) if lvl > 0}
            self._on[d] = cached
        return cached

    def all_skills(self) -> list[str]:
        skills = dict.fromkeys(self.requires)
        for _, req in self.changes:
            skills.update(dict.fromkeys(req))
        return sorted(skills)


class Person:
    __slots__ = ("id", "name", "family", "role", "manager", "started", "left", "aspiration", "email",
                 "reports", "depth")

    def __init__(self, family):
        self.family = family
        self.id = self.name = self.role = self.manager = self.aspiration = self.email = None
        self.started: date | None = None
        self.left: date | None = None
        self.reports: list[Person] = []
        self.depth = 0


class Org:
    """Everything that is decided before any person's history is simulated."""

    def __init__(self, n: int, seed: str):
        self.n, self.seed = n, seed
        rng = random.Random(f"{seed}/org")
        # 6 families at 1k people, 8 at 10k, 10 at 100k.
        self.families = FAMILIES[:min(10, max(6, round(2 * math.log10(n))))]
        self.family_ids = [f[0] for f in self.families]
        self.objectives = {f[0]: f[4] for f in self.families}
        self.resources, self.resources_by_skill = build_catalogue()
        self.roles, self.ladders = build_roles(self.families, rng)
        self.people = build_people(n, self, rng)
        self.by_family = {f: sorted((p for p in self.people if p.family == f), key=lambda p: p.id)
                          for f in self.family_ids}
        self.heads = {f: next(p for p in self.people if p.family == f and p.depth == 1) for f in self.family_ids}
        # One calibration per family per quarter (third month) and one self-assessment
        # round per family in the second month of Q1 and Q3.
        self.calibration_day = {(f, yq): random_day(rng, date(yq[0], 3 * yq[1], 8), date(yq[0], 3 * yq[1], 24))
                                for f in self.family_ids for yq in QUARTERS}
        self.self_day = {(f, yq): random_day(rng, date(yq[0], 3 * yq[1] - 1, 2), date(yq[0], 3 * yq[1] - 1, 20))
                         for f in self.family_ids for yq in QUARTERS if yq[1] in (1, 3)}
        self.openings = build_openings(self, rng)
        # Fixed work units: a slice of one family small enough that its ratings of
        # one quarter fit in one assessments file (+1: the learning-goal skill,
        # which is rated even when the role does not require it).
        max_rated = max(len(r.all_skills()) for r in self.roles.values()) + 1
        per_unit = MAX_BATCH_RATINGS // max_rated
        self.units: list[tuple[str, int, int, list[Person]]] = []  # family, index, count, people
        for f in self.family_ids:
            members = self.by_family[f]
            chunks = [members[i:i + per_unit] for i in range(0, len(members), per_unit)]
            for k, chunk in enumerate(chunks, 1):
                self.units.append((f, k, len(chunks), chunk))


def build_catalogue():
    """60 resources: one per skill, a second one per strategic skill, 5 programmes."""
    resources = []
    types = ("course", "reading", "mentoring", "stretch-assignment")
    for i, (sid, name, _, _, urgency) in enumerate(SKILLS):
        slug = name.lower().replace(" ", "-")
        rtype = types[i % len(types)]
        hours = 4 + (i * 7) % 20 if rtype in ("course", "reading") else None
        resources.append((f"{slug}-basics", f"{name} basics", rtype, (sid,), "foundational", hours))
        if urgency != "low":
            resources.append((f"{slug}-in-practice", f"{name} in practice", "course", (sid,), "proficient",
                              8 + (i * 5) % 24))
    resources += [(rid, title, rtype, skills, target, None) for rid, title, rtype, skills, target in PROGRAMMES]
    by_skill: dict[str, list[tuple]] = {}
    for r in resources:
        for sid in r[3]:
            by_skill.setdefault(sid, []).append(r)
    return resources, by_skill


def build_roles(families, rng):
    roles: dict[str, Role] = {}
    ladders: dict[str, list[Role]] = {}
    numerals = ("I", "II", "III", "IV")
    for fid, base, _, core_pool, _ in families:
        length = rng.choice((3, 4))
        core = core_pool[:rng.randint(6, 10)]
        slug = base.lower().replace(" ", "-")
        ladder = []
        for rung in range(1, length + 1):
            role = Role(f"{slug}-{rung}", fid, rung, f"{base} {numerals[rung - 1]}")
            # Core skills climb one tier per rung; the less central half of the core
            # and the org-wide skills sit a tier lower.
            core_level = (1, 2, 3)[rung - 1] if length == 3 else (1, 2, 2, 3)[rung - 1]
            common_level = (1, 1, 2, 2)[rung - 1]
            for i, sid in enumerate(core):
                role.requires[sid] = max(1, core_level - (i >= len(core) // 2 + 1))
            for sid in COMMON_SKILLS:
                role.requires[sid] = common_level
            if rung >= length - 1:
                role.requires[SENIOR_SKILLS[0]] = 2
            if rung == length:
                role.requires[SENIOR_SKILLS[1]] = 2
            ladder.append(role)
            roles[role.id] = role
        for lower, upper in zip(ladder, ladder[1:]):
            lower.next.append(upper.id)
        ladders[fid] = ladder
    # A few lateral career paths between neighbouring families at the second rung.
    fids = [f[0] for f in families]
    for i in range(0, len(fids), 2):
        ladders[fids[i]][1].next.append(ladders[fids[(i + 1) % len(fids)]][1].id)
    for fid, effective, change in CHANGES:
        for role in ladders.get(fid, ()):
            req = {sid: levels[min(role.rung, len(levels)) - 1] for sid, levels in change.items()}
            role.changes.append((effective, req))
    return roles, ladders


def build_people(n: int, org: Org, rng: random.Random) -> list[Person]:
    """A manager tree: one root, one head per family, spans of 5-12 below them."""
    weights = [f[2] for f in org.families]
    sizes = [max(1, (n - 1) * w // sum(weights)) for w in weights]
    sizes[0] += n - 1 - sum(sizes)  # rounding remainder goes to the largest family
    root = Person(org.family_ids[0])
    people = [root]
    for fid, size in zip(org.family_ids, sizes):
        head = Person(fid)
        head.depth = 1
        root.reports.append(head)
        members = [head] + [Person(fid) for _ in range(size - 1)]
        queue, nxt = deque([head]), 1
        while nxt < size:  # breadth-first: every manager fills a span before going deeper
            manager = queue.popleft()
            remaining = size - nxt
            # The last manager takes what is left; earlier ones leave at least 5 for it.
            span = remaining if remaining <= 12 else min(rng.randint(5, 12), remaining - 5)
            for p in members[nxt:nxt + span]:
                p.depth = manager.depth + 1
                manager.reports.append(p)
                queue.append(p)
            nxt += span
        people += members
    for p in people:
        for r in p.reports:
            r.manager = p

    # Roles by position: leaders at the top of their ladder, individual
    # contributors spread over the lower rungs.
    for p in people:
        ladder = org.ladders[p.family]
        top = len(ladder)
        if p.depth <= 1:
            rung = top
        elif p.reports:
            rung = rng.choice((top - 1, top, top))
        else:
            rung = rng.choices(range(1, top + 1), weights=(40, 40, 15, 5)[:top])[0]
        p.role = ladder[rung - 1]

    # Tenure: leaders joined earlier. ~6% of individual contributors joined during
    # 2025-2026, ~3% of the others left (managers stay, so no report loses a manager).
    for p in people:
        if p.depth <= 1:
            p.started = random_day(rng, date(2010, 1, 1), date(2016, 12, 31))
        elif p.reports:
            p.started = random_day(rng, date(2011, 1, 1), date(2022, 12, 31))
        elif rng.random() < 0.06:
            p.started = random_day(rng, date(2025, 1, 6), date(2026, 11, 16))
        else:
            p.started = random_day(rng, date(2013, 1, 1), date(2024, 12, 31))
            if rng.random() < 0.031:
                p.left = random_day(rng, date(2025, 1, 20), date(2026, 11, 30))

    # Employee numbers follow hiring order, like an HR system's.
    width = max(6, len(str(n)))
    order = sorted(range(len(people)), key=lambda i: (people[i].started, rng.random()))
    for number, i in enumerate(order, 1):
        p = people[i]
        p.id = f"p{number:0{width}d}"
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        p.name = f"{first} {last}"
        p.email = f"{first.lower()}.{last.lower()}.{number}@synthetic.example"
        if p.role.next and rng.random() < 0.25:
            p.aspiration = rng.choice(p.role.next)
    return people


def build_openings(org: Org, rng: random.Random) -> list[tuple]:
    """~N/50 requisitions: backfills of leavers and growth roles; mostly filled."""
    target = max(1, org.n // 50)
    leavers = sorted((p for p in org.people if p.left), key=lambda p: p.id)
    backfills = rng.sample(leavers, min(len(leavers), target * 3 // 5))
    # A backfill opens around the leaving date, clamped into the simulated window.
    requests = [(p.role, min(max(p.left + timedelta(days=rng.randint(-20, 5)), date(2025, 1, 6)), date(2026, 12, 1)))
                for p in backfills]
    growth_roles = [r for r in org.roles.values() if r.rung <= 3]
    while len(requests) < target:
        requests.append((rng.choice(growth_roles), random_day(rng, date(2025, 1, 6), date(2026, 11, 30))))
    members_by_role: dict[str, list[Person]] = {}
    for p in org.people:
        if p.depth > 1:
            members_by_role.setdefault(p.role.id, []).append(p)
    hired: set[str] = set()  # membership only; never iterated
    openings = []
    for role, opened in sorted(requests, key=lambda r: (r[1], r[0].id)):
        filled = opened + timedelta(days=rng.randint(21, 100))
        hire = None
        if filled <= HORIZON_END and rng.random() < 0.9:
            hire = "external"
            members = members_by_role.get(role.id)
            if members and rng.random() < 0.4:
                # Internal fill: someone now in that role who was there before it
                # opened and still is when it is filled. A few random draws instead of
                # a scan keep this linear at 100k people.
                for _ in range(20):
                    p = rng.choice(members)
                    if p.started < opened and is_active(p, filled) and p.id not in hired:
                        hire = p.id
                        hired.add(hire)
                        break
        openings.append((role.id, opened, filled if hire else None, hire))
    seq: dict[int, int] = {}
    numbered = []
    for role_id, opened, filled, hire in openings:
        seq[opened.year] = seq.get(opened.year, 0) + 1
        numbered.append((f"req-{opened.year}-{seq[opened.year]:04d}", role_id, opened, filled, hire))
    return numbered


# --- writing -----------------------------------------------------------------

ORG: Org  # set in main() before the pool forks; workers read it
OUT: str
STATS: dict[str, list[int]] = {}  # top-level folder -> [files, bytes], per process


def write(rel: str, text: str) -> None:
    data = text.encode("utf-8")
    fd = os.open(os.path.join(OUT, rel), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)
    stat = STATS.setdefault(rel.split("/", 1)[0] if "/" in rel else ".", [0, 0])
    stat[0] += 1
    stat[1] += len(data)


def write_static(org: Org) -> None:
    write("skillcycle.yaml", f"""organization: Synthetic Org {org.n}
fiscal_year_start: 1
privacy:
  min_group_size: 5
targets:
  skill_advancement_rate: 0.70
learning_weight:
  upskill: [10, 15]
  reskill: [15, 25]
""")
    out = ["skills:\n"]
    for i, (sid, name, category, group, urgency) in enumerate(SKILLS):
        out.append(f"  - id: {sid}\n    name: {name}\n    group: {group}\n    category: {category}\n")
        if urgency != "low" or i % 2:  # half the low ones rely on the default urgency
            out.append(f"    urgency: {urgency}\n")
        if urgency != "low":
            out.append(f"    horizon_months: {12 if urgency == 'high' else 24}\n")
        out.append(f"    description: {name} as the organisation practises it.\n")
        if urgency != "low":
            out.append(f"    levels:\n      foundational: Applies {name.lower()} with guidance.\n"
                       f"      proficient: Applies {name.lower()} independently on the team's work.\n"
                       f"      expert: Sets the standard for {name.lower()} that others follow.\n")
    write("competencies.yaml", "".join(out))

    out = ["resources:\n"]
    for rid, title, rtype, skills, target, hours in org.resources:
        out.append(f"  - id: {rid}\n    title: {title}\n    type: {rtype}\n    skills: [{', '.join(skills)}]\n"
                   f"    target: {target}\n")
        if rtype == "course":
            out.append(f"    url: https://learn.synthetic.example/{rid}\n")
        if hours:
            out.append(f"    hours: {hours}\n")
    write("learning.yaml", "".join(out))

    for fid, ladder in org.ladders.items():
        os.makedirs(os.path.join(OUT, "roles", fid), exist_ok=True)
        for role in ladder:
            text = [f"title: {role.title}\nfamily: {fid}\n"]
            if role.next:
                text.append(f"next: [{', '.join(role.next)}]\n")
            text.append("requires:\n")
            text += [f"  {sid}: {LEVELS[lvl]}\n" for sid, lvl in sorted(role.requires.items())]
            if role.changes:
                text.append("changes:\n")
                for effective, req in role.changes:
                    text.append(f"  - effective: {effective}\n    requires:\n")
                    text += [f"      {sid}: {LEVELS[lvl]}\n" for sid, lvl in sorted(req.items())]
            write(f"roles/{fid}/{role.id}.yaml", "".join(text))

    for rid, role_id, opened, filled, hire in org.openings:
        text = f"id: {rid}\nrole: {role_id}\nopened: {opened}\n"
        if filled:
            text += f"filled: {filled}\nhired: {hire}\n"
        write(f"openings/{opened.year}/{rid}.yaml", text)


def make_dirs(org: Org) -> None:
    dirs = [f"people/{f}" for f in org.family_ids]
    dirs += [f"{kind}/{y}q{q}" for y, q in QUARTERS for kind in ("goals", "assessments")]
    dirs += [f"checkins/{y}-{m:02d}" for y in YEARS for m in range(1, 13)]
    dirs += [f"openings/{y}" for y in YEARS] + ["reviews", "completions"]
    for d in dirs:
        os.makedirs(os.path.join(OUT, d), exist_ok=True)


def person_file(p: Person) -> str:
    text = f"name: {p.name}\nrole: {p.role.id}\n"
    if p.manager:
        text += f"manager: {p.manager.id}\n"
    text += f"started: {p.started}\n"
    if p.left:
        text += f"left: {p.left}\n"
    if p.aspiration:
        text += f"aspiration: {p.aspiration}\n"
    return text + f"email: {p.email}\n"


class Goals:
    """One person's goals in one cycle, as their check-ins refer to them."""
    __slots__ = ("learn_id", "skill", "resource", "start", "dropped", "perf_ids")


def pick_goal_skill(rng, level, req):
    """A learning goal closes a gap, drawn by urgency x gap size; without gaps it stretches."""
    gaps = [s for s in req if level[s] < req[s]]
    if gaps:
        weights = [URGENCY_WEIGHT[SKILL_URGENCY[s]] * (req[s] - level[s]) for s in gaps]
        return rng.choices(gaps, weights=weights)[0]
    stretch = [s for s in req if level[s] < 3] or [s for s in SKILL_NAME if level.get(s, 0) < 3]
    return rng.choice(stretch)


def simulate_person(p: Person, calib_out, self_out, reviews, completions) -> None:
    """Write one person's files and collect their ratings, reviews and completions.

    Levels are a hidden true state that starts near the role's requirements and
    climbs slowly: a learning-goal skill advances in a quarter with p=0.45, other
    gaps rarely. Calibrations report the true level, self-assessments a
    slightly optimistic one.
    """
    org = ORG
    rng = random.Random(f"{org.seed}/person/{p.id}")
    role, fam, pid = p.role, p.family, p.id
    write(f"people/{fam}/{pid}.yaml", person_file(p))

    new_hire = p.started.year >= YEARS[0]
    first_day = max(p.started, date(YEARS[0], 1, 1))
    req0 = role.requires_on(first_day)
    offsets = (-2, -1, 0, 1)
    offset_weights = (8, 40, 45, 7) if new_hire else (5, 30, 50, 15)
    level: dict[str, int] = {}
    for s in role.all_skills():
        if s in req0:
            level[s] = min(3, max(0, req0[s] + rng.choices(offsets, weights=offset_weights)[0]))
        else:
            level[s] = rng.choice((0, 0, 1))
    performance = rng.choice((2, 3, 3, 3, 3, 4, 4))
    manager = p.manager
    cadence = random.Random(f"{org.seed}/manager/{manager.id}").uniform(0.82, 1.0) if manager else 0.0

    for qi, (year, q) in enumerate(QUARTERS):
        cs, ce = quarter_start(year, q), quarter_end(year, q)
        if p.started > ce:
            continue
        if p.left and p.left < cs:
            break
        label, folder = f"{year}Q{q}", f"{year}q{q}"
        gs = max(cs, p.started)
        last_day = min(ce, p.left) if p.left else ce

        # Self-assessment round (Q1, Q3): before this quarter's growth, optimistic.
        sd = org.self_day.get((fam, (year, q)))
        if sd and is_active(p, sd):
            lines = self_out.setdefault(qi, [])
            for s in role.requires_on(sd):
                lvl = min(3, max(0, level[s] + rng.choices((-1, 0, 1), weights=(7, 68, 25))[0]))
                lines.append(f"  - {{person: {pid}, skill: {s}, level: {LEVELS[lvl]}}}\n")

        # Goals for the cycle: one learning goal + 1-2 performance goals, 100% in all.
        g = Goals()
        req = role.requires_on(gs)
        skill = pick_goal_skill(rng, level, req)
        level.setdefault(skill, 0)
        baseline = level[skill]
        target = baseline + 1
        g.learn_id, g.skill, g.start = f"{pid}-{folder}-learn", skill, gs
        g.dropped = None
        if rng.random() < 0.05:
            dropped = gs + timedelta(days=rng.randint(14, 50))
            g.dropped = dropped if dropped <= last_day else None
        options = org.resources_by_skill[skill]
        resources = [options[0]] + ([options[1]] if len(options) > 1 and rng.random() < 0.5 else [])
        g.resource = resources[0]
        name = SKILL_NAME[skill]
        text = [f"person: {pid}\ncycle: {label}\ngoals:\n  - id: {g.learn_id}\n    kind: learning\n"
                f"    skill: {skill}\n    target: {LEVELS[target]}\n    baseline: {LEVELS[baseline]}\n"
                f"    title: Advance {name} from {LEVEL_TITLES[baseline]} to {LEVEL_TITLES[target]}\n"]
        if gs != cs:
            text.append(f"    start: {gs}\n")
        text.append(f"    due: {ce}\n    owner: {pid}\n    verify: {label} calibration session\n    weight: 15\n"
                    f"    resources: [{', '.join(r[0] for r in resources)}]\n")
        if g.dropped:
            text.append(f"    dropped: {g.dropped}\n")
        weights = rng.choice(((85,), (45, 40), (50, 35), (60, 25)))
        objectives = rng.sample(org.objectives[fam], len(weights))
        g.perf_ids = []
        for k, (weight, objective) in enumerate(zip(weights, objectives), 1):
            gid = f"{pid}-{folder}-perf{k}"
            g.perf_ids.append(gid)
            title = objective.format(n=rng.randint(2, 30))
            text.append(f"  - id: {gid}\n    kind: performance\n    title: {title}\n    due: {ce}\n"
                        f"    owner: {pid}\n    verify: {rng.choice(PERFORMANCE_VERIFY)}\n    weight: {weight}\n")
            if rng.random() < 0.03:
                text.append(f"    dropped: {random_day(rng, gs, last_day)}\n")
        write(f"goals/{folder}/{pid}.yaml", "".join(text))

        # Completions: activity evidence for most learning goals (never competency).
        if not g.dropped and rng.random() < 0.6:
            done = min(gs + timedelta(days=rng.randint(10, 75)), last_day)
            completed = "true" if rng.random() < 0.85 else "false"
            completions.append((done, pid, f"  - {{person: {pid}, resource: {g.resource[0]}, date: {done}, "
                                           f"completed: {completed}}}\n"))

        # Monthly check-ins with the manager (the root has none to talk to).
        if manager:
            for month in range(3 * q - 2, 3 * q + 1):
                write_checkin(rng, p, g, year, month, cadence)

        # The quarter's growth, then the calibration reports it.
        for s in level:
            if s == skill:
                chance = 0.12 if g.dropped else 0.45
            else:
                chance = 0.05 if level[s] < req.get(s, 0) else 0.01
            if level[s] < 3 and rng.random() < chance:
                level[s] += 1
        cd = org.calibration_day[(fam, (year, q))]
        achieved = False
        if is_active(p, cd):
            rated = role.requires_on(cd)
            lines = calib_out.setdefault(qi, [])
            for s in rated if skill in rated else sorted((*rated, skill)):
                lines.append(f"  - {{person: {pid}, skill: {s}, level: {LEVELS[level[s]]}}}\n")
            achieved = cd >= gs and level[skill] >= target and not g.dropped

        # Quarter review: performance moves a little, more so after real growth.
        if is_active(p, ce):
            rating = performance + rng.choices((-1, 0, 1), weights=(15, 65, 20))[0]
            rating = min(5, max(1, rating + (achieved and rng.random() < 0.35)))
            line = f"  - {{person: {pid}, rating: {rating}"
            if rating <= 2 and rng.random() < 0.65:
                cause = rng.choices(("skill", "process", "motivation", "other"), weights=(45, 25, 15, 15))[0]
                gaps = [s for s, lvl in role.requires_on(ce).items() if level[s] < lvl]
                if cause == "skill" and gaps:
                    line += f", root_cause: skill, skill: {rng.choice(gaps)}"
                else:
                    line += f", root_cause: {'process' if cause == 'skill' else cause}"
            reviews.setdefault(qi, []).append((pid, line + "}\n"))


def write_checkin(rng, p: Person, g: Goals, year: int, month: int, cadence: float) -> None:
    lo, hi = month_bounds(year, month)
    lo = max(lo, p.started, date(year, month, 3))
    hi = min(hi, p.left or hi, date(year, month, 26))
    if lo > hi or rng.random() >= cadence:
        return
    day = random_day(rng, lo, hi)
    kind = "one-on-one"
    if month % 3 == 0 and rng.random() < 0.25:
        kind = "review"
    text = [f"person: {p.id}\nmanager: {p.manager.id}\ndate: {day}\ntype: {kind}\n"]
    learning_live = not (g.dropped and g.dropped <= day)
    if learning_live and rng.random() < 0.92:  # the rest are not substantive learning conversations
        skill, res = SKILL_NAME[g.skill].lower(), g.resource[1]
        m = rng.randint(1, 6)
        text.append(f"learning:\n  progress: {rng.choice(PROGRESS).format(m=m, res=res, skill=skill)}\n")
        if rng.random() < 0.35:
            text.append(f"  barriers: {rng.choice(BARRIERS).format(m=rng.randint(1, 4))}\n")
        due = min(day + timedelta(days=rng.randint(5, 14)), HORIZON_END)
        text.append(f"  apply: {rng.choice(APPLY).format(skill=skill, res=res)}\n  apply_due: {due}\n")
    notes = []
    if learning_live and g.start <= day:
        notes.append(f"  - {{goal: {g.learn_id}, note: {rng.choice(LEARNING_NOTES)}}}\n")
    if rng.random() < 0.5:
        notes.append(f"  - {{goal: {g.perf_ids[0]}, note: {rng.choice(PERFORMANCE_NOTES)}}}\n")
    if notes:
        text.append("goals:\n")
        text += notes
    if rng.random() < 0.3:
        text.append(f"notes: {rng.choice(GENERAL_NOTES)}\n")
    write(f"checkins/{year}-{month:02d}/{p.id}-{day}.yaml", "".join(text))


def run_unit(index: int):
    """Worker: everything about one family slice. Returns what goes into repo-wide batches."""
    STATS.clear()
    fam, k, count, people = ORG.units[index]
    calib: dict[int, list[str]] = {}
    selfr: dict[int, list[str]] = {}
    reviews: dict[int, list[tuple[str, str]]] = {}
    completions: list[tuple] = []
    for p in people:
        simulate_person(p, calib, selfr, reviews, completions)
    suffix = f"-{k:03d}" if count > 1 else ""
    head = ORG.heads[fam].id
    for qi, lines in sorted(calib.items()):
        y, q = QUARTERS[qi]
        write(f"assessments/{y}q{q}/calibration-{fam}{suffix}.yaml",
              f"date: {ORG.calibration_day[(fam, (y, q))]}\nsource: calibration\nassessor: {head}\nratings:\n"
              + "".join(lines))
    for qi, lines in sorted(selfr.items()):
        y, q = QUARTERS[qi]
        write(f"assessments/{y}q{q}/self-{fam}{suffix}.yaml",
              f"date: {ORG.self_day[(fam, (y, q))]}\nsource: self\nratings:\n" + "".join(lines))
    return reviews, completions, dict(STATS)


def main(argv=None) -> int:
    global ORG, OUT
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of people (>= 50)")
    ap.add_argument("out", help="output folder (must not exist or be empty, unless --force)")
    ap.add_argument("--seed", default="1", help="RNG seed (any string); default 1")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes; default: all cores")
    ap.add_argument("--force", action="store_true", help="delete OUT first if it has files")
    args = ap.parse_args(argv)
    if args.n < 50:
        ap.error("N must be at least 50 (a root, a head per family and their teams)")
    if os.path.isdir(args.out) and os.listdir(args.out):
        if not args.force:
            ap.error(f"{args.out} is not empty (use --force to replace it)")
        shutil.rmtree(args.out)  # stale files of a bigger org would otherwise survive

    t0 = time.perf_counter()
    OUT = args.out
    ORG = Org(args.n, args.seed)
    make_dirs(ORG)
    write_static(ORG)
    reviews: dict[int, list[tuple[str, str]]] = {}
    completions: list[tuple] = []
    totals = {k: list(v) for k, v in STATS.items()}
    # fork: workers inherit ORG instead of unpickling it per task.
    with get_context("fork").Pool(args.jobs) as pool:
        for unit_reviews, unit_completions, stats in pool.imap(run_unit, range(len(ORG.units))):
            for qi, lines in unit_reviews.items():
                reviews.setdefault(qi, []).extend(lines)
            completions += unit_completions
            for kind, (files, size) in stats.items():
                total = totals.setdefault(kind, [0, 0])
                total[0] += files
                total[1] += size

    STATS.clear()
    for qi, lines in sorted(reviews.items()):
        y, q = QUARTERS[qi]
        write(f"reviews/{y}q{q}.yaml", f"period: {y}Q{q}\nscale: [1, 5]\nratings:\n"
              + "".join(line for _, line in sorted(lines)))
    for y in YEARS:
        for half in (1, 2):
            records = sorted(c for c in completions if c[0].year == y and (c[0].month > 6) == (half == 2))
            if records:
                write(f"completions/lms-{y}-h{half}.yaml",
                      "source: lms-export\nrecords:\n" + "".join(r[2] for r in records))
    for kind, (files, size) in STATS.items():
        total = totals.setdefault(kind, [0, 0])
        total[0] += files
        total[1] += size

    seconds = time.perf_counter() - t0
    files = sum(v[0] for v in totals.values())
    size = sum(v[1] for v in totals.values())
    print(f"{args.n} people, seed {args.seed}, {args.jobs} jobs: {files} files, {size} bytes "
          f"({size / 2**20:.1f} MiB) in {seconds:.1f} s")
    for kind, (f, b) in sorted(totals.items()):
        print(f"  {kind:<12} {f:>9} files {b / 2**20:>10.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
