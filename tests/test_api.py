"""The library surface (skillcycle.api): what a notebook gets, and the same answers as the CLI."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from repo_helpers import acme_copy
from typer.testing import CliRunner

import skillcycle.cli  # noqa: F401  (registers the commands)
from skillcycle import api
from skillcycle.cli.common import app
from skillcycle.render import gap as render_gap
from skillcycle.render import metrics as render_metrics

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = date(2026, 9, 30)


def cli(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"GITHUB_ACTIONS": ""})
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("no_cache", [False, True])
def test_gap_and_metrics_are_what_the_command_prints(tmp_path: Path, no_cache: bool) -> None:
    acme = acme_copy(tmp_path)
    report = api.gap(acme, AS_OF, by="skill", no_cache=no_cache)
    assert render_gap.FORMATS["json"](report) + "\n" == cli("gap", "--repo", str(acme), "--as-of", "2026-09-30", "--by", "skill", "-f", "json")
    measured = api.metrics(acme, date(2026, 10, 5), no_cache=no_cache)
    assert json.loads(render_metrics.FORMATS["json"](measured)) == json.loads(cli("metrics", "--repo", str(acme), "--as-of", "2026-10-05", "-f", "json"))
    assert json.loads(render_metrics.FORMATS["json"](measured))["quarter"] == "2026Q3"  # the last complete one


def test_a_packet_by_name_and_a_repo_found_upward(tmp_path: Path, monkeypatch) -> None:
    acme = acme_copy(tmp_path)
    monkeypatch.chdir(acme / "people")
    assert api.find_repo() == acme
    packet = api.review_packet(None, "Okafor", AS_OF)
    assert (packet.header.person, packet.header.name) == ("ada", "Ada Okafor")
    with pytest.raises(LookupError):
        api.review_packet(None, "nobody-here", AS_OF)


def test_an_invalid_repo_raises_with_its_findings() -> None:
    with pytest.raises(api.InvalidRepo) as raised:
        api.open_repo(FIXTURES / "broken-values", AS_OF, no_cache=True)
    assert raised.value.problems and all(p.file for p in raised.value.problems)
    assert [p.code for p in raised.value.problems] == [p.code for p in api.validate(FIXTURES / "broken-values", AS_OF, no_cache=True).problems]


def test_a_folder_that_is_no_repo(tmp_path: Path) -> None:
    with pytest.raises(api.RepoNotFound):
        api.validate(tmp_path, AS_OF)


def test_quarter_of() -> None:
    repo = api.open_repo(FIXTURES / "tiny", AS_OF, no_cache=True)
    assert str(api.quarter_of(repo, None, date(2026, 10, 1))) == "2026Q3"
    assert str(api.quarter_of(repo, " 2026q2 ", AS_OF)) == "2026Q2"
    with pytest.raises(ValueError, match="after the as-of date"):
        api.quarter_of(repo, "2026Q4", AS_OF)
