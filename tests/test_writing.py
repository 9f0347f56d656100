"""Writing outputs: all files or none, never half a file, with the mode the umask gives."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from skillcycle.core import atomic


def test_several_files_are_written_with_their_folders(tmp_path: Path) -> None:
    files = {tmp_path / "a.txt": b"a", tmp_path / "deep" / "er" / "b.txt": b"b"}
    atomic.replace_files(files, mode=atomic.NEW_FILE_MODE)
    assert {p: p.read_bytes() for p in files} == files
    assert stat.S_IMODE((tmp_path / "a.txt").stat().st_mode) == 0o666 & ~_umask()


def test_a_failure_on_the_last_file_leaves_nothing_written_and_no_folder_made(tmp_path: Path, disk_full_on) -> None:
    (tmp_path / "kept.txt").write_bytes(b"old")
    disk_full_on("last.txt")
    with pytest.raises(OSError) as raised:
        atomic.replace_files({tmp_path / "kept.txt": b"new", tmp_path / "new" / "first.txt": b"1", tmp_path / "new" / "sub" / "last.txt": b"2"})
    assert raised.value.filename == str(tmp_path / "new" / "sub" / "last.txt")
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["kept.txt"]
    assert (tmp_path / "kept.txt").read_bytes() == b"old"


def test_the_cache_keeps_its_files_private(tmp_path: Path) -> None:
    atomic.replace_file(tmp_path / "x.bin", b"x")
    assert stat.S_IMODE((tmp_path / "x.bin").stat().st_mode) == 0o600


def test_temporary_files_name_their_writer(tmp_path: Path) -> None:
    assert atomic.writer_gone(".head.bin.999999999.k3j_x.tmp")
    assert not atomic.writer_gone(f".head.bin.{os.getpid()}.k3j_x.tmp")
    assert not atomic.writer_gone("head.bin") and not atomic.writer_gone(".gitignore") and not atomic.writer_gone(".x.notapid.y.tmp")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_files_written_for_the_user_honour_the_umask(tmp_path: Path) -> None:
    """`init`, imports, exports and -o outputs: 0644 under umask 022, 0664 under 002 (not mkstemp's 0600)."""
    import subprocess
    import sys

    for mask in (0o022, 0o002):
        target = tmp_path / f"repo-{mask:o}"
        done = subprocess.run(
            [sys.executable, "-c", f"import os, sys; os.umask({mask}); sys.argv = ['skillcycle', 'init', {str(target)!r}]; "
             "from skillcycle.cli import main; main()"],
            capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 0, done.stderr
        modes = {stat.S_IMODE(p.stat().st_mode) for p in target.rglob("*.yaml")}
        assert modes == {0o666 & ~mask}, (mask, modes)
