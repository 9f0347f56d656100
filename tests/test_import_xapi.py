"""`skillcycle import xapi`: LRS statements (xAPI 1.0.3) into a completions batch; every skip has a reason."""

from __future__ import annotations

import json
from pathlib import Path

from dataio_helpers import load_repo, run, tree_digest
from skillcycle.reports.importing import convert_xapi

VERB = "http://adlnet.gov/expapi/verbs/"
SQL_101 = "https://lms.example.com/courses/sql-101"


def statement(n: int, email: str | None = "ada@tiny.example", verb: str = "completed", activity: str = SQL_101,
              timestamp: str | None = "2026-07-10T14:03:00Z", completion: bool | None = True, **extra) -> dict:
    """A statement as an LRS stores it (xAPI 1.0.3 §2.4): actor, verb, object, result, timestamp, stored, authority."""
    actor = {"objectType": "Agent", "name": "Someone"}
    if email:
        actor["mbox"] = f"mailto:{email}"
    else:
        actor["account"] = {"homePage": "https://lms.example.com", "name": "u-17"}
    data = {
        "id": f"00000000-0000-4000-8000-{n:012d}",
        "actor": actor,
        "verb": {"id": VERB + verb, "display": {"en-US": verb}},
        "object": {"objectType": "Activity", "id": activity,
                   "definition": {"name": {"en-US": "SQL Fundamentals"}, "type": "http://adlnet.gov/expapi/activities/course"}},
        "stored": "2026-07-10T14:03:01.000Z",
        "authority": {"objectType": "Agent", "mbox": "mailto:lrs@lms.example.com"},
        "version": "1.0.3",
    }
    if completion is not None:
        data["result"] = {"completion": completion, "success": completion, "score": {"scaled": 0.9}}
    if timestamp is not None:
        data["timestamp"] = timestamp
    return data | extra


def reasons(stdout: str) -> dict[str, int]:
    """The skip counts the command printed, by reason code."""
    return {line.split("[")[1].split("]")[0]: int(line.split()[0]) for line in stdout.splitlines() if " skipped: " in line}


def setup(tiny: Path, tmp_path: Path, statements: list) -> tuple[Path, Path]:
    (tiny / "people" / "lin.yaml").write_text("name: Lin Wei\nrole: analyst\nmanager: grace\nemail: Lin@Tiny.Example\n")
    data = tmp_path / "statements.json"
    data.write_text(json.dumps(statements), encoding="utf-8")
    mapping = tmp_path / "activities.yaml"
    mapping.write_text(f"{SQL_101}: sql-101\n", encoding="utf-8")
    return data, mapping


STATEMENTS = [
    statement(1),  # ada completed sql-101 on 2026-07-10: already in completions/lms.yaml
    statement(2, email="lin@tiny.example", verb="passed", timestamp="2026-07-20T23:30:00-05:00"),
    statement(3, email="lin@tiny.example", timestamp="2026-07-20T09:00:00Z"),  # same person, resource, day
    statement(4, email="lin@tiny.example", verb="failed", completion=False),
    statement(5, email="lin@tiny.example", verb="attempted", completion=None),
    statement(6, email="lin@tiny.example", completion=False),
    statement(7, email="nobody@tiny.example"),
    statement(8, email=None),
    statement(9, email="lin@tiny.example", activity="https://lms.example.com/courses/unknown"),
    statement(10, email="lin@tiny.example", timestamp=None),
    statement(11, email="lin@tiny.example", timestamp="2026-08-02T08:00:00+02:00"),
    {"id": "00000000-0000-4000-8000-000000000012", "actor": {"mbox": "mailto:lrs@lms.example.com"},
     "verb": {"id": VERB + "voided"}, "object": {"objectType": "StatementRef", "id": "00000000-0000-4000-8000-000000000011"}},
    statement(13, email="ADA@tiny.example", timestamp="2026-08-05T10:00:00.123+00:00"),
    "not a statement",
]


def test_statements_become_one_completions_batch(tiny: Path, tmp_path: Path) -> None:
    data, mapping = setup(tiny, tmp_path, STATEMENTS)
    result = run("import", "xapi", data, "--resources", mapping, "--repo", tiny)
    assert result.exit_code == 0, result.output
    written = tiny / "completions" / "xapi-2026-08-05.yaml"
    assert written.read_text() == (
        "# Imported by `skillcycle import xapi` from statements.json.\n"
        "source: xapi\nrecords:\n"
        "  - {person: lin, resource: sql-101, date: 2026-07-20, completed: true}\n"
        "  - {person: ada, resource: sql-101, date: 2026-08-05, completed: true}\n"
    )
    lines = result.stdout.splitlines()
    assert lines[0] == "14 statements: 2 completion records, 12 skipped"
    assert reasons(result.stdout) == {
        "already-recorded": 1, "duplicate": 1, "verb": 3, "not-completed": 1, "unknown-person": 1, "account-actor": 1,
        "unmapped-activity": 1, "bad-timestamp": 1, "voided": 1, "not-a-statement": 1,
    }
    assert "verb is not completed or passed [verb] (e.g. #4 00000000-0000-4000-8000-000000000004, #5" in result.stdout
    repo = load_repo(tiny)
    assert len([r for _, b in repo.completions for r in b.records]) == 3
    # the same export again adds nothing
    before = tree_digest(tiny)
    again = run("import", "xapi", data, "--resources", mapping, "--repo", tiny)
    assert again.exit_code == 0 and "nothing to write" in again.stdout
    assert reasons(again.stdout)["already-recorded"] == 4  # statement 3 is now recorded, not a duplicate
    assert tree_digest(tiny) == before


