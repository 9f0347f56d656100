"""The strict YAML layer: values, positions, and every refusal with its place."""

import pytest

from skillcycle.core.yamlstrict import parse


def test_plain_values_keep_only_yaml_1_2_core_meanings() -> None:
    doc = parse(b"a: yes\nb: true\nc: 12\nd: 1.5\ne: ~\nf: '12'\ng: 2026-01-31\nh: on\n")
    assert doc.findings == []
    assert doc.value == {"a": "yes", "b": True, "c": 12, "d": 1.5, "e": None, "f": "12", "g": "2026-01-31", "h": "on"}


def test_positions_of_keys_and_values_by_path() -> None:
    doc = parse(b"ratings:\n  - {person: ada, level: expert}\n  - person: lin\n    level: none\n")
    assert doc.keys[("ratings",)] == (1, 1)
    assert doc.values[("ratings", 0, "level")] == (2, 26)  # "  - {person: ada, level: " is 25 characters
    assert doc.keys[("ratings", 1, "level")] == (4, 5)
    assert doc.values[("ratings", 1, "level")] == (4, 12)
    # a missing path falls back to its nearest enclosing value
    assert doc.at(("ratings", 1, "nope")) == (3, 5)


@pytest.mark.parametrize(
    "raw, code, line, col",
    [
        (b"a: 1\nb: [2\n", "Y001", 3, 1),
        (b"a:\n\t- 1\n", "Y002", 2, 1),
        (b"a: 1\nb: 2\na: 3\n", "Y003", 3, 1),
        (b"a: &x 1\n", "Y004", 1, 4),
        (b"a: [1]\nb: *x\n", "Y004", 2, 4),  # even an alias with no anchor is reported as an alias
        (b"a: 1\n--- \nb: 2\n", "Y005", 2, 1),
        (b"\xff\xfea\x00:\x00", "Y006", 1, 1),
        (b"a: \x00\n", "Y006", 1, 4),
        (b"", "Y007", 1, 1),
        (b"---\n...\n", "Y007", 1, 1),
        (b"a: !foo bar\n", "Y008", 1, 4),
        (b"a: " + b"[" * 70 + b"]" * 70 + b"\n", "Y010", 1, 68),
    ],
)
def test_refusals(raw: bytes, code: str, line: int, col: int) -> None:
    doc = parse(raw)
    assert [(f.code, f.line, f.col) for f in doc.findings] == [(code, line, col)]


def test_alias_bomb_is_refused_at_the_first_anchor_without_expanding() -> None:
    lines = [b"a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [b"a%d: &a%d [" % (i, i) + b", ".join([b"*a%d" % (i - 1)] * 10) + b"]" for i in range(1, 9)]
    doc = parse(b"\n".join(lines) + b"\n")
    assert [(f.code, f.line) for f in doc.findings] == [("Y004", 1)]


def test_bom_and_crlf_are_accepted() -> None:
    doc = parse(b"\xef\xbb\xbfname: Ada\r\nrole: analyst\r\n")
    assert doc.findings == [] and doc.value == {"name": "Ada", "role": "analyst"}
    assert doc.values[("role",)] == (2, 7)


def test_deep_nesting_does_not_recurse_into_python_limits() -> None:
    doc = parse(b"[" * 10_000 + b"]" * 10_000)
    assert [f.code for f in doc.findings] == ["Y010"]


def test_error_at_end_of_a_file_without_final_newline_points_at_its_last_line() -> None:
    # found by tests/adversarial/test_mutations.py: libyaml reports line 3 for a 2-line file
    assert [(f.line, f.col) for f in parse(b"a: 1\nb").findings] == [(2, 2)]
