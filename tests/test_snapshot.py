"""The repo snapshot (.skillcycle/cache/{results,repo}.bin): a warm run answers exactly as a full one."""

from __future__ import annotations

import os
import shutil
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import wait_out_racy
from typer.testing import CliRunner

import skillcycle.cli  # noqa: F401  (registers the commands)
from skillcycle.fast import snapshot
from skillcycle.core import sources, walk
from skillcycle.cli.common import app
from skillcycle.validation.index import INDEX_PARTS
from skillcycle.core.loader import load
from skillcycle.core.walk import Folder, Listing, discover
from skillcycle.validation.validate import disk_locator, revalidate, validate_loaded

runner = CliRunner()
ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
PAST = 1_700_000_000  # 2023-11-14: far enough back that no stat is "racy"
DATES = [  # (as-of, today): no warnings; C009 only; C009 with C006/C007
    (date(2026, 11, 20), date(2026, 11, 20)),
    (date(2026, 8, 1), date(2026, 5, 1)),
    (date(2026, 2, 1), date(2026, 2, 1)),
]
FUTURE_RATING = """\
date: 2026-06-30
source: manager
assessor: grace
ratings:
  - {person: ada, skill: sql, level: proficient, date: 2026-09-01}
  - {person: lin, skill: sql, level: proficient}
"""


def settle(root: Path, when: int = PAST) -> None:
    """Date every file in the past, as files are once they have been committed a while (their
    ctimes, which no utime sets back, waited out of the racy window)."""
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(folder, name), (when, when))
    wait_out_racy()


def copy(source: Path, tmp_path: Path) -> Path:
    root = Path(shutil.copytree(source, tmp_path / source.name, ignore=shutil.ignore_patterns(".skillcycle")))
    settle(root)
    return root


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    return copy(ROOT / "examples" / "acme", tmp_path)


def loads_fail(monkeypatch) -> None:
    """From here on, loading the files (parsed or from the parse cache) fails the test."""
    monkeypatch.setattr(snapshot, "load", lambda *a, **k: pytest.fail("the files were loaded; the snapshot should answer"))


def run(*args: str, cache: bool = True) -> tuple[int, str]:
    env = {"GITHUB_ACTIONS": "", "SKILLCYCLE_NO_CACHE": "" if cache else "1"}
    result = runner.invoke(app, [str(a) for a in args], env=env)
    return result.exit_code, result.stdout


SNAPSHOT_FILES = ["base.bin", "head.bin", "index.bin", "listing.bin", "repo.bin", "results.bin"]


def snapshot_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / ".skillcycle" / "cache").glob("*.bin") if p.name in SNAPSHOT_FILES)


def stored(root: Path) -> tuple[snapshot.Snapshot, bytes | None]:
    """The snapshot of root and the content id it recognises the files as (None: a miss)."""
    found = snapshot.Snapshot(root)
    return found, found.identify(discover(root))


def problems(validation) -> list[tuple]:
    return [(p.file, p.line, p.col, p.code, p.message) for p in validation.problems]


@pytest.mark.parametrize("fixture", ["tiny", "gap-basic", "metrics-fy7", "packet-flags", "acme"])
@pytest.mark.parametrize("as_of,today", DATES)
def test_revalidate_from_tables_equals_a_full_validation(fixture: str, as_of: date, today: date, tmp_path: Path) -> None:
    source = ROOT / "examples" / "acme" if fixture == "acme" else FIXTURES / fixture
    root = copy(source, tmp_path)
    if fixture == "tiny":  # a rating with its own future date, beside batch-dated ones
        (root / "assessments" / "2026q3.yaml").write_text(FUTURE_RATING)
    loaded = load(root)
    first = validate_loaded(loaded, date(2026, 11, 20), date(2026, 11, 20))
    assert first.ok
    expected = validate_loaded(loaded, as_of, today)
    again = revalidate(first.repo.tables_only(), first.static, as_of, today, disk_locator(root))
    assert problems(again) == problems(expected)
    assert again.counts == expected.counts


def test_the_date_cases_cover_every_dated_check(tmp_path: Path) -> None:
    """Guards the test above: between them, the fixtures and dates raise C006, C007 and C009
    (batch-dated and rating-dated)."""
    root = copy(FIXTURES / "tiny", tmp_path)
    (root / "assessments" / "2026q3.yaml").write_text(FUTURE_RATING)
    found = set()
    for fixture in (root, FIXTURES / "metrics-fy7"):
        loaded = load(fixture)
        for as_of, today in DATES:
            found |= {(p.code, p.line) for p in validate_loaded(loaded, as_of, today).problems}
    codes = {code for code, _ in found}
    assert {"C006", "C007", "C009"} <= codes
    assert ("C009", 1) in found and ("C009", 5) in found  # batch date (line 1), a rating's own date (line 5)


