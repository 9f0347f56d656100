"""Finding the repo, walking its files, and what reading refuses (Y009)."""

import os
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import EXAMPLE

from skillcycle.core import walk
from skillcycle.core.loader import load
from skillcycle.core.walk import RepoNotFound, discover, find_root
from skillcycle.validation.validate import validate_path


def test_root_is_found_upward_from_a_subfolder(tiny: Path) -> None:
    assert find_root(start=tiny / "people") == tiny.resolve()


def test_explicit_root_must_hold_settings(tmp_path: Path) -> None:
    with pytest.raises(RepoNotFound, match="has no skillcycle.yaml"):
        find_root(tmp_path)


def test_no_root_anywhere_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(RepoNotFound, match=str(tmp_path)):
        find_root(start=tmp_path)


def test_files_are_read_in_path_order_with_kinds(tiny: Path) -> None:
    (tiny / "people" / "eng").mkdir()
    (tiny / "people" / "eng" / "zed.yml").write_text("name: Zed\nrole: analyst\nmanager: grace\n")
    loaded = load(tiny)
    rels = [f.rel for f in loaded.files]
    assert rels == sorted(rels)
    assert ("people/eng/zed.yml", "people") in [(f.rel, f.kind) for f in loaded.files]
    assert loaded.problems == []


def test_the_walk_lists_skills_files_by_folder_and_its_key_moves_with_any_stat(tiny: Path) -> None:
    (tiny / "people" / "eng").mkdir()
    (tiny / "people" / "eng" / "zed.yml").write_text("name: Zed\nrole: analyst\nmanager: grace\n")
    (tiny / "people" / "notes.txt").write_text("not a skills file")
    (tiny / "people" / ".draft.yaml").write_text("hidden: true\n")
    os.mkfifo(tiny / "checkins" / "pipe.yaml")
    listing = discover(tiny)
    assert listing.entries == [
        ("assessments/2026q2.yaml", "assessments"), ("checkins/ada-2026-07-14.yaml", "checkins"),
        ("checkins/pipe.yaml", "checkins"), ("competencies.yaml", "competencies"), ("completions/lms.yaml", "completions"),
        ("goals/ada-2026q3.yaml", "goals"), ("learning.yaml", "learning"), ("openings/req-1.yaml", "openings"),
        ("people/ada.yaml", "people"), ("people/eng/zed.yml", "people"), ("people/grace.yaml", "people"), ("people/lin.yaml", "people"),
        ("reviews/2026q2.yaml", "reviews"), ("roles/analyst.yaml", "roles"), ("roles/lead.yaml", "roles"),
        ("skillcycle.yaml", "skillcycle"),
    ]
    info = (tiny / "people" / "eng" / "zed.yml").stat()
    assert listing.stats["people/eng/zed.yml"] == (info.st_size, info.st_mtime_ns)
    assert "checkins/pipe.yaml" not in listing.stats  # listed, never stat-ed: reading it reports it
    key = listing.key()
    assert discover(tiny).key() == key
    os.utime(tiny / "people" / "eng" / "zed.yml", ns=(info.st_atime_ns, info.st_mtime_ns + 1))
    assert discover(tiny).key() != key
    (tiny / "people" / "eng" / "zed.yml").write_text("name: Zed\nrole: analyst\nmanager: ada\n\n")
    os.utime(tiny / "people" / "eng" / "zed.yml", ns=(info.st_atime_ns, info.st_mtime_ns))
    assert discover(tiny).key() != key  # same mtime, other size
    (tiny / "people" / "eng" / "zed.yml").rename(tiny / "people" / "eng" / "zee.yml")
    assert discover(tiny).key() != key


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the walk is shared among cores by forking")
def test_a_walk_shared_among_processes_lists_exactly_what_one_process_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    acme = tmp_path / "acme"
    shutil.copytree(EXAMPLE, acme)
    (acme / "people" / "engineering" / "deep" / "deeper").mkdir(parents=True)
    (acme / "people" / "engineering" / "deep" / "deeper" / "zed.yaml").write_text("name: Zed\n")
    (acme / "checkins" / "odd.yaml").symlink_to(tmp_path)
    os.mkfifo(acme / "goals" / "pipe.yaml")
    alone = discover(acme)
    shared = []
    walk_shared = walk._walk_shared

    def spy(tasks, listing):
        shared.append((len(tasks), walk_shared(tasks, listing)))
        return shared[-1][1]

    monkeypatch.setattr(walk, "_walk_shared", spy)
    monkeypatch.setattr(walk, "usable_cores", lambda: 2)
    monkeypatch.setattr(walk, "PARALLEL_WALK", 300)
    after_300 = discover(acme)
    # acme's folders: each kind's files, then one task per subfolder (people/<family>, ...)
    kinds = [acme / kind for kind in walk.FOLDER_KINDS if (acme / kind).is_dir()]
    tasks = len(kinds) + sum(1 for folder in kinds for below in folder.iterdir() if below.is_dir() and not below.is_symlink())
    assert 0 < shared[0][0] < tasks  # shared once 300 names were listed here
    shared.clear()
    together = discover(acme, expected=300)  # the last walk found as many: shared from the start
    assert shared == [(tasks, True)] or not sys.platform.startswith("linux")
    assert together == alone == after_300 and together.key() == alone.key()
    assert ("people/engineering/deep/deeper/zed.yaml", "people") in together.entries
    assert [(p.file, p.code) for p in together.problems] == [("checkins/odd.yaml", "Y009")]
    assert "goals/pipe.yaml" in together.others


