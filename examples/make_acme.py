#!/usr/bin/env python3
"""Write the bundled example skills repo ``examples/acme/`` (Acme Analytics).

Usage: ``python examples/make_acme.py``

The company, its people and a year of calibrations, goals, check-ins, reviews,
openings and LMS exports are simulated with a seeded ``random.Random``, so two
runs write byte-identical files.  The script deletes ``examples/acme/`` and
writes it anew; it touches nothing else.

Needs only the standard library and PyYAML (used to quote free text and to
re-read every written file as a round-trip check).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
from pathlib import Path

import yaml

SEED = 20261120
OUT = Path(__file__).resolve().parent / "acme"

D = dt.date
DAY = dt.timedelta(days=1)
AS_OF = D(2026, 11, 20)  # the example is meant to be read "as of" this date

LEVELS = ["none", "foundational", "proficient", "expert"]
RANK = {name: i for i, name in enumerate(LEVELS)}
F, P, E = "foundational", "proficient", "expert"
URGENCY_W = {"high": 3, "medium": 2, "low": 1}

# Four calibration sessions (one per quarter, in its last month) and the self-assessment
# rounds a week before each.
QUARTERS = ["2025Q4", "2026Q1", "2026Q2", "2026Q3"]
CAL = [D(2025, 12, 11), D(2026, 3, 19), D(2026, 6, 18), D(2026, 9, 24)]
SELF = [d - 7 * DAY for d in CAL]
QEND = [D(2025, 12, 31), D(2026, 3, 31), D(2026, 6, 30), D(2026, 9, 30)]
CYCLES = {  # goal cycles: start, end, index of the calibration that closes it
    "2026Q2": (D(2026, 4, 1), D(2026, 6, 30), 2),
    "2026Q3": (D(2026, 7, 1), D(2026, 9, 30), 3),
    "2026Q4": (D(2026, 10, 1), D(2026, 12, 31), None),
}

# ---------------------------------------------------------------------------
# The competency map
# ---------------------------------------------------------------------------

SKILLS = [
    dict(id="sql", name="SQL", group="Data literacy", category="technical", urgency="high",
         description="Gets correct, efficient answers out of the warehouse.",
         levels={F: "Writes single-table queries with filters and aggregates; asks for review before sharing numbers.",
                 P: "Writes multi-join and window-function queries that others reuse; spots and explains double counting.",
                 E: "Designs query patterns and tunes slow workloads; reviews the team's SQL and sets its conventions."}),
    dict(id="data-visualization", name="Data visualization", group="Data literacy", category="technical", urgency="high",
         description="Turns data into charts and dashboards that decisions are made from.",
         levels={F: "Reads and questions existing dashboards; builds simple charts from a template.",
                 P: "Builds clear dashboards for a team's recurring decisions and retires the ones nobody uses.",
                 E: "Sets the visual standards others follow and coaches teams to redesign misleading reports."}),
    dict(id="python", name="Python", group="Engineering", category="technical", urgency="medium",
         description="Writes maintainable Python for analysis, pipelines and automation.",
         levels={F: "Runs and adapts existing notebooks and scripts; uses pandas for routine cleaning.",
                 P: "Writes tested, packaged code that runs unattended in the scheduler.",
                 E: "Designs shared libraries and reviews others' code for correctness and performance."}),
    dict(id="data-modeling", name="Data modeling", group="Engineering", category="technical", urgency="medium",
         description="Shapes warehouse tables so that questions have one obvious, correct answer.",
         levels={F: "Follows the existing dimensional model and documents the columns they add.",
                 P: "Designs fact and dimension tables for a new domain, with tests for grain and keys.",
                 E: "Owns the cross-domain model and leads migrations without breaking consumers."}),
    dict(id="cloud-infrastructure", name="Cloud infrastructure", group="Engineering", category="technical",
         urgency="medium", horizon_months=24,
         description="Runs the data platform on managed cloud services: compute, storage, IAM and cost.",
         levels={F: "Deploys changes through the existing pipelines and reads the dashboards when something fails.",
                 P: "Provisions services with infrastructure-as-code and handles on-call incidents alone.",
                 E: "Designs the platform architecture and its cost and security guardrails."}),
    dict(id="ai-tooling", name="AI tooling", group="AI and automation", category="technical", urgency="high",
         horizon_months=12,
         description="Uses approved AI assistants and LLM APIs safely to speed up analysis and engineering work.",
         levels={F: "Uses the approved assistants for drafting queries and code, and checks every output.",
                 P: "Builds repeatable AI-assisted workflows with evaluation checks and shares them with the team.",
                 E: "Designs evaluation and guardrail practice for LLM features used by customers."}),
    dict(id="experimentation", name="Experimentation", group="Decision science", category="functional",
         urgency="high",
         description="Designs, runs and reads controlled experiments that change decisions.",
         levels={F: "Reads an experiment readout correctly, including its confidence interval.",
                 P: "Designs tests with a power calculation and a pre-registered decision rule.",
                 E: "Runs the experimentation programme and arbitrates contested results."}),
    dict(id="product-discovery", name="Product discovery", group="Product", category="functional",
         urgency="medium",
         description="Finds out what customers need before the team builds it.",
         levels={F: "Takes part in customer interviews and writes up what was heard, not what was hoped.",
                 P: "Runs a discovery cycle end to end and kills ideas that the evidence does not support.",
                 E: "Shapes the product strategy from a portfolio of discovery work across teams."}),
    dict(id="stakeholder-management", name="Stakeholder management", group="Collaboration",
         category="functional", urgency="medium",
         description="Agrees scope and priorities with the people who depend on the work.",
         levels={F: "Keeps requesters informed and escalates conflicts early.",
                 P: "Negotiates scope and trade-offs with senior stakeholders and writes the decision down.",
                 E: "Aligns competing executives on a shared plan and keeps them aligned."}),
    dict(id="data-governance", name="Data governance", group="Data literacy", category="functional",
         urgency="low", horizon_months=36,
         description="Keeps data accurate, documented, access-controlled and compliant.",
         levels={F: "Follows the data classification and access policies in daily work.",
                 P: "Owns the catalogue, quality checks and retention rules for a domain.",
                 E: "Sets governance policy and represents the company in audits."}),
    dict(id="coaching", name="Coaching", group="Leadership", category="leadership", urgency="medium",
         description="Helps other people grow through feedback, questions and stretch work.",
         levels={F: "Gives specific, timely feedback to peers and new joiners.",
                 P: "Runs regular development conversations and agrees stretch work with each report.",
                 E: "Builds a coaching culture: develops the managers who develop others."}),
    dict(id="strategic-planning", name="Strategic planning", group="Leadership", category="leadership",
         urgency="low",
         description="Turns company goals into a prioritised plan with owners and measures.",
         levels={F: "Explains how their team's quarterly plan supports the company goals.",
                 P: "Writes their area's half-year plan with measurable outcomes and trade-offs.",
                 E: "Sets multi-year direction and the investment case across functions."}),
]
SKILL = {s["id"]: s for s in SKILLS}

RESOURCES = [
    dict(id="sql-fundamentals", title="SQL Fundamentals (internal course)", type="course",
         skills=["sql"], target=P, url="https://learn.acme.example/courses/sql-fundamentals", hours=12),
    dict(id="advanced-sql-tuning", title="Advanced SQL: window functions and query tuning", type="course",
         skills=["sql"], target=E, url="https://learn.acme.example/courses/advanced-sql", hours=16),
    dict(id="dataviz-studio", title="Dataviz Studio (six-week cohort)", type="program",
         skills=["data-visualization"], target=P, url="https://learn.acme.example/programs/dataviz-studio", hours=24),
    dict(id="storytelling-with-data", title="Storytelling with Data (book club)", type="reading",
         skills=["data-visualization", "stakeholder-management"], target=P,
         url="https://learn.acme.example/reading/storytelling-with-data", hours=8),
    dict(id="python-for-analysts", title="Python for Analysts", type="course",
         skills=["python"], target=P, url="https://learn.acme.example/courses/python-for-analysts", hours=20),
    dict(id="data-modeling-bootcamp", title="Dimensional Modeling Bootcamp", type="program",
         skills=["data-modeling"], target=P, url="https://learn.acme.example/programs/data-modeling", hours=30),
    dict(id="cloud-platform-essentials", title="Cloud Platform Essentials", type="course",
         skills=["cloud-infrastructure"], target=P, url="https://learn.acme.example/courses/cloud-essentials",
         hours=18),
    dict(id="platform-on-call-shadowing", title="Platform on-call shadowing rotation", type="stretch-assignment",
         skills=["cloud-infrastructure", "data-governance"], target=E,
         url="https://learn.acme.example/stretch/on-call-shadowing", hours=40),
    dict(id="ai-assistants-at-work", title="AI Assistants at Work: safe use and prompting", type="course",
         skills=["ai-tooling"], target=F, url="https://learn.acme.example/courses/ai-assistants", hours=6),
    dict(id="llm-evaluation-lab", title="LLM Evaluation Lab", type="program",
         skills=["ai-tooling"], target=P, url="https://learn.acme.example/programs/llm-eval-lab", hours=16),
    dict(id="experimentation-guild-mentoring", title="Experimentation guild mentoring", type="mentoring",
         skills=["experimentation"], target=P, url="https://learn.acme.example/mentoring/experimentation-guild",
         hours=12),
    dict(id="ab-testing-playbook", title="The Acme A/B Testing Playbook", type="reading",
         skills=["experimentation"], target=F, url="https://learn.acme.example/reading/ab-testing-playbook", hours=5),
    dict(id="discovery-sprint-rotation", title="Discovery sprint rotation", type="stretch-assignment",
         skills=["product-discovery", "stakeholder-management"], target=P,
         url="https://learn.acme.example/stretch/discovery-sprint", hours=30),
    dict(id="stakeholder-mapping-workshop", title="Stakeholder Mapping and Negotiation workshop", type="course",
         skills=["stakeholder-management"], target=P, url="https://learn.acme.example/courses/stakeholder-mapping",
         hours=8),
    dict(id="coaching-circle", title="Manager coaching circle", type="mentoring",
         skills=["coaching"], target=P, url="https://learn.acme.example/mentoring/coaching-circle", hours=18),
    dict(id="data-governance-primer", title="Data Governance Primer", type="reading",
         skills=["data-governance"], target=F, url="https://learn.acme.example/reading/governance-primer", hours=4),
    dict(id="strategy-offsite-shadow", title="Shadow the annual strategy offsite", type="stretch-assignment",
         skills=["strategic-planning"], target=P, url="https://learn.acme.example/stretch/strategy-offsite",
         hours=20),
]
RESOURCE = {r["id"]: r for r in RESOURCES}
LMS_TYPES = {"course", "program", "reading"}  # what the LMS tracks; mentoring and stretch work are not in it

# ---------------------------------------------------------------------------
# Roles: three ladders, one file each
# ---------------------------------------------------------------------------

ROLES = {
    # analytics
    "managing-director": dict(title="Managing Director", family="analytics", next=[],
                              requires={"stakeholder-management": E, "coaching": E, "strategic-planning": E,
                                        "data-governance": P, "ai-tooling": F}),
    "head-of-analytics": dict(title="Head of Analytics", family="analytics", next=["managing-director"],
                              requires={"data-visualization": E, "experimentation": E, "stakeholder-management": E,
                                        "coaching": E, "strategic-planning": P, "data-governance": P}),
    "analytics-lead": dict(title="Analytics Lead", family="analytics", next=["head-of-analytics"],
                           requires={"sql": P, "data-visualization": E, "experimentation": P,
                                     "stakeholder-management": P, "coaching": P, "strategic-planning": F}),
    "senior-data-analyst": dict(title="Senior Data Analyst", family="analytics",
                                next=["analytics-lead", "product-manager"],
                                requires={"sql": E, "data-visualization": E, "python": P, "experimentation": P,
                                          "stakeholder-management": P},
                                changes=[dict(effective=D(2027, 1, 1), requires={"ai-tooling": P})]),
    "data-analyst-2": dict(title="Data Analyst II", family="analytics",
                           next=["senior-data-analyst", "data-engineer-2"],
                           requires={"sql": P, "data-visualization": P, "python": F, "experimentation": F,
                                     "stakeholder-management": F},
                           changes=[dict(effective=D(2027, 1, 1), requires={"ai-tooling": P})]),
    "data-analyst-1": dict(title="Data Analyst I", family="analytics", next=["data-analyst-2"],
                           requires={"sql": F, "data-visualization": F, "python": F, "stakeholder-management": F}),
    # engineering
    "head-of-engineering": dict(title="Head of Data Engineering", family="engineering", next=["managing-director"],
                                requires={"cloud-infrastructure": E, "data-modeling": P, "coaching": E,
                                          "stakeholder-management": P, "strategic-planning": P,
                                          "data-governance": P}),
    "engineering-manager": dict(title="Engineering Manager", family="engineering", next=["head-of-engineering"],
                                requires={"python": P, "cloud-infrastructure": P, "data-modeling": P,
                                          "coaching": P, "stakeholder-management": P}),
    "senior-data-engineer": dict(title="Senior Data Engineer", family="engineering", next=["engineering-manager"],
                                 requires={"python": E, "sql": P, "cloud-infrastructure": P, "data-modeling": E,
                                           "data-governance": P, "coaching": F}),
    "data-engineer-2": dict(title="Data Engineer II", family="engineering", next=["senior-data-engineer"],
                            requires={"python": P, "sql": P, "cloud-infrastructure": P, "data-modeling": P,
                                      "data-governance": F},
                            changes=[dict(effective=D(2026, 4, 1), requires={"ai-tooling": F})]),
    "data-engineer-1": dict(title="Data Engineer I", family="engineering", next=["data-engineer-2"],
                            requires={"python": F, "sql": F, "cloud-infrastructure": F, "data-modeling": F}),
    # product
    "head-of-product": dict(title="Head of Product", family="product", next=["managing-director"],
                            requires={"product-discovery": E, "experimentation": P, "stakeholder-management": E,
                                      "coaching": E, "strategic-planning": E}),
    "group-product-manager": dict(title="Group Product Manager", family="product", next=["head-of-product"],
                                  requires={"product-discovery": E, "experimentation": P,
                                            "stakeholder-management": E, "coaching": P, "strategic-planning": P}),
    "senior-product-manager": dict(title="Senior Product Manager", family="product",
                                   next=["group-product-manager"],
                                   requires={"product-discovery": E, "experimentation": P,
                                             "stakeholder-management": P, "sql": F, "strategic-planning": F}),
    "product-manager": dict(title="Product Manager", family="product", next=["senior-product-manager"],
                            requires={"product-discovery": P, "experimentation": P, "stakeholder-management": P,
                                      "sql": F, "data-visualization": F},
                            changes=[dict(effective=D(2027, 1, 1), requires={"ai-tooling": F})]),
    "associate-product-manager": dict(title="Associate Product Manager", family="product",
                                      next=["product-manager"],
                                      requires={"product-discovery": F, "experimentation": F,
                                                "stakeholder-management": F, "sql": F}),
}

# ---------------------------------------------------------------------------
# People: (id, name, role, manager, extra)
# extra: started, left, aspiration, previous (role before an internal move), moved (date)
# ---------------------------------------------------------------------------

PEOPLE_SPEC = [
    ("helena", "Helena Brandt", "managing-director", None, {}),
    # analytics
    ("kwame", "Kwame Mensah", "head-of-analytics", "helena", {}),
    ("priya", "Priya Raghunathan", "analytics-lead", "kwame", {"aspiration": "head-of-analytics"}),
    ("tomas", "Tomás Herrera", "analytics-lead", "kwame", {}),
    ("yuki", "Yuki Tanaka", "senior-data-analyst", "kwame", {"aspiration": "analytics-lead"}),
    ("ada", "Ada Okafor", "senior-data-analyst", "priya",
     {"previous": "data-analyst-2", "moved": D(2026, 6, 29), "aspiration": "analytics-lead"}),
    ("mateo", "Mateo Rossi", "data-analyst-1", "priya", {"aspiration": "data-analyst-2"}),
    ("fatima", "Fatima Zahra El Idrissi", "senior-data-analyst", "priya", {}),
    ("sven", "Sven Lindqvist", "data-analyst-2", "priya", {"aspiration": "data-engineer-2"}),
    ("leila", "Leila Haddad", "data-analyst-1", "priya", {"started": D(2026, 8, 15)}),
    ("wei", "Wei Zhang", "data-analyst-2", "tomas", {"aspiration": "senior-data-analyst"}),
    ("chiara", "Chiara Bianchi", "data-analyst-1", "tomas", {}),
    ("dmitri", "Dmitri Volkov", "senior-data-analyst", "tomas", {"started": D(2021, 3, 1), "left": D(2026, 8, 31)}),
    ("ana-lucia", "Ana Lucía Gómez", "data-analyst-2", "tomas", {}),
    # engineering
    ("lin", "Lin Chen", "head-of-engineering", "helena", {}),
    ("sofia", "Sofía Martínez", "engineering-manager", "lin", {}),
    ("rahul", "Rahul Iyer", "engineering-manager", "lin", {"aspiration": "head-of-engineering"}),
    ("noa", "Noa Levi", "engineering-manager", "lin", {}),
    ("jakub", "Jakub Nowak", "senior-data-engineer", "sofia", {"aspiration": "engineering-manager"}),
    ("amina", "Amina Yusuf", "data-engineer-2", "sofia", {}),
    ("oskar", "Oskar Nieminen", "data-engineer-2", "sofia",
     {"previous": "data-engineer-1", "moved": D(2026, 8, 17), "aspiration": "senior-data-engineer"}),
    ("thandiwe", "Thandiwe Dlamini", "data-engineer-1", "sofia", {}),
    ("maria-k", "Mária Kovács", "senior-data-engineer", "rahul", {}),
    ("kenji", "Kenji Watanabe", "data-engineer-2", "rahul", {}),
    ("aroha", "Aroha Ngata", "data-engineer-1", "rahul", {"started": D(2026, 5, 1)}),
    ("lucas", "Lucas Ferreira", "data-engineer-2", "rahul", {}),
    ("siobhan", "Siobhán Murphy", "senior-data-engineer", "noa", {}),
    ("emre", "Emre Yılmaz", "data-engineer-2", "noa", {"aspiration": "senior-data-engineer"}),
    ("maria-g", "María García", "data-engineer-1", "noa", {}),
    ("tariq", "Tariq Hassan", "senior-data-engineer", "noa", {}),
    # product
    ("amara", "Amara Nwosu", "head-of-product", "helena", {}),
    ("jonas", "Jonas Becker", "group-product-manager", "amara", {}),
    ("camille", "Camille Laurent", "group-product-manager", "amara", {}),
    ("rafael", "Rafael Costa", "senior-product-manager", "amara", {"aspiration": "group-product-manager"}),
    ("hana", "Hana Novák", "product-manager", "jonas", {}),
    ("arjun", "Arjun Mehta", "product-manager", "jonas",
     {"previous": "associate-product-manager", "moved": D(2026, 9, 14)}),
    ("ingrid", "Ingrid Solberg", "associate-product-manager", "jonas", {"aspiration": "product-manager"}),
    ("seo-yeon", "Seo-yeon Park", "senior-product-manager", "camille", {}),
    ("kofi", "Kofi Boateng", "product-manager", "camille", {}),
    ("valentina", "Valentina Moretti", "associate-product-manager", "camille", {}),
]

FAMILY_LEADS = {"analytics": "kwame", "engineering": "lin", "product": "amara"}
HEAD = "helena"

# Scripted parts of the story; everything else is drawn from the seeded generator.
NO_LEARNING = {  # fully meet their role: only performance goals in these cycles
    "2026Q2": {"jakub", "maria-k", "siobhan", "tariq", "noa"},
    "2026Q3": {"jakub", "maria-k", "siobhan", "tariq", "noa"},
}
AT_LEAST_REQUIRED = {"jakub", "maria-k", "siobhan", "tariq", "noa", "helena"}  # start at or above every requirement
INITIAL = {  # (person, skill) -> level at the first calibration
    ("ada", "sql"): 1, ("oskar", "cloud-infrastructure"): 0, ("chiara", "data-visualization"): 0,
    ("arjun", "product-discovery"): 0, ("arjun", "experimentation"): 1, ("arjun", "stakeholder-management"): 1,
    ("arjun", "sql"): 1, ("sven", "sql"): 1, ("hana", "experimentation"): 1,
}
FIRST_GOAL_SKILL = {("ada", "2026Q2"): "sql", ("oskar", "2026Q2"): "cloud-infrastructure",
                    ("chiara", "2026Q3"): "data-visualization"}
# (person, cycle) -> outcome of their first learning goal: "cal" (at the closing calibration),
# "manager" (earlier, by a manager rating), "fail"; "fail-all" fails every learning goal of the cycle.
OUTCOME = {
    ("ada", "2026Q2"): "manager", ("oskar", "2026Q2"): "cal", ("arjun", "2026Q2"): "fail-all",
    ("arjun", "2026Q3"): "cal-all", ("kofi", "2026Q2"): "fail",
    ("amina", "2026Q3"): "cal", ("kenji", "2026Q3"): "manager", ("lucas", "2026Q3"): "cal",
    ("emre", "2026Q3"): "cal", ("maria-g", "2026Q3"): "manager", ("thandiwe", "2026Q3"): "cal",
    ("sofia", "2026Q3"): "cal", ("oskar", "2026Q3"): "fail",
    ("chiara", "2026Q3"): "fail", ("dmitri", "2026Q3"): "fail",
    ("sven", "2026Q4"): "manager", ("hana", "2026Q4"): "manager", ("lucas", "2026Q4"): "manager",
}
REVIEW_OVERRIDES = {("chiara", "2026Q3"): 2, ("fatima", "2026Q3"): 2}  # a hard quarter, put down to skills
DROPPED = {("dmitri", "2026Q3"): D(2026, 8, 21), ("kofi", "2026Q2"): D(2026, 5, 22)}
SELF_ONLY = {("chiara", "2026Q3")}  # the self rating reaches the target, the calibration does not
OVER_RATERS = {("mateo", 3), ("valentina", 2), ("kenji", 1)}  # rate themselves two tiers up in one round
NOT_YET_RATED = {("leila", "python", 3), ("arjun", "data-visualization", 3)}  # left out of a calibration
NO_CHECKINS_QUARTER = {"wei": "2026Q1", "kofi": "2026Q3", "lucas": "2026Q4", "valentina": "2026Q2"}
SKIP_MONTHS = {"ana-lucia": 2, "rafael": 2, "tariq": 1, "maria-k": 2, "camille": 1, "kwame": 3, "lin": 2,
               "seo-yeon": 1}

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------


def quarter_of(d: dt.date) -> str:
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def quarter_bounds(label: str) -> tuple[dt.date, dt.date]:
    year, q = int(label[:4]), int(label[5])
    start = D(year, 3 * q - 2, 1)
    end = (D(year + 1, 1, 1) if q == 4 else D(year, 3 * q + 1, 1)) - DAY
    return start, end


def month_end(year: int, month: int) -> dt.date:
    return (D(year + 1, 1, 1) if month == 12 else D(year, month + 1, 1)) - DAY


def cap(name: str) -> str:
    return name.capitalize()


class Person:
    def __init__(self, pid, name, role, manager, extra):
        self.id, self.name, self.role, self.manager = pid, name, role, manager
        self.started = extra.get("started") or hire_date(pid, extra.get("previous", role))
        self.left = extra.get("left")
        self.aspiration = extra.get("aspiration")
        self.previous = extra.get("previous")
        self.moved = extra.get("moved")

    def role_on(self, d):
        if self.previous and d < self.moved:
            return self.previous
        return self.role

    def active(self, d):
        return (self.started is None or self.started <= d) and (self.left is None or self.left >= d)

    @property
    def family(self):
        return ROLES[self.role]["family"]


def hire_date(pid: str, role: str) -> dt.date:
    """A plausible start date, seeded by the person's id so that it never shifts with other draws."""
    rng = random.Random(f"{SEED}-{pid}")
    senior = role.startswith(("managing", "head", "group", "analytics-lead", "engineering-manager", "senior"))
    first, last = (D(2014, 1, 1), D(2021, 12, 31)) if senior else (D(2019, 1, 1), D(2025, 9, 30))
    d = first + rng.randrange((last - first).days) * DAY
    while d.weekday() != 0:  # people start on a Monday
        d += DAY
    return d


