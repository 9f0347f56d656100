"""What a branch can commit under `.skillcycle/` and `templates/` (links, FIFOs, devices) never
makes skillcycle read, write or delete anything outside the repo, hang, or read without end;
and the user's mistakes around outputs are one line with exit 2, never "internal error".

Each test plants bait files outside the repo that must survive, and runs the real command.
"""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .corpus import TINY

AS_OF = "2026-08-01"
needs_posix = pytest.mark.skipif(not hasattr(os, "mkfifo") or sys.platform == "win32", reason="links and FIFOs as on POSIX")


def run(repo: Path, *args: str, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skillcycle.cli", *args, "--repo", str(repo)],
        capture_output=True, text=True, timeout=timeout, env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    target = tmp_path / "repo"
    shutil.copytree(TINY, target, ignore=shutil.ignore_patterns(".skillcycle"))
    return target


@pytest.fixture
def victim(tmp_path: Path) -> Path:
    """A folder outside the repo holding files named like every file skillcycle keeps."""
    folder = tmp_path / "victim"
    folder.mkdir()
    for name in ("precious.txt", "table-x.bin", "index-x.bin", "report-x.bin", "head.bin", "base.bin", "journal-0", "lock"):
        (folder / name).write_text("keep\n")
    return folder


def untouched(folder: Path) -> bool:
    return sorted(p.name for p in folder.iterdir()) == sorted(
        ["precious.txt", "table-x.bin", "index-x.bin", "report-x.bin", "head.bin", "base.bin", "journal-0", "lock"]
    ) and all(p.read_text() == "keep\n" for p in folder.iterdir())


# -- 1. the watcher -----------------------------------------------------------------


@needs_posix
@pytest.mark.parametrize("link", [".skillcycle", ".skillcycle/watch", ".skillcycle/watch/cookies"])
def test_watch_refuses_a_linked_folder_and_deletes_nothing_through_it(repo: Path, victim: Path, link: str) -> None:
    (repo / link).parent.mkdir(parents=True, exist_ok=True)
    (repo / link).symlink_to(victim)
    done = run(repo, "watch", timeout=30)
    assert done.returncode == 2, done.stderr
    assert "is a symbolic link, which skillcycle does not follow" in done.stderr
    assert untouched(victim)


# -- 2. cache files written and deleted through a committed link ----------------------


@needs_posix
@pytest.mark.parametrize("link", [".skillcycle", ".skillcycle/cache"])
def test_a_linked_cache_folder_is_not_used_and_nothing_outside_changes(repo: Path, victim: Path, link: str) -> None:
    (repo / link).parent.mkdir(parents=True, exist_ok=True)
    (repo / link).symlink_to(victim)
    clean = run(repo, "gap", "--format", "json", "--as-of", AS_OF, env={"SKILLCYCLE_NO_CACHE": "1"})
    assert clean.returncode == 0 and clean.stdout, clean.stderr
    for _ in range(2):  # the second run is the one that would tidy up (delete) stale files
        done = run(repo, "gap", "--format", "json", "--as-of", AS_OF)
        assert done.returncode == 0, done.stderr
        assert done.stdout == clean.stdout
        assert done.stderr.count("running without the cache") == 1, done.stderr
    assert untouched(victim)


@needs_posix
def test_a_dangling_gitignore_link_is_not_followed(repo: Path, tmp_path: Path) -> None:
    (repo / ".skillcycle").mkdir()
    target = tmp_path / "made-through-the-link"
    (repo / ".skillcycle" / ".gitignore").symlink_to(target)
    assert run(repo, "validate", "--as-of", AS_OF).returncode == 0
    assert not target.exists()
    assert (repo / ".skillcycle" / "cache").is_dir()  # the cache itself still works


@needs_posix
def test_a_linked_cache_file_is_replaced_not_written_through(repo: Path, victim: Path) -> None:
    assert run(repo, "validate", "--as-of", AS_OF).returncode == 0
    head = repo / ".skillcycle" / "cache" / "head.bin"
    head.unlink()
    head.symlink_to(victim / "head.bin")
    assert run(repo, "validate", "--as-of", AS_OF).returncode == 0
    assert untouched(victim)
    assert not head.is_symlink()


# -- 3. reads without bound, and hangs --------------------------------------------------


@needs_posix
@pytest.mark.parametrize("plant", ["zero", "fifo", "lock-fifo", "session-fifo"])
def test_devices_and_fifos_in_the_state_folders_neither_hang_nor_read_forever(repo: Path, plant: str) -> None:
    assert run(repo, "validate", "--as-of", AS_OF).returncode == 0
    cache, watch = repo / ".skillcycle" / "cache", repo / ".skillcycle" / "watch"
    watch.mkdir()
    if plant == "zero":
        (cache / "head.bin").unlink()
        (cache / "head.bin").symlink_to("/dev/zero")
    elif plant == "fifo":
        (cache / "head.bin").unlink()
        os.mkfifo(cache / "head.bin")
    elif plant == "lock-fifo":
        os.mkfifo(watch / "lock")
    else:
        (watch / "lock").write_text("")
        os.mkfifo(watch / "session")
    started = time.monotonic()
    done = run(repo, "gap", "--as-of", AS_OF, timeout=60)  # a hang is TimeoutExpired
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 30


# -- 4. a repo's templates ---------------------------------------------------------------


@needs_posix
@pytest.mark.parametrize("how", ["file", "include", "folder"])
def test_a_repo_template_that_is_a_link_is_refused(repo: Path, tmp_path: Path, how: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-VALUE\n")
    if how == "file":
        (repo / "templates").mkdir()
        (repo / "templates" / "review-packet.md.j2").symlink_to(secret)
    elif how == "include":
        (repo / "templates").mkdir()
        (repo / "templates" / "review-packet.md.j2").write_text("{% include 'part.j2' %}\n")
        (repo / "templates" / "part.j2").symlink_to(secret)
    else:
        outside = tmp_path / "tpl"
        outside.mkdir()
        (outside / "review-packet.md.j2").write_text("SECRET-VALUE\n")
        (repo / "templates").symlink_to(outside)
    done = run(repo, "review-packet", "ada", "--as-of", AS_OF)
    assert done.returncode == 2
    assert "SECRET-VALUE" not in done.stdout + done.stderr
    assert "is a symbolic link, which skillcycle does not follow" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "template, says",
    [
        ("{% include '../../etc/passwd' %}", "no template '../../etc/passwd'"),
        ("{% include 'missing.j2' %}", "no template 'missing.j2'"),
        ("{% include 'review-packet.md.j2' %}", "includes or calls itself without end"),
        ("{{ ''.__class__.__mro__ }}", "unsafe"),
        ("{{ 'x' * 100000000 }}", "over the 10 MiB output limit"),
        ("{% for i in range(100000) %}{{ 'y' * 1000 }}{% endfor %}", "output is over the 10 MiB limit"),
        ("{% if %}", "(line 1 of review-packet.md.j2)"),
        ("{{ h.no_such_field }}", "no attribute 'no_such_field'"),
        ("\xff\xfe", "not UTF-8 text"),
    ],
)
def test_every_template_error_is_one_line_and_exit_2(repo: Path, template: str, says: str) -> None:
    (repo / "templates").mkdir()
    (repo / "templates" / "review-packet.md.j2").write_bytes(template.encode("latin-1") if template == "\xff\xfe" else template.encode())
    done = run(repo, "review-packet", "ada", "--as-of", AS_OF)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr
    assert done.stderr.startswith("skillcycle: ") and len(done.stderr.strip().splitlines()) == 1
    assert "internal error" not in done.stderr


def test_a_template_that_loops_without_output_is_stopped_in_time(monkeypatch) -> None:
    from jinja2 import DictLoader

    from skillcycle.render import packet as render

    monkeypatch.setattr(render, "MAX_SECONDS", 0.5)
    env = render.environment([DictLoader({"slow.j2": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"})])
    started = time.monotonic()
    with pytest.raises(render.TemplateProblem, match="took over 0.5 seconds"):
        render._render(env, "slow.j2")
    assert time.monotonic() - started < 5


# -- 5. live escapes ----------------------------------------------------------------------


def on_a_terminal(repo: Path, *args: str) -> bytes:
    """What a command prints when its standard output is a terminal (a pseudo-terminal)."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "skillcycle.cli", *args, "--repo", str(repo)],
        stdout=follower, stderr=follower, stdin=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "200", "TERM": "xterm"},
    )
    os.close(follower)
    out = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 1)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the follower closed: the command ended
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    else:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    os.close(leader)
    return out


ESCAPES = "\x1b[2J\x1b[31m\x9b31m"


TERMINAL_COMMANDS = [
    ["metrics"], ["metrics", "--format", "markdown"], ["metrics", "--format", "json"], ["metrics", "--quarters", "3"],
    ["gap"], ["gap", "--by", "person"], ["gap", "--by", "manager"], ["gap", "--format", "markdown"], ["gap", "--format", "csv"],
    ["gap", "--format", "json"], ["review-packet", "ada"], ["review-packet", "lin", "--format", "html"],
    ["validate", "--format", "json"], ["validate", "--format", "github"],
]


@pytest.fixture(scope="module")
def escaping_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Escapes in a name, a skill's name, a role's title, a goal's title and a check-in's notes."""
    repo = tmp_path_factory.mktemp("escapes") / "repo"
    shutil.copytree(TINY, repo, ignore=shutil.ignore_patterns(".skillcycle"))
    for rel, old in [("people/grace.yaml", "name: "), ("competencies.yaml", "name: SQL"), ("roles/analyst.yaml", "title: Analyst"),
                     ("goals/ada-2026q3.yaml", "title: Advance SQL"), ("checkins/ada-2026-07-14.yaml", "progress: Finished")]:
        text = (repo / rel).read_text()
        key, _, value = old.partition(": ")
        line = next(line for line in text.splitlines() if line.lstrip().startswith(old))
        original = line.split(": ", 1)[1]
        text = text.replace(line, line.split(": ", 1)[0] + ": " + json.dumps(original + ESCAPES), 1)
        (repo / rel).write_text(text)
    return repo


@needs_posix
@pytest.mark.parametrize("args", TERMINAL_COMMANDS, ids=[" ".join(a) for a in TERMINAL_COMMANDS])
def test_no_command_lets_an_escape_from_the_data_reach_a_terminal(escaping_repo: Path, args: list[str]) -> None:
    out = on_a_terminal(escaping_repo, *args, "--as-of", AS_OF)
    assert b"Traceback" not in out and b"internal error" not in out, out[-800:]
    if args in (["metrics"], ["gap", "--by", "person"]):  # these show a hostile text as it is
        assert b"\\x1b[2J" in out, out[-800:]  # made visible
    assert b"\x1b[2J" not in out and "\x9b".encode() not in out  # and never raw


@needs_posix
def test_findings_quoting_escapes_reach_no_terminal_raw(repo: Path) -> None:
    ada = (repo / "people" / "ada.yaml").read_text()
    (repo / "people" / "ada.yaml").write_text(ada.replace("manager: grace", f"manager: {json.dumps('grace' + ESCAPES)}"))
    out = on_a_terminal(repo, "validate", "--as-of", AS_OF)
    assert b"grace\\x1b[2J" in out, out[-500:]  # shown, as visible text
    assert b"\x1b[2J" not in out and "\x9b".encode() not in out  # (the summary's own colour is skillcycle's)


def _renamed(person_yaml: str) -> str:
    lines = [f"name: {json.dumps('Grace' + ESCAPES)}" if line.startswith("name:") else line for line in person_yaml.splitlines()]
    return "\n".join(lines) + "\n"


def test_json_outputs_escape_c1_controls(repo: Path) -> None:
    (repo / "people" / "grace.yaml").write_text(_renamed((repo / "people" / "grace.yaml").read_text()))
    for args in (["gap", "--format", "json", "--by", "manager"], ["metrics", "--format", "json"]):
        done = run(repo, *args, "--as-of", AS_OF)
        assert done.returncode == 0, done.stderr
        assert "\x9b" not in done.stdout and "\x1b" not in done.stdout
        json.loads(done.stdout)  # still JSON: the controls are \u escapes, not \x ones


# -- 6. the user's mistakes -----------------------------------------------------------------


@pytest.mark.parametrize("args, says", [
    (["metrics", "--as-of", "9999-12-31"], "--as-of 9999-12-31: skillcycle works with dates from 1900-01-01 to 9000-12-31"),
    (["metrics", "--quarter", "0001Q1", "--as-of", AS_OF], "--quarter: quarter '0001Q1' is not of a year from 1900 to 9000"),
    (["gap", "--as-of", "9999-12-31", "--horizon", "36"], "--as-of 9999-12-31"),
    (["gap", "--as-of", "2026-13-01"], "--as-of '2026-13-01' is not a date YYYY-MM-DD"),
])
def test_dates_out_of_range_are_usage_errors(repo: Path, args: list[str], says: str) -> None:
    done = run(repo, *args)
    assert done.returncode == 2, done.stderr
    assert says in done.stderr and "internal error" not in done.stderr


def test_outputs_that_cannot_be_written_are_usage_errors(repo: Path, tmp_path: Path) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    folder = run(repo, "gap", "--as-of", AS_OF, "-o", str(tmp_path))
    assert folder.returncode == 2 and "is a folder; name a file to write" in folder.stderr
    below_a_file = run(repo, "export", "--as-of", AS_OF, "--out", str(a_file / "x"))
    assert below_a_file.returncode == 2 and "Not a directory" in below_a_file.stderr, below_a_file.stderr
    assert a_file.read_text() == "x"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_a_full_disk_on_standard_output_is_one_line(repo: Path) -> None:
    for args in (["gap"], ["metrics", "--format", "json"], ["validate", "--format", "json"]):
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [sys.executable, "-m", "skillcycle.cli", *args, "--repo", str(repo), "--as-of", AS_OF],
                stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
            )
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr == "skillcycle: cannot write the output: No space left on device\n", done.stderr


def test_a_closed_pipe_ends_quietly(repo: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "skillcycle.cli", "gap", "--format", "json", "--repo", str(repo), "--as-of", AS_OF],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader is gone before the first byte
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGPIPE and err == b"", err  # as `cat` ends


# -- 7. the key folder ------------------------------------------------------------------------


@needs_posix
def test_the_key_folder_is_private(repo: Path, tmp_path: Path) -> None:
    home = tmp_path / "xdg"
    assert run(repo, "validate", "--as-of", AS_OF, env={"XDG_CACHE_HOME": str(home)}).returncode == 0
    assert (home / "skillcycle").stat().st_mode & 0o777 == 0o700
    assert (home / "skillcycle" / "cache.key").stat().st_mode & 0o777 == 0o600
    os.chmod(home / "skillcycle", 0o755)  # made by an older skillcycle
    assert run(repo, "validate", "--as-of", AS_OF, env={"XDG_CACHE_HOME": str(home)}).returncode == 0
    assert (home / "skillcycle").stat().st_mode & 0o777 == 0o700


def test_without_a_key_it_runs_without_the_cache_and_says_so_once(repo: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    done = run(repo, "gap", "--as-of", AS_OF, env={"XDG_CACHE_HOME": str(blocked)})
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("running without the cache") == 1, done.stderr
    assert not (repo / ".skillcycle" / "cache" / "head.bin").exists()


@needs_posix
@pytest.mark.skipif(shutil.which("git") is None, reason="diff reads revisions with git")
@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_diff_lets_no_escape_reach_a_terminal(escaping_repo: Path, tmp_path: Path, fmt: str) -> None:
    """`diff` printed repo text with typer.echo, past the guard: now through it, on a terminal too."""
    repo = tmp_path / "history"
    shutil.copytree(escaping_repo, repo, ignore=shutil.ignore_patterns(".skillcycle"))
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    goals = repo / "goals" / "ada-2026q3.yaml"
    goals.write_text(goals.read_text().replace("title: Ship the churn dashboard", f"title: {json.dumps('Ship' + ESCAPES)}"))
    out = on_a_terminal(repo, "diff", "HEAD", "--worktree", "--format", fmt, "--as-of", AS_OF)
    assert b"Ship" in out and b"internal error" not in out, out[-800:]
    assert b"\x1b[2J" not in out and "\x9b".encode() not in out
