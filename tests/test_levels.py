import pytest

from skillcycle.core.levels import Level, parse_level


@pytest.mark.parametrize(
    "raw, level",
    [("none", 0), ("None", 0), ("NONE", 0), (0, 0), ("0", 0), ("Foundational", 1), ("fOuNdAtIoNaL", 1), (1, 1),
     ("proficient", 2), (2, 2), ("EXPERT", 3), (3, 3)],
)
def test_accepted_spellings(raw: object, level: int) -> None:
    assert parse_level(raw) is Level(level)


@pytest.mark.parametrize("raw", ["yes", True, 3.5, 4, -1, None, "Expert ", "nOnE", "beginner", ""])
def test_rejected_with_the_allowed_values(raw: object) -> None:
    with pytest.raises(ValueError) as info:
        parse_level(raw)
    assert "expert" in str(info.value) or "spaces" in str(info.value)


def test_names_for_machines_and_people() -> None:
    assert (Level.PROFICIENT.slug, Level.PROFICIENT.label) == ("proficient", "Proficient")