def requires_on(role: str, d: dt.date) -> dict[str, int]:
    spec = ROLES[role]
    req = {s: RANK[l] for s, l in spec["requires"].items()}
    for ch in sorted(spec.get("changes", []), key=lambda c: c["effective"]):
        if ch["effective"] <= d:
            for s, l in ch["requires"].items():
                if RANK[l] == 0:
                    req.pop(s, None)
                else:
                    req[s] = RANK[l]
    return req


# ---------------------------------------------------------------------------
# YAML writing: block style by hand, flow mappings for rating records
# ---------------------------------------------------------------------------


class Flow(dict):
    """A mapping written on one line as a flow mapping."""


_PLAIN_FLOW = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@/-]*\Z")


def scalar(v, flow=False) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str):
        if flow and not _PLAIN_FLOW.match(v):
            out = yaml.safe_dump(v, allow_unicode=True, width=10**6, default_style='"')
        else:
            out = yaml.safe_dump(v, allow_unicode=True, width=10**6)
        if out.endswith("\n...\n"):
            out = out[: -len("\n...\n")]
        out = out.rstrip("\n")
        assert "\n" not in out, v
        return out
    raise TypeError(f"cannot write {v!r}")


def flow_line(m: dict) -> str:
    return "{" + ", ".join(f"{k}: {scalar(v, flow=True)}" for k, v in m.items()) + "}"


