"""The review packet of one person on an as-of date (issue #4): a plain document
of sections, rows and flags that templates render. No printing, no clock.

Everything is read from the person's own records only (plus the names of their
role, skills and manager): a packet never carries another person's name,
ratings or notes. Flag rules are small named functions registered in `RULES`
and documented one line each in docs/review-packet.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Callable, Iterable, Iterator
from urllib.parse import urlsplit

import pandas as pd

from ..core.quarters import Quarter
from ..core.facts import (
    GoalFact,
    Precedence,
    active_learning_goals,
    current_levels,
    goal_facts,
    goal_status,
    requirements_on,
    self_levels,
)
from ..core.gaps import URGENCY_WEIGHT, person_gaps, person_tracks
from .mobility import fits, paths
from .team import TeamQuery, team_report
from ..core.levels import Level
from ..core.problems import did_you_mean
from ..core.repo import Repo
from ..core.schema import Checkin, Role

CHECKIN_WINDOW_DAYS = 90  # section 5 shows check-ins dated as-of - 90 days .. as-of
CONVERSATION_DAYS = 30  # no substantive learning conversation in this many days is a flag
DUE_SOON_DAYS = 30  # a goal due within this many days with no progress noted is a flag
APPLY_AFTER_COMPLETION_DAYS = 14  # SPEC §3 completions
REVIEW_PERIODS = 4
SELF_ABOVE_TIERS = 2
SELF_BELOW_TIERS = 1  # under-confidence is worth a word sooner than over-confidence


class UnknownPerson(LookupError):
    """The person id is not in the repo; the message carries a 'did you mean'."""


# --- the document -------------------------------------------------------------

@dataclass(frozen=True)
class Header:
    organization: str
    person: str
    name: str
    role: str
    role_title: str
    family: str
    manager: str | None
    manager_name: str | None
    started: date | None
    left: date | None
    tenure: str | None  # "2 years 3 months"; None when `started` is not recorded
    active: bool
    track: str  # upskill | reskill | none (SPEC §6)
    cycle: str
    previous_cycle: str


@dataclass(frozen=True)
class ProficiencyRow:
    skill: str
    skill_name: str
    required: Level
    current: Level | None  # None: unassessed
    source: str | None
    rated_on: date | None
    self_level: Level | None  # the latest self rating, only where it differs from current
    self_rated_on: date | None
    gap: int
    track: str
    next_level: Level | None  # for gaps: the level above current
    next_anchor: str | None  # its behavioural anchor (competencies.yaml levels)


@dataclass(frozen=True)
class RequirementChange:
    effective: date
    skill: str
    skill_name: str
    before: Level | None  # None: not required before
    after: Level | None  # None: no longer required
    current: Level | None


@dataclass(frozen=True)
class CareerGap:
    skill: str
    skill_name: str
    required: Level
    current: Level | None
    gap: int
    anchor: str | None  # what the required level looks like


@dataclass(frozen=True)
class CareerTarget:
    role: str
    title: str
    family: str
    reason: str  # aspiration | next role
    gaps: list[CareerGap]
    skills_required: int
    open_requisitions: list[tuple[str, date]]

    @property
    def ready(self) -> bool:
        return not self.gaps


@dataclass(frozen=True)
class ResourceRef:
    id: str
    title: str
    type: str
    url: str | None
    link: str | None  # the url when it is a plain http(s) link; only these become links
    hours: float | None
    completed_on: date | None  # the person's first completion record, if any


@dataclass(frozen=True)
class GoalRow:
    id: str
    cycle: str
    title: str
    skill: str
    skill_name: str
    baseline: Level | None  # None: unassessed at start
    target: Level
    current: Level | None
    start: date
    due: date
    weight: int | None
    verify: str | None
    resources: list[ResourceRef]
    status: str  # active | achieved | overdue | dropped
    status_date: date | None  # achieved on / dropped on
    last_note: tuple[date, str] | None  # latest check-in note on this goal
    carried_from: str | None = None  # the previous cycle's goal on the same skill and target this one carries on

    @property
    def open(self) -> bool:
        return self.status in ("active", "overdue")


@dataclass(frozen=True)
class PerformanceGoalRow:
    """A performance goal of the current or previous cycle: what check-in notes often refer to."""

    id: str
    cycle: str
    title: str
    weight: int | None
    due: date
    status: str  # open | due date passed | dropped
    last_note: tuple[date, str] | None


@dataclass(frozen=True)
class CheckinRow:
    date: date
    type: str
    with_: str  # the manager's name, or the id of whoever else held it
    progress: str | None
    barriers: str | None
    apply: str | None
    apply_due: date | None
    apply_state: str | None  # done | missed | due | past due | no due date; None without an assignment
    apply_days: int | None  # days from as-of to apply_due (negative: past)
    apply_reported: date | None  # the check-in that said it was done or missed
    goal_notes: list[tuple[str, str, str]]  # (goal id, goal title, note)
    notes: str | None
    substantive: bool


@dataclass(frozen=True)
class ReviewRow:
    period: str
    rating: float
    scale: tuple[float, float]
    root_cause: str | None
    skill: str | None
    skill_name: str | None


@dataclass(frozen=True)
class Flag:
    rule: str
    message: str
    evidence: list[str]  # the data that triggered it
    question: str
    weight: int = 0  # urgency weight x size (tiers) of the skills it is about; 0 for the others


@dataclass(frozen=True)
class CloseRole:
    """One of the roles the person is closest to (`skillcycle paths`)."""

    role: str
    title: str
    shortfall: int
    missing: int
    ready_by: date | None


@dataclass(frozen=True)
class Packet:
    as_of: date
    header: Header
    proficiency: list[ProficiencyRow]
    upcoming: list[RequirementChange]
    career: list[CareerTarget]
    closest: list[CloseRole]
    goals: list[GoalRow]
    performance_goals: list[PerformanceGoalRow]
    checkins: list[CheckinRow]
    checkins_since: date
    reviews: list[ReviewRow]
    flags: list[Flag] = field(default_factory=list)
    apply_by: date | None = None  # the latest due date for the next application (as-of + 14 days)


# --- building it ----------------------------------------------------------------

def people_read(repo: Repo, people: Iterable[str]) -> set[str]:
    """Whose check-ins and goals the packets of `people` read (Repo.narrowed): their own, and
    their team's (the manager and the manager's direct reports), for `team-relies-on-you`."""
    read = set()
    for person in people:
        boss = repo.people[person].manager or person
        read |= {person, boss, *repo.reports_of(boss)}
    return read


def build_packet(repo: Repo, person: str, as_of: date) -> Packet:
    """Compute the packet of `person` on `as_of` from their own records."""
    if person not in repo.people:
        raise UnknownPerson(f"unknown person {person!r}{did_you_mean(person, repo.people)}")
    ctx = _Context.load(repo, person, as_of)
    packet = Packet(
        as_of=as_of,
        header=_header(ctx),
        proficiency=_proficiency(ctx),
        upcoming=_upcoming(ctx),
        career=_career(ctx),
        closest=_closest(ctx),
        goals=_shown_goals(ctx.goal_rows, ctx.cycle.label),
        performance_goals=_performance_goals(ctx),
        checkins=ctx.checkin_rows,
        checkins_since=ctx.window_start,
        reviews=_reviews(ctx),
        apply_by=as_of + timedelta(days=APPLY_AFTER_COMPLETION_DAYS),
    )
    ctx.packet = packet
    if not packet.header.active:  # left, or not started yet: nothing to raise in a conversation
        return packet
    flags = [Flag(rule.id, *found) for rule in RULES for found in rule.check(ctx)]
    # The skills that matter most first (urgency weight x tiers); the others after, in rule order.
    return replace(packet, flags=sorted(flags, key=lambda flag: -flag.weight))


@dataclass
class _Context:
    """The person's own data, read once; what sections and flag rules are computed from."""

    repo: Repo
    person: str
    as_of: date
    current: dict[str, tuple[Level, date, str]]  # skill -> (level, date, source)
    self: dict[str, tuple[Level, date]]
    ratings: pd.DataFrame
    order: Precedence  # of `ratings`, which hold this person's alone
    gaps: pd.DataFrame  # gaps.person_gaps rows of this person
    checkins: list[Checkin]  # all of the person's check-ins up to as-of, in date order
    window_start: date
    cycle: Quarter
    goal_titles: dict[str, str]  # the person's goals of every cycle: id -> title
    goal_facts: list[GoalFact] = field(default_factory=list)  # the person's goals of every cycle, in file order
    goal_rows: list[GoalRow] = field(default_factory=list)
    checkin_rows: list[CheckinRow] = field(default_factory=list)
    packet: Packet | None = None

    @classmethod
    def load(cls, repo: Repo, person: str, as_of: date) -> "_Context":
        ratings = repo.ratings[repo.ratings["person"] == person]
        order = Precedence(ratings)
        checkins = sorted(
            (c for _, c in repo.checkins if c.person == person and c.date <= as_of), key=lambda c: c.date
        )  # stable: files sorted by path break date ties
        ctx = cls(
            repo, person, as_of,
            current=_levels_by_skill(current_levels(ratings, as_of, order), with_source=True),
            self=_levels_by_skill(self_levels(ratings, as_of, order), with_source=False),
            ratings=ratings,
            order=order,
            gaps=person_gaps(repo, as_of, [person]),
            checkins=checkins,
            window_start=as_of - timedelta(days=CHECKIN_WINDOW_DAYS),
            cycle=Quarter.containing(as_of, repo.settings.fiscal_year_start),
            goal_titles={g.id: g.title for _, f in repo.goal_files if f.person == person for g in f.goals},
        )
        ctx.goal_facts = [f for f in goal_facts(repo, as_of) if f.person == person]
        ctx.goal_rows = _goals(ctx)
        reported = _apply_reports(checkins)
        ctx.checkin_rows = [_checkin_row(ctx, c, reported.get(i)) for i, c in enumerate(checkins) if c.date >= ctx.window_start]
        return ctx

    @property
    def who(self):
        return self.repo.people[self.person]

    def weight(self, skill: str | None, tiers: int) -> int:
        """A flag's weight: the skill's urgency weight (gaps.URGENCY_WEIGHT) x tiers."""
        found = self.repo.skills.get(skill) if skill else None
        return URGENCY_WEIGHT[found.urgency] * max(tiers, 0) if found else 0

    def goal_weight(self, goal: GoalRow) -> int:
        """A flag about a learning goal weighs the tiers still between its current level and its target."""
        return self.weight(goal.skill, goal.target - (goal.current or Level.NONE))

    @property
    def role(self) -> Role:
        return self.repo.roles[self.who.role]

    def skill_name(self, skill: str) -> str:
        return self.repo.skills[skill].name if skill in self.repo.skills else skill

    def level_now(self, skill: str) -> Level | None:
        found = self.current.get(skill)
        return found[0] if found else None

    def completions(self) -> list[tuple[str, date]]:
        """(resource, date) of the person's completed records up to as-of, by date, without repeats."""
        found = {
            (record.resource, record.date)
            for _, batch in self.repo.completions
            for record in batch.records
            if record.person == self.person and record.completed and record.date <= self.as_of
        }
        return sorted(found, key=lambda item: (item[1], item[0]))


