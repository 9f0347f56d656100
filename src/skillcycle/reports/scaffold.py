"""`skillcycle init`: the files of a small, valid skills repo wired into git tooling.

Pure: `plan()` returns repo-relative path -> text; the command writes it.
Every date is derived from one anchor date (the --as-of date, default today),
so the same anchor always gives byte-identical files and `validate --as-of
<anchor>` passes with zero warnings:

- the goal file and the check-in belong to the quarter containing the anchor
  (the "current cycle" that `validate` checks learning goals against);
- the calibration batch is dated the last day of the quarter before, so it is
  never after the anchor (and is never a future rating unless the anchor is more
  than a quarter ahead of today);
- the check-in is on the first day of the current quarter, its application
  assignment due 14 days later;
- one scheduled requirement change takes effect on the first day of the quarter
  after next, so `gap --horizon 6` shows a strategy shift.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import jinja2

from ..core.quarters import Quarter
from ..core.jsonschema_export import all_schemas, modeline
from ..core.walk import kind_of

TEMPLATE_PACKAGE = "skillcycle"
TEMPLATE_DIR = ("templates", "init")
SCHEMAS_DIR = "schemas"

# The files a pre-commit hook should react to: any skills file, at any depth
# (a skills repo may live in a sub-folder of the git repository).
HOOK_FILES = (
    r"^(?!(.*/)?\.)(.*/)?"  # no hidden folder on the way (.github/workflows/skillcycle.yml is not a skills file)
    r"((skillcycle|competencies|learning)\.ya?ml"
    r"|(roles|people|assessments|goals|checkins|reviews|openings|completions)/.+\.ya?ml)$"
)

# Entries of a target folder that do not make it "non-empty" (git init first is fine).
IGNORED_ENTRIES = {".git"}


@dataclass(frozen=True)
class Dates:
    anchor: date
    cycle: Quarter
    calibration: date
    checkin: date
    apply_due: date
    change_effective: date

    @classmethod
    def from_anchor(cls, anchor: date, fiscal_year_start: int = 1) -> "Dates":
        cycle = Quarter.containing(anchor, fiscal_year_start)
        return cls(
            anchor=anchor,
            cycle=cycle,
            calibration=cycle.start - timedelta(days=1),
            checkin=cycle.start,
            apply_due=cycle.start + timedelta(days=14),
            change_effective=cycle.next().next().start,
        )


# template name (under templates/init/) -> destination (str.format with the names below)
FILES: dict[str, str] = {
    "README.md.j2": "README.md",
    "gitignore": ".gitignore",
    "pre-commit-config.yaml.j2": ".pre-commit-config.yaml",
    "github-workflow.yml.j2": ".github/workflows/skillcycle.yml",
    "skillcycle.yaml.j2": "skillcycle.yaml",
    "competencies.yaml.j2": "competencies.yaml",
    "learning.yaml.j2": "learning.yaml",
    "roles/software-engineer.yaml.j2": "roles/software-engineer.yaml",
    "roles/engineering-manager.yaml.j2": "roles/engineering-manager.yaml",
    "people/grace.yaml.j2": "people/grace.yaml",
    "people/ada.yaml.j2": "people/ada.yaml",
    "people/lin.yaml.j2": "people/lin.yaml",
    "assessments/calibration.yaml.j2": "assessments/{calibration_quarter}-calibration.yaml",
    "goals/ada.yaml.j2": "goals/ada-{cycle_slug}.yaml",
    "checkins/ada.yaml.j2": "checkins/ada-{checkin}.yaml",
}


def yaml_str(value: object) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(str(value), ensure_ascii=False)


def _environment() -> jinja2.Environment:
    root = resources.files(TEMPLATE_PACKAGE).joinpath(*TEMPLATE_DIR)
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: root.joinpath(*name.split("/")).read_text(encoding="utf-8")),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["yaml_str"] = yaml_str
    return env


# What a pip requirement in the workflow may hold: it is written between double quotes in a
# shell command of a YAML file, so quotes, `$`, backslashes and backticks are refused.
REQUIREMENT = re.compile(r"[A-Za-z0-9._+@:/=<>!~,\-\[\]#%?&]+\Z")


def install_source(direct_url: str | None, version: str) -> str | None:
    """The pip requirement a CI machine can install this skillcycle from, or None.

    `direct_url` is the installed distribution's direct_url.json (PEP 610), None when pip
    took it from a package index: then `skillcycle==version`. A repository (vcs_info) gives
    `git+URL@commit`, an archive on the web its URL; a folder or file on this machine
    (an editable checkout, a local wheel) nothing another machine could reach."""
    if direct_url is None:
        return f"skillcycle=={version}"
    try:
        info = json.loads(direct_url)
    except ValueError:
        return None
    url = info.get("url", "") if isinstance(info, dict) else ""
    if not isinstance(url, str) or not url.startswith(("https://", "http://", "ssh://", "git@")):
        return None
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict):
        commit = vcs.get("commit_id", "")
        found = f"{vcs.get('vcs', 'git')}+{url}" + (f"@{commit}" if commit else "")
    else:
        found = url
    return found if REQUIREMENT.match(found) else None


def plan(anchor: date, organization: str, pip_requirement: str | None) -> dict[str, str]:
    """Every file `init` writes, repo-relative path -> text, sorted by path. Without a
    `pip_requirement` the workflow's install step fails, saying what to fill in."""
    dates = Dates.from_anchor(anchor)
    names = {
        "calibration_quarter": Quarter.containing(dates.calibration).label.lower(),
        "cycle_slug": dates.cycle.label.lower(),
        "checkin": dates.checkin.isoformat(),
    }
    context = {
        "organization": organization,
        "d": dates,
        "cycle": dates.cycle.label,
        "cycle_slug": names["cycle_slug"],
        "pip_requirement": pip_requirement,
        "hook_files": HOOK_FILES,
        "schemas_dir": SCHEMAS_DIR,
    }
    env = _environment()
    out: dict[str, str] = {}
    for template, destination in FILES.items():
        rel = destination.format(**names)
        kind = kind_of(rel)
        line = modeline(kind, rel, SCHEMAS_DIR) if kind else ""
        text = env.get_template(template).render(context, modeline=line, path=rel)
        if kind and not text.startswith(line + "\n"):
            raise AssertionError(f"template {template} must start with {{{{ modeline }}}}")
        out[rel] = text
    for name, text in all_schemas().items():
        out[f"{SCHEMAS_DIR}/{name}"] = text
    return dict(sorted(out.items()))


def existing_entries(target: Path) -> list[str]:
    """What is already in `target` that makes it non-empty (sorted names; folders end in '/')."""
    if not target.exists():
        return []
    return sorted(
        entry.name + ("/" if entry.is_dir() else "")
        for entry in target.iterdir()
        if entry.name not in IGNORED_ENTRIES
    )
