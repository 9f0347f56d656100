"""After a few files change, validation starts from the last valid run (snapshot base):
it reads only those files, and must answer exactly as reading every file does."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from skillcycle.core import loader
from skillcycle.fast import snapshot
from skillcycle.core.loader import load
from skillcycle.core.repo import TABLES
from skillcycle.validation.validate import validate_loaded

from test_snapshot import PAST, ROOT, copy, problems, settle

AS_OF = TODAY = date(2026, 11, 20)


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    return copy(ROOT / "examples" / "acme", tmp_path)


class Reads:
    """How many files each load of the package read (a full load reads all of them), and
    whether each `validate` run was answered by delta.py's checks."""

    def __init__(self, monkeypatch) -> None:
        self.counts: list[int] = []
        self.deltas: list[bool] = []
        real, real_delta = loader.load, snapshot._delta

        def spy(*args, **kwargs):
            loaded = real(*args, **kwargs)
            self.counts.append(loaded.read)
            return loaded

        def spy_delta(*args, **kwargs):
            found = real_delta(*args, **kwargs)
            self.deltas.append(found is not None)
            return found

        monkeypatch.setattr(loader, "load", spy)
        monkeypatch.setattr(snapshot, "_delta", spy_delta)

    def take(self) -> list[int]:
        counts, self.counts = self.counts, []
        return counts

    def by_delta(self) -> bool:
        deltas, self.deltas = self.deltas, []
        return deltas == [True]


_step = [0]


def check(root: Path, reads: Reads, expect_reads: list[int] | None, by_delta: bool = False, quick: bool = True):
    """Validate as `validate` does (no repo needed: delta.py's checks when they can tell), then
    as `gap` does (from the base, or every file), and in full; all must agree. `expect_reads`:
    the files each load of the run that needs the repo read ([]: the snapshot answered; None:
    one load of every file); `by_delta`: whether delta.py answered `validate`. With `quick`
    False, only the run that needs the repo."""
    _step[0] += 1
    settle(root, PAST + 60 * _step[0])  # an old stat: the content, not the racy rule, must tell
    if not quick:
        warm = snapshot.validate_warm(root, AS_OF, TODAY)
        full = validate_loaded(load(root), AS_OF, TODAY)
        assert problems(warm) == problems(full) and warm.counts == full.counts
        assert reads.take() == ([full.counts["files"]] if expect_reads is None else expect_reads)
        return full
    quick = snapshot.validate_warm(root, AS_OF, TODAY, need_repo=False)
    quick_reads, answered = reads.take(), reads.by_delta()
    kept = quick.content_id is not None and snapshot.Snapshot(root).repo(quick.content_id) is not None  # back to a content with its repo stored
    warm = snapshot.validate_warm(root, AS_OF, TODAY)
    warm_reads = reads.take()
    full = validate_loaded(load(root), AS_OF, TODAY)
    for validation in (quick, warm):
        assert problems(validation) == problems(full)
        assert validation.counts == full.counts
    assert (warm.repo is None) == (full.repo is None)
    if full.repo is not None:
        for table in TABLES:
            pd.testing.assert_frame_equal(getattr(warm.repo, table), getattr(full.repo, table), check_exact=True)
        assert warm.repo.people == full.repo.people and warm.repo.person_files == full.repo.person_files
        assert warm.repo.openings == full.repo.openings and warm.repo.completion_files == full.repo.completion_files
    expected = [full.counts["files"]] if expect_reads is None else expect_reads
    assert answered == by_delta, (answered, quick_reads)
    if by_delta:  # the changed files alone, read once
        assert quick_reads == expected, quick_reads
        assert warm_reads == ([] if kept or not quick.ok else expected), warm_reads
    else:  # delta.py could not tell (it may have read the changed files first): as a run that needs the repo
        assert quick_reads[-1:] == expected[-1:] and warm_reads == [], (quick_reads, warm_reads)
    return full


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def codes(validation) -> set[tuple[str, str]]:
    return {(p.file, p.code) for p in validation.problems}


