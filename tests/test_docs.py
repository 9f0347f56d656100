"""The docs that list codes are generated from the code registry, so they cannot drift."""

from pathlib import Path

from skillcycle.problems import codes_markdown

DOCS = Path(__file__).parents[1] / "docs"


def test_validation_doc_lists_every_code_as_registered() -> None:
    assert codes_markdown() in (DOCS / "validation.md").read_text(encoding="utf-8")
