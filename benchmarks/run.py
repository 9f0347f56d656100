#!/usr/bin/env python3
"""Time skillcycle against the parse floor on generated repos, side by side.

    python3 benchmarks/run.py REPO [REPO ...] [--lint] [--watch] [--skip floor,one-core,...]

For each REPO (from make_org.py) runs, as separate processes: the floor
(floor.py), `validate --no-cache` (on all cores, then on one: parallel
parsing off), validate cold (cache folder deleted first), warm (nothing
changed: the snapshot answers), warm on another --as-of (the dated checks
computed again from the snapshot's tables), gap, metrics and one review-packet
warm, then validate after touching one people file, after editing one and
then a check-in too (each followed by a 2.1 s pause, as a person would take:
files changed in the last 2 s are never snapshotted), gap after those edits,
warm again, and after touching every file (a fresh
checkout with the cache restored, as on a CI machine); with --lint check-jsonschema
(with schemas/) and yamllint on the same files. Prints one Markdown row per
run: wall and CPU seconds, the ratio of CPU to the floor's CPU, and peak RSS
(of the process and the workers it waited for, from wait4). The files are read
once before timing so every run starts with them in the page cache.
--watch runs `skillcycle watch` on each repo meanwhile, so that the
commands list only the folders it saw change instead of walking the repo.
--skip leaves out runs by key (floor, no-cache, one-core, cold, warm, as-of,
gap, gap-again, metrics, metrics-again, packet, touched, edited, edited-checkin, gap-edited, rewarm, checkout): a 10k repo
takes minutes per run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
AS_OF = "2026-12-31"
OTHER_AS_OF = "2026-11-30"


def timed(argv: list[str], env: dict | None = None) -> tuple[float, float, float, int]:
    """(wall s, CPU s, peak RSS MiB, exit code) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def yaml_files(repo: Path) -> list[str]:
    return sorted(str(p) for p in repo.rglob("*.y*ml") if ".skillcycle" not in p.parts)


