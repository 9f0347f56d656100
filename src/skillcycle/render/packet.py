"""Review packets as Markdown or HTML, from Jinja2 templates.

Templates are looked up in order: `--templates DIR`, the skills repo's own
`templates/` folder, then the ones shipped in skillcycle/templates/. Whatever
their origin they run in Jinja2's SandboxedEnvironment, so a template from a
skills repo cannot reach Python internals; a repo's templates are read as
ownfiles reads skillcycle's own files (no link followed, regular files of at most
MAX_TEMPLATE bytes), and a render is cut at MAX_OUTPUT bytes and MAX_SECONDS.
Whatever goes wrong in a template is one TemplateProblem naming it.

Every value a template prints is escaped for its format: HTML templates
(`*.html.j2`) autoescape; in every other template (Markdown) printed values are
Markdown-escaped, so a name with `|` cannot break a table and `<script>` stays
text. A value is None-safe: None prints as an em dash.
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import time
from pathlib import Path, PurePosixPath
from typing import Any, Callable, Iterator, Sequence
from urllib.parse import quote

from jinja2 import BaseLoader, ChoiceLoader, PackageLoader, StrictUndefined, TemplateError, TemplateNotFound, pass_eval_context
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment, SecurityError
from markupsafe import Markup

from ..core.levels import Level
from ..core.ownfiles import OwnFolder, Refused
from ..reports.packet import Packet, http_link
from . import canonical_format

TEMPLATES = {"markdown": "review-packet.md.j2", "html": "review-packet.html.j2"}
INDEX_TEMPLATES = {"markdown": "review-packet-index.md.j2", "html": "review-packet-index.html.j2"}
EXTENSIONS = {"markdown": "md", "html": "html"}  # of the files a manager's packets are written to
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


MAX_TEMPLATE = 1 << 20  # bytes of one template file
MAX_OUTPUT = 10 << 20  # bytes of one rendered document
MAX_SECONDS = 10.0  # to render one document


class TemplateProblem(Exception):
    """A template that cannot be read or rendered: the message names it, on one line."""


class OwnTemplates(BaseLoader):
    """The templates in `rel` below `root` (the repo's `templates/`, or "" under --templates DIR),
    read through ownfiles: a link anywhere below `root`, a FIFO or an oversized file is refused."""

    def __init__(self, root: Path, rel: str = "") -> None:
        self.root, self.rel = root, PurePosixPath(rel)

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        *folders, name = split_template_path(template)  # refuses '..'
        folder = OwnFolder(self.root, self.rel.joinpath(*folders))
        shown = self.rel.joinpath(*folders, name).as_posix()
        try:
            data = folder.read(name, MAX_TEMPLATE)
        except Refused as exc:
            refused = Path(exc.filename).relative_to(self.root).as_posix()
            raise TemplateProblem(f"{refused} {exc.strerror}" + (f" (looking for template {shown})" if refused != shown else "")) from None
        except OSError as exc:
            raise TemplateProblem(f"template {shown}: cannot read it: {exc.strerror or exc}") from None
        if data is None:
            raise TemplateNotFound(template)
        try:
            return data.decode("utf-8"), str(folder.path / name), lambda: True
        except UnicodeDecodeError:
            raise TemplateProblem(f"template {shown}: not UTF-8 text") from None


def template_dirs(repo_root: Path | None, explicit: Path | None = None) -> list[BaseLoader]:
    """Override loaders in lookup order: --templates DIR, then the repo's templates/ if there is
    one (a link named templates counts: it is refused when first read, not skipped)."""
    loaders: list[BaseLoader] = [OwnTemplates(explicit)] if explicit is not None else []
    if repo_root is not None and ((repo_root / "templates").is_dir() or (repo_root / "templates").is_symlink()):
        loaders.append(OwnTemplates(repo_root, "templates"))
    return loaders


class _BoundedSandbox(SandboxedEnvironment):
    """The sandbox, and no string, list or number that alone would pass the output limit."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for items, times in ((left, right), (right, left)):
                if isinstance(items, (str, list, tuple)) and isinstance(times, int) and len(items) * times > MAX_OUTPUT:
                    raise SecurityError(f"a repetition of {len(items)} x {times} is over the {MAX_OUTPUT // 2**20} MiB output limit")
        if operator == "**" and isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right * abs(left).bit_length() > 8 * MAX_OUTPUT:
            raise SecurityError(f"{left} ** {right} is over the output limit")
        return super().call_binop(context, operator, left, right)


def environment(dirs: Sequence[BaseLoader] = ()) -> SandboxedEnvironment:
    loaders = [*dirs, PackageLoader("skillcycle", "templates")]
    env = _BoundedSandbox(
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


def render_packet(packet: Packet, fmt: str, dirs: Sequence[BaseLoader] = (), full: bool = False) -> str:
    """The packet as Markdown or HTML. The HTML page is made to print on two A4 pages: earlier
    check-ins in brief and a level's description said once, unless `full`."""
    return _render(environment(dirs), TEMPLATES[canonical_format(fmt)], p=packet, h=packet.header, full=full)


def render_index(manager: dict[str, Any], entries: list[dict[str, Any]], as_of: Any, fmt: str, dirs: Sequence[BaseLoader] = ()) -> str:
    """The index of a manager's packets: one entry per report with its file name."""
    return _render(environment(dirs), INDEX_TEMPLATES[canonical_format(fmt)], manager=manager, entries=entries, as_of=as_of)


class _OutOfTime(Exception):
    pass


def _render(env: SandboxedEnvironment, name: str, **context: Any) -> str:
    """The template `name` rendered within MAX_OUTPUT bytes and MAX_SECONDS, or TemplateProblem."""
    parts: list[str] = []
    size, deadline = 0, time.monotonic() + MAX_SECONDS
    try:
        with _alarm(MAX_SECONDS):
            for part in env.get_template(name).generate(**context):
                parts.append(part)
                size += len(part)
                if size > MAX_OUTPUT:
                    raise TemplateProblem(f"template {name}: its output is over the {MAX_OUTPUT // 2**20} MiB limit")
                if time.monotonic() > deadline:
                    raise _OutOfTime
    except TemplateProblem:
        raise
    except _OutOfTime:
        raise TemplateProblem(f"template {name}: rendering took over {MAX_SECONDS:g} seconds (a loop that does not end?)") from None
    except TemplateNotFound as exc:
        raise TemplateProblem(f"template {name}: no template {exc.name!r} (a missing include or extends?)") from None
    except TemplateError as exc:
        where = f" (line {exc.lineno} of {exc.name or name})" if getattr(exc, "lineno", None) else ""
        message = " ".join(str(exc.message or exc).split())
        raise TemplateProblem(f"template {name}: {message}{where}") from None
    except RecursionError:
        raise TemplateProblem(f"template {name}: it includes or calls itself without end") from None
    except MemoryError:
        raise TemplateProblem(f"template {name}: it needs more memory than there is") from None
    return "".join(parts)


@contextlib.contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """Raise _OutOfTime in this thread after `seconds`: a loop that prints nothing never reaches
    the check between parts. Only the main thread of a POSIX process gets signals; elsewhere
    the check between parts is all there is."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def ring(signum: int, frame: Any) -> None:
        raise _OutOfTime

    before = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