def block(obj, indent: int = 0) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, Flow):
                lines.append(f"{pad}{k}: {flow_line(v)}")
            elif isinstance(v, dict):
                if not v:
                    lines.append(f"{pad}{k}: {{}}")
                else:
                    lines.append(f"{pad}{k}:")
                    lines.extend(block(v, indent + 2))
            elif isinstance(v, list):
                if not v:
                    lines.append(f"{pad}{k}: []")
                elif all(not isinstance(x, (dict, list)) for x in v):
                    lines.append(f"{pad}{k}: [" + ", ".join(scalar(x, flow=True) for x in v) + "]")
                else:
                    lines.append(f"{pad}{k}:")
                    lines.extend(block(v, indent + 2))
            else:
                lines.append(f"{pad}{k}: {scalar(v)}")
    elif isinstance(obj, list):
        for item in obj:
            if isinstance(item, Flow):
                lines.append(f"{pad}- {flow_line(item)}")
            elif isinstance(item, dict):
                inner = block(item, 0)
                lines.append(f"{pad}- {inner[0]}")
                lines.extend(f"{pad}  {line}" for line in inner[1:])
            else:
                lines.append(f"{pad}- {scalar(item)}")
    else:
        raise TypeError(obj)
    return lines


WRITTEN: dict[str, str] = {}


