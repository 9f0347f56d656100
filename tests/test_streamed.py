"""A full validation that lets each file's model go once its rows are taken
(validate.validate_streamed, what `validate` runs on a cold or --no-cache read)
must answer exactly as validating a load that keeps every model."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from skillcycle.core import facts, schema
from skillcycle.core.loader import load
from skillcycle.core.sources import DirectorySource
from skillcycle.core.repo import PER_FILE, TABLES
from skillcycle.validation.validate import validate_loaded, validate_path, validate_streamed

from test_snapshot import DATES, FIXTURES, FUTURE_RATING, ROOT, copy, problems

FIXTURE_NAMES = ["tiny", "gap-basic", "metrics-fy7", "packet-basic", "packet-flags", "packet-hostile", "broken-types", "broken-values", "acme"]


def repo_of(name: str, tmp_path: Path) -> Path:
    root = copy(ROOT / "examples" / "acme" if name == "acme" else FIXTURES / name, tmp_path)
    if name == "tiny":  # a rating with its own future date, beside batch-dated ones (C009 twice)
        (root / "assessments" / "2026q3.yaml").write_text(FUTURE_RATING)
    return root


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_streamed_validation_answers_as_a_full_load(name: str, tmp_path: Path) -> None:
    root = repo_of(name, tmp_path)
    loaded = load(root)
    for as_of, today in DATES:
        full = validate_loaded(loaded, as_of, today)
        streamed = validate_path(root, as_of, today)
        assert problems(streamed) == problems(full)
        assert streamed.counts == full.counts
        assert [(p.file, p.line, p.code) for p in streamed.static] == [(p.file, p.line, p.code) for p in full.static]
        for table in ("defines", "refs", "managers", "goal_files", "goal_ids", "notes"):
            pd.testing.assert_frame_equal(getattr(streamed.index, table), getattr(full.index, table), check_exact=True)
        assert (streamed.repo is None) == (full.repo is None)
        if full.repo is None:
            continue
        mine, theirs = streamed.repo, full.repo
        for table in TABLES:
            pd.testing.assert_frame_equal(getattr(mine, table), getattr(theirs, table), check_exact=True)
        for name_ in ("settings", "skills", "resources", "roles", "people", "openings", "person_files", "completion_files", "file_count"):
            assert getattr(mine, name_) == getattr(theirs, name_), name_
        assert not set(PER_FILE) & set(mine.__dict__)  # let go, and read again on first use:
        for name_ in PER_FILE:
            assert getattr(mine, name_) == getattr(theirs, name_), name_


def test_the_fixtures_cover_valid_and_invalid_repos(tmp_path: Path) -> None:
    """Guards the test above: some fixtures are valid and some are not."""
    valid = {name: validate_path(repo_of(name, tmp_path / name), *DATES[0]).ok for name in FIXTURE_NAMES}
    assert valid["acme"] and valid["tiny"] and not valid["broken-types"] and not valid["broken-values"]


def _growing_models() -> int:
    """Live models of the files that grow with time (gc-tracked, frozen ones included)."""
    gc.unfreeze()
    gc.collect()
    kinds = (schema.AssessmentBatch, schema.GoalFile, schema.Checkin, schema.ReviewBatch, schema.CompletionBatch)
    return sum(isinstance(obj, kinds) for obj in gc.get_objects())


def test_no_model_of_a_growing_kind_is_held_once_the_files_are_read(tmp_path: Path, monkeypatch) -> None:
    """Counted right after the load, while validate_streamed still holds what it kept."""
    root = repo_of("acme", tmp_path)
    counted: list[int] = []
    ratings = facts.TableRows.ratings
    monkeypatch.setattr(facts.TableRows, "ratings", lambda self: (counted.append(_growing_models()), ratings(self))[1])
    before = _growing_models()
    validation = validate_streamed(DirectorySource(root), date(2026, 11, 20), date(2026, 11, 20))
    assert validation.ok and len(validation.repo.ratings) > 1000
    assert counted == [before]
    kept = load(root)  # the count sees them when they are kept: one per file of those kinds
    growing = sum(f.kind in ("assessments", "goals", "checkins", "reviews", "completions") for f in kept.files)
    assert growing > 500 and _growing_models() == before + growing


def test_a_no_cache_repo_reads_its_lists_again_without_the_cache(tmp_path: Path) -> None:
    root = repo_of("tiny", tmp_path)
    repo = validate_path(root, date(2026, 11, 20), date(2026, 11, 20)).repo
    assert repo.checkins and not (root / ".skillcycle").exists()