def test_warm_validate_reads_only_the_results_and_prints_the_same(acme: Path, monkeypatch) -> None:
    cold = run("validate", "--repo", acme, "--as-of", "2026-02-01")
    assert snapshot_files(acme) == SNAPSHOT_FILES
    loads_fail(monkeypatch)
    monkeypatch.setattr(snapshot.Snapshot, "repo", lambda self, content: pytest.fail("read the repo tables"))
    warm = run("validate", "--repo", acme, "--as-of", "2026-02-01")
    assert warm == cold
    assert cold[0] == 0 and "C007" in cold[1]


def test_a_new_as_of_is_computed_from_the_tables(acme: Path, monkeypatch) -> None:
    run("validate", "--repo", acme, "--as-of", "2026-11-20")
    expected = run("validate", "--repo", acme, "--as-of", "2026-02-01", cache=False)
    loads_fail(monkeypatch)
    assert run("validate", "--repo", acme, "--as-of", "2026-02-01") == expected
    assert "C007" in expected[1]
    found, content = stored(acme)
    assert {as_of for as_of, _ in found.results(content)} == {date(2026, 11, 20), date(2026, 2, 1)}


@pytest.mark.parametrize("command", [
    ["gap", "--format", "json"],
    ["gap", "--by", "person", "--format", "csv"],
    ["metrics", "--quarter", "2026Q3", "--format", "json"],
    ["validate", "--format", "json"],
    ["review-packet", "ada"],
])
def test_commands_answer_the_same_without_cache_cold_and_warm(acme: Path, command: list[str], monkeypatch) -> None:
    args = [*command, "--repo", acme, "--as-of", "2026-11-20"]
    fresh = run(*args, cache=False)
    assert fresh[0] == 0, fresh[1]
    assert snapshot_files(acme) == []
    cold = run(*args)
    assert snapshot_files(acme) == SNAPSHOT_FILES
    loads_fail(monkeypatch)  # a review packet still reads the check-ins, through loader.load
    assert run(*args) == cold == fresh


def test_gap_remembers_what_it_prints_per_options(acme: Path, monkeypatch) -> None:
    from skillcycle.core import gaps

    at = ["--repo", acme, "--as-of", "2026-11-20"]
    asked = [["--format", "json"], ["--by", "person", "--format", "csv"], ["--top", "3"], ["--by", "skill", "--format", "html"]]
    first = [run("gap", *options, *at) for options in asked]
    assert all(code == 0 for code, _ in first) and len({text for _, text in first}) == len(asked)
    computed: list[object] = []
    real = gaps.gap_report
    monkeypatch.setattr(gaps, "gap_report", lambda repo, query: computed.append(query) or real(repo, query))
    loads_fail(monkeypatch)
    assert [run("gap", *options, *at) for options in asked] == first and computed == []
    assert run("gap", "--by", "role", *at)[0] == 0 and len(computed) == 1
    assert run("gap", "--manager", "nobody-here", *at)[0] == 2  # refused each time, never remembered
    assert run("gap", "--manager", "nobody-here", *at)[0] == 2 and len(computed) == 1


def test_only_the_newest_reports_are_kept(acme: Path, monkeypatch) -> None:
    monkeypatch.setattr(snapshot, "KEEP_REPORTS", 2)
    at = ["--repo", acme, "--as-of", "2026-11-20"]
    for fmt in ("json", "csv", "markdown"):
        assert run("gap", "--format", fmt, *at)[0] == 0
    assert len(list((acme / ".skillcycle" / "cache").glob("report-*.bin"))) == 2