def write(rel: str, data: dict, header: str | None = None) -> None:
    text = "\n".join(block(data)) + "\n"
    if header:
        text = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) + text
    again = yaml.safe_load(text)
    assert again == _plain(data), f"{rel} does not round-trip"
    assert "\t" not in text
    assert rel not in WRITTEN, rel
    WRITTEN[rel] = text


def _plain(v):
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


# ---------------------------------------------------------------------------
# The simulation
# ---------------------------------------------------------------------------


class Acme:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.people = {spec[0]: Person(*spec) for spec in PEOPLE_SPEC}
        self.true: dict[str, dict[str, int]] = {p: {} for p in self.people}
        self.ratings: list[dict] = []  # {person, skill, level, date, source, assessor}
        self.goals: dict[tuple[str, str], list[dict]] = {}
        self.achieved: dict[str, dt.date] = {}  # goal id -> date (non-self evidence)
        self.reviews: dict[str, dict[str, int]] = {}
        self.root_causes: dict[str, dict[str, dict]] = {}
        self.checkins: list[dict] = []
        self.completions: list[dict] = []

    # -- facts, as skillcycle computes them ------------------------------------------

    def current(self, pid, skill, d):
        best = None
        prio = {"calibration": 3, "manager": 2, "peer": 1}
        for r in self.ratings:
            if r["person"] == pid and r["skill"] == skill and r["source"] != "self" and r["date"] <= d:
                key = (r["date"], prio[r["source"]])
                if best is None or key >= best[0]:
                    best = (key, r["level"])
        return None if best is None else best[1]

    def gaps(self, pid, d, role=None):
        person = self.people[pid]
        role = role or person.role
        out = {}
        for s, req in requires_on(role, d).items():
            cur = self.current(pid, s, d)
            if (cur or 0) < req:
                out[s] = (req - (cur or 0), "reskill" if not cur else "upskill")
        return out

    def track(self, pid, d, role=None):
        g = self.gaps(pid, d, role)
        if not g:
            return "none"
        return "reskill" if any(t == "reskill" for _, t in g.values()) else "upskill"

    # -- proficiency -------------------------------------------------------------------

    def init_level(self, pid, skill, req):
        if (pid, skill) in INITIAL:
            return INITIAL[(pid, skill)]
        r = self.rng.random()
        if pid in AT_LEAST_REQUIRED:
            delta = 1 if r < 0.3 else 0
        elif req >= 2:
            delta = -2 if r < 0.06 else -1 if r < 0.52 else 0 if r < 0.92 else 1
        else:
            delta = -1 if r < 0.15 else 0 if r < 0.8 else 1
        return max(0, min(3, req + delta))

    def rate(self, pid, skill, level, d, source, assessor=None):
        self.ratings.append(dict(person=pid, skill=skill, level=level, date=d, source=source, assessor=assessor))

    def calibrate(self, k):
        d = CAL[k]
        for pid, person in self.people.items():
            if not person.active(d):
                continue
            skills = set(requires_on(person.role_on(d), d))
            for (gp, cyc), goals in self.goals.items():
                if gp == pid and CYCLES[cyc][0] <= d <= CYCLES[cyc][1]:
                    skills |= {g["skill"] for g in goals if g["kind"] == "learning"}
            for s in sorted(skills):
                if s not in self.true[pid]:
                    self.true[pid][s] = self.init_level(pid, s, requires_on(person.role_on(d), d).get(s, 1))
                if (pid, s, k) in NOT_YET_RATED:
                    continue
                lead = FAMILY_LEADS[ROLES[person.role_on(d)]["family"]]
                assessor = HEAD if pid == lead else lead
                self.rate(pid, s, self.true[pid][s], d, "calibration", assessor)

    def drift(self, k, p_up):
        """Skills not worked on through a goal still move now and then."""
        for pid in sorted(self.people):
            for s in sorted(self.true[pid]):
                if self.rng.random() < p_up and self.true[pid][s] < 3:
                    self.true[pid][s] += 1

    # -- goals -------------------------------------------------------------------------

    def pick_learning_skills(self, pid, cycle, start):
        person = self.people[pid]
        if pid in NO_LEARNING.get(cycle, set()):
            return []
        role = person.role_on(start)
        gaps = self.gaps(pid, start, role)
        order = sorted(gaps, key=lambda s: (-URGENCY_W[SKILL[s]["urgency"]] * gaps[s][0], self.rng.random()))
        forced = FIRST_GOAL_SKILL.get((pid, cycle))
        if forced:
            order = [forced] + [s for s in order if s != forced]
        if not order:  # no gap: grow towards the aspiration, else deepen a required skill
            target_role = person.aspiration or role
            want = requires_on(target_role, start)
            cands = [s for s, lv in sorted(want.items()) if (self.current(pid, s, start) or 0) < lv]
            if not cands:
                cands = [s for s in sorted(requires_on(role, start)) if (self.current(pid, s, start) or 0) < 3]
            self.rng.shuffle(cands)
            order = cands[:1]
        n = 2 if len(order) >= 2 and self.rng.random() < 0.35 else 1
        return order[:n]

    def make_goals(self, cycle):
        start, end, _ = CYCLES[cycle]
        for pid, person in self.people.items():
            if (person.started and person.started > end) or (person.left and person.left < start):
                continue
            g_start = max(start, person.started or start)
            skills = self.pick_learning_skills(pid, cycle, g_start)
            goals = []
            for s in skills:
                base = self.current(pid, s, g_start) or 0
                self.true[pid].setdefault(s, base)
                target = base + 1
                res = self.pick_resources(s, target)
                goals.append(dict(
                    id=f"{pid}-{s}-{cycle.lower()}", kind="learning", skill=s, target=LEVELS[target],
                    baseline=LEVELS[base],
                    title=(f"Build {SKILL[s]['name']} to Foundational" if base == 0 else
                           f"Advance {SKILL[s]['name']} from {cap(LEVELS[base])} to {cap(LEVELS[target])}"),
                    start=g_start, due=end, owner=pid,
                    verify=self.rng.choice(VERIFY).format(q=cycle[-2:], skill=SKILL[s]["name"]),
                    weight=0, resources=res))
            perf = self.rng.sample(PERF_GOALS[ROLE_KIND[person.role_on(g_start)]], 2 if self.rng.random() < 0.5 else 1)
            for slug, title, verify in perf:
                goals.append(dict(id=f"{pid}-{slug}-{cycle.lower()}", kind="performance", title=title,
                                  start=g_start, due=end, owner=pid, verify=verify, weight=0))
            self.goals[(pid, cycle)] = goals

    def pick_resources(self, skill, target):
        cands = [r for r in RESOURCES if skill in r["skills"]]
        fitting = [r for r in cands if RANK[r["target"]] >= target] or cands
        lowest = min(RANK[r["target"]] for r in fitting)  # the resource pitched at the goal's level
        first = self.rng.choice([r for r in fitting if RANK[r["target"]] == lowest])
        chosen = [first["id"]]
        others = [r for r in cands if r["id"] != first["id"]]
        if others and self.rng.random() < 0.45:
            chosen.append(self.rng.choice(others)["id"])
        return chosen

    def play_cycle(self, cycle):
        """Decide which learning goals succeed and when, moving true levels."""
        start, end, k = CYCLES[cycle]
        close = CAL[k] if k is not None else None
        for (pid, cyc), goals in sorted(self.goals.items()):
            if cyc != cycle:
                continue
            person = self.people[pid]
            learning = [g for g in goals if g["kind"] == "learning"]
            for i, g in enumerate(learning):
                forced = OUTCOME.get((pid, cycle))
                if forced and forced.endswith("-all"):
                    outcome = forced[: -len("-all")]
                elif forced and i == 0:
                    outcome = forced
                elif close is None:
                    outcome = "open"  # the 2026Q4 calibration has not happened yet
                else:
                    r = self.rng.random()
                    outcome = "manager" if r < 0.1 else "cal" if r < 0.52 else "fail"
                if (pid, cycle) in DROPPED and i == 0:
                    g["dropped"] = DROPPED[(pid, cycle)]
                    outcome = "fail"
                if person.left and close and person.left < close:
                    outcome = "fail"
                g["_outcome"] = outcome
                if outcome in ("fail", "open"):
                    continue
                target = RANK[g["target"]]
                if outcome == "manager":
                    lo = g["start"] + 35 * DAY
                    hi = (close - 12 * DAY) if close else min(end, AS_OF - 3 * DAY)
                    when = lo + self.rng.randrange(max(1, (hi - lo).days)) * DAY
                    while when.weekday() >= 5:
                        when -= DAY
                    self.true[pid][g["skill"]] = max(self.true[pid].get(g["skill"], 0), target)
                    self.rate(pid, g["skill"], self.true[pid][g["skill"]], when, "manager", person.manager)
                else:
                    g["_bump_at_close"] = True

    def close_cycle(self, cycle):
        for (pid, cyc), goals in self.goals.items():
            if cyc != cycle:
                continue
            for g in goals:
                if g.get("_bump_at_close"):
                    self.true[pid][g["skill"]] = max(self.true[pid].get(g["skill"], 0), RANK[g["target"]])

    def freeze_failed(self, cycle):
        """A failed goal's skill does not drift past the target by chance in the same quarter."""
        saved = {}
        for (pid, cyc), goals in self.goals.items():
            if cyc == cycle:
                for g in goals:
                    if g["kind"] == "learning" and g["_outcome"] == "fail" and g["skill"] in self.true[pid]:
                        saved[(pid, g["skill"])] = self.true[pid][g["skill"]]
        return saved

    def self_round(self, k):
        d = SELF[k]
        cal = [r for r in self.ratings if r["date"] == CAL[k] and r["source"] == "calibration"]
        missed = {(pid, g["skill"]) for (pid, cyc), goals in self.goals.items() for g in goals
                  if g["kind"] == "learning" and g.get("_outcome") == "fail" and g["start"] <= d}
        out = []
        for r in cal:
            pid, s, lv = r["person"], r["skill"], r["level"]
            if not self.people[pid].active(d):
                continue
            x = self.rng.random()
            bias = 1 if x < 0.2 else -1 if x < 0.27 else 0
            if (pid, s) in missed:  # people who missed a goal mostly know it
                bias = min(bias, 0)
            if (pid, k) in OVER_RATERS and lv <= 1 and not any(o["person"] == pid and o["_over"] for o in out):
                bias = 2
            out.append(dict(person=pid, skill=s, level=max(0, min(3, lv + bias)), _over=bias == 2))
        for pid, cyc in SELF_ONLY:
            if CYCLES[cyc][2] == k:
                for g in self.goals[(pid, cyc)]:
                    if g["kind"] == "learning":
                        for o in out:
                            if o["person"] == pid and o["skill"] == g["skill"]:
                                o["level"] = max(o["level"], RANK[g["target"]])
                        break
        for o in out:
            self.rate(o["person"], o["skill"], o["level"], d, "self", None)

    def run(self):
        # 2025Q4 and 2026Q1: before goals lived in the repo
        self.calibrate(0)
        self.drift(1, 0.10)
        self.calibrate(1)
        for cycle in ("2026Q2", "2026Q3"):
            k = CYCLES[cycle][2]
            self.make_goals(cycle)
            self.play_cycle(cycle)
            frozen = self.freeze_failed(cycle)
            self.drift(k, 0.04)
            for (pid, s), lv in frozen.items():
                self.true[pid][s] = lv
            self.close_cycle(cycle)
            for (pid, s), lv in frozen.items():
                self.true[pid][s] = min(self.true[pid][s], lv)
            self.calibrate(k)
        self.make_goals("2026Q4")
        self.play_cycle("2026Q4")
        # self-assessment rounds come a week before each calibration, but are written from
        # the calibrated levels, so they are made once the calibrations are known
        for k in range(4):
            self.self_round(k)
        self.ratings.sort(key=lambda r: (r["date"], r["source"], r["person"], r["skill"]))
        self.settle_goals()
        self.make_reviews()
        self.make_checkins()
        self.make_completions()

    # -- weights and achievement --------------------------------------------------------

    def achieved_on(self, g, pid):
        for r in sorted(self.ratings, key=lambda r: r["date"]):
            if (r["person"] == pid and r["skill"] == g["skill"] and r["source"] != "self"
                    and r["date"] >= g["start"] and r["level"] >= RANK[g["target"]] and r["date"] <= AS_OF):
                return r["date"]
        return None

    def allowed_share(self, pid, cycle):
        start, end, _ = CYCLES[cycle]
        person = self.people[pid]
        ranges = []
        for d in (start, min(end, AS_OF), AS_OF, start - DAY):
            if not person.active(d):
                continue
            for role in {person.role, person.role_on(d)}:
                t = self.track(pid, d, role)
                if t != "none":
                    ranges.append(LEARNING_WEIGHT[t])
        lo = max([r[0] for r in ranges] + [10])
        hi = min([r[1] for r in ranges] + [25 if any(r[0] == 15 for r in ranges) else 15])
        assert lo <= hi, (pid, cycle, ranges)
        return lo, hi

    def settle_goals(self):
        for (pid, cycle), goals in sorted(self.goals.items()):
            learning = [g for g in goals if g["kind"] == "learning"]
            perf = [g for g in goals if g["kind"] == "performance"]
            if learning:
                lo, hi = self.allowed_share(pid, cycle)
                share = self.rng.choice([v for v in (10, 12, 15, 20, 25) if lo <= v <= hi])
            else:
                assert self.track(pid, CYCLES[cycle][0]) == "none", (pid, cycle)
                share = 0
            if len(learning) == 2:
                learning[0]["weight"] = share - share // 2
                learning[1]["weight"] = share // 2
            elif learning:
                learning[0]["weight"] = share
            rest = 100 - share
            if len(perf) == 2:
                first = int(round(rest * self.rng.choice([0.5, 0.6, 0.7]) / 5.0)) * 5
                perf[0]["weight"], perf[1]["weight"] = first, rest - first
            else:
                perf[0]["weight"] = rest
            for g in learning:
                when = self.achieved_on(g, pid)
                if when and (not g.get("dropped") or when < g["dropped"]):
                    self.achieved[g["id"]] = when

    # -- performance reviews ------------------------------------------------------------

    def achieved_in(self, pid, label):
        qs, qe = quarter_bounds(label)
        return any(qs <= d <= qe for gid, d in self.achieved.items() if gid.startswith(pid + "-")
                   and self.goal_owner(gid) == pid)

    def goal_owner(self, gid):
        for (pid, _), goals in self.goals.items():
            if any(g["id"] == gid for g in goals):
                return pid
        return None

    def make_reviews(self):
        """Ratings follow a stable personal level that rises a little with every quarter in which
        the person achieved a learning goal, plus noise."""
        ability = {pid: self.rng.gauss(3.0, 0.65) for pid in sorted(self.people)}
        for i, label in enumerate(QUARTERS):
            end = QEND[i]
            ratings, causes = {}, {}
            for pid in sorted(self.people):
                person = self.people[pid]
                if not person.active(end):
                    continue
                if i > 0 and self.achieved_in(pid, label):
                    ability[pid] += 0.3
                noise = self.rng.gauss(0, 0.3)
                if person.started and quarter_of(person.started) == label:
                    r = 3  # rated "meets expectations" in the quarter they joined
                else:
                    r = max(1, min(5, int(round(ability[pid] + noise))))
                r = REVIEW_OVERRIDES.get((pid, label), r)
                ratings[pid] = r
                if r < 3:
                    g = self.gaps(pid, end, person.role_on(end))
                    if g and ((pid, label) in REVIEW_OVERRIDES or self.rng.random() < 0.75):
                        s = max(sorted(g), key=lambda s: URGENCY_W[SKILL[s]["urgency"]] * g[s][0])
                        causes[pid] = {"root_cause": "skill", "skill": s}
                    else:
                        causes[pid] = {"root_cause": self.rng.choice(["process", "motivation"])}
            self.reviews[label] = ratings
            self.root_causes[label] = causes

    # -- check-ins ----------------------------------------------------------------------

    def make_checkins(self):
        months = [(2025, 12)] + [(2026, m) for m in range(1, 12)]
        for pid in sorted(self.people):
            person = self.people[pid]
            if person.manager is None:
                continue
            base_day = self.rng.randrange(5, 24)
            skip = set(self.rng.sample(range(len(months)), SKIP_MONTHS.get(pid, 0)))
            for mi, (y, m) in enumerate(months):
                if mi in skip:
                    continue
                if NO_CHECKINS_QUARTER.get(pid) == f"{y}Q{(m - 1) // 3 + 1}":
                    continue
                last = min(month_end(y, m), AS_OF)
                day = min(base_day + self.rng.randrange(-3, 4), last.day)
                d = D(y, m, max(1, day))
                while d.weekday() >= 5:
                    d -= DAY
                while d.month != m or d.weekday() >= 5:
                    d += DAY
                if person.started and d < person.started:
                    d = person.started + 10 * DAY
                    while d.weekday() >= 5:
                        d += DAY
                    if d > last:
                        continue
                if not person.active(d):
                    continue
                self.checkins.append(self.one_checkin(person, d, mi))

    def goals_on(self, pid, d):
        cyc = quarter_of(d)
        return [g for g in self.goals.get((pid, cyc), []) if not (g.get("dropped") and g["dropped"] < d)]

    def one_checkin(self, person, d, mi):
        rng = self.rng
        goals = self.goals_on(person.id, d)
        learning_goals = [g for g in goals if g["kind"] == "learning"]
        empty_p = 0.35 if d < D(2026, 4, 1) else 0.1
        ctype = "review" if d.month in (1, 4, 7, 10) and rng.random() < 0.5 else "one-on-one"
        c = dict(person=person.id, manager=person.manager, date=d, type=ctype)
        if rng.random() < empty_p:
            c["learning"] = {} if rng.random() < 0.6 else {"progress": "", "barriers": "", "apply": ""}
        else:
            if learning_goals:
                g = rng.choice(learning_goals)
                skill = g["skill"]
                res = RESOURCE[rng.choice(g["resources"])]
            else:
                skills = sorted(requires_on(person.role_on(d), d))
                skill = rng.choice(skills)
                res = None
            lb = {"progress": progress_text(rng, skill, res)}
            if rng.random() < 0.55:
                lb["barriers"] = rng.choice(BARRIERS)
            if rng.random() < 0.8:
                lb["apply"] = rng.choice(APPLY[skill])
                lb["apply_due"] = d + rng.randrange(5, 15) * DAY
            c["learning"] = lb
        notes = [g for g in goals if rng.random() < 0.6]
        if notes:
            c["goals"] = [dict(goal=g["id"], note=self.goal_note(g, d)) for g in notes[:2]]
        c["notes"] = rng.choice(NOTES)
        return c

    def goal_note(self, g, d):
        if g["kind"] == "performance":
            return self.rng.choice(PERF_NOTES)
        ach = self.achieved.get(g["id"])
        if ach and ach <= d:
            return f"Achieved: confirmed at {cap(g['target'])} on {ach.isoformat()}."
        if g.get("_outcome") == "fail":
            return self.rng.choice(LEARN_NOTES_SLOW)
        return self.rng.choice(LEARN_NOTES_OK)

    # -- LMS export ---------------------------------------------------------------------

    def make_completions(self):
        for (pid, cycle), goals in sorted(self.goals.items()):
            start, end, _ = CYCLES[cycle]
            person = self.people[pid]
            later = [c["date"] for c in self.checkins if c["person"] == pid and c["date"] > start]
            for g in goals:
                if g["kind"] != "learning":
                    continue
                for rid in g["resources"]:
                    if RESOURCE[rid]["type"] not in LMS_TYPES or self.rng.random() < 0.2:
                        continue
                    done = g["_outcome"] in ("cal", "manager") or self.rng.random() < 0.45
                    hi = min(end, D(2026, 11, 13), person.left or end)
                    cands = [c - self.rng.randrange(2, 9) * DAY for c in later if c <= hi]
                    cands = [c for c in cands if g["start"] + 14 * DAY <= c <= hi]
                    if cands and self.rng.random() < 0.8:
                        when = self.rng.choice(cands)
                    else:
                        when = g["start"] + self.rng.randrange(20, max(21, (hi - g["start"]).days)) * DAY
                    if when > hi:
                        continue
                    self.completions.append(dict(person=pid, resource=rid, date=when, completed=done))
        self.completions.sort(key=lambda r: (r["date"], r["person"], r["resource"]))