def _levels_by_skill(frame: pd.DataFrame, *, with_source: bool) -> dict:
    out = {}
    for (_, skill), row in frame.iterrows():
        day = row["date"].date()
        out[skill] = (Level(int(row["level"])), day, row["source"]) if with_source else (Level(int(row["level"])), day)
    return out


def tenure(started: date | None, as_of: date) -> str | None:
    if started is None:
        return None
    if started > as_of:
        return f"starts on {started.isoformat()}"
    months = (as_of.year - started.year) * 12 + as_of.month - started.month - (as_of.day < started.day)
    years, months = divmod(months, 12)
    parts = [f"{n} {unit}{'s' * (n != 1)}" for n, unit in ((years, "year"), (months, "month")) if n]
    return " ".join(parts) or "less than a month"


def _header(ctx: _Context) -> Header:
    who, role = ctx.who, ctx.role
    manager = ctx.repo.people.get(who.manager) if who.manager else None
    return Header(
        organization=ctx.repo.settings.organization,
        person=ctx.person,
        name=who.name,
        role=who.role,
        role_title=role.title,
        family=role.family,
        manager=who.manager,
        manager_name=manager.name if manager else None,
        started=who.started,
        left=who.left,
        tenure=tenure(who.started, min(ctx.as_of, who.left or ctx.as_of)),  # a tenure ends on the last day
        active=who.active_on(ctx.as_of),
        track=str(person_tracks(ctx.gaps).get(ctx.person, "none")),
        cycle=ctx.cycle.label,
        previous_cycle=ctx.cycle.previous().label,
    )


