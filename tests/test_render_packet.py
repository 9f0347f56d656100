"""Rendering review packets: golden files, escaping of hostile text, privacy, template overrides.

Golden files live in tests/golden/. After an intended change to the packet or its
templates, regenerate them and review the diff:

    UPDATE_GOLDEN=1 pytest tests/test_render_packet.py
"""

from __future__ import annotations

import html
import os
import re
from datetime import date
from pathlib import Path

import pytest

from skillcycle.reports.packet import build_packet
from skillcycle.render.packet import TemplateProblem, md_escape, render_packet, template_dirs
from skillcycle.validation.validate import validate_path

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
AS_OF = date(2026, 9, 15)


def load(name: str):
    validation = validate_path(FIXTURES / name, AS_OF, AS_OF)
    assert validation.ok, validation.problems
    return validation.repo


@pytest.fixture(scope="module")
def basic():
    return load("packet-basic")


@pytest.fixture(scope="module")
def hostile():
    return load("packet-hostile")


# --- golden files -------------------------------------------------------------------
# uma: upskill, with check-ins, goals in two cycles, an aspiration and four flags.
# rex: reskill, no check-ins, an overdue goal without resources.

@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("person", ["uma", "rex"])
def test_golden(basic, person: str, fmt: str) -> None:
    rendered = render_packet(build_packet(basic, person, AS_OF), fmt)
    golden = GOLDEN / f"packet-{person}.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")


def test_html_is_self_contained(basic) -> None:
    page = render_packet(build_packet(basic, "uma", AS_OF), "html")
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert "@media print" in page
    # the only URLs are the data's own links
    assert set(re.findall(r"https?://[^\s\"'<)]+", page)) == {"https://learn.example.com/sql-101"}


# --- escaping -----------------------------------------------------------------------

def test_html_escapes_hostile_text(hostile) -> None:
    page = render_packet(build_packet(hostile, "eve", AS_OF), "html")
    assert "<script" not in page
    assert "<img" not in page and "<style>body" not in page
    assert "&lt;script&gt;alert(&#39;progress&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(&#39;note&#39;)&gt;" in page
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs == ["https://example.com/a&#34;onmouseover=&#34;alert(1)"]  # the quote cannot end the attribute
    assert "javascript:" not in "".join(hrefs)


def test_markdown_escapes_hostile_text(hostile) -> None:
    text = render_packet(build_packet(hostile, "eve", AS_OF), "md")
    assert "<script" not in text and "<img" not in text and "<style" not in text
    assert "](javascript:" not in text.replace("\\](javascript:", "")  # only escaped, never a link
    assert "[Quoted link](https://example.com/a%22onmouseover=%22alert%281%29)" in text
    # every table row keeps its column count: pipes from the data are escaped
    for block in re.findall(r"(?:^\|.*\n)+", text, flags=re.M):
        rows = block.strip("\n").split("\n")
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, rows
    assert "- Barriers: \\| a \\| b \\| new line" in text  # the line break folded into a space


@pytest.mark.parametrize(("raw", "escaped"), [
    ("a|b", "a\\|b"),
    ("**bold** _it_ `code`", "\\*\\*bold\\*\\* \\_it\\_ \\`code\\`"),
    ("[x](javascript:y)", "\\[x\\](javascript:y)"),
    ("<b>&", "&lt;b&gt;&"),
    ("one\r\ntwo\n\nthree", "one two three"),
    ("back\\slash", "back\\\\slash"),
])
def test_md_escape(raw: str, escaped: str) -> None:
    assert md_escape(raw) == escaped


# --- privacy ------------------------------------------------------------------------

OTHERS = ["Otto Privatus", "otto", "Otto private", "Rex Halvorsen", "rex-", "Uma Adeyemi", "uma-"]


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("person", ["uma", "rex"])
def test_packet_holds_no_one_elses_data(basic, person: str, fmt: str) -> None:
    text = render_packet(build_packet(basic, person, AS_OF), fmt)
    name = basic.people[person].name
    leaks = [s for s in OTHERS if re.search(rf"\b{re.escape(s)}", text, re.I) and not s.startswith((name, person))]
    assert leaks == []
    assert "Mara Quispe" in text  # the manager is named
    assert "1.5" not in text and "motivation" not in text  # otto's performance rating


def test_privacy_of_ratings(basic) -> None:
    uma = build_packet(basic, "uma", AS_OF)
    # uma's only ratings are sql and data-visualization; otto's python self rating and mara's coaching never show
    assert {r.skill for r in uma.proficiency} == {"sql", "data-visualization"}
    career = {g.skill: g.current for g in uma.career[0].gaps}
    assert career["coaching"] is None


# --- templates ----------------------------------------------------------------------

def test_repo_templates_override_and_are_sandboxed(basic, tmp_path: Path) -> None:
    override = tmp_path / "tpl"
    override.mkdir()
    (override / "review-packet.md.j2").write_text("{{ h.name }} | {{ p.flags | length }}\n", encoding="utf-8")
    packet = build_packet(basic, "uma", AS_OF)
    dirs = template_dirs(None, override)
    assert render_packet(packet, "md", dirs) == "Uma Adeyemi | 4\n"
    assert render_packet(packet, "html", dirs).startswith("<!DOCTYPE html>")  # not overridden: shipped one
    (override / "review-packet.md.j2").write_text("{{ p.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(TemplateProblem, match="access to attribute '__class__' of 'Packet' object is unsafe"):
        render_packet(packet, "md", dirs)


def test_html_unescape_roundtrip_of_names(hostile) -> None:
    page = render_packet(build_packet(hostile, "eve", AS_OF), "html")
    h1 = re.search(r"<h1>(.*?)</h1>", page).group(1)
    assert html.unescape(h1) == "Eve <script>alert('name')</script> | Pipe"