def runs(repo: Path, lint: bool, skip: set[str]) -> list[tuple[str, list[str], dict | None, object]]:
    """(label, argv, extra env, what to do before) for every run on repo not in skip."""
    cli = [sys.executable, "-m", "skillcycle.cli"]
    at = ["--repo", str(repo), "--as-of", AS_OF]
    person = sorted((repo / "people").rglob("*.yaml"))[len(list((repo / "people").rglob("*.yaml"))) // 2]

    def clear() -> None:  # the cache; a watcher's journal (.skillcycle/watch) is left to it
        shutil.rmtree(repo / ".skillcycle" / "cache", ignore_errors=True)

    def touch() -> None:
        os.utime(person)
        time.sleep(2.1)

    def checkout() -> None:  # every file a new mtime, the same bytes: a CI machine with the cache restored
        now = time.time()
        for path in yaml_files(repo):
            os.utime(path, (now, now))
        time.sleep(2.1)

    def edit(path: Path = person) -> None:  # a comment: a new hash, the same data
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"# benchmark edit {time.time()}\n")
        time.sleep(2.1)

    checkins = sorted((repo / "checkins").iterdir())[-1]
    checkin = sorted(checkins.glob("*.yaml"))[len(list(checkins.glob("*.yaml"))) // 2]

    planned = [
        (label, args, env, before) for key, label, args, env, before in [
            ("floor", "floor (CSafeLoader)", [sys.executable, str(HERE / "floor.py"), str(repo)], None, None),
            ("no-cache", "validate --no-cache", cli + ["validate", "--no-cache", *at], None, None),
            ("one-core", "validate --no-cache, 1 core (taskset)", ["taskset", "-c", "0", *cli, "validate", "--no-cache", *at], None, None),
            ("cold", "validate cold (cache written)", cli + ["validate", *at], None, clear),
            ("warm", "validate warm", cli + ["validate", *at], None, None),
            ("as-of", "validate warm, another --as-of", cli + ["validate", *at[:-1], OTHER_AS_OF], None, None),
            ("gap", "gap warm", cli + ["gap", *at], None, None),
            ("gap-again", "gap warm again (what it printed remembered)", cli + ["gap", *at], None, None),
            ("metrics", "metrics warm", cli + ["metrics", *at], None, None),
            ("metrics-again", "metrics warm again (its report remembered)", cli + ["metrics", *at], None, None),
            ("packet", "review-packet warm", cli + ["review-packet", person.stem, *at], None, None),
            ("touched", "validate, one file touched", cli + ["validate", *at], None, touch),
            ("edited", "validate, one file edited", cli + ["validate", *at], None, edit),
            ("edited-checkin", "validate, one check-in edited too", cli + ["validate", *at], None, lambda: edit(checkin)),
            ("gap-edited", "gap, after those edits (makes them the base)", cli + ["gap", *at], None, None),
            ("rewarm", "validate warm again", cli + ["validate", *at], None, None),
            ("checkout", "validate, every file touched (a checkout)", cli + ["validate", *at], None, checkout),
        ] if key not in skip
    ]
    if lint:
        files = yaml_files(repo)
        schemas = {p.name.split(".")[0]: p for p in (HERE.parent / "schemas").glob("*.schema.json")}
        for kind, schema in sorted(schemas.items()):
            kind_files = [f for f in files if Path(f).relative_to(repo).parts[0].split(".")[0] == kind]
            if kind_files:
                planned.append((f"check-jsonschema {kind}", ["check-jsonschema", "--schemafile", str(schema), *kind_files], None, None))
        planned.append(("yamllint", ["yamllint", "-d", "relaxed", "-s", str(repo)], None, None))
    return planned


def main(argv: list[str]) -> int:
    lint, watching = "--lint" in argv, "--watch" in argv
    skip = set(argv[argv.index("--skip") + 1].split(",")) if "--skip" in argv else set()
    repos = [Path(a) for a in argv if not a.startswith("--") and not (skip and a == argv[argv.index("--skip") + 1])]
    if not repos or not all(r.is_dir() for r in repos):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    print("| repo | run | wall s | CPU s | CPU / floor CPU | peak RSS MiB | exit |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for repo in repos:
        subprocess.run(["find", str(repo), "-type", "f", "-exec", "cat", "{}", "+"], stdout=subprocess.DEVNULL, check=True)
        floor_cpu = None
        checks = {}
        watcher = watch(repo) if watching else None
        if watcher is not None:  # the listing the runs start from, taken at a mark of the watcher's
            wall, cpu, rss, code = timed([sys.executable, "-m", "skillcycle.cli", "validate", "--repo", str(repo), "--as-of", AS_OF])
            print(f"| {repo.name} | validate, first with the watcher (walks) | {wall:.2f} | {cpu:.2f} | — | {rss:.0f} | {code} |", flush=True)
        for label, args, env, before in runs(repo, lint, skip):
            if before:
                before()
            wall, cpu, rss, code = timed(args, env)
            if label.startswith("check-jsonschema"):  # one row for all kinds
                total = checks.setdefault("sum", [0.0, 0.0, 0.0, 0])
                total[0] += wall
                total[1] += cpu
                total[2] = max(total[2], rss)
                total[3] = max(total[3], code)
                continue
            floor_cpu = floor_cpu or (cpu if label.startswith("floor") else None)
            ratio = f"{cpu / floor_cpu:.2f}" if floor_cpu else "—"
            print(f"| {repo.name} | {label} | {wall:.2f} | {cpu:.2f} | {ratio} | {rss:.0f} | {code} |", flush=True)
        if checks:
            wall, cpu, rss, code = checks["sum"]
            ratio = f"{cpu / floor_cpu:.2f}" if floor_cpu else "—"
            print(f"| {repo.name} | check-jsonschema (all kinds) | {wall:.2f} | {cpu:.2f} | {ratio} | {rss:.0f} | {code} |", flush=True)
        if watcher is not None:
            watcher.terminate()
            watcher.wait()
    return 0


def watch(repo: Path) -> subprocess.Popen:
    """`skillcycle watch` on repo, once it is watching (its session file written)."""
    session = repo / ".skillcycle" / "watch" / "session"
    session.unlink(missing_ok=True)
    watcher = subprocess.Popen([sys.executable, "-m", "skillcycle.cli", "watch", "--repo", str(repo)], stderr=subprocess.DEVNULL)
    while not session.exists():
        if watcher.poll() is not None:
            raise SystemExit(f"skillcycle watch {repo} stopped with exit code {watcher.returncode}")
        time.sleep(0.05)
    return watcher


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