def _anchor(ctx: _Context, skill: str, level: Level | None) -> str | None:
    if level is None or level is Level.NONE or skill not in ctx.repo.skills:
        return None
    return getattr(ctx.repo.skills[skill].levels, level.slug)


def _proficiency(ctx: _Context) -> list[ProficiencyRow]:
    rows = []
    for gap in ctx.gaps.itertuples(index=False):
        current = ctx.current.get(gap.skill)
        level = current[0] if current else None
        own = ctx.self.get(gap.skill)
        differs = own is not None and own[0] != level
        next_level = Level(int(level or 0) + 1) if gap.gap > 0 else None
        rows.append(ProficiencyRow(
            skill=gap.skill,
            skill_name=ctx.skill_name(gap.skill),
            required=Level(int(gap.required)),
            current=level,
            source=current[2] if current else None,
            rated_on=current[1] if current else None,
            self_level=own[0] if differs else None,
            self_rated_on=own[1] if differs else None,
            gap=int(gap.gap),
            track=gap.track,
            next_level=next_level,
            next_anchor=_anchor(ctx, gap.skill, next_level),
        ))
    return sorted(rows, key=lambda r: (-r.gap, r.skill_name.casefold(), r.skill))


def _upcoming(ctx: _Context) -> list[RequirementChange]:
    """Dated requirement changes of the person's role after as-of (a strategy shift they can prepare for)."""
    out = []
    for effective in sorted({c.effective for c in ctx.role.changes if c.effective > ctx.as_of}):
        before = requirements_on(ctx.role, effective - timedelta(days=1))
        after = requirements_on(ctx.role, effective)
        for skill in sorted(set(before) | set(after)):
            if before.get(skill) != after.get(skill):
                out.append(RequirementChange(
                    effective, skill, ctx.skill_name(skill), before.get(skill), after.get(skill), ctx.level_now(skill)
                ))
    return out