LEARNING_WEIGHT = {"upskill": (10, 15), "reskill": (15, 25)}

ROLE_KIND = {r: ROLES[r]["family"] for r in ROLES}
ROLE_KIND.update({"managing-director": "leadership", "head-of-analytics": "leadership",
                  "head-of-engineering": "leadership", "head-of-product": "leadership"})

PERF_GOALS = {
    "analytics": [
        ("churn-dashboard", "Ship the churn dashboard to the Customer Success team", "Dashboard in weekly use by CS leads"),
        ("revenue-pack", "Automate the weekly revenue pack", "Pack generated by the scheduler four weeks running"),
        ("request-backlog", "Bring the ad-hoc request backlog under 10 tickets", "Backlog count in the team tracker"),
        ("pricing-readout", "Deliver the pricing-test readout to the exec team", "Readout presented and decision logged"),
        ("metric-definitions", "Publish definitions for the 12 company KPIs", "Definitions live in the catalogue"),
        ("forecast-accuracy", "Improve the demand forecast error to under 8 percent", "MAPE on the monthly review"),
    ],
    "engineering": [
        ("orchestrator-migration", "Migrate the nightly ETL to the managed orchestrator", "All nightly jobs run on the new scheduler"),
        ("pipeline-sla", "Keep pipeline SLA breaches below two a month", "SLA report in the ops review"),
        ("cost-reduction", "Cut warehouse compute cost by 15 percent", "Monthly cloud bill against the baseline"),
        ("data-contracts", "Put data contracts on the five most used source tables", "Contract checks running in CI"),
        ("lineage-rollout", "Roll out column-level lineage to the analytics marts", "Lineage visible in the catalogue"),
        ("incident-runbooks", "Write runbooks for the top ten pipeline incidents", "Runbooks reviewed by on-call"),
    ],
    "product": [
        ("report-builder-beta", "Launch the self-serve report builder beta", "Ten customer accounts active in the beta"),
        ("onboarding-activation", "Raise week-one activation of new accounts to 45 percent", "Activation metric on the product dashboard"),
        ("roadmap-h2", "Publish the H2 roadmap with evidence for every bet", "Roadmap reviewed with sales and CS"),
        ("alerts-discovery", "Run discovery for smart alerts with 12 customer interviews", "Interview synthesis shared"),
        ("pricing-page-test", "Run the pricing-page experiment to a decision", "Decision logged in the experiment registry"),
        ("churn-interviews", "Interview 15 churned customers and share the themes", "Themes presented at the all-hands"),
    ],
    "leadership": [
        ("org-plan", "Agree next year's hiring and capability plan", "Plan approved by the leadership team"),
        ("skills-calibration", "Run a calibration session for every team on time", "Sessions logged in the skills repo"),
        ("budget", "Land the function within its quarterly budget", "Finance quarter-end report"),
        ("succession", "Name a successor candidate for every lead role", "Succession grid reviewed with HR"),
    ],
}