def test_symlinks_are_reported_not_followed(tiny: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text("name: Eve\nrole: analyst\n")
    (tiny / "people" / "eve.yaml").symlink_to(outside)
    (tiny / "people" / "loop").symlink_to(tiny / "people")
    problems = validate_path(tiny, date(2026, 8, 1), date(2026, 11, 23)).problems
    assert {(p.file, p.code) for p in problems if p.code == "Y009"} == {("people/eve.yaml", "Y009"), ("people/loop", "Y009")}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tiny: Path) -> None:
    target = tiny / "people" / "ada.yaml"
    target.chmod(0)
    problems = validate_path(tiny, date(2026, 8, 1), date(2026, 11, 23)).problems
    assert ("people/ada.yaml", "Y009") in [(p.file, p.code) for p in problems]


def test_oversized_file_is_refused_before_reading(tiny: Path) -> None:
    with open(tiny / "people" / "ada.yaml", "ab") as handle:
        handle.truncate(11 * 1024 * 1024)
    problems = validate_path(tiny, date(2026, 8, 1), date(2026, 11, 23)).problems
    assert [(p.file, p.code, p.line) for p in problems if p.code == "Y009"] == [("people/ada.yaml", "Y009", 1)]


def test_missing_competencies_is_an_error(tiny: Path) -> None:
    (tiny / "competencies.yaml").unlink()
    problems = validate_path(tiny, date(2026, 8, 1), date(2026, 11, 23)).problems
    assert ("competencies.yaml", "S002") in [(p.file, p.code) for p in problems]


def test_a_broken_file_does_not_cascade_into_unknown_ids(tiny: Path) -> None:
    (tiny / "people" / "grace.yaml").write_text("name: Grace\nrole: lead\nmanagr: nobody\n")
    problems = validate_path(tiny, date(2026, 8, 1), date(2026, 11, 23)).problems
    assert [(p.file, p.code) for p in problems] == [("people/grace.yaml", "S001")]
    assert "did you mean 'manager'" in problems[0].message


def test_permission_denied_is_a_finding_even_when_running_as_root(tiny: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_read = Path.read_bytes

    def deny(path: Path) -> bytes:
        if path.name == "ada.yaml":
            raise PermissionError(13, "Permission denied")
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", deny)
    problems = validate_path(tiny, date(2026, 8, 1), date(2026, 11, 23)).problems
    assert [(p.file, p.code, p.message) for p in problems if p.code == "Y009"] == [
        ("people/ada.yaml", "Y009", "cannot read file: Permission denied")
    ]