CLOSEST_ROLES = 3


def _closest(ctx: _Context) -> list[CloseRole]:
    """The roles other than their own the person is closest to, as `skillcycle paths` ranks them."""
    found = paths(ctx.repo, ctx.person, ctx.as_of).fits[:CLOSEST_ROLES]
    return [CloseRole(f.role, ctx.repo.roles[f.role].title, f.shortfall, len(f.missing), f.ready_by) for f in found]


def _career(ctx: _Context) -> list[CareerTarget]:
    aspiration = ctx.who.aspiration
    if aspiration:
        targets = [(aspiration, "aspiration")]
    else:
        targets = [(role, "next role") for role in ctx.role.next]
    out = []
    for role_id, reason in targets:
        role = ctx.repo.roles.get(role_id)
        if role is None:
            continue
        fit = fits(ctx.repo, role_id, [ctx.person], ctx.as_of, ctx.as_of)[0]  # as `skillcycle paths` reads it
        gaps = [
            CareerGap(g.skill, ctx.skill_name(g.skill), Level(g.required), None if g.current is None else Level(g.current), g.size,
                      _anchor(ctx, g.skill, Level(g.required)))
            for g in fit.missing
        ]
        required = fit.met + tuple(g.skill for g in fit.missing)
        openings = sorted(
            (o.id, o.opened) for _, o in ctx.repo.openings
            if o.role == role_id and o.opened <= ctx.as_of and (o.filled is None or o.filled > ctx.as_of)
        )
        gaps.sort(key=lambda g: (-g.gap, g.skill_name.casefold(), g.skill))
        out.append(CareerTarget(role_id, role.title, role.family, reason, gaps, len(required), openings))
    return out


