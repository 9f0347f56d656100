"""The kinds of file a skills repo holds, each described once: where its files live, which
model checks them, where a Repo keeps them, and how they behave as the repo grows.

Everything else that lists file kinds (the walk, the models, the Repo's lists and tables,
the parse cache, the snapshot) reads them from KINDS. Free of imports: the walk of a warm
run needs the names without the models.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileKind:
    name: str  # the file's stem at the top of the repo, or its folder
    in_folder: bool  # a folder of files, any depth, or one file at the top
    model: str  # the class of core/schema.py that checks a file of it
    repo_list: str | None = None  # the Repo attribute listing its files' (path, model), if any
    table: str | None = None  # the Repo table its files' rows make, if any
    grows: bool = False  # files pile up with time: a full read lets their models go once their rows are taken
    raw: bool = False  # the checks read its parsed values (positions of list items), not only the model
    shapes: bool = False  # a change to one reshapes every table (settings, skills, resources, the role ladder)


KINDS: tuple[FileKind, ...] = (
    FileKind("skillcycle", in_folder=False, model="Settings", shapes=True),
    FileKind("competencies", in_folder=False, model="Competencies", raw=True, shapes=True),
    FileKind("learning", in_folder=False, model="Learning", raw=True, shapes=True),
    FileKind("roles", in_folder=True, model="Role", shapes=True),
    FileKind("people", in_folder=True, model="Person"),
    FileKind("assessments", in_folder=True, model="AssessmentBatch", repo_list="assessments", table="ratings", grows=True),
    FileKind("goals", in_folder=True, model="GoalFile", repo_list="goal_files", table="goals", grows=True, raw=True),
    FileKind("checkins", in_folder=True, model="Checkin", repo_list="checkins", table="checkin_table", grows=True),
    FileKind("reviews", in_folder=True, model="ReviewBatch", repo_list="reviews", table="review_table", grows=True),
    FileKind("openings", in_folder=True, model="Opening", repo_list="openings"),
    FileKind("completions", in_folder=True, model="CompletionBatch", repo_list="completions", grows=True),
)
BY_NAME = {kind.name: kind for kind in KINDS}

TOP_KINDS = tuple(kind.name for kind in KINDS if not kind.in_folder)
FOLDER_KINDS = tuple(kind.name for kind in KINDS if kind.in_folder)
RAW_KINDS = frozenset(kind.name for kind in KINDS if kind.raw)
SHAPING_KINDS = frozenset(kind.name for kind in KINDS if kind.shapes)
GROWING_KINDS = frozenset(kind.name for kind in KINDS if kind.grows)
REPO_LISTS = {kind.repo_list: kind.name for kind in KINDS if kind.repo_list}  # Repo list -> the kind it holds
PER_FILE = tuple(kind.repo_list for kind in KINDS if kind.grows and kind.repo_list)  # lists read again on demand
TABLE_KINDS = {kind.table: kind.name for kind in KINDS if kind.table}  # Repo table -> the kind its rows come from
