"""The fast layer never gives a stale answer: after every kind of change a user, git or a
crash can make, every command answers from its cache, snapshot, remembered reports and
watcher exactly as it answers reading every file (`SKILLCYCLE_NO_CACHE=1`), byte for byte.

A Hypothesis state machine edits a small org made from examples/acme (the check-ins of two
months and the goals of one quarter: 210 files) and compares after every step. The short
profile runs in CI; `SKILLCYCLE_SOAK=1` runs the long one (docs/security.md has the figure
of its last run). Every divergence it found has a test of its own as well.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from typer.testing import CliRunner

from skillcycle.cli import app

EXAMPLE = Path(__file__).parent.parent / "examples" / "acme"
AS_OF = "2026-10-15"
# SKILLCYCLE_SOAK=1: the long profile, 300 runs; SKILLCYCLE_SOAK=N (N > 1): N runs, for a soak of a given length.
SOAK_RUNS = int(os.environ.get("SKILLCYCLE_SOAK", "0") or 0)
SOAK = SOAK_RUNS > 0
COMMANDS = (
    ["validate", "--format", "json"],
    ["gap", "--format", "json"],
    ["gap", "--format", "json", "--by", "manager", "--horizon", "12"],
    ["metrics", "--format", "json"],
    ["review-packet", "ada"],
)
runner = CliRunner()


def small_org(target: Path) -> Path:
    """examples/acme with the check-ins of 2026-08 and 2026-09 and the goals of 2026Q3 only."""
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(".skillcycle", "README.md"))
    for folder in (target / "checkins").iterdir():
        if folder.name not in ("2026-08", "2026-09"):
            shutil.rmtree(folder)
    for folder in (target / "goals").iterdir():
        if folder.name != "2026q3":
            shutil.rmtree(folder)
    return target


def answer(root: Path, args: list[str], cached: bool) -> tuple[int, str, str]:
    env = {"SKILLCYCLE_NO_CACHE": "" if cached else "1", "SKILLCYCLE_REPO": None, "GITHUB_ACTIONS": "", "COLUMNS": "200"}
    result = runner.invoke(app, [*args, "--repo", str(root), "--as-of", AS_OF], env=env)
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def git(root: Path, *args: str) -> None:
    done = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _yaml_files(root: Path, under: str = "") -> list[Path]:
    return sorted(p for p in (root / under).rglob("*.yaml") if ".skillcycle" not in p.parts and not p.is_symlink() and ".git" not in p.parts)


SOAKED = {"runs": 0, "steps": 0}
LEVEL = re.compile(r"level: (none|foundational|proficient|expert)\b")


class FastEqualsSlow(RuleBasedStateMachine):
    """One org on disk, changed a step at a time; after each, cached == uncached for every command."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="skillcycle-diff-"))
        self.root = small_org(self.tmp / "org")
        self.watcher: subprocess.Popen | None = None

    @initialize()
    def make_history(self) -> None:
        """A git history with a second branch that changes many files: checked out by a rule."""
        git(self.root, "init", "-q", "-b", "main")
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", "org")
        git(self.root, "checkout", "-q", "-b", "other")
        for path in _yaml_files(self.root, "checkins/2026-09")[::2]:
            path.unlink()
        for path in _yaml_files(self.root, "assessments/2026q3"):
            path.write_text(path.read_text().replace("level: foundational", "level: proficient"))
        competencies = self.root / "competencies.yaml"
        competencies.write_text(competencies.read_text().replace("urgency: low", "urgency: critical"))
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", "other")
        git(self.root, "checkout", "-q", "main")
        self.branch = "main"

    def teardown(self) -> None:
        self._kill_watcher()
        shutil.rmtree(self.tmp, ignore_errors=True)
        SOAKED["runs"] += 1
        if SOAK:  # the figure docs/security.md quotes (run pytest with -s to see it)
            print(f"soak: {SOAKED['runs']} runs, {SOAKED['steps']} steps compared so far", flush=True)

    # -- edits -------------------------------------------------------------------------

    @rule(data=st.data(), mtime=st.sampled_from(["now", "restored", "future", "same-second"]))
    def swap_two_levels_in_place(self, data, mtime: str) -> None:
        """Same size, and with `restored` the same mtime: only the bytes (and ctime) differ."""
        batches = [p for p in _yaml_files(self.root, "assessments") if len(set(LEVEL.findall(p.read_text()))) > 1]
        if not batches:
            return
        path = data.draw(st.sampled_from(batches))
        before = path.stat()
        text = path.read_text()
        found = [m for m in LEVEL.finditer(text)]
        first = data.draw(st.sampled_from(found))
        other = data.draw(st.sampled_from([m for m in found if m.group(1) != first.group(1)]))
        a, b = sorted([first, other], key=lambda m: m.start())
        swapped = text[:a.start(1)] + b.group(1) + text[a.end(1):b.start(1)] + a.group(1) + text[b.end(1):]
        path.write_text(swapped)
        self._set_mtime(path, before, mtime)

    @rule(data=st.data(), mtime=st.sampled_from(["now", "restored"]))
    def move_a_date_by_a_day(self, data, mtime: str) -> None:
        """A check-in's or a batch's date one day earlier or later: same size."""
        path = data.draw(st.sampled_from(_yaml_files(self.root, "checkins") + _yaml_files(self.root, "assessments")))
        before = path.stat()
        text = path.read_text()
        match = re.search(r"^date: (\d{4}-\d{2}-)(\d{2})$", text, re.M)
        if not match or match.group(2) in ("01", "28", "29", "30", "31"):
            return
        day = int(match.group(2)) + data.draw(st.sampled_from([-1, 1]))
        path.write_text(text[:match.start(2)] + f"{day:02d}" + text[match.end(2):])
        self._set_mtime(path, before, mtime)

    @rule(data=st.data())
    def add_a_check_in(self, data) -> None:
        source = data.draw(st.sampled_from(_yaml_files(self.root, "checkins")))
        target = source.with_name(f"extra-{data.draw(st.integers(0, 999))}.yaml")
        target.write_text(source.read_text())

    @rule(data=st.data())
    def delete_a_file(self, data) -> None:
        data.draw(st.sampled_from(_yaml_files(self.root, "checkins") + _yaml_files(self.root, "goals"))).unlink()

    @rule(data=st.data())
    def rename_a_check_in(self, data) -> None:
        source = data.draw(st.sampled_from(_yaml_files(self.root, "checkins")))
        folder = self.root / "checkins" / data.draw(st.sampled_from(["2026-08", "2026-09", "2026-10"]))
        folder.mkdir(exist_ok=True)
        target = folder / ("moved-" + source.name)
        if not target.exists():
            source.rename(target)

    @rule(data=st.data())
    def move_a_person_into_a_subfolder(self, data) -> None:
        person = data.draw(st.sampled_from(_yaml_files(self.root, "people")))
        folder = person.parent / "moved"
        folder.mkdir(exist_ok=True)
        if not (folder / person.name).exists():
            person.rename(folder / person.name)

    @rule(data=st.data())
    def move_a_folder(self, data) -> None:
        month = self.root / "checkins" / data.draw(st.sampled_from(["2026-08", "2026-09"]))
        archive = month.with_name(month.name + "-archive")
        if month.is_dir() and not archive.exists():
            month.rename(archive)

    @rule(data=st.data())
    def replace_a_file_by_a_link(self, data) -> None:
        files = _yaml_files(self.root, "checkins")
        if len(files) < 2:
            return
        path, other = data.draw(st.sampled_from(files)), data.draw(st.sampled_from(files))
        if path != other:
            path.unlink()
            path.symlink_to(other)

    @rule(urgency=st.sampled_from(["low", "medium", "high", "critical"]), data=st.data())
    def change_an_urgency_then_a_person(self, urgency: str, data) -> None:
        competencies = self.root / "competencies.yaml"
        text = competencies.read_text()
        spots = list(re.finditer(r"urgency: (low|medium|high|critical)", text))
        spot = data.draw(st.sampled_from(spots))
        competencies.write_text(text[:spot.start(1)] + urgency + text[spot.end(1):])
        people = _yaml_files(self.root, "people")
        person = data.draw(st.sampled_from(people))
        roles = sorted(p.stem for p in _yaml_files(self.root, "roles"))
        role = data.draw(st.sampled_from(roles))
        person.write_text(re.sub(r"^role: .*$", f"role: {role}", person.read_text(), count=1, flags=re.M))

    @rule()
    def switch_branch(self) -> None:
        """`git checkout` of the other commit: many files at once, every mtime new."""
        git(self.root, "stash", "-q", "--include-untracked")
        self.branch = "other" if self.branch == "main" else "main"
        git(self.root, "checkout", "-q", self.branch)

    # -- the watcher -------------------------------------------------------------------

    @precondition(lambda self: self.watcher is None and sys.platform.startswith("linux"))
    @rule()
    def start_watcher(self) -> None:
        self.watcher = subprocess.Popen(
            [sys.executable, "-m", "skillcycle.cli", "watch", "--repo", str(self.root)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not (self.root / ".skillcycle" / "watch" / "session").exists():
            if self.watcher.poll() is not None:
                break
            time.sleep(0.05)

    @precondition(lambda self: self.watcher is not None)
    @rule()
    def kill_watcher(self) -> None:
        self._kill_watcher()

    def _kill_watcher(self) -> None:
        if self.watcher is not None:
            self.watcher.send_signal(signal.SIGKILL)
            self.watcher.wait(timeout=10)
            self.watcher = None

    # -- the comparison ------------------------------------------------------------------

    @invariant()
    def cached_answers_equal_a_full_read(self) -> None:
        SOAKED["steps"] += 1
        for args in COMMANDS:
            slow = answer(self.root, args, cached=False)
            for attempt in ("first", "remembered"):
                fast = answer(self.root, args, cached=True)
                assert fast == slow, (args, attempt)

    @staticmethod
    def _set_mtime(path: Path, before: os.stat_result, how: str) -> None:
        if how == "restored":
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        elif how == "future":
            os.utime(path, ns=(before.st_atime_ns, time.time_ns() + 3600 * 10**9))
        elif how == "same-second":
            second = before.st_mtime_ns - before.st_mtime_ns % 10**9
            os.utime(path, ns=(before.st_atime_ns, second + (before.st_mtime_ns + 1) % 10**9))


FastEqualsSlow.TestCase.settings = settings(
    max_examples=(300 if SOAK_RUNS == 1 else SOAK_RUNS) if SOAK else 3,
    stateful_step_count=40 if SOAK else 6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=not SOAK,  # CI: the same steps every run; the soak explores
)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed to switch branches")
class TestFastEqualsSlow(FastEqualsSlow.TestCase):
    pass


# -- what the harness found, and the cases it cannot reach in-process, each a test of its own ----


def _settled_org(tmp_path: Path) -> Path:
    root = small_org(tmp_path / "org")
    for path in _yaml_files(root):
        os.utime(path, ns=(0, 1_600_000_000 * 10**9))  # committed long ago
    time.sleep(2.1)  # and their ctimes no longer recent
    return root


def test_an_edit_of_the_same_size_with_its_mtime_set_back_is_seen(tmp_path: Path) -> None:
    """Found while building the harness: a stat-only comparison took the old answer for a file
    edited to the same size whose mtime was then restored (`touch -d`, tools that keep timestamps)."""
    root = _settled_org(tmp_path)
    before = answer(root, ["gap", "--format", "json"], cached=True)
    batch = root / "assessments" / "2026q3" / "calibration-analytics.yaml"
    stat = batch.stat()
    text = batch.read_text()
    swapped = text.replace("data-visualization, level: proficient}", "data-visualization, level: LEVEL}", 1)
    swapped = swapped.replace("experimentation, level: foundational}", "experimentation, level: proficient}", 1)
    swapped = swapped.replace("LEVEL", "foundational")
    assert len(swapped) == len(text) and swapped != text
    batch.write_text(swapped)
    os.utime(batch, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    time.sleep(2.1)  # past the racy window: only the ctime tells
    after = answer(root, ["gap", "--format", "json"], cached=True)
    assert after == answer(root, ["gap", "--format", "json"], cached=False)
    assert after != before


def _cli(root: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "skillcycle.cli", *args, "--repo", str(root), "--as-of", AS_OF],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "SKILLCYCLE_NO_CACHE": "", "GITHUB_ACTIONS": "", "COLUMNS": "200", **(env or {})},
    )


def _temporary_files(root: Path) -> list[str]:
    return sorted(p.name for p in (root / ".skillcycle").rglob("*.tmp"))


def test_four_commands_at_once_while_files_change_then_agree(tmp_path: Path) -> None:
    root = _settled_org(tmp_path)
    commands = [["validate", "--format", "json"], ["gap", "--format", "json"], ["metrics", "--format", "json"], ["review-packet", "ada"]]
    for round_ in ("cold", "warm"):
        children = [_cli(root, *args) for args in commands]
        for step in range(6):  # edits while they run: each sees one state or the other, never a crash
            checkin = _yaml_files(root, "checkins")[step]
            checkin.write_text(checkin.read_text().replace("type: one-on-one", "type: one-on-one"))
            (root / "checkins" / "2026-09" / f"extra-{round_}-{step}.yaml").write_text(_yaml_files(root, "checkins/2026-08")[step].read_text())
            time.sleep(0.05)
        for args, child in zip(commands, children):
            out, err = child.communicate(timeout=300)
            assert child.returncode in (0, 1), (args, err)
            assert "Traceback" not in err and "internal error" not in err, (args, err)
    for args in commands:  # settled: the cache left by the racing runs gives the answers of a full read
        assert answer(root, args, cached=True) == answer(root, args, cached=False), args
    assert _temporary_files(root) == []


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL as on POSIX")
def test_a_run_killed_while_writing_its_cache_leaves_nothing_that_matters(tmp_path: Path) -> None:
    root = _settled_org(tmp_path)
    expected = {tuple(args): answer(root, args, cached=False) for args in (["gap", "--format", "json"], ["metrics", "--format", "json"])}
    for delay in (0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6, 2.0):
        if delay < 1:  # cold runs write every cache file; the later ones are killed while writing reports
            shutil.rmtree(root / ".skillcycle", ignore_errors=True)
        child = _cli(root, "metrics", "--format", "json")
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=60)
        for args, want in expected.items():
            assert answer(root, list(args), cached=True) == want, (delay, args)
        assert _temporary_files(root) == [], delay  # a killed writer's temporary file is tidied by the next run


