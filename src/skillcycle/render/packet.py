"""Review packets as Markdown or HTML, from Jinja2 templates.

Templates are looked up in order: `--templates DIR`, the skills repo's own
`templates/` folder, then the ones shipped in skillcycle/templates/. Whatever
their origin they run in Jinja2's SandboxedEnvironment, so a template from a
skills repo cannot reach Python internals.

Every value a template prints is escaped for its format: HTML templates
(`*.html.j2`) autoescape; in every other template (Markdown) printed values are
Markdown-escaped, so a name with `|` cannot break a table and `<script>` stays
text. A value is None-safe: None prints as an em dash.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import quote

from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, StrictUndefined, pass_eval_context
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from ..levels import Level
from ..packet import Packet, http_link

TEMPLATES = {"md": "review-packet.md.j2", "html": "review-packet.html.j2"}
INDEX_TEMPLATES = {"md": "review-packet-index.md.j2", "html": "review-packet-index.html.j2"}
EMPTY = "—"


class MarkdownSafe(str):
    """Markdown a filter has already built from escaped parts; printed as is."""


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(text: object) -> str:
    """Plain text as inline Markdown: no emphasis, links, code, table cells or HTML can come out of it."""
    text = re.sub(r"[\r\n]+\s*", " ", str(text))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


@pass_eval_context
def _finalize(eval_ctx: Any, value: Any) -> Any:
    if value is None:
        return EMPTY
    if eval_ctx.autoescape or isinstance(value, (MarkdownSafe, Markup)):
        return value
    return md_escape(value)


def _md_link(text: object, url: str | None) -> MarkdownSafe:
    """`[text](url)` for an http(s) url, else the escaped text alone."""
    link = http_link(url)
    if link is None:
        return MarkdownSafe(md_escape(text))
    return MarkdownSafe(f"[{md_escape(text)}]({quote(link, safe='/:?#@!$&*+,;=%~-._')})")


def _level(level: Level | None) -> str:
    return level.label if level is not None else "Unassessed"


def _number(value: float | int | None) -> str:
    return EMPTY if value is None else f"{value:g}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def template_dirs(repo_root: Path | None, explicit: Path | None = None) -> list[Path]:
    """Override folders in lookup order: --templates DIR, then the repo's templates/ if it exists."""
    dirs = [explicit] if explicit is not None else []
    if repo_root is not None and (repo_root / "templates").is_dir():
        dirs.append(repo_root / "templates")
    return dirs


def environment(dirs: Sequence[Path] = ()) -> SandboxedEnvironment:
    loaders = [FileSystemLoader(str(d)) for d in dirs] + [PackageLoader("skillcycle", "templates")]
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        autoescape=lambda name: bool(name) and name.endswith((".html.j2", ".html")),
        finalize=_finalize,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(md_link=_md_link, level=_level, number=_number, plural=_plural)
    return env


def render_packet(packet: Packet, fmt: str, dirs: Sequence[Path] = ()) -> str:
    return environment(dirs).get_template(TEMPLATES[fmt]).render(p=packet, h=packet.header)


def render_index(manager: dict[str, Any], entries: list[dict[str, Any]], as_of: Any, fmt: str, dirs: Sequence[Path] = ()) -> str:
    """The index of a manager's packets: one entry per report with its file name."""
    return environment(dirs).get_template(INDEX_TEMPLATES[fmt]).render(manager=manager, entries=entries, as_of=as_of)
