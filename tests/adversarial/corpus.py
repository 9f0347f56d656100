"""The hostile and broken repos of docs/security.md, each built from the tiny fixture.

Each case writes its hostile files into a fresh copy and states the exact outcome
of `skillcycle validate`: exit code and the (file, code, line) findings expected.
Files too big or too odd to commit (50 MB, FIFOs, symlinks, unreadable) are made here.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

TINY = Path(__file__).parents[1] / "fixtures" / "tiny"
ADA = "people/ada.yaml"


def _write(rel: str, content: bytes | str) -> Callable[[Path], None]:
    def apply(repo: Path) -> None:
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.exists():
            target.unlink()
        target.write_bytes(content.encode() if isinstance(content, str) else content)
    return apply


def _alias_bomb() -> bytes:
    lines = [b"name: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [b"a%d: &a%d [" % (i, i) + b", ".join([b"*a%d" % (i - 1)] * 10) + b"]" for i in range(1, 9)]
    return b"\n".join(lines) + b"\n"


def _big_file(repo: Path) -> None:
    with open(repo / ADA, "wb") as handle:
        handle.write(b"name: Ada\nrole: analyst\nmanager: grace\nemail: '")
        handle.write(b"x" * (50 * 1024 * 1024))
        handle.write(b"'\n")


def _symlink_outside(repo: Path) -> None:
    outside = repo.parent / "outside.yaml"
    outside.write_text("name: Eve\nrole: analyst\nmanager: grace\n")
    (repo / "people" / "eve.yaml").symlink_to(outside)


def _symlink_loop(repo: Path) -> None:
    (repo / "people" / "loop").symlink_to(repo / "people")
    (repo / "people" / "self.yaml").symlink_to(repo / "people" / "self.yaml")


def _fifo(repo: Path) -> None:
    os.mkfifo(repo / "people" / "pipe.yaml")


@dataclass
class Case:
    name: str
    apply: Callable[[Path], None]
    exit_code: int
    findings: list[tuple[str, str, int]] = field(default_factory=list)  # (file, code, line); [] = none expected
    what_the_tool_does: str = ""


CASES = [
    Case("alias-bomb", _write(ADA, _alias_bomb()), 1, [(ADA, "Y004", 1)], "refused at the first anchor; nothing is expanded"),
    Case("self-alias", _write(ADA, "name: &a [*a]\nrole: analyst\n"), 1, [(ADA, "Y004", 1)], "refused at the anchor"),
    Case("deep-nesting", _write(ADA, "name: " + "[" * 10_000 + "]" * 10_000 + "\n"), 1, [(ADA, "Y010", 1)], "refused past 64 levels, no recursion error"),
    Case("50mb-file", _big_file, 1, [(ADA, "Y009", 1)], "refused by size (over 10 MiB) before reading"),
    Case("binary", _write(ADA, bytes(range(256)) * 4), 1, [(ADA, "Y006", 1)], "reported as not UTF-8 text"),
    Case("utf8-bom", _write(ADA, b"\xef\xbb\xbfname: Ada\nrole: analyst\nmanager: grace\n"), 0, [], "accepted: a BOM is still UTF-8"),
    Case("crlf", _write(ADA, b"name: Ada\r\nrole: analyts\r\nmanager: grace\r\n"), 1, [(ADA, "R002", 2)], "accepted; positions count CRLF as one line end"),
    Case("utf16", _write(ADA, "name: Ada\nrole: analyst\n".encode("utf-16")), 1, [(ADA, "Y006", 1)], "reported: save as UTF-8"),
    Case("symlink-outside", _symlink_outside, 1, [("people/eve.yaml", "Y009", 1)], "reported, never followed"),
    Case("symlink-loop", _symlink_loop, 1, [("people/loop", "Y009", 1), ("people/self.yaml", "Y009", 1)], "reported, never followed"),
    Case("fifo", _fifo, 1, [("people/pipe.yaml", "Y009", 1)], "reported as not a regular file; never opened"),
    Case("name-with-spaces", _write("people/José María.yaml", "name: José María\nrole: analyst\nmanager: grace\n"), 1,
         [("people/José María.yaml", "S006", 1)], "file names must be ids; a slug is suggested"),
    Case("non-ascii-name-field", _write(ADA, "name: Ada Łovelace-Ñúñez 李\nrole: analyst\nmanager: grace\n"), 0, [], "names are free text"),
    Case("path-traversal-id", _write(ADA, "name: Ada\nrole: analyst\nmanager: ../../etc/passwd\n"), 1, [(ADA, "S006", 3)], "not an id: never used as a path"),
    Case("rich-markup-and-ansi", _write(ADA, 'name: "[bold red]boss[/] \\e[2J\\e[31m"\nrole: "[link=x]\\e[2J"\nmanager: grace\n'), 1,
         [(ADA, "S006", 2)], "printed literally: markup not rendered, control characters shown escaped"),
]


def build(case: Case, where: Path) -> Path:
    repo = where / "repo"
    shutil.copytree(TINY, repo)
    case.apply(repo)
    return repo