def test_edits_start_from_the_last_valid_run_and_answer_as_a_full_read(acme: Path, monkeypatch) -> None:
    reads = Reads(monkeypatch)
    assert check(acme, reads, None).ok  # no snapshot yet: every file is read

    goals = acme / "goals" / "2026q4" / "ada.yaml"
    text = goals.read_text()
    edit(goals, "weight: 90", "weight: 95")
    over = check(acme, reads, [1], by_delta=True)  # an error: no checks of development to run again
    assert ("goals/2026q4/ada.yaml", "C003") in codes(over)

    goals.write_text(text)  # back as it was: from the same base, still one file read
    assert check(acme, reads, [0], by_delta=True).problems == check(acme, reads, []).problems  # the base's own content

    # a person removed: check-ins, goals and ratings that name her fail in files not read
    person = acme / "people" / "analytics" / "ada.yaml"
    person_text = person.read_text()
    person.unlink()
    gone = check(acme, reads, [0], by_delta=True)
    assert {("checkins/2026-11/ada-2026-11-20.yaml", "R003"), ("assessments/2026q3/calibration-analytics.yaml", "R003")} <= codes(gone)
    person.write_text(person_text)
    assert check(acme, reads, [0], by_delta=True).ok  # the base again: nothing to read

    # a goal id defined again in a new file: R006 points at the first definition's line
    extra = acme / "goals" / "2026q4" / "zz-extra.yaml"
    extra.write_text(text.replace("person: ada", "person: zoe").replace("owner: ada", "owner: zoe"))
    twice = check(acme, reads, [1], by_delta=True)
    assert any(p.code == "R006" and "goals/2026q4/ada.yaml:4" in p.message for p in twice.problems)
    assert ("checkins/2026-11/ada-2026-11-20.yaml", "C012") in codes(twice)  # the last definition owns the goal
    extra.unlink()

    # a check-in noting someone else's goal (C012), and a manager loop over two people (C001)
    note = acme / "checkins" / "2026-11" / "ada-2026-11-20.yaml"
    note_text = note.read_text()
    edit(note, "goal: ada-churn-dashboard-2026q4", "goal: amara-experimentation-2026q4")
    priya = acme / "people" / "analytics" / "priya.yaml"
    priya_text = priya.read_text()
    edit(priya, "manager: kwame", "manager: ada")
    loop = check(acme, reads, [2], by_delta=True)  # the base never had zz-extra.yaml
    assert ("checkins/2026-11/ada-2026-11-20.yaml", "C012") in codes(loop)
    assert any(p.code == "C001" and p.message == "manager cycle: ada → priya → ada" for p in loop.problems)
    note.write_text(note_text)
    priya.write_text(priya_text)
    assert check(acme, reads, [0], by_delta=True).ok


def test_tables_follow_changed_deleted_and_new_batches(acme: Path, monkeypatch) -> None:
    reads = Reads(monkeypatch)
    check(acme, reads, None)
    batch = acme / "assessments" / "2026q3" / "calibration-analytics.yaml"
    edit(batch, "{person: ada, skill: sql, level: proficient}", "{person: ada, skill: sql, level: expert}")
    check(acme, reads, [1])
    (acme / "assessments" / "2026q2" / "calibration-product.yaml").unlink()
    check(acme, reads, [0])
    edit(acme / "reviews" / "2026q3.yaml", "{person: ada, rating: 3}", "{person: ada, rating: 4}")
    (acme / "reviews" / "2026q4.yaml").write_text("period: 2026Q4\nscale: [1, 5]\nratings:\n  - {person: ada, rating: 5}\n")
    check(acme, reads, [2], by_delta=True)
    checkin = acme / "checkins" / "2026-11" / "zz-ada-2026-11-21.yaml"
    checkin.write_text((acme / "checkins" / "2026-11" / "ada-2026-11-20.yaml").read_text().replace("2026-11-20", "2026-11-21"))
    opening = next((acme / "openings").glob("*.yaml"))
    opening.rename(opening.with_name("zz-" + opening.name))  # a rename: one file gone, one new
    check(acme, reads, [2], by_delta=True)
    shutil.rmtree(acme / "checkins" / "2025-12")  # a whole folder gone
    check(acme, reads, [0], by_delta=True)
    (acme / "checkins" / "2027-01").mkdir()  # a new folder, with one file
    (acme / "checkins" / "2027-01" / "ada-2027-01-05.yaml").write_text(checkin.read_text().replace("2026-11-21", "2027-01-05"))
    check(acme, reads, [1], by_delta=True)


def test_invalid_states_keep_the_last_valid_base(acme: Path, monkeypatch) -> None:
    reads = Reads(monkeypatch)
    check(acme, reads, None)
    person = acme / "people" / "analytics" / "ada.yaml"
    text = person.read_text()
    person.write_text(text + "role: [unclosed\n")
    assert not check(acme, reads, [1], by_delta=True).ok
    person.write_text(text.replace("role:", "rol:", 1))
    assert not check(acme, reads, [1], by_delta=True).ok  # from the valid base, not the broken state before
    person.write_text(text)
    assert check(acme, reads, [0], by_delta=True).ok


@pytest.mark.parametrize("shape", ["roles", "competencies.yaml"])
def test_a_change_to_a_file_that_shapes_the_repo_reads_everything(acme: Path, monkeypatch, shape: str) -> None:
    reads = Reads(monkeypatch)
    check(acme, reads, None)
    target = next((acme / "roles").rglob("*.yaml")) if shape == "roles" else acme / shape
    target.write_text(target.read_text() + "# changed\n")
    check(acme, reads, None)


