"""The parse cache (.skillcycle/cache/) and parallel parsing: same results, always."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

import pytest
from conftest import wait_out_racy
from typer.testing import CliRunner

import skillcycle.cli  # noqa: F401  (registers the commands)
from skillcycle.fast import cache, cachefiles
from skillcycle.core import loader, sources
from skillcycle.cli.common import app

runner = CliRunner()
AS_OF = "2026-08-01"
FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = Path(__file__).parent.parent / "examples" / "acme"


def validate(repo: Path, *extra: str, env: dict | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["validate", "--repo", str(repo), "--as-of", AS_OF, *extra], env={"GITHUB_ACTIONS": "", **(env or {})})
    return result.exit_code, result.stdout


def summary(loaded: loader.Loaded) -> tuple:
    return [f.rel for f in loaded.files], [f.model for f in loaded.files], [f.doc.value for f in loaded.files], loaded.problems


def copy(source: Path, tmp_path: Path) -> Path:
    """A copy without any cache the fixture gathered from other tests' runs."""
    copied = Path(shutil.copytree(source, tmp_path / source.name, ignore=shutil.ignore_patterns(".skillcycle")))
    wait_out_racy()
    return copied


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return copy(FIXTURES / "tiny", tmp_path)


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The rel path of every file actually parsed (not served by the cache)."""
    seen: list[str] = []
    original = sources.parse_into

    def counting(source, raw):
        seen.append(source.rel)
        return original(source, raw)

    monkeypatch.setattr(sources, "parse_into", counting)
    return seen


def test_warm_run_parses_nothing_and_an_edit_is_seen(tiny: Path, parses: list[str]) -> None:
    cold = loader.load(tiny, read=cache.reader(True))
    assert len(parses) == len(cold.files)
    assert (tiny / ".skillcycle" / ".gitignore").read_text() == "*\n"
    parses.clear()
    assert summary(loader.load(tiny, read=cache.reader(True))) == summary(cold)
    assert parses == []

    person = tiny / "people" / "ada.yaml"
    person.write_text(person.read_text().replace("name: Ada", "name: Adah"))
    warm = loader.load(tiny, read=cache.reader(True))
    assert parses == ["people/ada.yaml"]
    assert next(f for f in warm.files if f.rel == "people/ada.yaml").model.name.startswith("Adah")


def test_touch_without_change_is_a_hash_hit(tiny: Path, parses: list[str]) -> None:
    cold = loader.load(tiny, read=cache.reader(True))
    parses.clear()
    person = tiny / "people" / "ada.yaml"
    info = person.stat()
    os.utime(person, ns=(info.st_atime_ns, info.st_mtime_ns + 10**9))
    assert summary(loader.load(tiny, read=cache.reader(True))) == summary(cold)
    assert parses == []


def test_garbage_cache_is_rebuilt_with_the_same_result(tiny: Path, parses: list[str]) -> None:
    cold = loader.load(tiny, read=cache.reader(True))
    shards = sorted((tiny / cachefiles.CACHE_DIR).iterdir())
    assert shards
    for i, shard in enumerate(shards):  # garbage, a torn write, and a valid header over a bad payload
        data = shard.read_bytes()
        shard.write_bytes([b"\x80\x04garbage", data[: len(data) // 2], data[:-3] + b"xyz"][i % 3])
    parses.clear()
    assert summary(loader.load(tiny, read=cache.reader(True))) == summary(cold)
    assert sorted(parses) == sorted(f.rel for f in cold.files)
    parses.clear()
    assert summary(loader.load(tiny, read=cache.reader(True))) == summary(cold)
    assert parses == []


def test_another_code_version_invalidates(tiny: Path, parses: list[str], monkeypatch) -> None:
    cold = loader.load(tiny, read=cache.reader(True))
    parses.clear()
    monkeypatch.setattr(cache, "_code_version", lambda: b"\0" * 16)
    assert summary(loader.load(tiny, read=cache.reader(True))) == summary(cold)
    assert len(parses) == len(cold.files)


def _validate_in_child(repo: str, queue) -> None:
    queue.put(summary(loader.load(Path(repo), read=cache.reader(True)))[3])


def test_two_processes_at_once(tmp_path: Path, parses: list[str]) -> None:
    repo = copy(EXAMPLE, tmp_path)
    expected = loader.load(repo).problems
    queue = multiprocessing.get_context("spawn").Queue()
    children = [multiprocessing.get_context("spawn").Process(target=_validate_in_child, args=(str(repo), queue)) for _ in range(2)]
    for child in children:
        child.start()
    results = [queue.get(timeout=120) for _ in children]
    for child in children:
        child.join(timeout=120)
        assert child.exitcode == 0
    assert results == [expected, expected]
    parses.clear()
    assert loader.load(repo, read=cache.reader(True)).problems == expected
    assert parses == []  # the cache the two left behind is whole and complete


@pytest.mark.parametrize("how", [("--no-cache",), ()])
def test_no_cache_writes_nothing(tiny: Path, how: tuple[str, ...]) -> None:
    code, _ = validate(tiny, *how, env={} if how else {"SKILLCYCLE_NO_CACHE": "1"})
    assert code == 0
    assert not (tiny / ".skillcycle").exists()


def test_unwritable_cache_folder_runs_without_cache(tiny: Path) -> None:
    (tiny / ".skillcycle").write_text("not a folder")
    assert validate(tiny) == validate(tiny, "--no-cache")
    assert (tiny / ".skillcycle").read_text() == "not a folder"


@pytest.mark.parametrize("source", [FIXTURES / "tiny", FIXTURES / "broken-values", EXAMPLE], ids=["tiny", "broken-values", "acme"])
def test_same_output_with_and_without_cache(tmp_path: Path, source: Path) -> None:
    repo = copy(source, tmp_path)
    uncached = validate(repo, "--no-cache")
    assert validate(repo) == uncached  # cold: fills the cache
    assert validate(repo) == uncached  # warm: every clean file from the cache, positions read again


def test_parallel_parsing_gives_the_same_files_in_order(monkeypatch, tmp_path: Path) -> None:
    repo = copy(EXAMPLE, tmp_path)
    (repo / "people" / "zz-broken.yaml").write_text("name: [unclosed\n")
    # parses, but fails its schema: workers do not validate, so the main process reads it again
    (repo / "people" / "zz-wrong.yaml").write_text("name: Zed\nrole: [analyst]\nmanager: grace\ncolour: blue\n")
    sequential = loader.load(repo, read=cache.reader())  # fewer files than PARALLEL_MIN
    assert {p.code for p in sequential.problems if p.file == "people/zz-wrong.yaml"} == {"S001", "S003"}
    plain = loader.load(repo)  # the domain's own reader: each file in turn, every position kept
    assert plain.problems == sequential.problems and [f.model for f in plain.files] == [f.model for f in sequential.files]
    monkeypatch.setattr(cache, "PARALLEL_MIN", 0)
    monkeypatch.setattr(cache, "_CHUNK_FILES", 7)
    monkeypatch.setattr(cache, "_AHEAD", 1)  # far more tasks than are let in flight at once
    assert summary(loader.load(repo, read=cache.reader())) == summary(sequential)
    assert summary(loader.load(repo, read=cache.reader(True))) == summary(sequential)
    monkeypatch.setattr(cache, "_CHUNK_BYTES", 1)  # a task per file
    assert summary(loader.load(repo, read=cache.reader())) == summary(sequential)


@pytest.mark.parametrize("workers", [False, True])
def test_a_consumer_sees_every_file_in_path_order_and_keeps_what_it_returns(workers: bool, parses: list[str], monkeypatch, tmp_path: Path) -> None:
    """Cached files (hits) and parsed ones (misses) come interleaved, in path order, so a
    consumer can build read-order tables as files come and let their models go."""
    repo = copy(EXAMPLE, tmp_path)
    loader.load(repo, read=cache.reader(True))  # every file cached
    changed = sorted(str(p.relative_to(repo)) for p in (repo / "checkins").rglob("*.yaml"))[::5]
    for rel in changed:
        (repo / rel).write_text((repo / rel).read_text() + "# changed\n")
    (repo / "people" / "zz-broken.yaml").write_text("name: [unclosed\n")
    if workers:  # parsed in worker processes (where `parses` cannot count), a few files a task
        monkeypatch.setattr(cache, "PARALLEL_MIN", 0)
        monkeypatch.setattr(cache, "_CHUNK_FILES", 3)
    seen: list[str] = []

    def consume(file):
        seen.append(file.rel)
        return file if file.kind == "people" else None

    parses.clear()
    loaded = loader.load(repo, read=cache.reader(True), consume=consume)
    if not workers:
        assert sorted(parses) == sorted(changed + ["people/zz-broken.yaml"])  # the rest came from the cache
    assert seen == sorted(seen) and len(seen) == loaded.read == len(loader.load(repo).files)
    assert [f.rel for f in loaded.files] == [rel for rel in seen if rel.startswith("people/")]
    assert summary(loaded) == summary(loader.load(repo, read=cache.reader(), consume=consume))


def test_shards_are_let_go_as_their_folders_are_read_and_keep_every_listed_file(tiny: Path, parses: list[str], monkeypatch) -> None:
    """Entries come sorted by path, so a folder's shard is written and forgotten as soon as its
    files are read (memory); the top folder's files are not together ('competencies.yaml' <
    'completions/' < 'learning.yaml'), and must keep their entries all the same."""
    loader.load(tiny, read=cache.reader(True))
    held: list[int] = []
    release = cache.Store.release

    def counting(self, folder):
        held.append(len(self.shards))
        release(self, folder)

    monkeypatch.setattr(cache.Store, "release", counting)
    (tiny / "people" / "lin.yaml").unlink()
    parses.clear()
    loader.load(tiny, read=cache.reader(True))
    assert parses == [] and max(held) <= 2
    monkeypatch.undo()
    shards = [cache._read_shard(path.read_bytes(), cache._code_version()) for path in (tiny / ".skillcycle" / "cache").glob("*.bin")]
    cached = sorted(rel for shard in shards for rel in shard)
    assert cached == sorted(str(p.relative_to(tiny)) for p in tiny.rglob("*.yaml") if ".skillcycle" not in p.parts)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_hashing_a_file_swapped_for_a_fifo_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    import subprocess
    import sys

    os.mkfifo(tmp_path / "pipe.yaml")
    code = f"import pathlib; from skillcycle.fast import cachefiles; print(cachefiles.hash_files(pathlib.Path({str(tmp_path)!r}), ['pipe.yaml']))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)  # blocked: TimeoutExpired
    assert done.returncode == 0, done.stderr


def test_a_few_files_of_a_big_folder_are_parsed_rather_than_read_from_its_shard(tmp_path: Path, parses: list[str], monkeypatch) -> None:
    acme = copy(EXAMPLE, tmp_path)
    cold = loader.load(acme, read=cache.reader(True))
    checkins = sorted(f.rel for f in cold.files if f.rel.startswith("checkins/2026-07/"))
    people = sorted(f.rel for f in cold.files if f.rel.startswith("people/engineering/"))
    shard_bytes = (acme / ".skillcycle" / "cache" / cache.Store(acme, None)._name("checkins/2026-07")).stat().st_size
    one_checkin = (acme / checkins[0]).stat().st_size
    # acme's folders are small: a ratio between "one check-in of the month" and "all of them"
    worth = shard_bytes // one_checkin // 2
    assert shard_bytes / sum((acme / rel).stat().st_size for rel in checkins) < worth < shard_bytes / one_checkin
    monkeypatch.setattr(cache, "SHARD_WORTH", worth)
    read: list[str] = []
    read_shard = cache.Store._read
    monkeypatch.setattr(cache.Store, "_read", lambda store, name: read.append(name) or read_shard(store, name))
    parses.clear()
    wanted = [checkins[0], *people]
    narrow = loader.load(acme, read=cache.reader(True), only=wanted)
    assert parses == [checkins[0]]  # the people folder's shard is worth reading: all its files are wanted
    assert read == [cache.Store(acme, None)._name("people/engineering")]
    assert summary(narrow)[:3] == summary(loader.Loaded(acme, [f for f in cold.files if f.rel in wanted]))[:3]
    parses.clear()
    loader.load(acme, read=cache.reader(True), only=checkins)  # every file of the folder: its shard again
    assert parses == []


def test_a_payload_over_the_one_shot_limit_is_sealed_in_pieces_to_the_same_mac(monkeypatch) -> None:
    """OpenSSL's one-shot HMAC refuses 2 GiB and more (a 100k-person ratings table); sealed in
    pieces, the MAC must be the one the whole payload gets, so files stay readable either way."""
    payload = bytes(range(256)) * 40
    whole = cachefiles.seal(payload)
    assert whole is not None
    monkeypatch.setattr(cachefiles, "SEAL_PIECE", 1000)  # ten full pieces and a short one
    assert cachefiles.seal(payload) == cachefiles.seal(memoryview(payload)) == whole
    assert cachefiles.seal(payload[:-1]) != whole
