"""One table, four renderings: a Rich table on a terminal, aligned plain text
when piped, Markdown, and CSV safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from decimal import ROUND_HALF_UP, Decimal
from dataclasses import dataclass, field
from typing import Any, Callable

from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from ..core.safetext import show_controls, spreadsheet_safe

Cell = Any  # str | int | float | None


@dataclass
class Column:
    header: str
    align: str = "left"  # left | right
    style: Callable[[Cell], str | None] | None = None  # Rich style per value, terminal only
    drop: int = 0  # on a terminal too narrow for every column: 0 never left out, higher left out first (a level at once)


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[Cell]]
    title: str | None = None
    caption: str | None = None  # a one-line summary shown under the table
    notes: list[str] = field(default_factory=list)


def cell_text(value: Cell) -> str:
    """A cell as every rendering shows it, control characters made visible."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.1f}"
    return show_controls(str(value))


def to_rich(table: Table, width: int | None = None) -> RichTable:
    """A Rich table that fits `width` (the terminal's) without breaking a word or an id: each
    column is at least as wide as its longest word, text wraps between words, and when even
    that is too wide the columns marked `drop` are left out (highest first), with a note."""
    texts = [[cell_text(value) for value in row] for row in table.rows]
    narrowest = [max([_longest_word(column.header)] + [_longest_word(row[i]) for row in texts])
                 for i, column in enumerate(table.columns)]
    kept = list(range(len(table.columns)))
    if width is not None:
        for level in sorted({c.drop for c in table.columns if c.drop}, reverse=True):
            if sum(narrowest[k] for k in kept) + 3 * len(kept) + 1 <= width:  # a cell's padding and rule: 3
                break
            kept = [k for k in kept if table.columns[k].drop != level]
    left_out = [table.columns[i].header for i in range(len(table.columns)) if i not in kept]
    caption = table.caption
    if left_out:
        note = f"Left out to fit {width} columns: {', '.join(left_out)} (a wider terminal or --format markdown shows them)."
        caption = f"{caption}\n{note}" if caption else note
    rich = RichTable(
        title=_plain_text(table.title), caption=_plain_text(caption), caption_justify="left", header_style="bold"
    )
    for i in kept:
        column = table.columns[i]
        rich.add_column(Text(show_controls(column.header)), justify=column.align, overflow="fold", min_width=narrowest[i])
    for row, text in zip(table.rows, texts):
        cells = []
        for i in kept:
            column, value = table.columns[i], row[i]
            style = column.style(value) if column.style else None
            cells.append(Text(text[i], style=style or ""))  # Text: user data never parsed as markup
        rich.add_row(*cells)
    return rich


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _plain_text(text: str | None) -> Text | None:
    return None if text is None else Text(show_controls(text))


def to_plain(table: Table) -> str:
    texts = [[cell_text(v) for v in row] for row in table.rows]
    headers = [c.header for c in table.columns]
    widths = [max([len(h)] + [len(r[i]) for r in texts]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        parts = [
            cell.rjust(width) if column.align == "right" else cell.ljust(width)
            for cell, width, column in zip(cells, widths, table.columns)
        ]
        return "  ".join(parts).rstrip()

    out = [table.title] if table.title else []
    out += [line(headers), line(["-" * w for w in widths])] + [line(r) for r in texts]
    if table.caption:
        out.append(table.caption)
    return "\n".join(out)


def md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def to_markdown(table: Table) -> str:
    out = [f"### {md_escape(table.title)}", ""] if table.title else []
    out.append("| " + " | ".join(md_escape(c.header) for c in table.columns) + " |")
    out.append("|" + "|".join("---:" if c.align == "right" else "---" for c in table.columns) + "|")
    for row in table.rows:
        out.append("| " + " | ".join(md_escape(cell_text(v)) for v in row) + " |")
    if table.caption:
        out += ["", md_escape(table.caption)]
    return "\n".join(out)


def to_csv(headers: list[str], rows: list[list[Cell]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else spreadsheet_safe(v) for v in row])
    return buffer.getvalue()


def print_table(table: Table, console: Console | None = None) -> None:
    """Rich on a terminal, aligned plain text when piped (no colour codes in files)."""
    console = console or Console(highlight=False)
    if console.is_terminal:
        console.print(to_rich(table, console.width))
    else:
        console.print(to_plain(table), markup=False, highlight=False, soft_wrap=True)


def html_section(table: Table) -> dict:
    """A table as the templates' `section` macro (templates/_table.html.j2) takes it: every cell as text."""
    return {"title": table.title, "headers": [c.header for c in table.columns], "numeric": [c.align == "right" for c in table.columns],
            "rows": [[cell_text(v) for v in row] for row in table.rows], "caption": table.caption}


def text_page(heading: str, shown: list[Table]) -> str:
    """A heading and tables as plain text, a blank line between."""
    return "\n\n".join([heading] + [to_plain(t) for t in shown]) + "\n"


def markdown_page(heading: str, shown: list[Table]) -> str:
    """A `##` heading and tables as Markdown."""
    return "\n\n".join([f"## {md_escape(heading)}"] + [to_markdown(t) for t in shown]) + "\n"


# --- numbers as the reports write them -----------------------------------------------------

def fmt(value: float | None, kind: str) -> str | None:
    """A figure as the tables show it: share as a percentage, whole days (a mean of days to one
    decimal), a signed rating change, or a plain number."""
    if value is None:
        return None
    if kind == "share":
        return f"{value * 100:.1f}%"
    if kind == "days":  # whole days: the measure moves a calibration at a time
        return str(int(Decimal(repr(float(value))).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
    if kind == "mean-days":
        return f"{Decimal(repr(float(value))).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}"
    if kind == "rating":
        return ("+" if value > 0 else "") + trim_number(value, 2)
    return trim_number(value, 3)


def trim_number(value: float, keep: int) -> str:
    """At most 3 decimals, trailing zeros dropped but at least `keep` kept (60.5, 61.0, 0.346)."""
    whole, frac = f"{value:.3f}".split(".")
    frac = frac.rstrip("0").ljust(keep, "0")
    return f"{whole}.{frac}" if frac else whole
