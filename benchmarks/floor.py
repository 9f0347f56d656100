#!/usr/bin/env python3
"""The YAML parse floor of a skills repo: the least any loader can spend.

    python3 benchmarks/floor.py REPO

Walks every *.yaml / *.yml file under REPO and parses each with PyYAML's
libyaml-backed CSafeLoader, keeping nothing. skillcycle has to do at least
this much (plus line/column tracking, checks and computation), so its timings
are read against this number. Prints file count, bytes, wall seconds, CPU
seconds and peak RSS in total, and files, bytes and CPU seconds per top-level
folder. Rates are per CPU second: the machines this runs on are shared, and
wall time grows with other load while CPU time barely does.
"""

from __future__ import annotations

import os
import resource
import sys
import time

import yaml


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not os.path.isdir(argv[0]):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    if not yaml.__with_libyaml__:  # the pure-Python parser is ~10x slower: not a floor
        print("PyYAML was built without libyaml: CSafeLoader is unavailable", file=sys.stderr)
        return 2
    root = argv[0]
    per_folder: dict[str, list[float]] = {}  # top-level folder -> [files, bytes, CPU seconds]
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    for folder, dirs, files in os.walk(root):
        dirs.sort()  # a stable order, so two runs do the same work in the same order
        top = os.path.relpath(folder, root).split(os.sep, 1)[0]
        stat = per_folder.setdefault(top, [0, 0, 0.0])
        for name in sorted(files):
            if not name.endswith((".yaml", ".yml")):
                continue
            start = time.process_time()
            with open(os.path.join(folder, name), "rb") as f:
                yaml.load(f, Loader=yaml.CSafeLoader)
                stat[1] += f.tell()
            stat[0] += 1
            stat[2] += time.process_time() - start
    seconds = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - usage0.ru_utime - usage0.ru_stime
    peak_mib = usage.ru_maxrss / 1024  # Linux reports KiB

    files = sum(s[0] for s in per_folder.values())
    size = sum(s[1] for s in per_folder.values())
    print(f"{root}: {files} files, {size} bytes ({size / 2**20:.1f} MiB), {seconds:.2f} s wall, "
          f"{cpu:.2f} s CPU, {files / cpu:.0f} files/CPU-s, {size / 2**20 / cpu:.2f} MiB/CPU-s, "
          f"peak RSS {peak_mib:.0f} MiB")
    for top, (n, b, s) in sorted(per_folder.items()):
        if n:
            print(f"  {top:<12} {n:>9} files {b / 2**20:>9.1f} MiB {s:>9.2f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