VERIFY = [
    "{q} calibration session",
    "Manager observation on a live piece of work, confirmed at the {q} calibration",
    "{skill} work sample reviewed by the family lead",
    "{q} calibration, with the portfolio from the check-ins",
]

BARRIERS = [
    "Sprint load left no time in the second week.",
    "Waiting for access to the sandbox environment.",
    "Two days of on-call ate the planned learning time.",
    "The course module on this topic was out of date.",
    "Quarter-end reporting took priority.",
    "Hard to find a real task to practise on in the current project.",
    "Was off sick for part of the month.",
    "Mentor was travelling; sessions moved.",
]

APPLY = {
    "sql": ["Rewrite the cohort query for the churn dashboard with window functions",
            "Review two teammates' SQL pull requests using the checklist",
            "Build the retention query for the monthly board pack"],
    "data-visualization": ["Redesign the weekly KPI dashboard's first page",
                           "Replace the pie charts in the sales pack with a ranked bar chart",
                           "Prototype the CS health-score view and test it with two CS leads"],
    "python": ["Package the forecast notebook as a scheduled job",
               "Add unit tests to the ingestion helper module",
               "Replace the manual CSV clean-up with a pandas script"],
    "data-modeling": ["Draft the fact table design for the billing domain",
                      "Add grain and key tests to the orders mart",
                      "Document the customer dimension's slowly changing fields"],
    "cloud-infrastructure": ["Move the staging bucket policy into Terraform",
                             "Shadow one on-call week and write the handover notes",
                             "Set up cost alerts for the analytics project"],
    "ai-tooling": ["Use the approved assistant to draft and check the data dictionary",
                   "Build an evaluation set of 30 prompts for the support-ticket classifier",
                   "Demo an AI-assisted query review at the team meeting"],
    "experimentation": ["Write the power calculation for the onboarding test",
                        "Pre-register the decision rule for the pricing-page test",
                        "Review last quarter's readouts for peeking errors"],
    "product-discovery": ["Run three customer interviews on the alerts idea",
                          "Write the opportunity-solution tree for activation",
                          "Kill or keep one backlog idea using interview evidence"],
    "stakeholder-management": ["Write the decision log for the roadmap trade-off with sales",
                               "Run the monthly sync with finance and agree the agenda up front",
                               "Map the stakeholders for the data-contracts rollout"],
    "data-governance": ["Classify the columns of the marketing tables",
                        "Add retention rules for the event logs to the catalogue",
                        "Review access grants on the finance schema"],
    "coaching": ["Hold a development conversation with each report using the GROW outline",
                 "Agree one stretch assignment with a report",
                 "Ask for upward feedback and share what changes"],
    "strategic-planning": ["Draft the team's half-year plan with three measurable outcomes",
                           "Write the investment case for the platform roadmap",
                           "Present the quarterly plan trade-offs to the leadership team"],
}