def test_dry_run_source_and_lrs_object_form(tiny: Path, tmp_path: Path) -> None:
    data, mapping = setup(tiny, tmp_path, [])
    data.write_text(json.dumps({"statements": [statement(2, email="lin@tiny.example")], "more": ""}))
    before = tree_digest(tiny)
    result = run("import", "xapi", data, "--resources", mapping, "--repo", tiny, "--dry-run", "--source", "lrs")
    assert result.exit_code == 0, result.output
    assert "--- completions/lrs-2026-07-10.yaml (would create)" in result.stdout
    assert "source: lrs\n" in result.stdout
    assert tree_digest(tiny) == before


def test_map_with_unknown_resource_is_an_error(tiny: Path, tmp_path: Path) -> None:
    data, mapping = setup(tiny, tmp_path, [statement(1)])
    mapping.write_text(f"{SQL_101}: sql-101\nhttps://lms.example.com/x: sql-10\n")
    result = run("import", "xapi", data, "--resources", mapping, "--repo", tiny)
    assert result.exit_code == 1
    assert "activities.yaml:2:28: https://lms.example.com/x: unknown resource 'sql-10' — did you mean 'sql-101'?" in result.stderr
    data.write_text("{not json")
    assert run("import", "xapi", data, "--resources", mapping, "--repo", tiny).exit_code == 2


def test_two_people_sharing_an_email_are_not_guessed(tiny: Path, tmp_path: Path) -> None:
    (tiny / "people" / "lin.yaml").write_text("name: Lin Wei\nrole: analyst\nmanager: grace\nemail: ada@tiny.example\n")
    result = convert_xapi(load_repo(tiny), [statement(1, timestamp="2026-09-01T10:00:00Z")], {SQL_101: "sql-101"})
    assert result.records == [] and list(result.skipped) == ["unknown-person"]


def test_account_actors_alone_are_refused_with_the_reason(tiny: Path, tmp_path: Path) -> None:
    """Moodle and cmi5 name actors by LMS account: every statement skipped for one reason is not
    "nothing to write" with exit 0, but exit 2 with that reason."""
    data, mapping = setup(tiny, tmp_path, [statement(n, email=None) for n in range(1, 4)])
    before = tree_digest(tiny)
    result = run("import", "xapi", data, "--resources", mapping, "--repo", tiny)
    assert result.exit_code == 2, result.output
    assert "3 skipped: actor is an LMS account (homePage and name), not an email" in result.stdout
    assert result.stderr.strip() == (
        "skillcycle: nothing written: every statement was skipped: actor is an LMS account (homePage and name), "
        "not an email: skillcycle matches people by email [account-actor]"
    )
    assert tree_digest(tiny) == before


def test_a_completion_taken_back_later_is_not_imported(tiny: Path, tmp_path: Path) -> None:
    lin = "lin@tiny.example"
    data, mapping = setup(tiny, tmp_path, [
        statement(1, email=lin, timestamp="2026-07-20T09:00:00Z"),  # completed...
        statement(2, email=lin, timestamp="2026-07-22T09:00:00+02:00", completion=False),  # ...taken back two days later
        statement(3, email=lin, timestamp="2026-07-25T09:00:00Z"),  # completed again: this one stands
        statement(4, email="ada@tiny.example", timestamp="2026-07-21T09:00:00Z", completion=False),  # nothing of ada's to undo
    ])
    result = run("import", "xapi", data, "--resources", mapping, "--repo", tiny, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "  - {person: lin, resource: sql-101, date: 2026-07-25, completed: true}\n" in result.stdout
    assert "2026-07-20" not in result.stdout
    assert reasons(result.stdout) == {"undone": 1, "not-completed": 2}


def test_a_page_of_a_paged_export_says_it_is_partial(tiny: Path, tmp_path: Path) -> None:
    data, mapping = setup(tiny, tmp_path, [])
    more = "/xapi/statements?more=eyJwYWdlIjoyfQ"
    data.write_text(json.dumps({"statements": [statement(1, email="lin@tiny.example", timestamp="2026-07-25T09:00:00Z")], "more": more}))
    result = run("import", "xapi", data, "--resources", mapping, "--repo", tiny, "--dry-run")
    assert result.exit_code == 0, result.output
    assert f"statements.json is one page of a longer export (more: {more})" in result.stderr
    last = data.with_name("last.json")
    last.write_text(json.dumps({"statements": [statement(1, email="lin@tiny.example", timestamp="2026-07-25T09:00:00Z")], "more": ""}))
    assert "one page" not in run("import", "xapi", last, "--resources", mapping, "--repo", tiny, "--dry-run").stderr