def test_a_report_is_remembered_for_its_files_options_and_as_of_only(acme: Path, monkeypatch) -> None:
    from skillcycle.reports import metrics

    asked = ["metrics", "--repo", acme, "--quarter", "2026Q3"]
    first = {fmt: run(*asked, "--as-of", "2026-11-20", "--format", fmt) for fmt in ("json", "markdown", "table")}
    assert all(code == 0 for code, _ in first.values())
    computed: list[tuple] = []
    real = metrics.compute
    monkeypatch.setattr(metrics, "compute", lambda repo, *rest: computed.append(rest) or real(repo, *rest))
    loads_fail(monkeypatch)
    for fmt, printed in first.items():  # any format of the same report: remembered, no table read
        assert run(*asked, "--as-of", "2026-11-20", "--format", fmt) == printed
    assert computed == []
    monkeypatch.setattr(snapshot, "load", load)
    run(*asked, "--as-of", "2026-10-01", "--format", "json")
    run(*asked, "--as-of", "2026-11-20", "--quarters", "3", "--format", "json")
    run("metrics", "--repo", acme, "--quarter", "2026Q2", "--as-of", "2026-11-20", "--format", "json")
    assert [(str(q), str(day), n) for q, day, n in computed] == [
        ("2026Q3", "2026-10-01", 1), ("2026Q3", "2026-11-20", 3), ("2026Q2", "2026-11-20", 1),
    ]
    shutil.rmtree(acme / "checkins" / "2026-08")  # a month of the quarter's conversations
    edited = run(*asked, "--as-of", "2026-11-20", "--format", "json")
    assert len(computed) == 4 and edited[0] == 0 and edited != first["json"]
    for _ in range(2):  # a refusal is never remembered as a report
        assert run(*asked[:-1], "2027Q4", "--as-of", "2026-11-20")[0] == 2
    assert len(computed) == 4


def test_edits_touches_new_and_deleted_files_are_seen(acme: Path) -> None:
    args = ["validate", "--repo", acme, "--as-of", "2026-11-20"]
    assert run(*args)[0] == 0
    person = next((acme / "people").rglob("*.yaml"))
    text = person.read_text()
    person.write_text(text.replace("role:", "rol:", 1))
    settle(acme, PAST + 60)  # same size class, an older-than-racy stat: only the content tells
    broken = run(*args)
    assert broken[0] == 1 and "[S001] unknown key 'rol'" in broken[1]
    person.write_text(text)
    settle(acme, PAST + 120)
    assert run(*args)[0] == 0
    extra = acme / "openings" / "req-extra.yaml"
    shutil.copy(next((acme / "openings").rglob("*.yaml")), extra)
    settle(acme, PAST + 180)
    assert "643 files" in run(*args)[1]
    extra.unlink()
    assert "642 files" in run(*args)[1]


def test_moved_mtimes_rehash_only_those_files_and_still_hit(acme: Path, monkeypatch) -> None:
    args = ["validate", "--repo", acme, "--as-of", "2026-11-20"]
    expected = run(*args)
    hashed: list[int] = []
    real_hash = snapshot.cachefiles.file_hash
    monkeypatch.setattr(snapshot.cachefiles, "file_hash", lambda raw: hashed.append(len(raw)) or real_hash(raw))
    loads_fail(monkeypatch)
    person = next((acme / "people").rglob("*.yaml"))
    os.utime(person, (PAST + 60, PAST + 60))  # a touch
    wait_out_racy()  # (it moved the ctime to now: a run within the racy window would hash it again next time)
    assert run(*args) == expected
    assert len(hashed) == 1
    hashed.clear()
    assert run(*args) == expected  # remembered: the new mtime is the listing now
    assert hashed == []
    settle(acme, PAST + 120)  # a fresh checkout, or a cache restored on a CI machine
    assert run(*args) == expected
    assert len(hashed) == 642


def test_hashing_shared_among_processes_finds_the_one_file_whose_bytes_changed(acme: Path, monkeypatch) -> None:
    args = ["validate", "--repo", acme, "--as-of", "2026-11-20"]
    assert run(*args)[0] == 0
    monkeypatch.setattr(snapshot.cachefiles, "PARALLEL_HASH", 10)
    monkeypatch.setattr(snapshot.walk, "usable_cores", lambda: 2)
    shared: list[int] = []
    in_forks = snapshot.walk.in_forks
    monkeypatch.setattr(snapshot.walk, "in_forks", lambda work, tasks: shared.append(len(tasks)) or in_forks(work, tasks))
    person = next((acme / "people").rglob("*.yaml"))
    size = person.stat().st_size
    person.write_text(person.read_text().replace("role:", "rolf:", 1))
    assert person.stat().st_size == size
    settle(acme, PAST + 60)  # every mtime moved, one file's bytes changed, no size did
    found, content = stored(acme)
    assert content is None and shared == [65]  # 642 files in chunks of 10
    base, listing = found.base_index(), discover(acme)
    digests, changed = found.changes(listing, base[0], base[2])
    assert changed == [(person.relative_to(acme).as_posix(), "people")]
    assert len(digests) == 641
    assert "[S001] unknown key 'rolf'" in run(*args)[1]


def test_the_next_walk_is_shared_among_cores_from_the_start_when_the_last_found_many_files(acme: Path, monkeypatch) -> None:
    args = ["validate", "--repo", acme, "--as-of", "2026-11-20"]
    walked: list[int] = []
    monkeypatch.setattr(snapshot.walk, "discover", lambda root, expected=0: walked.append(expected) or discover(root, expected))
    assert run(*args)[0] == 0
    assert walked == [0]  # nothing known yet
    assert stored(acme)[0].head[2] == 642
    assert run(*args)[0] == 0
    assert walked == [0, 642]


