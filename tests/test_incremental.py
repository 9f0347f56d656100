"""After a few files change, validation starts from the last valid run (snapshot base):
it reads only those files, and must answer exactly as reading every file does."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from skillcycle import loader, snapshot
from skillcycle.loader import load
from skillcycle.repo import TABLES
from skillcycle.validate import validate_loaded

from test_snapshot import PAST, ROOT, copy, problems, settle

AS_OF = TODAY = date(2026, 11, 20)


@pytest.fixture
def acme(tmp_path: Path) -> Path:
    return copy(ROOT / "examples" / "acme", tmp_path)


class Reads:
    """How many files each load of the package read (a full load reads all of them)."""

    def __init__(self, monkeypatch) -> None:
        self.counts: list[int] = []
        real = loader.load

        def spy(*args, **kwargs):
            loaded = real(*args, **kwargs)
            self.counts.append(loaded.read)
            return loaded

        monkeypatch.setattr(loader, "load", spy)

    def take(self) -> list[int]:
        counts, self.counts = self.counts, []
        return counts


_step = [0]


def check(root: Path, reads: Reads, expect_reads: list[int] | None):
    """Validate warm and in full; both must agree. `expect_reads`: the files each load of the warm
    run read ([]: the snapshot answered; None: one load of every file)."""
    _step[0] += 1
    settle(root, PAST + 60 * _step[0])  # an old stat: the content, not the racy rule, must tell
    warm = snapshot.validate_warm(root, AS_OF, TODAY)
    full = validate_loaded(load(root), AS_OF, TODAY)
    assert problems(warm) == problems(full)
    assert warm.counts == full.counts
    assert (warm.repo is None) == (full.repo is None)
    if full.repo is not None:
        for table in TABLES:
            pd.testing.assert_frame_equal(getattr(warm.repo, table), getattr(full.repo, table), check_exact=True)
        assert warm.repo.people == full.repo.people and warm.repo.person_files == full.repo.person_files
        assert warm.repo.openings == full.repo.openings and warm.repo.completion_files == full.repo.completion_files
    counts = reads.take()
    total = full.counts["files"]
    assert counts == ([total] if expect_reads is None else expect_reads), counts
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
    over = check(acme, reads, [1])
    assert ("goals/2026q4/ada.yaml", "C003") in codes(over)

    goals.write_text(text)  # back as it was: from the same base, still one file read
    assert check(acme, reads, [0]).problems == check(acme, reads, []).problems  # the base's own content

    # a person removed: check-ins, goals and ratings that name her fail in files not read
    person = acme / "people" / "analytics" / "ada.yaml"
    person_text = person.read_text()
    person.unlink()
    gone = check(acme, reads, [0])
    assert {("checkins/2026-11/ada-2026-11-20.yaml", "R003"), ("assessments/2026q3/calibration-analytics.yaml", "R003")} <= codes(gone)
    person.write_text(person_text)
    assert check(acme, reads, [0]).ok  # the base again: nothing to read

    # a goal id defined again in a new file: R006 points at the first definition's line
    extra = acme / "goals" / "2026q4" / "zz-extra.yaml"
    extra.write_text(text.replace("person: ada", "person: zoe").replace("owner: ada", "owner: zoe"))
    twice = check(acme, reads, [1])
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
    loop = check(acme, reads, [2])  # the base never had zz-extra.yaml
    assert ("checkins/2026-11/ada-2026-11-20.yaml", "C012") in codes(loop)
    assert any(p.code == "C001" and p.message == "manager cycle: ada → priya → ada" for p in loop.problems)
    note.write_text(note_text)
    priya.write_text(priya_text)
    assert check(acme, reads, [0]).ok


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
    check(acme, reads, [2])
    checkin = acme / "checkins" / "2026-11" / "zz-ada-2026-11-21.yaml"
    checkin.write_text((acme / "checkins" / "2026-11" / "ada-2026-11-20.yaml").read_text().replace("2026-11-20", "2026-11-21"))
    opening = next((acme / "openings").glob("*.yaml"))
    opening.rename(opening.with_name("zz-" + opening.name))  # a rename: one file gone, one new
    check(acme, reads, [2])
    shutil.rmtree(acme / "checkins" / "2025-12")  # a whole folder gone
    check(acme, reads, [0])
    (acme / "checkins" / "2027-01").mkdir()  # a new folder, with one file
    (acme / "checkins" / "2027-01" / "ada-2027-01-05.yaml").write_text(checkin.read_text().replace("2026-11-21", "2027-01-05"))
    check(acme, reads, [1])


def test_invalid_states_keep_the_last_valid_base(acme: Path, monkeypatch) -> None:
    reads = Reads(monkeypatch)
    check(acme, reads, None)
    person = acme / "people" / "analytics" / "ada.yaml"
    text = person.read_text()
    person.write_text(text + "role: [unclosed\n")
    assert not check(acme, reads, [1]).ok
    person.write_text(text.replace("role:", "rol:", 1))
    assert not check(acme, reads, [1]).ok  # from the valid base, not the broken state before
    person.write_text(text)
    assert check(acme, reads, [0]).ok


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
    check(acme, reads, None)
    for table in (acme / ".skillcycle" / "cache").glob("table-ratings-*.bin"):
        table.unlink()
    edit(next((acme / "people").rglob("*.yaml")), "role:", "rol:")
    assert not check(acme, reads, None).ok