PROGRESS_WITH_RESOURCE = [
    "Finished modules 1-3 of {res}.",
    "Halfway through {res}; the exercises on real data helped most.",
    "Completed {res} and started using it on the current project.",
    "Two sessions of {res} so far.",
    "Started {res}; set aside Friday mornings for it.",
]
PROGRESS_GENERIC = [
    "Practised {skill} on the current project with review from a senior colleague.",
    "Paired with a teammate on {skill} work twice this month.",
    "Read the internal guide on {skill} and tried it on a small task.",
    "Talked through where {skill} should be by the next calibration.",
]

LEARN_NOTES_OK = ["On track for the calibration.", "Good progress; evidence collected in the portfolio.",
                  "Applied it on a live task; manager saw the difference.", "Needs one more real example."]
LEARN_NOTES_SLOW = ["Behind plan; agreed to protect two hours a week.", "Little progress this month.",
                    "Slipping; will revisit the resources chosen.", "Paused while the project deadline lands."]
PERF_NOTES = ["On track.", "At risk: dependency on another team.", "Ahead of plan.", "Scope agreed; work started.",
              "Delivered the first milestone.", "Blocked for a week, now moving again."]
NOTES = [
    "Talked about workload and the next release.", "Career conversation: interested in the next role on the ladder.",
    "Discussed feedback from the last review.", "Mostly project updates; no concerns.",
    "Agreed to rebalance on-call duties.", "Discussed the team reorganisation and what it means for them.",
    "Reviewed holiday plans and cover.", "Followed up on the calibration outcome.",
    "Shared praise from a stakeholder.", "Discussed a conflict with another team and how to handle it.",
]


def progress_text(rng, skill, res):
    if res is not None and rng.random() < 0.75:
        return rng.choice(PROGRESS_WITH_RESOURCE).format(res=res["title"])
    name = SKILL[skill]["name"]
    if skill not in ("sql", "python", "ai-tooling"):  # proper names keep their capitals
        name = name.lower()
    return rng.choice(PROGRESS_GENERIC).format(skill=name)


# ---------------------------------------------------------------------------
# Writing the files
# ---------------------------------------------------------------------------