def test_a_file_modified_just_now_is_hashed_on_every_run_until_it_settles(acme: Path, monkeypatch) -> None:
    time.sleep(2.1)  # every file of the copy older than the real window...
    monkeypatch.setattr(snapshot.cachefiles, "RACY_NS", 2_000_000_000)  # ...in which the runs below fall
    args = ["validate", "--repo", acme, "--as-of", "2026-11-20"]
    person = next((acme / "people").rglob("*.yaml"))
    person.write_text(person.read_text())  # mtime: now
    expected = run(*args)
    hashed: list[int] = []
    real_hash = snapshot.cachefiles.file_hash
    monkeypatch.setattr(snapshot.cachefiles, "file_hash", lambda raw: hashed.append(len(raw)) or real_hash(raw))
    loads_fail(monkeypatch)
    for _ in range(2):  # the same mtime tick could hold another edit: its bytes are read each time
        hashed.clear()
        assert run(*args) == expected
        assert len(hashed) == 1
    person.write_text(person.read_text().replace("role:", "rol:", 1))
    monkeypatch.undo()
    assert "[S001] unknown key 'rol'" in run(*args)[1]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other-version"])
def test_a_damaged_snapshot_is_ignored_and_rewritten(acme: Path, damage: str) -> None:
    args = ["gap", "--format", "json", "--repo", acme, "--as-of", "2026-11-20"]
    expected = run(*args)
    for name in SNAPSHOT_FILES:
        path = acme / ".skillcycle" / "cache" / name
        data = path.read_bytes()
        path.write_bytes({"garbage": b"\x80\x04garbage", "truncated": data[: len(data) // 2],
                          "other-version": data.replace(b"snapshot\n", b"snapshot\n" + b"x" * 16, 1)}[damage])
    assert run(*args) == expected
    found, content = stored(acme)
    assert found.repo(content) is not None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only folders")
def test_a_read_only_repo_gets_the_same_answer_and_no_snapshot(acme: Path) -> None:
    expected = run("validate", "--repo", acme, "--as-of", "2026-11-20", cache=False)
    for folder, _, _ in os.walk(acme):
        os.chmod(folder, 0o555)
    try:
        assert run("validate", "--repo", acme, "--as-of", "2026-11-20") == expected
    finally:
        for folder, _, _ in os.walk(acme):
            os.chmod(folder, 0o755)
    assert not (acme / ".skillcycle").exists()


def test_a_tables_only_repo_reads_its_per_file_models_back_on_first_use(acme: Path) -> None:
    full = validate_loaded(load(acme), date(2026, 11, 20), date(2026, 11, 20)).repo
    light = full.tables_only()
    assert "checkins" not in light.__dict__ and "ratings" in light.__dict__
    assert light.checkins == full.checkins and light.goal_files == full.goal_files
    assert "checkins" not in full.tables_only().__dict__  # full is unchanged


def test_keys_do_not_depend_on_how_equal_objects_are_shared() -> None:
    """marshal's later formats write a repeated object once, by reference, when it has other
    references: equal listings must still give equal keys, run after run."""
    def listing(shared: bool) -> Listing:
        name = "p1.yaml"
        folders = [
            Folder(f"checkins/2026-0{m}/", "checkins", [name if shared else "".join(["p1", ".yaml"])], [100], [PAST])
            for m in range(1, 4)
        ]
        return Listing(folders, [], [])

    a, b = listing(True), listing(False)
    assert a.entries == b.entries and a.stats == b.stats
    assert a.key() == b.key()
    digests = {name: b"x" * 16 for name, _ in a.entries}
    assert snapshot.hash_content(snapshot._records(a, digests), []) == snapshot.hash_content(snapshot._records(b, digests), [])


def test_a_cache_sealed_under_another_key_is_never_read(acme: Path, monkeypatch) -> None:
    """A repo can arrive with .skillcycle/cache/ committed (a hostile pull request): whatever it
    claims, a cache sealed under another key is not read. Under its own key the snapshot answers
    without loading a file; under another, every file is read again."""
    args = ["validate", "--repo", acme, "--as-of", "2026-11-20"]
    monkeypatch.setattr(snapshot.cachefiles, "_KEY", [b"a" * 32])  # the machine that made the cache
    expected = run(*args)
    parsed: list[str] = []
    real_parse = sources.parse_into
    monkeypatch.setattr(sources, "parse_into", lambda source, raw: parsed.append(source.rel) or real_parse(source, raw))
    assert run(*args) == expected and parsed == []  # read under its own key: the snapshot answers
    monkeypatch.setattr(snapshot.cachefiles, "_KEY", [b"b" * 32])  # this user's key
    assert run(*args) == expected and len(parsed) == 642  # neither snapshot nor parse cache read: every file parsed


def test_processes_running_at_once_agree_and_leave_a_working_snapshot(acme: Path, monkeypatch) -> None:
    """Four commands at once on a repo with no cache: each writes the snapshot (temporary
    file, then rename; the last writer wins) and each prints what a run without cache prints."""
    import subprocess
    import sys

    commands = [["validate"], ["gap", "--format", "json"], ["validate"], ["gap", "--format", "json"]]
    expected = {c[0]: run(*c, "--repo", acme, "--as-of", "2026-11-20", cache=False) for c in commands}
    env = {**os.environ, "GITHUB_ACTIONS": "", "SKILLCYCLE_NO_CACHE": ""}
    children = [
        subprocess.Popen([sys.executable, "-m", "skillcycle.cli", *c, "--repo", str(acme), "--as-of", "2026-11-20"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for c in commands
    ]
    for command, child in zip(commands, children):
        out, err = child.communicate(timeout=300)
        assert (child.returncode, out) == expected[command[0]], err
    assert snapshot_files(acme) == SNAPSHOT_FILES
    loads_fail(monkeypatch)
    assert run("gap", "--format", "json", "--repo", acme, "--as-of", "2026-11-20") == expected["gap"]


def test_positions_found_once_are_reused_while_the_bytes_are_the_same(tmp_path: Path, monkeypatch) -> None:
    root = copy(FIXTURES / "tiny", tmp_path)
    batch = root / "assessments" / "2026q3.yaml"
    batch.write_text(FUTURE_RATING)
    settle(root)
    as_of = date(2026, 8, 1)

    def agree(today: date) -> list[tuple]:
        found = problems(snapshot.validate_warm(root, as_of, today))
        assert found == problems(validate_loaded(load(root), as_of, today))
        return found

    agree(date(2026, 5, 1))  # a full read: positions from the loaded files, remembered
    with monkeypatch.context() as patched:
        patched.setattr(snapshot, "disk_locator", lambda root: lambda *a: pytest.fail("parsed a file again"))
        found = agree(date(2026, 5, 2))  # from the tables, pointing where the full read did
        assert [line for rel, line, _, code, _ in found if (rel, code) == ("assessments/2026q3.yaml", "C009")] == [1, 5]
        agree(date(2026, 5, 3))
    (root / ".skillcycle" / "cache" / "positions.bin").unlink()
    found = agree(date(2026, 5, 5))  # nothing remembered: the files pointed into are parsed again
    assert [line for rel, line, _, code, _ in found if (rel, code) == ("assessments/2026q3.yaml", "C009")] == [1, 5]
    with monkeypatch.context() as patched:
        patched.setattr(snapshot, "disk_locator", lambda root: lambda *a: pytest.fail("parsed a file again"))
        agree(date(2026, 5, 6))
    batch.write_text("# a comment moves every line\n" + FUTURE_RATING)  # new bytes: what was learnt no longer applies
    settle(root, PAST + 60)
    found = agree(date(2026, 5, 4))
    assert [line for rel, line, _, code, _ in found if (rel, code) == ("assessments/2026q3.yaml", "C009")] == [2, 6]


def test_packets_from_a_narrowed_snapshot_repo_equal_packets_from_every_file(acme: Path) -> None:
    """review-packet reads only the check-ins and goal files of the people it is for, and of their teams."""
    from skillcycle.reports.packet import build_packet, people_read
    from skillcycle.render.packet import render_packet, template_dirs

    day = date(2026, 11, 20)
    full = validate_loaded(load(acme), day, day).repo
    snapshot.validate_warm(acme, day, day)
    light = snapshot.validate_warm(acme, day, day).repo
    assert "checkins" not in light.__dict__  # tables only: what a warm run hands a command
    dirs = template_dirs(acme, None)

    def page(repo, person: str) -> str:
        return render_packet(build_packet(repo, person, day), "md", dirs)

    for person in full.people:
        narrow = light.narrowed(people_read(light, [person]))
        assert page(narrow, person) == page(full, person), person
    team = set(full.reports_of("priya"))
    read = people_read(light, team)
    assert read == team | {"priya"}
    narrow = light.narrowed(read)
    checkins = {rel for rel, c in full.checkins if c.person in read}
    assert {rel for rel, _ in narrow.checkins} == checkins and len(checkins) > len(team)
    assert all(page(narrow, person) == page(full, person) for person in team)


def inodes(files: dict[str, os.stat_result]) -> dict[str, int]:
    return {name: info.st_ino for name, info in files.items()}  # an atomic write makes a new inode


def table_files(root: Path) -> dict[str, os.stat_result]:
    return {p.name: p.stat() for p in (root / ".skillcycle" / "cache").glob("table-*.bin")}


def test_each_table_is_written_again_only_when_its_files_change(acme: Path) -> None:
    args = ["validate", "--repo", acme, "--as-of", "2026-11-20"]
    assert run(*args)[0] == 0
    before = table_files(acme)
    assert sorted(name.split("-")[1] for name in before) == ["checkin_table", "goals", "ratings", "review_table"]
    checkin = acme / "checkins" / "2025-12" / "ada-2025-12-19.yaml"
    checkin.write_text(checkin.read_text() + "# edited\n")
    settle(acme, PAST + 60)
    assert run(*args)[0] == 0
    assert inodes(table_files(acme)) == inodes(before)  # validate alone answers from the index (delta.py): no table read or written
    assert run("gap", *args[1:])[0] == 0  # gap needs the repo: the check-in table is made again
    after = table_files(acme)
    assert [name for name in after if name.startswith("table-checkin_table")] != [n for n in before if n.startswith("table-checkin_table")]
    kept = {name: info for name, info in after.items() if not name.startswith("table-checkin_table")}
    # the same files (an atomic write makes a new inode)
    assert {name: info.st_ino for name, info in kept.items()} == {name: before[name].st_ino for name in kept}
    assert len(after) == 4  # the old check-in table is gone


def test_gap_reads_only_the_tables_it_needs(acme: Path, monkeypatch) -> None:
    args = ["gap", "--format", "json", "--repo", acme, "--as-of", "2026-11-20"]
    expected = run(*args, cache=False)
    assert run("validate", "--repo", acme, "--as-of", "2026-11-20")[0] == 0  # the snapshot, with no gap report in it
    read = []
    real = snapshot.StoredTables.read
    monkeypatch.setattr(snapshot.StoredTables, "read", lambda self, name: read.append(name) or real(self, name))
    loads_fail(monkeypatch)
    assert run(*args) == expected
    assert read == ["ratings"]
    assert run(*args) == expected and read == ["ratings"]  # the second time, remembered: no table read


def test_a_damaged_table_is_rebuilt_from_the_files_and_written_again(acme: Path, monkeypatch) -> None:
    at = ["--repo", acme, "--as-of", "2026-11-20"]
    expected = {fmt: run("gap", "--format", fmt, *at, cache=False) for fmt in ("json", "csv")}
    assert run("validate", *at)[0] == 0
    ratings = next(p for p in (acme / ".skillcycle" / "cache").glob("table-ratings-*.bin"))
    data = bytearray(ratings.read_bytes())
    data[-10] ^= 0xFF
    ratings.write_bytes(bytes(data))
    assert run("gap", "--format", "json", *at) == expected["json"]  # the seal fails: built from the files instead...
    assert ratings.read_bytes() != bytes(data)  # ...and written back
    loads_fail(monkeypatch)
    assert run("gap", "--format", "csv", *at) == expected["csv"]  # another report: the table read back


def test_table_files_of_another_version_are_not_taken_for_this_ones(acme: Path, monkeypatch) -> None:
    """Table files are named by their source files and the code version: after an upgrade the
    miss writes the new version's tables, and the next run reads them, not the files."""
    args = ["metrics", "--quarter", "2026Q3", "--format", "json", "--repo", acme, "--as-of", "2026-11-20"]
    cold = run(*args)
    old = set(table_files(acme))
    monkeypatch.setattr(snapshot, "_code_version", lambda: b"another version!")
    assert run(*args) == cold  # a miss: every snapshot file is of the old version
    assert len(table_files(acme)) == 4 and not old & set(table_files(acme))
    loads_fail(monkeypatch)
    assert run(*args) == cold


@pytest.mark.parametrize("command", [["validate"], ["gap"], ["gap", "--format", "html"], ["metrics", "--format", "json"], ["metrics"]])
def test_a_warm_answer_from_the_snapshot_imports_neither_the_models_nor_pandas(acme: Path, command: list[str]) -> None:
    """Building the models, importing PyYAML and pandas cost more than the rest of a warm
    `validate` (walk, hash, print), or of a remembered `gap` or `metrics`: none of them is
    imported when the snapshot answers. (pydantic itself comes with typer.)"""
    import subprocess
    import sys

    script = (
        "import sys\nfrom skillcycle.cli import main\n"
        f"sys.argv = ['skillcycle', *{command!r}, '--repo', {str(acme)!r}, '--as-of', '2026-11-20']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = ('skillcycle.core.schema', 'skillcycle.core.loader', 'yaml', 'pandas', 'numpy')\n"
        "print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)\n"
    )
    env = {**os.environ, "GITHUB_ACTIONS": "", "SKILLCYCLE_NO_CACHE": ""}
    cold, warm = (subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env) for _ in range(2))
    assert cold.stderr.splitlines()[-1] != "[]"  # a cold run reads the files: the models come in
    assert warm.stdout == cold.stdout and warm.stderr.splitlines()[-1] == "[]", warm.stderr


def index_files(root: Path) -> dict[str, os.stat_result]:
    return {p.name: p.stat() for p in (root / ".skillcycle" / "cache").glob("index-*.bin")}


def test_the_index_is_a_file_per_part_and_an_edit_writes_its_part_alone(acme: Path) -> None:
    args = ["validate", "--repo", acme, "--as-of", "2026-11-20"]
    assert run(*args)[0] == 0
    found, content = stored(acme)
    _, index, records, _ = found.base_index()
    full = validate_loaded(load(acme), date(2026, 11, 20), date(2026, 11, 20)).index
    for part in index.parts:  # each part as the index built whole holds it
        for name in ("defines", "refs", "managers", "goal_files", "goal_ids", "notes"):
            pd.testing.assert_frame_equal(index.table(part, name), getattr(full.part(part), name), check_exact=True)
        assert index.table(part, "own") == full.part(part).own
    assert sum(len(index.table(part, "refs")) for part in index.parts) == len(full.refs) > 0
    before = index_files(acme)
    parts = sorted({name.split("-")[1] for name in before})
    assert len(before) == len(parts) * len(INDEX_PARTS)  # a file per part and table
    assert parts == sorted(snapshot.index_keys(records, found.version)) == [
        "assessments", "checkins", "competencies.yaml", "completions", "goals", "learning.yaml", "openings", "people",
        "reviews", "roles", "skillcycle.yaml",
    ]
    person = acme / "people" / "analytics" / "ada.yaml"
    person.write_text(person.read_text() + "# edited\n")
    settle(acme, PAST + 60)
    assert run(*args)[0] == 0
    assert inodes(index_files(acme)) == inodes(before)  # validate alone keeps the base (delta.py)
    assert run("gap", *args[1:])[0] == 0  # a run that needs the repo makes the edit the base
    after = index_files(acme)
    assert len(after) == len(before)
    changed = sorted({name.split("-")[1] for name in set(after) - set(before)})
    assert changed == ["people"]
    assert all(after[name].st_ino == before[name].st_ino for name in set(after) & set(before))  # not written again


def test_a_damaged_index_part_sends_the_edit_that_needs_it_to_a_full_read(acme: Path, monkeypatch) -> None:
    import skillcycle.validation.validate

    args = ["validate", "--repo", acme, "--as-of", "2026-11-20"]
    assert run(*args)[0] == 0
    part = next(iter((acme / ".skillcycle" / "cache").glob("index-goals-defines-*.bin")))
    part.write_bytes(part.read_bytes()[:-7])
    with pytest.raises(snapshot.StaleBase):  # never half an index
        stored(acme)[0].base_index()[1].table("goals", "defines")
    checkin = acme / "checkins" / "2026-11" / "ada-2026-11-20.yaml"  # its goal ids are looked up among the goals'
    checkin.write_text(checkin.read_text().replace("goal: ada-sql-2026q4", "goal: ada-sql-2026q9"))
    settle(acme, PAST + 60)
    expected = run(*args, cache=False)
    assert "[R004] unknown goal 'ada-sql-2026q9'" in expected[1]
    full_reads = []
    real = skillcycle.validation.validate.validate_streamed
    monkeypatch.setattr(skillcycle.validation.validate, "validate_streamed", lambda *a, **k: full_reads.append(1) or real(*a, **k))
    assert run(*args) == expected and full_reads == [1]


def test_nothing_is_stored_for_content_with_a_file_that_cannot_be_read(acme: Path) -> None:
    args = ["validate", "--repo", acme, "--as-of", "2026-11-20"]
    huge = acme / "people" / "analytics" / "huge.yaml"
    huge.write_bytes(b"name: Huge\n" + b"# " + b"x" * (11 * 2**20) + b"\n")  # over the 10 MiB limit: never read
    first = run(*args)
    assert first[0] == 1 and "people/analytics/huge.yaml" in first[1]
    assert snapshot_files(acme) == []
    assert run(*args) == first


def test_values_kept_a_folder_at_a_time_read_as_a_flat_mapping() -> None:
    digests = walk.ByFolder(
        {"": (["competencies.yaml", "skillcycle.yaml"], [b"c", b"s"]), "people/eng/": (["ada.yaml", "lin.yaml"], [b"a", b"l"])},
        {"people/bob.yaml": b"b", "people/eng/lin.yaml": b"L"},  # loose files, and an override
    )
    flat = {"competencies.yaml": b"c", "skillcycle.yaml": b"s", "people/eng/ada.yaml": b"a", "people/eng/lin.yaml": b"L", "people/bob.yaml": b"b"}
    assert dict(digests) == flat and len(digests) == 5 and sorted(digests.values()) == sorted(flat.values())
    assert digests.get("people/eng/lin.yaml") == b"L" and digests.get("people/eng/bob.yaml") is None
    assert digests.get("people/eng/zed.yaml") is None and digests.get("goals/x.yaml") is None and digests.get("a.yaml") is None
    into: dict[str, bytes] = {}
    digests.add_to(into)
    assert into == flat
    stats = walk.ByFolder({"people/": (["ada.yaml", "bob.yaml"], [10, 20], [111, 222])})  # two fields: a tuple
    stats["people/cy.yaml"] = (30, 333)
    assert dict(stats) == {"people/ada.yaml": (10, 111), "people/bob.yaml": (20, 222), "people/cy.yaml": (30, 333)}


def test_a_listing_counts_its_files_and_kinds_without_its_entries(acme: Path) -> None:
    (acme / "notes.yaml").write_text("x: 1\n")  # a top-level file of no kind: not a skills file
    os.mkfifo(acme / "people" / "pipe.yaml")  # listed, never stat-ed
    shutil.rmtree(acme / "openings")
    (acme / "openings").mkdir()  # a folder of a kind, with no file
    listing = discover(acme)
    assert listing.others == ["people/pipe.yaml"]
    assert listing.count() == len(listing.entries) == 643 - 5
    assert listing.kinds() == {kind for _, kind in listing.entries} == {
        "skillcycle", "competencies", "learning", "roles", "people", "assessments", "goals", "checkins", "reviews", "completions",
    }


def test_after_an_edit_the_listing_is_stored_as_the_folders_that_differ_from_the_base(acme: Path, monkeypatch) -> None:
    args = ["validate", "--repo", acme, "--as-of", "2026-11-20"]
    assert run(*args)[0] == 0
    cache = acme / ".skillcycle" / "cache"
    whole = (cache / "index.bin").stat().st_size  # the base's listing, whole
    person = acme / "people" / "analytics" / "ada.yaml"
    person.write_text(person.read_text() + "# edited\n")
    os.utime(person, (PAST + 60, PAST + 60))  # the one file's stat moved, as an editor leaves it
    assert run(*args)[0] == 0  # validate alone: the base stays, the listing is told against it
    assert (cache / "listing.bin").stat().st_size < whole // 5  # one folder's record
    found, content = stored(acme)
    assert content is not None and found.digests(content)["people/analytics/ada.yaml"] == snapshot.cachefiles.hash_files(acme, ["people/analytics/ada.yaml"])[0]
    walked = []
    monkeypatch.setattr(snapshot.walk, "discover", lambda root, expected=0: walked.append(1) or discover(root, expected))
    hashed = []
    real_hash = snapshot.cachefiles.hash_files
    monkeypatch.setattr(snapshot.cachefiles, "hash_files", lambda root, rels: hashed.append(list(rels)) or real_hash(root, rels))
    settle(acme, PAST + 120)  # a checkout: every stat moved, no byte
    expected = run(*args, cache=False)
    loads = []
    real_load = snapshot.load
    monkeypatch.setattr(snapshot, "load", lambda *a, **k: loads.append(1) or real_load(*a, **k))
    assert run(*args) == expected and walked == [1] and loads == []  # the listing told against the base: no file read ...
    assert len(hashed) == 1 and sorted(hashed[0]) == sorted(str(p.relative_to(acme)) for p in acme.rglob("*.yaml"))  # ... only hashed
    (cache / "index.bin").write_bytes(b"damaged")  # the listing can no longer be told, nor the base read: every file is read
    person.write_text(person.read_text() + "# again\n")
    settle(acme, PAST + 180)
    assert stored(acme)[1] is None
    assert run(*args) == expected and loads == []  # not from a base: a full read
    assert stored(acme)[1] is not None and stored(acme)[0].base_index() is not None  # a new base