def test_most_files_changed_reads_everything(acme: Path, monkeypatch) -> None:
    reads = Reads(monkeypatch)
    check(acme, reads, None)
    checkins = sorted((acme / "checkins").rglob("*.yaml"))
    assert len(checkins) > 642 // 2
    for path in checkins:
        path.write_text(path.read_text() + "# changed\n")
    check(acme, reads, None)


def test_a_copied_repo_reads_its_own_files_not_the_original(acme: Path, tmp_path: Path) -> None:
    """The snapshot travels with the folder (a copy, a CI cache): lazily read models come from the copy."""
    snapshot.validate_warm(acme, AS_OF, TODAY)
    import shutil

    moved = Path(shutil.copytree(acme, tmp_path / "moved"))
    (moved / "completions" / "zz-new.yaml").write_text(
        "source: lms\nrecords:\n  - {person: ada, resource: sql-fundamentals, date: 2026-11-01, completed: true}\n"
    )
    settle(moved)
    repo = snapshot.validate_warm(moved, AS_OF, TODAY).repo
    assert "completions/zz-new.yaml" in [rel for rel, _ in repo.completions]
    assert repo.root == moved


def test_a_base_with_a_table_file_missing_is_not_used(acme: Path, monkeypatch) -> None:
    """The base's tables must be the base's: built from the files they would hold the
    files' rows as they are now (here invalid), so the run reads every file instead."""
    reads = Reads(monkeypatch)
    check(acme, reads, None, quick=False)
    for table in (acme / ".skillcycle" / "cache").glob("table-ratings-*.bin"):
        table.unlink()
    edit(next((acme / "people").rglob("*.yaml")), "role:", "rol:")
    assert not check(acme, reads, [1, 642], quick=False).ok  # the edited file, then (no ratings to splice) every file


ADA_GOALS = (ROOT / "examples" / "acme" / "goals" / "2026q4" / "ada.yaml").read_text()


def _no_learning_goal(acme: Path) -> None:
    """Ada's 2026Q4 learning goal made a performance goal: she has gaps, so C007 (in her people file)."""
    goals = acme / "goals" / "2026q4" / "ada.yaml"
    text = goals.read_text().replace("    kind: learning\n    skill: sql\n    target: expert\n    baseline: proficient\n", "    kind: performance\n")
    goals.write_text(text.replace("    resources: [advanced-sql-tuning, sql-fundamentals]\n", ""))


ADA = "people/analytics/ada.yaml"
CHECKIN = "checkins/2026-11/ada-2026-11-20.yaml"


def _prepend(rel: str, text: str):
    return lambda acme: (acme / rel).write_text(text + (acme / rel).read_text())


def _replace(rel: str, old: str, new: str):
    return lambda acme: edit(acme / rel, old, new)


def _write(rel: str, text: str):
    return lambda acme: (acme / rel).write_text(text)


def _copy_goals(rel: str, person: str):
    """Ada's 2026Q4 goals file copied to `rel` for `person`: each goal id defined twice."""
    return lambda acme: (acme / rel).write_text(
        (acme / "goals" / "2026q4" / "ada.yaml").read_text().replace("person: ada", f"person: {person}").replace("owner: ada", f"owner: {person}")
    )


NEW_HIRE = "name: New Hire\nrole: data-analyst-1\nmanager: priya\nstarted: 2026-11-02\n"


