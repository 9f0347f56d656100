"""The watcher (watch.py) and what commands do with its journal: list again only what changed,
and answer exactly as a walk of every file would."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest

from skillcycle.fast import snapshot, watch
from skillcycle.core import walk
from skillcycle.validation.validate import validate_path

from test_snapshot import acme, copy, problems, run  # noqa: F401  (acme: a fixture)

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the watcher needs inotify")
AS_OF = snapshot.date(2026, 11, 20)


def folders_of(listing: walk.Listing) -> list[tuple]:
    return [(f.prefix, f.kind, f.names, f.sizes, f.mtimes) for f in listing.folders]


def write(root: Path, rel: str, text: str = "x: 1\n") -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A repo's folders (the walk reads names and stats only: the files need not be valid)."""
    for rel in ["skillcycle.yaml", "people/ann.yaml", "people/eng/bob.yaml", "people/eng/notes.txt",
                "checkins/2025-01/ann-1.yaml", "checkins/2025-01/bob-1.yaml", "goals/ann.yaml"]:
        write(tmp_path, rel)
    return tmp_path


# What the watcher journals for each change (checked against the watcher itself below).
CHANGES = {
    "edit": (lambda r: write(r, "people/ann.yaml", "x: 22\n"), [("people/ann.yaml", False)]),
    "add": (lambda r: write(r, "checkins/2025-01/cy-1.yaml"), [("checkins/2025-01/cy-1.yaml", False)]),
    "delete": (lambda r: (r / "people/eng/bob.yaml").unlink(), [("people/eng/bob.yaml", False)]),
    "new folder": (lambda r: write(r, "checkins/2025-02/ann-2.yaml"), [("checkins/2025-02", True), ("checkins/2025-02/ann-2.yaml", False)]),
    "folder removed": (lambda r: shutil.rmtree(r / "people/eng"), [("people/eng", True), ("people/eng/bob.yaml", False), ("people/eng/notes.txt", False)]),
    "folder renamed": (lambda r: (r / "people/eng").rename(r / "people/data"), [("people/data", True), ("people/eng", True)]),
    "not a skills file": (lambda r: write(r, "people/eng/notes.txt", "more"), [("people/eng/notes.txt", False)]),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_relisting_what_changed_finds_what_a_walk_finds(tree: Path, change: str) -> None:
    before = walk.discover(tree)
    make, journalled = CHANGES[change]
    make(tree)
    relisted = walk.relisted(tree, before.folders, journalled)
    assert relisted is not None
    assert folders_of(relisted) == folders_of(walk.discover(tree))
    assert relisted.key() == walk.discover(tree).key()


def test_only_the_folders_holding_a_change_are_listed_again(tree: Path, monkeypatch) -> None:
    before = walk.discover(tree)
    listed: list[str] = []
    real = walk._list_folder
    monkeypatch.setattr(walk, "_list_folder", lambda folder, prefix, *rest: listed.append(prefix) or real(folder, prefix, *rest))
    write(tree, "people/eng/bob.yaml", "x: 333\n")
    write(tree, "people/eng/ops/cy.yaml")
    walk.relisted(tree, before.folders, [("people/eng/bob.yaml", False), ("people/eng/ops", True), ("people/eng/ops/cy.yaml", False)])
    assert listed == ["people/eng/", "people/eng/ops/"]  # not people/, checkins/ or goals/


@pytest.mark.parametrize("journalled", [[("skillcycle.yaml", False)], [("openings", True)]])
def test_a_change_at_the_top_of_the_repo_asks_for_a_walk(tree: Path, journalled) -> None:
    assert walk.relisted(tree, walk.discover(tree).folders, journalled) is None


def test_a_finding_in_a_changed_folder_asks_for_a_walk(tree: Path) -> None:
    before = walk.discover(tree)
    os.symlink(tree / "people/ann.yaml", tree / "people/eng/link.yaml")
    assert walk.relisted(tree, before.folders, [("people/eng/link.yaml", False)]) is None


# -- the watcher ----------------------------------------------------------------------------


class Running:
    """A watcher of `root` in a thread of the test process."""

    def __init__(self, root: Path) -> None:
        self.root, self.stop, self.ready = root, threading.Event(), threading.Event()
        self.failed: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        assert self.ready.wait(10), self.failed

    def _run(self) -> None:
        try:
            watch.watch(self.root, lambda folders: self.ready.set(), self.stop)
        except BaseException as exc:  # shown by the test that started it
            self.failed.append(exc)
            self.ready.set()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)

    def __enter__(self) -> "Running":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def assert_a_new_session(root: Path, mark: watch.Mark) -> None:
    """The watcher answers from a new journal, and the old mark tells nothing in it."""
    now = watch.sync(root)
    assert now is not None and now.session != mark.session
    assert watch.changes(root, mark, now) is None


@pytest.fixture
def watched(tree: Path):
    with Running(tree) as running:
        yield running


def journal_since(root: Path, mark: watch.Mark) -> list[tuple[str, bool]]:
    now = watch.sync(root)
    assert now is not None
    return watch.changes(root, mark, now)


