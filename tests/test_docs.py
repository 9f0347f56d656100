"""The docs that list codes are generated from the code registry, so they cannot drift."""

from pathlib import Path

from skillcycle.problems import codes_markdown

DOCS = Path(__file__).parents[1] / "docs"


def test_validation_doc_lists_every_code_as_registered() -> None:
    assert codes_markdown() in (DOCS / "validation.md").read_text(encoding="utf-8")


def test_no_doc_cites_the_shared_spec() -> None:
    """Users never see the contract the project was built to: every definition is in its own words."""
    pages = [*DOCS.glob("*.md"), DOCS.parent / "README.md", DOCS.parent / "benchmarks" / "README.md"]
    cited = [page.name for page in pages if "SPEC" in page.read_text(encoding="utf-8") or "§" in page.read_text(encoding="utf-8")]
    assert cited == []
