"""Shared fixtures: paths of the bundled fixture repos and a copy-to-tmp helper."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).parent.parent
EXAMPLE = PROJECT / "examples" / "acme"


def _drop_caches() -> None:
    for cache in [*FIXTURES.glob("*/.skillcycle"), *(PROJECT / "examples").glob("*/.skillcycle")]:
        shutil.rmtree(cache, ignore_errors=True)


@pytest.fixture(scope="session", autouse=True)
def fixtures_without_caches():
    """CLI tests run on the fixture repos themselves, and a run writes its cache there: no run
    of the suite starts from (or leaves behind) what another left."""
    _drop_caches()
    yield
    _drop_caches()


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A writable copy of tests/fixtures/tiny, a small valid repo."""
    target = tmp_path / "tiny"
    shutil.copytree(FIXTURES / "tiny", target, ignore=shutil.ignore_patterns(".skillcycle"))
    return target


# A file changed within RACY_NS of a run is hashed again by the next one (cachefiles.RACY_NS,
# 2 s): its "changed" time includes the ctime, which a test cannot set back as it sets mtimes.
# In-process runs here use a 0.2 s window, and `wait_out_racy()` lets a test's files age past it.
RACY_IN_TESTS = 200_000_000


@pytest.fixture(autouse=True)
def short_racy_window(monkeypatch):
    from skillcycle.fast import cache, cachefiles

    monkeypatch.setattr(cachefiles, "RACY_NS", RACY_IN_TESTS)
    monkeypatch.setattr(cache, "RACY_NS", RACY_IN_TESTS)


def wait_out_racy() -> None:
    """Until every file changed so far is older than the tests' racy window."""
    time.sleep(RACY_IN_TESTS / 1e9 + 0.05)


@pytest.fixture
def disk_full_on(monkeypatch):
    """`disk_full_on(name)`: from then on, writing a file called `name` fails as on a full disk."""
    from skillcycle.core import atomic

    real_stage = atomic._stage

    def arrange(name: str) -> None:
        def stage(path, parts, mode):
            if path.name == name:
                raise OSError(28, "No space left on device")
            return real_stage(path, parts, mode)

        monkeypatch.setattr(atomic, "_stage", stage)

    return arrange
