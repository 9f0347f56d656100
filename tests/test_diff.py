"""`skillcycle diff`, by layer: the in-memory file source of the loader, reading revisions
from git objects, the comparison of two repos, and the command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillcycle.cli import app
from skillcycle.core.loader import load
from skillcycle.core.sources import MemorySource
from skillcycle.reports.repodiff import (
    GitError,
    RevisionInvalid,
    Side,
    compare,
    git_location,
    open_side,
    read_revision,
    resolve,
)
from skillcycle.render.diff import summary, to_md, to_text
from skillcycle.reports.scaffold import plan
from skillcycle.core.yamlstrict import MAX_BYTES

FIXTURES = Path(__file__).resolve().parent / "fixtures"
AS_OF = date(2026, 11, 23)
runner = CliRunner()
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def scaffold() -> dict[str, bytes]:
    """The files `skillcycle init --as-of 2026-11-23` writes (cycle 2026Q4, calibration 2026-09-30)."""
    return {rel: text.encode() for rel, text in plan(AS_OF, "Acme", "skillcycle==0.1.0").items()}


def side(files: dict[str, bytes], label: str = "x") -> Side:
    return open_side(label, MemorySource(Path("/nowhere"), files), AS_OF, AS_OF)


def edit(files: dict[str, bytes], rel: str, old: str, new: str) -> dict[str, bytes]:
    text = files[rel].decode()
    assert old in text, (rel, old)
    return {**files, rel: text.replace(old, new, 1).encode()}


# --- the loader reads a repo held in memory through its one code path -------------------

@pytest.mark.parametrize("fixture", ["tiny", "broken-types", "broken-values"])
def test_memory_source_loads_like_the_folder(fixture):
    folder = FIXTURES / fixture
    on_disk = load(folder)
    in_memory = load(MemorySource(folder, files_of(folder)))
    assert [f.rel for f in in_memory.files] == [f.rel for f in on_disk.files]
    assert [f.model for f in in_memory.files] == [f.model for f in on_disk.files]
    assert in_memory.problems == on_disk.problems


def test_memory_source_reports_what_the_folder_would():
    files = {
        **files_of(FIXTURES / "tiny"),
        "skillcycle.yml": b"organization: Twice\n",
        "people/.draft/zed.yaml": b"name: Zed\nrole: analyst\n",
        "people/notes.txt": b"not yaml",
        "README.md": b"# hi",
        "assessments/huge.yaml": b"#" * (MAX_BYTES + 1),
    }
    loaded = load(MemorySource(Path("/r"), files, frozenset({"people/link.yaml", "openings"})))
    rels = [f.rel for f in loaded.files]
    assert "people/.draft/zed.yaml" not in rels and "people/notes.txt" not in rels and "README.md" not in rels
    found = {(p.file, p.code) for p in loaded.problems}
    assert ("skillcycle.yml", "R006") in found
    assert ("people/link.yaml", "Y009") in found and ("openings", "Y009") in found
    assert ("assessments/huge.yaml", "Y009") in found


# --- reading revisions from git objects --------------------------------------------------

def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def write(root: Path, files: dict[str, bytes]) -> None:
    for rel, raw in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(raw)


@pytest.fixture
def history(tmp_path) -> Path:
    """A git repo with the skills repo in hr/skills/: commit 1 = scaffold, commit 2 = a calibration that moves levels."""
    top = tmp_path / "company"
    skills = top / "hr" / "skills"
    skills.mkdir(parents=True)
    git(top, "init", "-q", "-b", "main")
    (top / "app.py").write_text("print('not a skills file')\n")
    write(skills, scaffold())
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "scaffold")
    write(skills, {"assessments/2026q4-calibration.yaml": CALIBRATION})
    git(top, "add", "-A")
    git(top, "commit", "-q", "-m", "Q4 calibration")
    return skills


CALIBRATION = (
    b"date: 2026-11-20\nsource: calibration\nassessor: grace\nratings:\n"
    b"  - {person: ada, skill: testing, level: proficient}\n"
    b"  - {person: lin, skill: python, level: proficient}\n"
)


@needs_git
def test_read_revision_returns_the_committed_skills_files_only(history):
    top, prefix = git_location(history)
    assert prefix == "hr/skills/" and top == history.parent.parent.resolve()
    source = read_revision(top, resolve(top, "HEAD~1"), prefix)
    expected = {rel: raw for rel, raw in scaffold().items() if rel.endswith((".yaml", ".yml")) and not rel.startswith(".")}
    assert dict(source.files) == expected
    assert "assessments/2026q4-calibration.yaml" in read_revision(top, resolve(top, "HEAD"), prefix).files


@needs_git
def test_reading_revisions_leaves_the_checkout_alone(history):
    top, prefix = git_location(history)
    (history / "people" / "ada.yaml").write_text("name: Ada (uncommitted)\n")
    before = git(top, "status", "--porcelain"), git(top, "worktree", "list"), git(top, "stash", "list")
    source = read_revision(top, resolve(top, "HEAD~1"), prefix)
    assert b"uncommitted" not in source.files["people/ada.yaml"]
    assert (git(top, "status", "--porcelain"), git(top, "worktree", "list"), git(top, "stash", "list")) == before
    assert (history / "people" / "ada.yaml").read_text() == "name: Ada (uncommitted)\n"


@needs_git
def test_unknown_revisions_and_non_repositories(history, tmp_path):
    top, _ = git_location(history)
    for bad in ("nope", "HEAD~9", "--all", "", "main:hr"):
        with pytest.raises(GitError, match="unknown revision"):
            resolve(top, bad)
    outside = tmp_path / "outside"
    outside.mkdir()
    with pytest.raises(GitError, match="not in a git repository"):
        git_location(outside)


# --- the comparison -------------------------------------------------------------------

def test_identical_sides_have_no_changes():
    diff = compare(side(scaffold()), side(scaffold()), AS_OF)
    assert diff.empty


def test_a_calibration_moves_levels_gaps_and_achieves_a_goal():
    base = scaffold()
    head = {**base, "assessments/2026q4-calibration.yaml": CALIBRATION}
    diff = compare(side(base, "main"), side(head, "pr"), AS_OF)
    assert [(r["change"], r["person"], r["skill"], r["after"]) for r in diff.ratings] == [
        ("added", "ada", "testing", "proficient"), ("added", "lin", "python", "proficient")]
    assert [(r["person"], r["skill"], r["before"], r["after"], r["move"], r["tiers"], r["source"], r["date"]) for r in diff.levels] == [
        ("ada", "testing", "foundational", "proficient", "up", 1, "calibration", "2026-11-20"),
        ("lin", "python", "expert", "proficient", "down", -1, "calibration", "2026-11-20"),
    ]
    assert [(g["change"], g["goal"], g["status_before"], g["status_after"], g["achieved"]) for g in diff.goals] == [
        ("achieved", "ada-testing-2026q4", "active", "achieved", "2026-11-20")]
    # ada no longer below in testing (medium urgency: weight 2); lin still meets python (proficient)
    assert [(r["family"], r["skill"], r["below_before"], r["below_after"], r["priority_before"], r["priority_after"]) for r in diff.gaps] == [
        ("engineering", "testing", 1, 0, 2, 0)]
    assert diff.requirements == diff.scheduled == diff.people == []


def test_self_ratings_are_listed_but_never_move_a_level():
    base = scaffold()
    head = {**base, "assessments/2026q4-self.yaml": b"date: 2026-11-01\nsource: self\nratings:\n  - {person: ada, skill: testing, level: expert}\n"}
    diff = compare(side(base), side(head), AS_OF)
    assert [(r["person"], r["source"], r["after"]) for r in diff.ratings] == [("ada", "self", "expert")]
    assert diff.levels == [] and diff.gaps == [] and diff.goals == []


def test_ratings_after_as_of_are_listed_but_do_not_count():
    head = {**scaffold(), "assessments/2026q4-calibration.yaml": CALIBRATION.replace(b"2026-11-20", b"2026-11-25")}
    diff = compare(side(scaffold()), open_side("pr", MemorySource(Path("/x"), head), AS_OF, date(2026, 11, 30)), AS_OF)
    assert len(diff.ratings) == 2 and diff.levels == [] and diff.gaps == []


def test_a_re_levelled_rating_is_changed_not_added():
    base = scaffold()
    head = edit(base, "assessments/2026q3-calibration.yaml", "{person: lin, skill: testing, level: proficient}",
                "{person: lin, skill: testing, level: foundational}")
    diff = compare(side(base), side(head), AS_OF)
    assert [(r["change"], r["before"], r["after"]) for r in diff.ratings] == [("changed", "proficient", "foundational")]
    assert [(r["person"], r["move"]) for r in diff.levels] == [("lin", "down")]
    assert [(r["skill"], r["below_before"], r["below_after"]) for r in diff.gaps] == [("testing", 1, 2)]


def test_requirements_now_and_scheduled():
    base = scaffold()
    head = edit(base, "roles/software-engineer.yaml", "  testing: proficient\n", "  testing: expert\n")
    head = edit(head, "roles/software-engineer.yaml", "      ai-tooling: foundational\n", "      ai-tooling: proficient\n      cloud-infrastructure: foundational\n")
    diff = compare(side(base), side(head), AS_OF)
    assert [(r["role"], r["skill"], r["before"], r["after"], r["move"]) for r in diff.requirements] == [
        ("software-engineer", "testing", "proficient", "expert", "raised")]
    assert [(r["effective"], r["skill"], r["before"], r["after"], r["change"]) for r in diff.scheduled] == [
        ("2027-04-01", "ai-tooling", "foundational", "proficient", "changed"),
        ("2027-04-01", "cloud-infrastructure", None, "foundational", "added"),
    ]
    assert [(r["skill"], r["below_before"], r["below_after"], r["priority_after"]) for r in diff.gaps] == [("testing", 1, 2, 4)]


def test_an_urgency_change_is_listed_with_the_gap_rows_it_moves():
    """The cause and its knock-on effect: testing's urgency medium -> high, so its gap row's
    priority goes from 2 x 1 below to 3 x 1 below; a new skill is listed as added."""
    base = scaffold()
    head = edit(base, "competencies.yaml", "    name: Automated testing\n    group: Engineering\n    category: technical\n    urgency: medium\n",
                "    name: Automated testing\n    group: Engineering\n    category: technical\n    urgency: high\n")
    head = edit(head, "competencies.yaml", "skills:\n", "skills:\n  - {id: data-contracts, name: Data contracts, category: technical}\n")
    diff = compare(side(base), side(head), AS_OF)
    assert [(r["skill"], r["change"], r["field"], r["before"], r["after"]) for r in diff.skills] == [
        ("data-contracts", "added", "urgency", None, "low"), ("testing", "changed", "urgency", "medium", "high")]
    assert [(r["skill"], r["priority_before"], r["priority_after"]) for r in diff.gaps] == [("testing", 2, 3)]
    assert summary(diff).startswith("2 competency map changes, 1 gap row moved")
    assert "Competency map" in to_text(diff) and "| testing | Automated testing | changed | urgency | medium | high |" in to_md(diff)


def test_goals_added_dropped_edited_removed():
    base = scaffold()
    head = edit(base, "goals/ada-2026q4.yaml", "    verify: Billing service live for all customers\n",
                "    verify: Billing service live for all customers\n    dropped: 2026-11-10\n")
    head = edit(head, "goals/ada-2026q4.yaml", "    weight: 15 ", "    weight: 10 ")
    head = {**head, "goals/lin-2026q4.yaml": (
        b"person: lin\ncycle: 2026Q4\ngoals:\n  - id: lin-ai\n    kind: learning\n    skill: ai-tooling\n"
        b"    target: expert\n    title: AI tooling to Expert\n    due: 2026-12-31\n    weight: 10\n    resources: [ai-tooling-guide]\n")}
    diff = compare(side(base), side(head), AS_OF)
    assert [(g["change"], g["goal"], g["fields"]) for g in diff.goals] == [
        ("dropped", "ada-billing-service-2026q4", []),
        ("edited", "ada-testing-2026q4", ["weight"]),
        ("added", "lin-ai", []),
    ]
    removed = compare(side(head), side(base), AS_OF)
    assert ("removed", "lin-ai") in [(g["change"], g["goal"]) for g in removed.goals]


def test_people_joined_moved_and_left():
    base = scaffold()
    head = edit(base, "people/lin.yaml", "role: software-engineer", "role: engineering-manager")
    head = {**head, "people/kim.yaml": b"name: Kim\nrole: software-engineer\nmanager: grace\n"}
    diff = compare(side(base), side(head), AS_OF)
    assert [(r["person"], r["change"], r["field"], r["before"], r["after"]) for r in diff.people] == [
        ("kim", "added", None, None, "software-engineer"),
        ("lin", "changed", "role", "software-engineer", "engineering-manager"),
    ]
    # kim is unassessed in five required skills; lin now misses the manager's skills
    assert {(r["skill"], r["below_after"] - r["below_before"]) for r in diff.gaps} >= {("python", 1), ("coaching", 1)}


def test_an_empty_base_is_everything_added():
    diff = compare(open_side("empty", MemorySource(Path("/x"), {}), AS_OF, AS_OF), side(scaffold()), AS_OF)
    assert len(diff.people) == 3 and all(r["change"] == "added" for r in diff.people)
    assert len(diff.ratings) == 18 and len(diff.goals) == 2
    assert [(r["skill"], r["below_before"], r["below_after"]) for r in diff.gaps] == [("testing", 0, 1)]


def test_an_invalid_side_is_refused_with_its_problems():
    with pytest.raises(RevisionInvalid) as caught:
        side(edit(scaffold(), "people/lin.yaml", "manager: grace", "manager: gracie"), "pr")
    assert caught.value.label == "pr"
    assert [(p.file, p.code) for p in caught.value.problems] == [("people/lin.yaml", "R003")]


# --- the command --------------------------------------------------------------------

def run(*args: str, cwd: Path):
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(app, ["diff", *args, "--as-of", "2026-11-23"], env={"GITHUB_ACTIONS": "", "SKILLCYCLE_REPO": None})
    finally:
        os.chdir(old)


@needs_git
def test_command_text_markdown_json(history):
    text = run("HEAD~1", cwd=history)
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    assert lines[0].startswith("skillcycle diff HEAD~1 (") and "→ HEAD (" in lines[0] and lines[0].endswith("as of 2026-11-23")
    assert "ada     testing  Foundational  Proficient  up" in text.stdout
    markdown = run("HEAD~1", "HEAD", "--format", "markdown", cwd=history)
    assert markdown.stdout.startswith("## Skills repo: HEAD\\~1 (")
    assert "| ada | testing | Foundational | Proficient | up | +1 | calibration | 2026-11-20 | grace |" in markdown.stdout
    payload = json.loads(run("HEAD~1", "--format", "json", cwd=history).stdout)
    assert payload["as_of"] == "2026-11-23" and payload["base"].startswith("HEAD~1 (")
    assert [r["move"] for r in payload["levels"]] == ["up", "down"]
    assert payload["gaps"][0] == {"family": "engineering", "skill": "testing", "required_before": 2, "required_after": 2,
                                  "below_before": 1, "below_after": 0, "priority_before": 2, "priority_after": 0,
                                  "urgency": "medium"}


@needs_git
def test_head_is_the_last_commit_and_worktree_includes_uncommitted_changes(history):
    (history / "people" / "kim.yaml").write_text("name: Kim\nrole: software-engineer\nmanager: grace\n")
    committed = json.loads(run("HEAD", "--format", "json", cwd=history).stdout)
    assert committed["people"] == [] and committed["head"].startswith("HEAD (")
    worktree = json.loads(run("HEAD", "--worktree", "--format", "json", cwd=history).stdout)
    assert worktree["head"] == "working tree"
    assert [r["person"] for r in worktree["people"]] == ["kim"]


@needs_git
def test_bad_revisions_are_one_line_and_exit_2(history, tmp_path):
    result = run("no-such-branch", cwd=history)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [f"skillcycle: unknown revision 'no-such-branch' (not a commit in {git_location(history)[0]})"]
    result = run("HEAD~1", "nope", cwd=history)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert run("HEAD~1", "HEAD", "--worktree", cwd=history).exit_code == 2
    plain = tmp_path / "plain"
    write(plain, scaffold())
    result = run("HEAD", cwd=plain)
    assert result.exit_code == 2
    assert result.stderr.strip() == f"skillcycle: {plain.resolve()} is not in a git repository"


@needs_git
def test_an_invalid_revision_exits_1_with_its_problems(history):
    (history / "people" / "lin.yaml").write_text("name: Lin\nrole: software-engineer\nmanager: gracie\n")
    result = run("HEAD", "--worktree", cwd=history)
    assert result.exit_code == 1
    assert "people/lin.yaml:3:10: error [R003] unknown person 'gracie'" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("skillcycle: the skills repo at working tree is invalid")


@needs_git
def test_markdown_keeps_user_text_inert(history):
    goals = history / "goals" / "ada-2026q4.yaml"
    goals.write_text(goals.read_text().replace("title: Ship the new billing service", 'title: "Ship | <script>x</script>"'))
    result = run("HEAD", "--worktree", "--format", "markdown", cwd=history)
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "ada-billing-service" in line)
    assert "<script>" not in result.stdout and "Ship \\| &lt;script&gt;x&lt;/script&gt;" in row
    assert row.count(" | ") == 8  # nine cells: the | in the title does not split the row


@needs_git
@pytest.mark.parametrize("revision", ["--output=/tmp/skillcycle-diff-x", "-c core.pager=touch /tmp/x", "-p", "$(touch /tmp/x)", "HEAD;touch x"])
def test_hostile_revisions_are_unknown_revisions(history, revision):
    old = Path.cwd()
    os.chdir(history)
    try:  # after --: passed on as a revision, as a script would pass an untrusted ref, not read as an option
        result = runner.invoke(app, ["diff", "--as-of", "2026-11-23", "--", revision], env={"GITHUB_ACTIONS": "", "SKILLCYCLE_REPO": None})
    finally:
        os.chdir(old)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("skillcycle: unknown revision") and result.stderr.count("\n") == 1
    assert not Path("/tmp/skillcycle-diff-x").exists()


@needs_git
def test_programs_named_by_the_repos_git_config_never_run(history, tmp_path):
    marker = tmp_path / "ran"
    script = tmp_path / "hook.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\n")
    script.chmod(0o755)
    top = git_location(history)[0]
    for key, value in [("core.fsmonitor", str(script)), ("core.pager", str(script)), ("core.hooksPath", str(tmp_path)),
                       ("pager.rev-parse", str(script)), ("pager.cat-file", str(script))]:
        git(top, "config", key, value)
    for name in ("post-checkout", "post-index-change", "reference-transaction"):
        (tmp_path / name).write_text(script.read_text())
        (tmp_path / name).chmod(0o755)
    for args in (["HEAD~1"], ["HEAD~1", "--worktree"]):
        result = run(*args, cwd=history)
        assert result.exit_code == 0, result.output
    assert not marker.exists()


@needs_git
@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_goal_titles_with_escapes_are_inert_in_every_format(history, fmt):
    goals = history / "goals" / "ada-2026q4.yaml"
    goals.write_text(goals.read_text().replace("title: Ship the new billing service", 'title: "Ship \\e[2J\\e[31m \\x9b31m"'))
    result = run("HEAD", "--worktree", "--format", fmt, cwd=history)
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.stdout and "\x9b" not in result.stdout
    assert "Ship" in result.stdout
    if fmt == "json":
        titles = json.dumps(json.loads(result.stdout))
        assert "\\u001b[2J" in titles and "\\u009b31m" in titles
