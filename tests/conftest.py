"""Shared fixtures: paths of the bundled fixture repos and a copy-to-tmp helper."""

from __future__ import annotations

import shutil
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