def http_link(url: str | None) -> str | None:
    """The url if it is an absolute http(s) link with a host and no spaces or control characters."""
    if not url or re.search(r"[\s\x00-\x1f\x7f]", url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _goals(ctx: _Context) -> list[GoalRow]:
    cycles = [ctx.cycle.label, ctx.cycle.previous().label]
    completed: dict[str, date] = {}
    for resource, day in ctx.completions():
        completed.setdefault(resource, day)
    notes = _latest_notes(ctx)
    facts = [f for f in ctx.goal_facts if f.is_learning and f.cycle in cycles]
    facts.sort(key=lambda f: cycles.index(f.cycle))  # current cycle first, file order within
    return [_goal_row(ctx, fact, completed, notes.get(fact.goal.id)) for fact in facts]


def _performance_goals(ctx: _Context) -> list[PerformanceGoalRow]:
    """The person's performance goals of the current and previous cycle, current first, with the latest note on each."""
    cycles = [ctx.cycle.label, ctx.cycle.previous().label]
    notes = _latest_notes(ctx)
    facts = [f for f in ctx.goal_facts if not f.is_learning and f.cycle in cycles]
    facts.sort(key=lambda f: cycles.index(f.cycle))
    return [PerformanceGoalRow(f.goal.id, f.cycle, f.goal.title, f.goal.weight, f.goal.due, _performance_status(f, ctx.as_of), notes.get(f.goal.id))
            for f in facts]


def _performance_status(fact: GoalFact, as_of: date) -> str:
    """open | due date passed | dropped: a performance goal has no achievement on record to tell."""
    if fact.goal.dropped is not None and fact.goal.dropped <= as_of:
        return "dropped"
    return "open" if fact.goal.due >= as_of else "due date passed"


def _latest_notes(ctx: _Context) -> dict[str, tuple[date, str]]:
    """Goal id -> (date, text) of the latest check-in note on it."""
    notes: dict[str, tuple[date, str]] = {}
    for checkin in ctx.checkins:
        for note in checkin.goals:
            if note.note and note.note.strip():
                notes[note.goal] = (checkin.date, note.note)  # date order: the latest wins
    return notes


def _shown_goals(rows: list[GoalRow], cycle: str) -> list[GoalRow]:
    """The goals as the packet lists them: a previous cycle's open goal that a goal of this
    cycle carries on (same skill and target) is said once, on the new one."""
    shown = []
    carried: set[str] = set()
    for row in rows:
        if row.cycle != cycle:
            continue
        before = next((r for r in rows if r.cycle != cycle and r.open and r.id not in carried
                       and (r.skill, r.target) == (row.skill, row.target)), None)
        if before is not None:
            carried.add(before.id)
            row = replace(row, carried_from=f"{before.cycle} ({before.id}, {before.status})")
        shown.append(row)
    return shown + [row for row in rows if row.cycle != cycle and row.id not in carried]


def _goal_row(ctx: _Context, fact: GoalFact, completed: dict[str, date], note: tuple[date, str] | None) -> GoalRow:
    goal = fact.goal
    baseline = goal.baseline
    if baseline is None:
        at_start = current_levels(ctx.ratings, fact.start, ctx.order)
        key = (ctx.person, goal.skill)
        baseline = Level(int(at_start.loc[key, "level"])) if key in at_start.index else None
    status = goal_status(fact, ctx.as_of)
    status_date = fact.achieved if status == "achieved" else goal.dropped if status == "dropped" else None
    resources = []
    for rid in goal.resources:
        res = ctx.repo.resources.get(rid)
        if res is not None:
            resources.append(ResourceRef(rid, res.title, res.type, res.url, http_link(res.url), res.hours, completed.get(rid)))
    return GoalRow(
        id=goal.id, cycle=fact.cycle, title=goal.title, skill=goal.skill, skill_name=ctx.skill_name(goal.skill),
        baseline=baseline, target=goal.target, current=ctx.level_now(goal.skill), start=fact.start, due=goal.due,
        weight=goal.weight, verify=goal.verify, resources=resources, status=status, status_date=status_date,
        last_note=note,
    )


def _text(value: str | None) -> str | None:
    return value if value and value.strip() else None


def _apply_reports(checkins: list[Checkin]) -> dict[int, tuple[bool, date]]:
    """Per check-in (index) that set an assignment, what a later one reported of it: (done, date).
    A check-in's `applied` reports on the latest earlier assignment not yet reported on."""
    open_ones: list[int] = []
    reports: dict[int, tuple[bool, date]] = {}
    for i, checkin in enumerate(checkins):
        if checkin.learning.applied is not None and open_ones:
            reports[open_ones.pop()] = (checkin.learning.applied, checkin.date)
        if _text(checkin.learning.apply):
            open_ones.append(i)
    return reports


def _checkin_row(ctx: _Context, checkin: Checkin, reported: tuple[bool, date] | None) -> CheckinRow:
    block = checkin.learning
    apply, due = _text(block.apply), block.apply_due
    state = days = None
    if apply and reported is not None:
        state = "done" if reported[0] else "missed"
    elif apply:
        if due is None:
            state = "no due date"
        else:
            days = (due - ctx.as_of).days
            state = "past due" if days < 0 else "due"
    manager = ctx.repo.people.get(checkin.manager)
    with_ = manager.name if checkin.manager == ctx.who.manager and manager else checkin.manager
    return CheckinRow(
        date=checkin.date, type=checkin.type, with_=with_,
        progress=_text(block.progress), barriers=_text(block.barriers), apply=apply, apply_due=due,
        apply_state=state, apply_days=days, apply_reported=reported[1] if apply and reported else None,
        goal_notes=[(n.goal, ctx.goal_titles.get(n.goal, n.goal), n.note) for n in checkin.goals if _text(n.note)],
        notes=_text(checkin.notes), substantive=block.substantive,
    )


def _reviews(ctx: _Context) -> list[ReviewRow]:
    fy = ctx.repo.settings.fiscal_year_start
    latest: dict[str, ReviewRow] = {}
    for _, batch in ctx.repo.reviews:
        period = Quarter.parse(batch.period, fy)
        if period.start > ctx.as_of:
            continue
        for rating in batch.ratings:
            if rating.person == ctx.person:  # a later file overrides an earlier one for the same period
                latest[period.label] = ReviewRow(
                    batch.period, rating.rating, (batch.scale[0], batch.scale[-1]), rating.root_cause,
                    rating.skill, ctx.skill_name(rating.skill) if rating.skill else None,
                )
    periods = sorted(latest, key=lambda label: Quarter.parse(label, fy))[-REVIEW_PERIODS:]
    return [latest[p] for p in periods]


# --- flag rules -------------------------------------------------------------------

# What a rule yields: message, evidence, question, and optionally the flag's weight (Flag.weight).
Found = tuple[str, list[str], str] | tuple[str, list[str], str, int]


@dataclass(frozen=True)
class FlagRule:
    id: str
    condition: str
    question: str  # the generic form; each flag words it for its data
    check: Callable[[_Context], Iterable[Found]]


RULES: list[FlagRule] = []


def flag_rule(rule_id: str, condition: str, question: str):
    """Register a rule; rules run in registration order, which is also the order of flags of the same weight."""

    def register(check: Callable[[_Context], Iterable[Found]]):
        RULES.append(FlagRule(rule_id, condition, question, check))
        return check

    return register


def _days(n: int) -> str:
    return f"{n} day{'s' * (n != 1)}"


def _label(level: Level | None) -> str:
    return level.label if level is not None else "Unassessed"


_ASK_LEARNING = "What have you learned or tried since our last learning conversation, and what do you want to learn next?"


@flag_rule(
    "no-recent-conversation",
    f"no substantive learning conversation (a check-in with learning progress, barriers or apply) in the {CONVERSATION_DAYS} days up to as-of",
    _ASK_LEARNING,
)
def no_recent_conversation(ctx: _Context) -> Iterator[Found]:
    talks = [c.date for c in ctx.checkins if c.learning.substantive]
    if talks and (ctx.as_of - talks[-1]).days <= CONVERSATION_DAYS:
        return
    if talks:
        evidence = f"last substantive learning conversation: {talks[-1].isoformat()} ({_days((ctx.as_of - talks[-1]).days)} before {ctx.as_of.isoformat()})"
    else:
        evidence = f"no check-in with learning progress, barriers or apply on record up to {ctx.as_of.isoformat()}"
    yield (
        f"No substantive learning conversation in the last {CONVERSATION_DAYS} days.",
        [evidence],
        _ASK_LEARNING,
    )


@flag_rule(
    "goal-due-no-progress",
    f"an active learning goal is due within {DUE_SOON_DAYS} days and no check-in has a note on it since its start",
    "{goal} is due on {date}: where are you with it, and what would make it achievable by then?",
)
def goal_due_no_progress(ctx: _Context) -> Iterator[Found]:
    for goal in ctx.goal_rows:
        days = (goal.due - ctx.as_of).days
        if goal.status != "active" or days > DUE_SOON_DAYS:
            continue
        if goal.last_note is not None and goal.last_note[0] >= goal.start:
            continue
        yield (
            f"Learning goal “{goal.title}” is due in {_days(days)} with no progress noted.",
            [f"goal {goal.id}: due {goal.due.isoformat()}, started {goal.start.isoformat()}, status active",
             f"no check-in note on {goal.id} between {goal.start.isoformat()} and {ctx.as_of.isoformat()}"],
            f"“{goal.title}” is due on {goal.due.isoformat()}: where are you with it, and what would make it achievable by then?",
            ctx.goal_weight(goal),
        )


@flag_rule(
    "goal-overdue",
    "a learning goal's due date has passed and it is not achieved (nor dropped), and no active goal of a later cycle carries its skill on",
    "{goal} was due on {date}: give it more time, change the plan, or drop it?",
)
def goal_overdue(ctx: _Context) -> Iterator[Found]:
    for goal in ctx.goal_rows:
        carried = any(g.status == "active" and g.skill == goal.skill and g.cycle == ctx.cycle.label != goal.cycle for g in ctx.goal_rows)
        if goal.status == "overdue" and not carried:
            yield (
                f"Learning goal “{goal.title}” is overdue.",
                [f"goal {goal.id}: due {goal.due.isoformat()}, target {goal.target.label}, current {_label(goal.current)}"],
                f"“{goal.title}” was due on {goal.due.isoformat()}: give it more time, change the plan, or drop it?",
                ctx.goal_weight(goal),
            )


def _same_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().rstrip(".!;").casefold()


@flag_rule(
    "repeated-barrier",
    f"the same barrier text (ignoring case, spacing and final punctuation) in two or more check-ins of the last {CHECKIN_WINDOW_DAYS} days",
    "{barrier} has come up again: what would remove it, and what can I do about it?",
)
def repeated_barrier(ctx: _Context) -> Iterator[Found]:
    seen: dict[str, list[CheckinRow]] = {}
    for row in ctx.checkin_rows:
        if row.barriers:
            seen.setdefault(_same_text(row.barriers), []).append(row)
    for rows in seen.values():
        if len(rows) >= 2:
            text = rows[-1].barriers
            yield (
                f"The same barrier came up in {len(rows)} check-ins.",
                [f"barrier “{text}” in check-ins of " + ", ".join(r.date.isoformat() for r in rows)],
                f"“{text}” has come up again: what would remove it, and what can I do about it?",
            )


@flag_rule(
    "goal-without-resources",
    "an active or overdue learning goal has no learning resources attached",
    "What will you learn {skill} from: a course, a mentor, a stretch assignment?",
)
def goal_without_resources(ctx: _Context) -> Iterator[Found]:
    for goal in ctx.goal_rows:
        if goal.open and not goal.resources:
            yield (
                f"Learning goal “{goal.title}” has no learning resources.",
                [f"goal {goal.id}: resources empty"],
                f"What will you learn {goal.skill_name} from: a course, a mentor, a stretch assignment?",
                ctx.goal_weight(goal),
            )


@flag_rule(
    "self-above-calibrated",
    f"the latest self rating in a skill is {SELF_ABOVE_TIERS} or more tiers above the current (non-self) level",
    "You rate yourself {self} in {skill}, the current rating is {level}: what recent work shows {self}-level practice?",
)
def self_above_calibrated(ctx: _Context) -> Iterator[Found]:
    for skill, name, own, level, evidence in _self_and_current(ctx):
        if own - level >= SELF_ABOVE_TIERS:
            yield (
                f"Self rating in {name} is {_tiers(own - level)} above the current level.", [evidence],
                f"You rate yourself {own.label} in {name}, the current rating is {level.label}: what recent work shows {own.label}-level practice?",
                ctx.weight(skill, own - level),
            )


def _self_and_current(ctx: _Context) -> Iterator[tuple[str, str, Level, Level, str]]:
    """(skill, its name, self level, current level, the evidence line) of each skill with both, by name."""
    for skill in sorted(ctx.self, key=lambda s: (ctx.skill_name(s).casefold(), s)):
        if skill in ctx.current:
            own, own_day = ctx.self[skill]
            level, day, source = ctx.current[skill]
            name = ctx.skill_name(skill)
            yield skill, name, own, level, f"{name}: self {own.label} ({own_day.isoformat()}), current {level.label} ({source}, {day.isoformat()})"


def _tiers(n: int) -> str:
    return f"{n} tier{'s' * (n != 1)}"


@flag_rule(
    "self-below-calibrated",
    f"the latest self rating in a skill is {SELF_BELOW_TIERS} or more tiers below the current (non-self) level",
    "You rate yourself {self} in {skill}, the current rating is {level}: what would it take for you to see it that way?",
)
def self_below_calibrated(ctx: _Context) -> Iterator[Found]:
    for skill, name, own, level, evidence in _self_and_current(ctx):
        if level - own >= SELF_BELOW_TIERS:
            yield (
                f"Self rating in {name} is {_tiers(level - own)} below the current level.", [evidence],
                f"You rate yourself {own.label} in {name}, the current rating is {level.label}: what would it take for you to see it that way?",
                ctx.weight(skill, level - own),
            )


@flag_rule(
    "gap-without-goal",
    "a skill the role requires is below the required level and no active or overdue learning goal of the current or previous cycle covers it",
    "{skill} is {n} tier(s) below what your role requires: should it be a learning goal this cycle?",
)
def gap_without_goal(ctx: _Context) -> Iterator[Found]:
    """One flag for every such skill: they are one conversation about what to learn next."""
    covered = {g.skill for g in ctx.goal_rows if g.open}
    rows = [row for row in ctx.packet.proficiency if row.gap > 0 and row.skill not in covered]
    if not rows:
        return
    where = f"no open learning goal in {ctx.cycle.previous().label} or {ctx.cycle.label}"
    evidence = [f"{row.skill_name}: required {row.required.label}, current {_label(row.current)}; {where}" for row in rows]
    unassessed = [row.skill_name for row in rows if row.current is None]
    weight = sum(ctx.weight(row.skill, row.gap) for row in rows)
    if len(rows) == 1:
        row = rows[0]
        if unassessed:
            yield (f"{row.skill_name}: never assessed, and no learning goal.", evidence,
                   f"{row.skill_name} has never been assessed: when can it be, so that we know whether it needs a learning goal?", weight)
            return
        yield (f"{row.skill_name}: a gap of {_tiers(row.gap)} with no learning goal.", evidence,
               f"{row.skill_name} is {_tiers(row.gap)} below what your role requires: should it be a learning goal this cycle?", weight)
        return
    names = ", ".join(row.skill_name for row in rows)
    ask = f"Which of {names} should be a learning goal this cycle?"
    if unassessed:
        ask += f" ({', '.join(unassessed)} never assessed: assess first.)"
    yield (f"{len(rows)} skills below what your role requires, with no learning goal: {names}.", evidence, ask, weight)


@flag_rule(
    "apply-past-due",
    f"an application assignment (check-in `apply`) of the last {CHECKIN_WINDOW_DAYS} days is past its `apply_due` and no check-in has been held since that date",
    "How did applying {assignment} go, and what did it teach you?",
)
def apply_past_due(ctx: _Context) -> Iterator[Found]:
    last = ctx.checkins[-1].date if ctx.checkins else None
    for row in ctx.checkin_rows:
        if row.apply_state == "past due" and last < row.apply_due:
            yield (
                f"Application assignment “{row.apply}” is past due.",
                [f"set in the check-in of {row.date.isoformat()}, due {row.apply_due.isoformat()} ({_days(-row.apply_days)} ago); no check-in since"],
                f"How did applying “{row.apply}” go, and what did it teach you?",
            )


@flag_rule(
    "completion-not-applied",
    f"a resource completed in the last {CHECKIN_WINDOW_DAYS} days (completions/) with no check-in `apply` dated within {APPLY_AFTER_COMPLETION_DAYS} days after it",
    "You completed {resource}: where can you apply it in the next two weeks?",
)
def completion_not_applied(ctx: _Context) -> Iterator[Found]:
    applies = [c.date for c in ctx.checkins if _text(c.learning.apply)]
    for resource, day in ctx.completions():
        if day < ctx.window_start:
            continue
        until = day + timedelta(days=APPLY_AFTER_COMPLETION_DAYS)
        if any(day <= when <= until for when in applies):
            continue
        res = ctx.repo.resources.get(resource)
        title = res.title if res else resource
        yield (
            f"Completed “{title}” with no application assignment after it.",
            [f"completion of {resource} on {day.isoformat()}; no application assignment set in a check-in between {day.isoformat()} and {min(until, ctx.as_of).isoformat()}"],
            f"You completed “{title}”: where can you apply it in the next two weeks?",
        )


@flag_rule(
    "skill-root-cause-without-goal",
    "the latest performance rating names a skill as its root cause and no active or overdue learning goal covers that skill",
    "Your {period} rating named {skill} as the root cause: what learning goal would address it?",
)
def skill_root_cause_without_goal(ctx: _Context) -> Iterator[Found]:
    reviews = ctx.packet.reviews
    if not reviews or reviews[-1].root_cause != "skill":
        return
    review = reviews[-1]
    if review.skill in {g.skill for g in ctx.goal_rows if g.open}:
        return
    yield (
        f"The {review.period} rating names {review.skill_name} as the root cause; no learning goal covers it.",
        [f"rating {review.rating:g} for {review.period}, root cause: skill ({review.skill_name})"],
        f"Your {review.period} rating named {review.skill_name} as the root cause: what learning goal would address it?",
        ctx.weight(review.skill, 1),
    )


@flag_rule(
    "team-relies-on-you",
    "in the manager's team (the manager and direct reports; for the top of the tree, their own), the person is the only one at proficient or above in a skill a member's role needs, or the only one with an active learning goal on a skill nobody there holds",
    "The team relies on you for {skills}: who could learn it from you, and what would make that easier?",
)
def team_relies_on_you(ctx: _Context) -> Iterator[Found]:
    state = team_report(ctx.repo, TeamQuery(as_of=ctx.as_of, manager=ctx.who.manager or ctx.person)).state
    if ctx.person not in {m.id for m in state.team.members}:
        return
    only_ids = {r.skill for r in state.risks if r.kind == "single-point" and r.members == (ctx.person,)}
    only = sorted({ctx.skill_name(skill) for skill in only_ids}, key=str.casefold)
    me = next(m for m in state.team.members if m.id == ctx.person)
    needed = {c.skill: c.needed for c in state.coverage}
    # a skill nobody holds that the person is still growing toward (not one they already meet)
    nobody = sorted({r.skill for r in state.risks if r.kind == "critical-gap" and me.level(r.skill) < needed[r.skill]})
    growing = active_learning_goals(ctx.repo, [m.id for m in state.team.members if not m.vacancy], nobody, ctx.as_of)
    alone_ids = {skill for skill, people in growing.groupby("skill", observed=True)["person"] if set(people) == {ctx.person}}
    alone = sorted({ctx.skill_name(skill) for skill in alone_ids}, key=str.casefold)
    if not only and not alone:
        return
    evidence = [f"{state.team.label}: the only one at proficient or above in {name}" for name in only]
    evidence += [f"{state.team.label}: nobody is at proficient in {name}; the only active learning goal on it is yours" for name in alone]
    skills = ", ".join(only + alone)
    message = " ".join(part for part in (
        f"The team relies on you for {', '.join(only)}." if only else "",
        f"You are the only one in the team learning {', '.join(alone)}, which nobody there holds yet." if alone else "",
    ) if part)
    yield (message, evidence, f"The team relies on you for {skills}: who could learn it from you, and what would make that easier?",
           sum(ctx.weight(skill, 1) for skill in only_ids | alone_ids))


def rules_markdown() -> str:
    """The rule table of docs/review-packet.md, generated from RULES (tests keep the two in step)."""
    lines = ["| rule | flagged when | question suggested |", "|---|---|---|"]
    for rule in RULES:
        lines.append(f"| `{rule.id}` | {rule.condition} | {rule.question} |")
    return "\n".join(lines)