def test_a_temporary_file_of_a_live_writer_is_left_alone(tmp_path: Path) -> None:
    root = _settled_org(tmp_path)
    answer(root, ["validate"], cached=True)
    cache = root / ".skillcycle" / "cache"
    live = cache / f".head.bin.{os.getpid()}.abc123.tmp"
    dead = cache / ".head.bin.999999999.abc123.tmp"
    live.write_bytes(b"half")
    dead.write_bytes(b"half")
    answer(root, ["validate"], cached=True)
    assert live.exists() and not dead.exists()


@pytest.mark.parametrize("command", [["validate", "--format", "json"], ["metrics", "--format", "json"]])
def test_a_base_whose_files_go_while_a_run_reads_it_sends_it_to_a_full_read(tmp_path: Path, command: list[str]) -> None:
    """Found by the concurrency test: another run replaced the base (and removed the old base's
    index files) while this one started from it; it answered "internal error (StaleBase)"."""
    root = _settled_org(tmp_path)
    assert answer(root, ["metrics", "--format", "json"], cached=True)[0] == 0  # the base, with its repo
    checkin = _yaml_files(root, "checkins")[0]
    checkin.write_text(checkin.read_text().replace("type: one-on-one", "type: one-on-one "))  # an edit: a run from the base
    for part in (root / ".skillcycle" / "cache").glob("index-*.bin"):
        if "-own-" not in part.name:  # each run reads these first: the others go after it started
            part.unlink()  # as the other run's clean-up does
    assert answer(root, command, cached=True) == answer(root, command, cached=False)
