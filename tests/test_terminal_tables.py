"""Tables on a terminal (render.table.to_rich): never a word or an id broken across lines,
whatever the width; a narrow terminal leaves out the columns marked to go first, and says so."""

from __future__ import annotations

from rich.console import Console

from skillcycle.render.table import Column, Table, to_rich

IDS = ["stakeholder-management", "experimentation", "analytics", "engineering"]


def shown(table: Table, width: int) -> str:
    console = Console(width=width, record=True, force_terminal=True, color_system=None)
    console.print(to_rich(table, console.width))
    return console.export_text()


def gap_like() -> Table:
    columns = [Column("Family"), Column("Skill"), Column("Required", "right"), Column("Below", "right"),
               Column("Unassessed", "right", drop=3), Column("Upskill", "right", drop=2), Column("Reskill", "right", drop=2),
               Column("Mean gap", "right", drop=1), Column("Urgency"), Column("Priority", "right")]
    rows = [["analytics", "stakeholder-management", 13, 5, 0, 5, 0, "0.38", "medium", 10],
            ["engineering", "experimentation", 9, 3, 1, 2, 1, "0.33", "high", 9]]
    return Table(columns, rows, caption="2 rows")


def test_at_80_columns_the_breakdowns_are_left_out_and_no_id_is_split() -> None:
    text = shown(gap_like(), 80)
    assert all(len(line) <= 80 for line in text.splitlines())
    for word in IDS + ["Required", "Priority", "medium"]:
        assert word in text, word  # whole, on one line
    # families 11 + skills 22 + Required 8 + Below 5 + Urgency 7 + Priority 8 = 61, + 3 x 6 + 1 = 80
    assert "Unassessed" not in text.split("Left out")[0] and "Mean gap" not in text.split("Left out")[0]
    assert "Left out to fit 80 columns: Unassessed, Upskill, Reskill, Mean gap" in " ".join(text.split())


def test_a_level_goes_at_once_and_only_as_far_as_needed() -> None:
    # every column: 89 + 3 x 10 + 1 = 120; without Unassessed 79 + 28 = 107; without Upskill and
    # Reskill too 65 + 22 = 87 <= 100, so Mean gap stays
    text = shown(gap_like(), 100)
    table_part, note = text.split("Left out")
    assert " ".join(("Left out" + note).split()).startswith("Left out to fit 100 columns: Unassessed, Upskill, Reskill (")
    assert "Mean" in table_part and "0.38" in table_part and "Upskill" not in table_part
    wide = shown(gap_like(), 160)
    assert "Left out" not in wide and "Unassessed" in wide


def test_text_wraps_between_words_and_a_table_without_droppable_columns_keeps_them_all() -> None:
    table = Table([Column("metric"), Column("note")], [["Time to competency, median (days)", "dated by the calibration that recorded it"]])
    text = shown(table, 40)
    lines = [line.strip("│┃ ") for line in text.splitlines()]
    assert "Left out" not in text
    for word in "Time to competency, median (days) dated by the calibration that recorded it".split():
        assert any(word in line.split() or word in line for line in lines), word
    assert not any(line.endswith("calibra") or line.endswith("competen") for line in lines)
