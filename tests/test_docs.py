"""The docs that list codes are generated from the code registry, so they cannot drift."""

from pathlib import Path

from skillcycle.core.problems import codes_markdown

DOCS = Path(__file__).parents[1] / "docs"


def test_validation_doc_lists_every_code_as_registered() -> None:
    assert codes_markdown() in (DOCS / "validation.md").read_text(encoding="utf-8")


def test_no_doc_cites_the_shared_spec() -> None:
    """Users never see the contract the project was built to: every definition is in its own words."""
    pages = [*DOCS.glob("*.md"), DOCS.parent / "README.md", DOCS.parent / "benchmarks" / "README.md"]
    cited = [page.name for page in pages if "SPEC" in page.read_text(encoding="utf-8") or "§" in page.read_text(encoding="utf-8")]
    assert cited == []


def test_the_readme_validate_sample_is_what_examples_acme_prints(tmp_path: Path) -> None:
    """The README's sample finding, made on a copy of examples/acme with the same typo."""
    import shutil

    from typer.testing import CliRunner

    import skillcycle.cli  # noqa: F401  (registers the commands)
    from skillcycle.cli.common import app

    readme = (DOCS.parent / "README.md").read_text(encoding="utf-8")
    sample = readme.split("one line per finding, grouped by file:\n\n```\n", 1)[1].split("```", 1)[0]
    acme = tmp_path / "acme"
    shutil.copytree(DOCS.parent / "examples" / "acme", acme, ignore=shutil.ignore_patterns(".skillcycle"))
    person = acme / "people" / "analytics" / "ada.yaml"
    person.write_text(person.read_text(encoding="utf-8").replace("role: senior-data-analyst\n", "role: senior-data-analys\n"), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--repo", str(acme), "--as-of", "2026-11-20"])
    assert result.exit_code == 1 and result.stdout == sample
