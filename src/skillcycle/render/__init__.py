"""Outputs: pure functions from computed results to text, one module per report, each with
its FORMATS (format name -> renderer). Format names are one vocabulary for every command."""

# The other spellings people type for a format: accepted everywhere, as the name they stand for.
ALIASES = {"md": "markdown", "table": "text"}


def canonical_format(name: str) -> str:
    """A format's name as the commands and FORMATS spell it ('md' -> 'markdown')."""
    name = name.strip().lower()
    return ALIASES.get(name, name)
