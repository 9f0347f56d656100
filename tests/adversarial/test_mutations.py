"""Property: any one-file mutation of the example repo validates without raising
(so the CLI ends in exit 0 or 1, never a traceback), and every finding points at a line that exists in the file it names.

CI runs a fixed, derandomised profile of FUZZ_EXAMPLES examples (default 40,
well under a minute); set SKILLCYCLE_FUZZ_EXAMPLES=2000 for a long run.
"""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillcycle.validation.validate import validate_path

EXAMPLE = Path(__file__).parents[2] / "examples" / "acme"
FUZZ_EXAMPLES = int(os.environ.get("SKILLCYCLE_FUZZ_EXAMPLES", "25"))
LEVEL_WORDS = ["none", "foundational", "proficient", "expert"]
ODD_VALUES = ["[1, 2]", "{a: 1}", "3.5", "yes", "''", "~", "-1", "2026-02-30", "'[bold]x\\e[2J'", "../../etc/passwd", "Expert "]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("fuzz") / "acme"
    shutil.copytree(EXAMPLE, target)
    return target


def _yaml_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.yaml"))


FILES = _yaml_files(EXAMPLE)


def mutate(raw: bytes, op: str, data: st.DataObject) -> bytes:
    lines = raw.split(b"\n")
    keyed = [i for i, line in enumerate(lines) if re.match(rb"\s*-?\s*[a-z_]+:", line)]
    if op == "truncate":
        return raw[: data.draw(st.integers(0, len(raw)))]
    if op == "insert-bytes":
        at = data.draw(st.integers(0, len(raw)))
        return raw[:at] + data.draw(st.binary(min_size=1, max_size=8)) + raw[at:]
    if not keyed:
        return raw + b"\nx: 1\n"
    i = data.draw(st.sampled_from(keyed))
    if op == "delete-key":
        del lines[i]
    elif op == "duplicate-key":
        lines.insert(i + 1, lines[i])
    elif op == "change-type":
        key, _, _ = lines[i].partition(b":")
        lines[i] = key + b": " + data.draw(st.sampled_from(ODD_VALUES)).encode()
    elif op == "swap-level":
        word = data.draw(st.sampled_from(LEVEL_WORDS + ["guru", "3.5", "yes", "Expert "])).encode()
        lines[i] = re.sub(rb"\b(none|foundational|proficient|expert)\b", word, lines[i]) if re.search(rb"(none|foundational|proficient|expert)", lines[i]) else lines[i] + b" " + word
    elif op == "rename-id":
        lines[i] = re.sub(rb":\s*([a-z0-9][a-z0-9._-]*)", rb": \1-renamed", lines[i], count=1)
    return b"\n".join(lines)


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_one_file_mutation_never_crashes_and_points_at_real_lines(repo: Path, data: st.DataObject) -> None:
    rel = data.draw(st.sampled_from(FILES))
    op = data.draw(st.sampled_from(["delete-key", "change-type", "swap-level", "truncate", "insert-bytes", "duplicate-key", "rename-id"]))
    path = repo / rel
    original = path.read_bytes()
    try:
        path.write_bytes(mutate(original, op, data))
        validation = validate_path(repo, date(2026, 11, 20), date(2026, 11, 23))
        for problem in validation.problems:
            named = repo / problem.file
            assert named.exists(), problem
            line_count = max(1, named.read_bytes().count(b"\n") + 1)
            assert 1 <= problem.line <= line_count, (problem, line_count)
            assert problem.col >= 1
    finally:
        path.write_bytes(original)
