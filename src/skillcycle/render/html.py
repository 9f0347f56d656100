"""HTML reports from Jinja2 templates (src/skillcycle/templates/, autoescaping on).

Every report extends `base.html.j2`: one self-contained page (inline CSS, no
scripts, no network) with print styles.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("skillcycle", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
        undefined=StrictUndefined,  # a misspelt variable is a bug, not an empty cell
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_page(template: str, **context: object) -> str:
    """Render a template by name (e.g. 'gap.html.j2') with autoescaping."""
    return environment().get_template(template).render(**context)
