"""Required-vs-current gaps per person and skill (SPEC §6), vectorised over the org."""

from __future__ import annotations

from datetime import date

import pandas as pd

from .facts import active_people, current_levels, requirements_on, self_levels
from .repo import Repo

GAP_COLUMNS = ["person", "role", "family", "skill", "required", "current", "gap", "track", "self"]


def person_gaps(repo: Repo, day: date, people: list[str] | None = None) -> pd.DataFrame:
    """One row per active person x skill their role requires on `day` (level > none).

    `current` and `self` are nullable ints (NA = unassessed / no self rating);
    `gap` = max(0, required - current) with unassessed ranked 0; `track` is
    'upskill' or 'reskill' for positive gaps and 'none' otherwise.
    """
    who = active_people(repo, day) if people is None else people
    requirement_rows = [
        (role_id, role.family, skill, int(level))
        for role_id, role in repo.roles.items()
        for skill, level in requirements_on(role, day).items()
    ]
    requirements = pd.DataFrame(requirement_rows, columns=["role", "family", "skill", "required"])
    staff = pd.DataFrame([(pid, repo.people[pid].role) for pid in who], columns=["person", "role"])
    rows = staff.merge(requirements, on="role", how="inner")
    current = current_levels(repo.ratings, day)["level"].rename("current")
    own = self_levels(repo.ratings, day)["level"].rename("self")
    rows = rows.join(current, on=["person", "skill"]).join(own, on=["person", "skill"])
    rows["current"] = rows["current"].astype("Int8")
    rows["self"] = rows["self"].astype("Int8")
    rows["required"] = rows["required"].astype("int8")
    rows["gap"] = (rows["required"] - rows["current"].fillna(0).astype("int8")).clip(lower=0).astype("int8")
    reskill = rows["current"].fillna(0) == 0
    rows["track"] = "none"
    rows.loc[(rows["gap"] > 0) & reskill, "track"] = "reskill"
    rows.loc[(rows["gap"] > 0) & ~reskill, "track"] = "upskill"
    return rows[GAP_COLUMNS].sort_values(["person", "skill"], kind="stable").reset_index(drop=True)


def person_tracks(gaps: pd.DataFrame) -> pd.Series:
    """Track per person in `gaps`: reskill if any gap is, else upskill if any gap, else none."""
    flags = gaps.assign(
        is_reskill=gaps["track"] == "reskill", is_upskill=gaps["track"] == "upskill"
    ).groupby("person")[["is_reskill", "is_upskill"]].any()
    track = pd.Series("none", index=flags.index, name="track")
    track[flags["is_upskill"]] = "upskill"
    track[flags["is_reskill"]] = "reskill"
    return track