@linux_only
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_the_watcher_journals_each_change(watched: Running, change: str) -> None:
    mark = watch.sync(watched.root)
    assert mark is not None
    make, journalled = CHANGES[change]
    make(watched.root)
    journal = journal_since(watched.root, mark)
    # A file made in a new folder before the watcher watches it is not journalled itself:
    # the folder's entry (list it all again) covers it.
    assert journal == journalled or (change == "new folder" and journal == journalled[:1])


@linux_only
def test_the_watcher_follows_new_folders_and_ignores_what_the_walk_does_not_read(watched: Running) -> None:
    root = watched.root
    write(root, "checkins/2025-02/ann-2.yaml")
    mark = watch.sync(root)
    write(root, "checkins/2025-02/bob-2.yaml")  # in a folder made after the watcher started
    write(root, "README.md", "# notes")
    write(root, ".skillcycle/cache/x.bin", "cache")
    write(root, "people/.ann.yaml.swp", "editor")
    assert journal_since(root, mark) == [("checkins/2025-02/bob-2.yaml", False)]
    assert list((root / watch.WATCH_DIR / "cookies").iterdir()) == []  # each answered cookie removed


@linux_only
def test_marks_are_trusted_only_while_their_watcher_runs(tree: Path) -> None:
    assert watch.sync(tree) is None  # never watched
    running = Running(tree)
    mark = watch.sync(tree)
    with pytest.raises(watch.WatchError, match="already being watched"):
        watch.watch(tree)
    running.close()
    assert running.failed == []
    assert watch.sync(tree) is None  # its journal and lock are left inert
    with Running(tree):
        assert_a_new_session(tree, mark)


@linux_only
def test_the_watcher_stops_when_its_folder_is_deleted(watched: Running) -> None:
    shutil.rmtree(watched.root / ".skillcycle", ignore_errors=True)  # the watcher removes its files meanwhile, as `rm -rf` lets it
    watched.thread.join(10)
    assert not watched.thread.is_alive() and watched.failed == []
    assert watch.sync(watched.root) is None


@linux_only
def test_after_lost_events_no_earlier_mark_is_trusted(tree: Path, monkeypatch) -> None:
    overflow = threading.Event()
    real = watch._Watcher.handle

    def handle(self, events):  # the kernel's queue overflowed before these events
        if overflow.is_set():
            overflow.clear()
            events = [(-1, watch._OVERFLOW, ""), *events]
        return real(self, events)

    monkeypatch.setattr(watch._Watcher, "handle", handle)
    with Running(tree):
        mark = watch.sync(tree)
        overflow.set()
        write(tree, "people/ann.yaml", "x: 22\n")
        assert_a_new_session(tree, mark)


@linux_only
def test_a_long_journal_starts_a_new_session(tree: Path, monkeypatch) -> None:
    monkeypatch.setattr(watch, "JOURNAL_LIMIT", 200)
    with Running(tree):
        mark = watch.sync(tree)
        for n in range(10):
            write(tree, f"people/p{n:03}.yaml")
        watch.sync(tree)  # answered in the old journal or the new one: the batch past the limit may hold it
        assert_a_new_session(tree, mark)
        deadline = time.monotonic() + 5  # the old one is deleted once the new one is in place
        while len(list((tree / watch.WATCH_DIR).glob("journal-*"))) > 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(list((tree / watch.WATCH_DIR).glob("journal-*"))) == 1


# -- commands with a watcher ------------------------------------------------------------------


@linux_only
def test_with_a_watcher_a_warm_run_lists_only_what_changed_and_answers_as_a_walk(acme: Path, monkeypatch) -> None:  # noqa: F811
    args = ["validate", "--repo", acme, "--as-of", "2026-11-20"]
    with Running(acme):
        first = run(*args)
        assert first[0] == 0
        walks: list[Path] = []
        real = walk.discover
        monkeypatch.setattr(walk, "discover", lambda root, **kw: walks.append(root) or real(root, **kw))
        assert run(*args) == first and walks == []

        person = next((acme / "people").rglob("*.yaml"))
        person.write_text(person.read_text().replace("role:", "rol:", 1))
        broken = run(*args)
        assert broken[0] == 1 and "[S001] unknown key 'rol'" in broken[1]
        (acme / "openings" / "new-team").mkdir()
        shutil.copy(next((acme / "openings").rglob("*.yaml")), acme / "openings" / "new-team")
        with_new = run(*args)
        assert walks == []
        assert problems(validate_path(acme, AS_OF, AS_OF)) == problems(snapshot.validate_warm(acme, AS_OF, AS_OF))
        assert "643 files" in with_new[1]

        shutil.rmtree(acme / "openings" / "new-team")
        person.write_text(person.read_text().replace("rol:", "role:", 1))
        assert run(*args) == first and walks == []
    assert run(*args) == first and len(walks) == 1  # no watcher: the repo is walked


@linux_only
def test_watching_a_watched_repo_is_a_usage_error(acme: Path) -> None:  # noqa: F811
    with Running(acme):
        code, _ = run("watch", "--repo", acme)
        assert code == 2
