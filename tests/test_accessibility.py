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


def _chrome():
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu"):
        options.add_argument(argument)
    options.binary_location = CHROMIUM
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_script_timeout(60)
    return driver


@pytest.fixture
def browser():
    """A browser of its own for each test: printing in one that axe has run in can fail."""
    driver = _chrome()
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


def _printed(browser, uri: str, options) -> str:
    """The page as a base64 PDF. Chromium's printing now and then fails right after a load
    ("Printing failed"); the page is loaded again and printed again, up to three times."""
    from selenium.common.exceptions import WebDriverException

    for _ in range(2):
        browser.get(uri)
        try:
            return browser.print_page(options)
        except WebDriverException:
            pass
    browser.get(uri)
    return browser.print_page(options)


def _pdf_pages(pdf: bytes) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_review_packets_print_on_two_a4_pages_for_nearly_everyone(tmp_path: Path, browser) -> None:
    """Every packet of examples/acme printed as the page asks (A4, its own margins): at most
    three pages, and two for at least 35 of the 40 (the rest hold the most flags and goals;
    --full prints everything, longer)."""
    import base64

    from selenium.webdriver.common.print_page_options import PrintOptions

    acme, out = acme_copy(tmp_path), tmp_path / "packets"
    runner = CliRunner()
    people = sorted(p.stem for p in (acme / "people").rglob("*.yaml"))
    pages: dict[str, int] = {}
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    options.margin_top = options.margin_bottom = options.margin_left = options.margin_right = 0  # the page's @page margins
    for person in people:
        page = out / f"{person}.html"
        result = runner.invoke(app, ["review-packet", person, "--repo", str(acme), "--as-of", "2026-11-30", "--format", "html", "-o", str(page)])
        assert result.exit_code == 0, result.output
        pages[person] = _pdf_pages(base64.b64decode(_printed(browser, page.as_uri(), options)))
    assert len(pages) == 40 and max(pages.values()) <= 3, pages
    assert sum(1 for n in pages.values() if n <= 2) >= 35, pages
