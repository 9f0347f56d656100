"""Every read command on every corpus repo (and on a valid repo full of hostile
text): never a traceback, an exit code of SPEC §8, the repo unchanged, and
hostile text inert in every output format."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .corpus import CASES, TINY, build
from .test_validate_corpus import snapshot

ENV = {**os.environ, "GITHUB_ACTIONS": "", "COLUMNS": "200"}
AS_OF = "2026-08-01"


def registered_commands() -> set[str]:
    from skillcycle.cli.common import app
    import skillcycle.cli  # noqa: F401

    return {c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands} | {
        g.name for g in app.registered_groups
    }


def read_commands(out: Path) -> list[list[str]]:
    wanted = [
        ["validate"],
        ["gap"], ["gap", "--format", "json"], ["gap", "--format", "csv"], ["gap", "--format", "markdown"],
        ["gap", "--format", "html", "-o", str(out / "gap.html")],
        ["metrics"], ["metrics", "--format", "json"], ["metrics", "--format", "markdown"],
        ["metrics", "--format", "html", "-o", str(out / "metrics.html")],
        ["review-packet", "ada"], ["review-packet", "ada", "--format", "html", "-o", str(out / "ada.html"), "--force"],
        ["review-packet", "../../etc/passwd"],
        ["export", "--out", str(out / "export"), "--force"],
        ["candidates", "analyst"], ["candidates", "lead", "--format", "html", "-o", str(out / "candidates.html")],
        ["paths", "ada", "--format", "json"], ["paths", "ada", "--format", "csv"],
        ["learning"], ["learning", "--format", "html", "-o", str(out / "learning.html")],
        ["calibration", "--manager", "grace", "--format", "csv"], ["calibration", "--manager", "grace", "--format", "html", "-o", str(out / "calibration.html")],
        ["team"], ["team", "--manager", "grace", "--format", "json"], ["team", "--format", "csv"], ["team", "--format", "markdown"],
        ["team", "--manager", "grace", "--remove", "ada", "--format", "html", "-o", str(out / "team.html")],
    ]
    available = registered_commands()
    return [args for args in wanted if args[0] in available]


def run(repo: Path, args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skillcycle.cli", *args, "--repo", str(repo), "--as-of", AS_OF],
        capture_output=True, text=True, env=ENV, timeout=300,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_no_traceback_and_no_change(case, tmp_path: Path) -> None:
    repo = build(case, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    before = snapshot(repo)
    # One run per command: every command opens the repo through the same validation.
    first_of_each = {args[0]: args for args in reversed(read_commands(out))}
    for args in first_of_each.values():
        proc = run(repo, args)
        assert "Traceback" not in proc.stdout + proc.stderr, (args, proc.stderr)
        assert proc.returncode in (0, 1, 2), (args, proc.returncode, proc.stderr)
        if case.exit_code == 1:  # an invalid repo: every command refuses with the findings
            assert proc.returncode == 1 or args[0] == "review-packet" and proc.returncode == 2, (args, proc.stderr)
    assert snapshot(repo) == before


HOSTILE_NAME = '=HYPERLINK("http://evil.example","x") <script>alert(1)</script> [bold red]boss[/] \x1b[2J'


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("hostile") / "repo"
    shutil.copytree(TINY, repo)
    (repo / "people" / "ada.yaml").write_text(
        f"name: {json.dumps(HOSTILE_NAME)}\nrole: analyst\nmanager: grace\nstarted: 2024-01-15\n", encoding="utf-8"
    )
    (repo / "learning.yaml").write_text(
        "resources:\n  - id: sql-101\n    title: \"<img src=x onerror=alert(1)>\"\n    type: course\n"
        "    skills: [sql]\n    url: \"javascript:alert(document.cookie)\"\n", encoding="utf-8"
    )
    checkin = (repo / "checkins" / "ada-2026-07-14.yaml").read_text(encoding="utf-8")
    (repo / "checkins" / "ada-2026-07-14.yaml").write_text(
        checkin.replace("Finished modules 1-3.", json.dumps("<script>steal()</script> \x1b[31mred")), encoding="utf-8"
    )
    return repo


def test_hostile_text_is_inert_everywhere(hostile_repo: Path, tmp_path: Path) -> None:
    before = snapshot(hostile_repo)
    for args in read_commands(tmp_path):
        proc = run(hostile_repo, args)
        assert proc.returncode in (0, 2), (args, proc.stderr)
        assert "Traceback" not in proc.stderr
        text = proc.stdout + proc.stderr
        assert "\x1b" not in text, args  # no terminal escapes reach the terminal
        if "--format" in args and args[args.index("--format") + 1] == "csv":
            assert "<script>" not in text or "'=HYPERLINK" in text
            assert ',"=HYPERLINK' not in text and "\n=HYPERLINK" not in text
    for html in tmp_path.glob("*.html"):
        page = html.read_text(encoding="utf-8")
        assert "<script>alert(1)</script>" not in page and "<script>steal()" not in page, html.name
        assert 'href="javascript:' not in page.lower(), html.name
        assert "<img src=x" not in page, html.name
    for csv_file in (tmp_path / "export").glob("*.csv") if (tmp_path / "export").exists() else []:
        for line in csv_file.read_text(encoding="utf-8").splitlines():
            assert not any(cell.startswith(("=", '"=')) for cell in line.split(",")), (csv_file.name, line)
    assert snapshot(hostile_repo) == before