@pytest.mark.parametrize("change, by_delta, expect", [
    # C007 in the edited file itself: found again at the role's new line
    (_prepend(ADA, "# a comment\n# and another\n"), True, {(ADA, 4, "C007")}),
    # her latest one-on-one was with priya, her manager until now (C013)
    (_replace(ADA, "manager: priya", "manager: kwame"), True, {(ADA, 2, "C007"), (CHECKIN, 2, "C013")}),
    (_replace(ADA, "manager: priya", "manager: nobody-here"), True, {(ADA, 3, "R003")}),  # errors: no C007
    (_replace(ADA, "role: senior-data-analyst", "role: data-analyst-2"), False, None),  # another role: her gaps change
    (_replace(ADA, "started: 2023-01-23", "started: 2026-12-01"), False, None),  # not yet started on as-of
    (_write("people/analytics/zz-new.yaml", NEW_HIRE), False, None),  # someone new: counts and gaps change
    (_write("people/analytics/zz-new.yaml", NEW_HIRE + "role: twice\n"), True, {("people/analytics/zz-new.yaml", 5, "Y003")}),
    (_replace(CHECKIN, "manager: priya", "manager: prya"), True, {(CHECKIN, 2, "R003")}),  # with its hint
    (lambda acme: shutil.rmtree(acme / "openings"), True, {(ADA, 2, "C007")}),  # a whole part gone
    (_replace(CHECKIN, "- goal: ada-sql-2026q4", "- goal: ada-sql-2026q3x"), True, {(CHECKIN, 11, "R004")}),
    # goal ids defined again in a file read before the base's: R006 sits in the base's file, unread;
    # amara now has two 2026Q4 goal files (C011, in the later) weighing 200 (C003)
    (_copy_goals("goals/2026q4/aaa.yaml", "amara"), True, {
        ("goals/2026q4/ada.yaml", 4, "R006"), ("goals/2026q4/ada.yaml", 12, "R006"),
        ("goals/2026q4/amara.yaml", 2, "C011"), ("goals/2026q4/amara.yaml", 3, "C003"),
    }),
    # a goal file of the current cycle: its person's C006/C007 made again from the base's track
    (_replace("goals/2026q4/ada.yaml", "weight: 10", "weight: 5"), True, {(ADA, 2, "C007")}),
    (_write("goals/2026q4/ada.yaml", ADA_GOALS), True, set()),  # her learning goal back: no C007
    (_write("goals/2026q4/ada.yaml", ADA_GOALS.replace("weight: 10", "weight: 2").replace("weight: 90", "weight: 98")), True,
     {("goals/2026q4/ada.yaml", 3, "C006")}),  # 2% of her weight, the upskill track expects 10-15%
    (_write("goals/2026q4/ada.yaml", ADA_GOALS.replace("cycle: 2026Q4", "cycle: 2026Q3")), True, None),  # moved to another cycle: C011 with her 2026Q3 file
    (lambda acme: (acme / "goals" / "2026q2" / "ada.yaml").write_text((acme / "goals" / "2026q2" / "ada.yaml").read_text() + "# past cycle\n"), True, {(ADA, 2, "C007")}),
    # a batch dated in the future beside an error: C009 from the batch read, and no checks of development
    (lambda acme: (_write("assessments/2026q4/zz-late.yaml", "source: manager\ndate: 2026-12-10\nratings:\n  - {person: ada, skill: sql, level: expert}\n")(acme),
                   _replace(CHECKIN, "manager: priya", "manager: prya")(acme)), True,
     {("assessments/2026q4/zz-late.yaml", 2, "C009"), (CHECKIN, 2, "R003")}),
])
def test_validate_alone_answers_from_the_base_and_the_changed_files(acme: Path, monkeypatch, change, by_delta, expect) -> None:
    """`validate` (no repo needed) after each kind of change: the same answer as a full read,
    through delta.py's checks where the dated findings cannot have changed."""
    _no_learning_goal(acme)
    reads = Reads(monkeypatch)
    base = check(acme, reads, None)
    assert {(p.file, p.line, p.code) for p in base.problems} == {(ADA, 2, "C007")}
    change(acme)
    read = 2 if "zz-late" in str(expect) else 0 if not (acme / "openings").exists() else 1  # the files changed or new, alone
    changed = check(acme, reads, [read], by_delta=by_delta)
    if expect is not None:
        assert {(p.file, p.line, p.code) for p in changed.problems} == expect, changed.problems


def test_validate_alone_keeps_the_base_and_reads_every_change_since(acme: Path, monkeypatch) -> None:
    """`validate` never writes the base (no repo to write it with): each run starts from the
    same base and reads every file changed since, until a run that needs the repo moves it."""
    reads = Reads(monkeypatch)
    check(acme, reads, None)
    base = snapshot.Snapshot(acme).base_index()[0]

    def validate_alone():
        _step[0] += 1
        settle(acme, PAST + 60 * _step[0])  # a stat never seen before (check()'s steps too): the bytes tell
        quick = snapshot.validate_warm(acme, AS_OF, TODAY, need_repo=False)
        assert problems(quick) == problems(validate_loaded(load(acme), AS_OF, TODAY))
        assert reads.by_delta() and snapshot.Snapshot(acme).base_index()[0] == base
        return reads.take()

    edit(acme / CHECKIN, "notes: Reviewed", "notes: Checked")
    assert validate_alone() == [1]
    edit(acme / ADA, "manager: priya", "manager: kwame")
    assert validate_alone() == [2]
    edit(acme / CHECKIN, "manager: priya", "manager: prya")  # an error, then fixed: still from the base
    assert validate_alone() == [2]
    edit(acme / CHECKIN, "manager: prya", "manager: priya")
    assert validate_alone() == [2]
    assert snapshot.validate_warm(acme, AS_OF, TODAY).repo is not None  # a run that needs the repo (gap) ...
    assert reads.take() == [2] and not reads.deltas
    assert snapshot.Snapshot(acme).base_index()[0] != base  # ... makes these files the base
    assert snapshot.Snapshot(acme).base_index()[0] != base
