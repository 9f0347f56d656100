"""Every kind of HTML page skillcycle writes for examples/acme passes axe-core (WCAG 2.1 A/AA and
best practice) with no serious or critical violation, in headless Chromium.

Needs Chromium and its driver (Debian: chromium, chromium-driver) and the dev extra's selenium
and axe-core-python; skipped, saying which is missing, where they are not installed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import skillcycle.cli  # noqa: F401  (registers the commands)
from repo_helpers import acme_copy
from skillcycle.cli.common import app

CHROMIUM, DRIVER = shutil.which("chromium") or shutil.which("chromium-browser"), shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
axe = pytest.importorskip("axe_core_python.selenium", reason="axe-core-python is not installed (pip install -e '.[dev]')")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="Chromium and chromium-driver are not installed")

PAGES = {  # page -> the command that writes it
    "gap.html": ["gap", "--as-of", "2026-11-30"],
    "gap-manager.html": ["gap", "--as-of", "2026-11-30", "--by", "manager"],
    "gap-horizon.html": ["gap", "--as-of", "2026-11-30", "--horizon", "12"],
    "metrics.html": ["metrics", "--as-of", "2026-11-30", "--quarters", "4"],
    "packet.html": ["review-packet", "ada", "--as-of", "2026-11-30"],
    "team.html": ["team", "--as-of", "2026-08-01", "--manager", "tomas", "--remove", "dmitri"],
    "candidates.html": ["candidates", "req-2026-012"],
    "paths.html": ["paths", "ada", "--as-of", "2026-11-30"],
    "calibration.html": ["calibration", "--manager", "priya", "--as-of", "2026-09-20"],
    "learning.html": ["learning", "--as-of", "2026-11-30"],
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("a11y")
    acme, out = acme_copy(root), root / "pages"
    out.mkdir()
    runner = CliRunner()
    for name, args in PAGES.items():
        result = runner.invoke(app, [*args, "--repo", str(acme), "--format", "html", "-o", str(out / name)])
        assert result.exit_code == 0, (name, result.output)
    result = runner.invoke(app, ["review-packet", "--manager", "priya", "--as-of", "2026-11-30", "--repo", str(acme),
                                 "--format", "html", "--out-dir", str(out / "priya")])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def browser():
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(argument)
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def test_no_serious_or_critical_violation_on_any_page(pages: Path, browser) -> None:
    checker = axe.Axe()
    found = []
    every = sorted(pages.rglob("*.html"))
    assert len(every) >= len(PAGES) + 2  # the manager's packets and their index too
    for page in every:
        browser.get(page.as_uri())
        result = checker.run(browser, options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})
        found += [f"{page.relative_to(pages)}: {v['id']} ({v['impact']}, {len(v['nodes'])}): {v['help']}"
                  for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert found == []
