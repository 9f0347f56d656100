"""`skillcycle metrics` as a user runs it: options, the §7.2 JSON shape, every format,
privacy suppression (SPEC §7.3) shown with its reason in each of them."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import skillcycle.cli  # noqa: F401  (registers the commands)
from skillcycle.cli.common import app

FIXTURE = Path(__file__).parent / "fixtures" / "metrics-fy7"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, ["metrics", *args], env={"GITHUB_ACTIONS": ""})


def metrics(*args: str, repo: Path = FIXTURE, as_of: str = "2026-09-30"):
    result = run("--repo", str(repo), "--as-of", as_of, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def strict_privacy(tmp_path: Path) -> Path:
    """The fixture with min_group_size 3: lift (no family has 3 in C and N) and the excel root cause (2) hide."""
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    settings = root / "skillcycle.yaml"
    settings.write_text(settings.read_text().replace("min_group_size: 2", "min_group_size: 3"))
    return root


# --- JSON: exactly SPEC §7.2 -----------------------------------------------------------

SHAPE = {
    "quarter": str, "start": str, "end": str,
    "skill_advancement_rate": {"value", "n", "target"},
    "time_to_competency_days": {"value", "median", "mean", "n", "by_family"},
    "internal_mobility_rate": {"value", "n"},
    "internal_fill_rate": {"value", "n"},
    "internal_readiness": {"value", "n", "mean_candidates_within_one_level"},
    "performance_lift": {"value", "n", "r", "r_n", "suppressed"},
    "conversation_frequency": {"value", "n"},
    "learning_coverage": {"value", "n"},
    "managers": {"rows"},
    "skill_demand": {"rows"},
    "root_causes": {"rows"},
    "rater_drift": {"rows"},
}


def test_json_has_exactly_the_spec_shape():
    out = json.loads(metrics("--format", "json"))
    assert list(out) == list(SHAPE)
    for key, shape in SHAPE.items():
        if isinstance(shape, set):
            assert set(out[key]) == shape, key
    assert (out["quarter"], out["start"], out["end"]) == ("2027Q1", "2026-07-01", "2026-09-30")
    assert set(out["time_to_competency_days"]["by_family"]["sales"]) == {"median", "mean", "n"}
    assert all(set(r) == {"manager", "reports", "learning_coverage", "conversation_frequency",
                          "median_time_to_competency_days", "internal_moves"} for r in out["managers"]["rows"])
    assert [r["manager"] for r in out["managers"]["rows"]] == ["boss", "sam"]  # sorted by id
    assert all(set(r) == {"family", "skill", "below", "below_previous", "priority"} for r in out["skill_demand"]["rows"])
    assert out["root_causes"]["rows"] == [{"skill": "excel", "count": 2}, {"skill": "sql", "count": None, "suppressed": True}]
    assert out["skill_advancement_rate"] == {"value": 0.714, "n": 7, "target": 0.5}
    assert out["performance_lift"] == {"value": 0.75, "n": 8, "r": 0.346, "r_n": 11, "suppressed": False}


def test_default_quarter_is_the_last_complete_one_in_fiscal_years():
    # fiscal_year_start 7: 2026-08-15 lies in 2027Q1, under way; 2026Q4 (Apr-Jun) is the last complete one
    assert json.loads(metrics("--format", "json", as_of="2026-08-15"))["quarter"] == "2026Q4"
    assert json.loads(metrics("--format", "json", as_of="2026-09-30"))["quarter"] == "2027Q1"  # its last day: complete
    assert json.loads(metrics("--format", "json", "--quarter", "2027Q1", as_of="2026-08-15"))["quarter"] == "2027Q1"  # asked for


def test_trend_is_the_one_documented_extra_key():
    out = json.loads(metrics("--format", "json", "--quarters", "3"))
    assert list(out) == list(SHAPE) + ["trend"]
    assert [t["quarter"] for t in out["trend"]] == ["2026Q3", "2026Q4"]
    assert all(list(t) == list(SHAPE) for t in out["trend"])


def test_empty_population_is_null_in_json():
    out = json.loads(metrics("--format", "json", "--quarter", "2026Q2"))
    assert out["skill_advancement_rate"]["value"] is None
    assert out["internal_mobility_rate"] == {"value": None, "n": 0}
    assert out["time_to_competency_days"]["median"] is None


def test_same_input_same_bytes():
    assert metrics("--format", "json") == metrics("--format", "json")
    assert metrics("--format", "html", "--quarters", "4") == metrics("--format", "html", "--quarters", "4")


# --- privacy in every format ------------------------------------------------------------------

def test_suppression_in_json(strict_privacy: Path):
    out = json.loads(metrics("--format", "json", repo=strict_privacy))
    assert out["performance_lift"] == {"value": None, "n": 0, "r": 0.346, "r_n": 11, "suppressed": True}
    assert out["root_causes"]["rows"] == [
        {"skill": "excel", "count": None, "suppressed": True},
        {"skill": "sql", "count": None, "suppressed": True},
    ]


def test_suppression_in_table(strict_privacy: Path):
    text = metrics(repo=strict_privacy)
    lift = next(line for line in text.splitlines() if line.startswith("Performance lift (rating points)"))
    assert "suppressed" in lift and "no role family has at least 3 people in both groups" in lift
    assert re.search(r"excel\s+suppressed\s+suppressed: fewer than 3 ratings \(privacy\)", text)
    assert re.search(r"analytics\s+2\s+2\s+suppressed", text)  # the family's lift, not its counts
    assert "+1.5" not in text  # analytics' lift would be 1.5


def test_suppression_in_markdown(strict_privacy: Path):
    text = metrics("--format", "markdown", repo=strict_privacy)
    assert "| Performance lift (rating points) | suppressed | 0 |" in text
    assert "no role family has at least 3 people in both groups" in text
    assert "| excel | suppressed | suppressed: fewer than 3 ratings (privacy) |" in text


def test_suppression_in_html(strict_privacy: Path):
    html = metrics("--format", "html", repo=strict_privacy)
    assert '<div class="value suppressed">suppressed</div>' in html
    assert "no role family has at least 3 people in both groups" in html
    assert "suppressed: fewer than 3 ratings (privacy)" in html


# --- the human formats ----------------------------------------------------------------------

def test_table_shows_n_target_previous_and_change():
    text = metrics()
    assert text.startswith("skillcycle metrics — Metrics Fixture Co — 2027Q1 (2026-07-01 – 2026-09-30), as of 2026-09-30")
    row = next(line for line in text.splitlines() if line.startswith("Skill advancement rate"))
    assert re.search(r"71\.4%\s+7\s+50\.0%\s+33\.3%\s+\+38\.1 pp\s+meets target", row)
    assert "2026Q4" in text  # the previous quarter's column
    # nobody was rated in both 2026Q3 and 2026Q4: the Q-1 lift is no data ("—"), not hidden for privacy
    lift = next(line for line in text.splitlines() if line.startswith("Performance lift"))
    assert re.search(r"\+0\.75\s+8\s+—\s+—\s+—$", lift), lift
    assert "2026Q4 suppressed" not in text


def test_trend_table_shows_whether_gaps_shrink():
    text = metrics("--quarters", "3")
    assert "Trend over 3 quarters" in text
    assert re.search(r"sales\s+coaching\s+6\s+5\s+4\s+shrinking \(2 of 2 quarters\)", text)


def test_quarter_to_date_is_flagged():
    text = metrics("--quarter", "2027Q1", as_of="2026-08-31")
    assert "Quarter to date: facts up to 2026-08-31" in text


def test_markdown_for_a_job_summary():
    text = metrics("--format", "markdown")
    assert text.startswith("## skillcycle metrics — Metrics Fixture Co — 2027Q1")
    assert "| metric | value | n | target | 2026Q4 | change | note |" in text
    assert "### Managers (direct reports active at quarter end)" in text


def test_html_is_self_contained_with_charts(tmp_path: Path):
    target = tmp_path / "out" / "m.html"
    result = run("--repo", str(FIXTURE), "--as-of", "2026-09-30", "--format", "html", "--quarters", "4", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    html = target.read_text()
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 10  # one chart per headline figure
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html) and "<script" not in html
    assert "Bo Boss" in html and "<polyline" in html


def test_html_escapes_names(tmp_path: Path):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    (root / "people" / "sam.yaml").write_text("name: <script>alert(1)</script>\nrole: rep\nmanager: boss\n")
    html = metrics("--format", "html", repo=root)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- usage errors ------------------------------------------------------------------------------

def test_bad_quarter_is_a_usage_error():
    result = run("--repo", str(FIXTURE), "--as-of", "2026-09-30", "--quarter", "2026Q5")
    assert result.exit_code == 2 and "not a label like 2026Q3" in result.output


def test_quarter_after_as_of_is_a_usage_error():
    result = run("--repo", str(FIXTURE), "--as-of", "2026-09-30", "--quarter", "2027Q2")
    assert result.exit_code == 2 and "after the as-of date" in result.output


def test_invalid_repo_is_refused(tmp_path: Path):
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE, root)
    (root / "people" / "kim.yaml").write_text("name: Kim\nrole: nosuchrole\nmanager: sam\n")
    result = run("--repo", str(root), "--as-of", "2026-09-30")
    assert result.exit_code == 1 and "unknown role 'nosuchrole'" in result.output


def test_csv_is_one_long_table_of_every_figure_and_each_managers() -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(metrics("--format", "csv"))))
    out = json.loads(metrics("--format", "json"))
    figures = {(r["name"], r["figure"]): r for r in rows if r["kind"] == "metric"}
    advancement = figures[("skill_advancement_rate", "value")]
    assert (advancement["quarter"], advancement["value"], advancement["n"], advancement["target"]) == ("2027Q1", "0.714", "7", "0.5")
    assert figures[("performance_lift", "r")]["value"] == "0.346" and figures[("performance_lift", "r")]["n"] == "11"
    assert figures[("time_to_competency_days", "mean")]["value"] == str(out["time_to_competency_days"]["mean"])
    managers = [r for r in rows if r["kind"] == "manager"]
    assert [r["name"] for r in managers[::4]] == ["boss", "sam"]  # four figures each, by manager id
    assert [(r["figure"], r["n"]) for r in managers[:4]] == [
        ("learning_coverage", str(out["managers"]["rows"][0]["reports"])), ("conversation_frequency", str(out["managers"]["rows"][0]["reports"])),
        ("median_time_to_competency_days", str(out["managers"]["rows"][0]["reports"])), ("internal_moves", str(out["managers"]["rows"][0]["reports"])),
    ]


def test_days_are_whole_a_mean_has_one_decimal_and_the_resolution_is_said():
    text = metrics()
    median = next(line for line in text.splitlines() if line.startswith("Time to competency, median"))
    mean = next(line for line in text.splitlines() if line.startswith("Time to competency, mean"))
    assert re.search(r"\(days\)\s+\d+\s+\d+\s", median) and re.search(r"\(days\)\s+\d+\.\d\s+\d+\s", mean), (median, mean)
    assert "dated by the calibration that recorded it" in median