def write_all(acme: Acme) -> None:
    write("skillcycle.yaml", dict(
        organization="Acme Analytics", fiscal_year_start=1, privacy=dict(min_group_size=4),
        targets=dict(skill_advancement_rate=0.7), learning_weight=dict(upskill=[10, 15], reskill=[15, 25])),
        header="Acme Analytics: a fictional 40-person analytics company (the skillcycle example repo).")

    write("competencies.yaml", dict(skills=[{k: v for k, v in s.items()} for s in SKILLS]))
    write("learning.yaml", dict(resources=[dict(r) for r in RESOURCES]))

    for rid, spec in ROLES.items():
        data = dict(title=spec["title"], family=spec["family"])
        if spec["next"]:
            data["next"] = spec["next"]
        data["requires"] = dict(spec["requires"])
        if spec.get("changes"):
            data["changes"] = [dict(effective=c["effective"], requires=dict(c["requires"])) for c in spec["changes"]]
        write(f"roles/{spec['family']}/{rid}.yaml", data)

    for pid, p in acme.people.items():
        data = dict(name=p.name, role=p.role)
        if p.manager:
            data["manager"] = p.manager
        if p.started:
            data["started"] = p.started
        if p.left:
            data["left"] = p.left
        if p.aspiration:
            data["aspiration"] = p.aspiration
        data["email"] = f"{pid}@acme.example"
        write(f"people/{p.family}/{pid}.yaml", data)

    # assessments: calibration per family, self per family, manager ratings per quarter
    for k, q in enumerate(QUARTERS):
        folder = f"assessments/{q.lower()}"
        for fam in ("analytics", "engineering", "product"):
            def fam_of(r):
                return ROLES[acme.people[r["person"]].role_on(r["date"])]["family"]
            cal = [r for r in acme.ratings if r["date"] == CAL[k] and r["source"] == "calibration" and fam_of(r) == fam]
            lead = FAMILY_LEADS[fam]
            rows = []
            for r in sorted(cal, key=lambda r: (order_key(acme, r["person"]), r["skill"])):
                row = Flow(person=r["person"], skill=r["skill"], level=LEVELS[r["level"]])
                if r["assessor"] != lead:
                    row["assessor"] = r["assessor"]
                rows.append(row)
            write(f"{folder}/calibration-{fam}.yaml", dict(date=CAL[k], source="calibration", assessor=lead,
                                                           ratings=rows))
            selfs = [r for r in acme.ratings if r["date"] == SELF[k] and r["source"] == "self" and fam_of(r) == fam]
            rows = [Flow(person=r["person"], skill=r["skill"], level=LEVELS[r["level"]])
                    for r in sorted(selfs, key=lambda r: (order_key(acme, r["person"]), r["skill"]))]
            write(f"{folder}/self-{fam}.yaml", dict(date=SELF[k], source="self", ratings=rows),
                  header="Self-assessment round: each person rates themselves a week before calibration.")
        qs, qe = quarter_bounds(q)
        mgr = [r for r in acme.ratings if r["source"] == "manager" and qs <= r["date"] <= qe]
        if mgr:
            rows = [Flow(person=r["person"], skill=r["skill"], level=LEVELS[r["level"]], date=r["date"],
                         assessor=r["assessor"]) for r in mgr]
            write(f"{folder}/manager-observations.yaml", dict(source="manager", ratings=rows),
                  header="Mid-quarter manager ratings, recorded when a learning goal was seen applied on live work.")
    mgr = [r for r in acme.ratings if r["source"] == "manager" and r["date"] > QEND[-1]]
    if mgr:
        rows = [Flow(person=r["person"], skill=r["skill"], level=LEVELS[r["level"]], date=r["date"],
                     assessor=r["assessor"]) for r in mgr]
        write("assessments/2026q4/manager-observations.yaml", dict(source="manager", ratings=rows),
              header="Mid-quarter manager ratings, recorded when a learning goal was seen applied on live work.")

    for (pid, cycle), goals in sorted(acme.goals.items()):
        out = []
        for g in goals:
            keys = (["id", "kind", "skill", "target", "baseline", "title", "start", "due", "owner", "verify",
                     "weight", "resources", "dropped"] if g["kind"] == "learning" else
                    ["id", "kind", "title", "start", "due", "owner", "verify", "weight"])
            out.append({k: g[k] for k in keys if k in g})
        assert sum(g["weight"] for g in out) == 100
        write(f"goals/{cycle.lower()}/{pid}.yaml", dict(person=pid, cycle=cycle, goals=out))

    for c in acme.checkins:
        d = c["date"]
        write(f"checkins/{d.year}-{d.month:02d}/{c['person']}-{d.isoformat()}.yaml", c)

    for label in QUARTERS:
        rows = []
        for pid in sorted(acme.reviews[label], key=lambda p: order_key(acme, p)):
            row = Flow(person=pid, rating=acme.reviews[label][pid])
            row.update(acme.root_causes[label].get(pid, {}))
            rows.append(row)
        write(f"reviews/{label.lower()}.yaml", dict(period=label, scale=[1, 5], ratings=rows))

    for o in OPENINGS:
        write(f"openings/{o['id']}.yaml", dict(o))

    batches = [("completions/lms-export-2026-07-03.yaml", D(2026, 1, 1), D(2026, 6, 30)),
               ("completions/lms-export-2026-11-16.yaml", D(2026, 7, 1), D(2026, 11, 15))]
    for rel, lo, hi in batches:
        recs = [Flow(person=r["person"], resource=r["resource"], date=r["date"], completed=r["completed"])
                for r in acme.completions if lo <= r["date"] <= hi]
        write(rel, dict(source="lms-export", records=recs),
              header=f"Export from the Acme learning platform, {lo.isoformat()} to {hi.isoformat()}.")

    WRITTEN["README.md"] = README


def order_key(acme, pid):
    """People in a batch are listed by team: family lead, then managers and their reports."""
    return (pid,)


OPENINGS = [
    dict(id="req-2026-003", role="data-engineer-1", opened=D(2026, 2, 9), filled=D(2026, 4, 20), hired="external"),
    dict(id="req-2026-005", role="senior-data-analyst", opened=D(2026, 3, 16), filled=D(2026, 6, 29), hired="ada"),
    dict(id="req-2026-008", role="data-engineer-2", opened=D(2026, 5, 11), filled=D(2026, 8, 17), hired="oskar"),
    dict(id="req-2026-010", role="product-manager", opened=D(2026, 6, 8), filled=D(2026, 9, 14), hired="arjun"),
    dict(id="req-2026-012", role="senior-data-analyst", opened=D(2026, 9, 7)),
]

README = """\
# Acme Analytics — example skills repo

A fictional 40-person company that sells analytics to retailers, kept as a
[skillcycle](../../README.md) skills repo. Everything here is invented; any
resemblance to real people is a coincidence. Read it "as of" 2026-11-20:

    skillcycle validate --repo examples/acme --as-of 2026-11-20
    skillcycle gap --repo examples/acme --as-of 2026-11-20 --horizon 12
    skillcycle metrics --repo examples/acme --as-of 2026-11-20 --quarter 2026Q3

| path | what is in it |
|---|---|
| `skillcycle.yaml` | settings: calendar fiscal year, privacy threshold 4, advancement target 0.7 |
| `competencies.yaml` | 12 skills (technical, functional, leadership) with behavioural anchors |
| `learning.yaml` | the learning catalogue: courses, programmes, mentoring, stretch work, reading |
| `roles/<family>/` | three career ladders (analytics, engineering, product) and what each role requires, including a requirement that changed on 2026-04-01 and AI tooling added from 2027-01-01 |
| `people/<family>/` | one file per person: role, manager (the managing director has none), joiners and a leaver |
| `assessments/<quarter>/` | calibration sessions per family, self-assessment rounds a week earlier, and mid-quarter manager observations, 2025Q4 to 2026Q4 |
| `goals/<cycle>/` | one file per person for 2026Q2, 2026Q3 and 2026Q4: learning goals tied to gaps, and performance goals |
| `checkins/<month>/` | monthly one-on-ones from December 2025 to November 2026, with the learning block |
| `reviews/` | quarterly performance ratings, 2025Q4 to 2026Q3, with root causes for low ratings |
| `openings/` | five requisitions: internal moves, an external hire and one still open |
| `completions/` | two exports from the learning platform (activity, not competency) |

The files are written by `examples/make_acme.py` from a seeded random
generator: run `python examples/make_acme.py` to rebuild them; the output is
byte-identical every time. Edit the script, not the files.
"""


def main() -> None:
    acme = Acme()
    acme.run()
    write_all(acme)
    if OUT.exists():
        shutil.rmtree(OUT)
    for rel in sorted(WRITTEN):
        path = OUT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(WRITTEN[rel], encoding="utf-8", newline="\n")
    print(f"wrote {len(WRITTEN)} files to {OUT}")


if __name__ == "__main__":
    main()
