"""Importers on real, public competency frameworks that nobody on this project wrote
(shared/realdata, see its README): each is turned into the wide CSV a user would
have, imported with `import roles` into a fresh repo, spot-checked cell by cell
against the source YAML, and used to compute gaps for a few people."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dataio_helpers import add_person, empty_repo, load_repo, run, write_csv
from skillcycle.core.facts import requirements_on
from skillcycle.core.gaps import person_gaps

REALDATA = Path(__file__).parents[2] / "shared" / "realdata"
FT = REALDATA / "ft-engineering-progression"
DSM = REALDATA / "data-skills-matrix"
FT_LEVELS = "Awareness=foundational,Foundational=foundational,Working knowledge=proficient,Practitioner=proficient,Expert=expert"
DSM_LEVELS = "NC=,0=none,1=foundational,2=proficient,3=proficient,4=expert,5=expert,6=expert"
DAY = date(2026, 9, 30)

pytestmark = pytest.mark.skipif(
    not REALDATA.is_dir(), reason=f"real-data frameworks not found at {REALDATA} (shared/ must sit beside the project)"
)


def required(repo, role: str) -> dict[str, str]:
    return {skill: level.slug for skill, level in requirements_on(repo.roles[role], DAY).items()}


def gaps_of(repo, person: str) -> dict[str, tuple[str, int, str]]:
    frame = person_gaps(repo, DAY)
    rows = frame[frame["person"] == person]
    return {r.skill: (None if pd.isna(r.current) else int(r.current), int(r.gap), r.track) for r in rows.itertuples(index=False)}


# --- Financial Times engineering progression ---------------------------------------------

def ft_sheet(source: Path, out: Path, prefix: str = "") -> Path:
    """themes x levels, as the FT publishes it in its spreadsheet: one row per theme, one column per level."""
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    cell = {(c["theme"], c["level"]): c["proficiency"] for c in data["competencies"]}
    rows = [["Theme"] + [prefix + level["name"] for level in data["levels"]]]
    rows += [[theme["name"]] + [cell.get((theme["id"], level["id"]), "") for level in data["levels"]] for theme in data["themes"]]
    return write_csv(out, rows)


def test_ft_engineering_framework(tmp_path: Path) -> None:
    repo = empty_repo(tmp_path / "ft", "# FT engineering competencies\nskills: []\n")
    sheet = ft_sheet(FT / "engineering.yml", tmp_path / "engineering.csv")
    result = run("import", "roles", sheet, "--family", "engineering", "--levels", FT_LEVELS, "--repo", repo)
    assert result.exit_code == 0, result.output
    assert "8 new roles, 9 new skills" in result.stdout
    loaded = load_repo(repo)
    assert sorted(loaded.roles) == [
        "engineer", "junior-engineer", "principal-engineer-individual-contributor", "principal-engineer-people-manager",
        "senior-engineer-1", "senior-engineer-2-individual-contributor", "senior-engineer-2-people-manager",
        "technology-director",
    ]
    assert loaded.skills["problem-solving-decision-making"].name == "Problem Solving & Decision Making"
    # spot checks, read by hand from engineering.yml (level, theme: proficiency -> mapped level)
    assert required(loaded, "junior-engineer")["technical"] == "foundational"  # Foundational
    assert required(loaded, "junior-engineer")["communication"] == "foundational"  # Awareness
    assert required(loaded, "senior-engineer-1")["independent-working"] == "proficient"  # Working knowledge
    assert required(loaded, "senior-engineer-1")["business-impact"] == "foundational"  # Foundational
    assert required(loaded, "principal-engineer-individual-contributor")["curiosity-learning"] == "expert"  # Expert
    assert required(loaded, "principal-engineer-people-manager")["curiosity-learning"] == "proficient"  # Practitioner
    assert required(loaded, "principal-engineer-people-manager")["leadership-of-self-and-others"] == "expert"  # Expert
    assert required(loaded, "technology-director")["business-impact"] == "expert"  # Expert
    assert all(len(required(loaded, role)) == 9 for role in loaded.roles)  # every level rates every theme

    # Operations: its "Engineer" is the engineering role of that name, so it is refused without --update ...
    ops = ft_sheet(FT / "operations.yml", tmp_path / "operations.csv")
    result = run("import", "roles", ops, "--family", "operations", "--levels", FT_LEVELS, "--repo", repo)
    assert result.exit_code == 1
    assert "operations.csv:B1 (Engineer): role 'engineer' already exists; pass --update" in result.stderr
    # ... and with distinct titles its Technical/Communication themes reuse the skills already there
    ops = ft_sheet(FT / "operations.yml", tmp_path / "operations.csv", prefix="Operations ")
    result = run("import", "roles", ops, "--family", "operations", "--levels", FT_LEVELS, "--repo", repo)
    assert result.exit_code == 0, result.output
    loaded = load_repo(repo)
    assert "3 new roles, 2 new skills" in result.stdout and {"delivery", "leadership"} <= set(loaded.skills)
    assert required(loaded, "operations-senior-engineer-2") == {
        "communication": "proficient", "delivery": "proficient", "leadership": "proficient", "technical": "proficient",
    }  # every operations cell is Working knowledge
    assert (repo / "competencies.yaml").read_text().startswith("# FT engineering competencies\nskills:\n")

    # people, rated through a long calibration sheet that uses the framework's theme names
    add_person(repo, "maya", "Maya Chen", "technology-director")
    add_person(repo, "priya", "Priya Nair", "senior-engineer-1", manager="maya", email="priya@ft.example")
    add_person(repo, "tom", "Tom Okafor", "operations-engineer", manager="maya")
    calibration = write_csv(tmp_path / "calibration.csv", [
        ["person", "skill", "level"],
        ["Priya Nair", "Technical", "Proficient"],
        ["priya@ft.example", "Communication", "foundational"],
        ["priya", "Independent Working", "foundational"],
        ["Tom Okafor", "Delivery", "expert"],
        ["tom", "Technical", "none"],
    ])
    result = run("import", "ratings", calibration, "--date", "2026-09-15", "--source", "calibration", "--assessor", "maya", "--repo", repo)
    assert result.exit_code == 0, result.output
    loaded = load_repo(repo)
    priya = gaps_of(loaded, "priya")
    assert len(priya) == 9
    assert priya["technical"] == (2, 0, "none")  # Working knowledge required, proficient
    assert priya["communication"] == (1, 0, "none")  # Foundational required
    assert priya["independent-working"] == (1, 1, "upskill")  # Working knowledge required, foundational
    assert priya["leadership-of-self-and-others"] == (None, 1, "reskill")  # unassessed
    tom = gaps_of(loaded, "tom")
    assert tom == {
        "communication": (None, 2, "reskill"), "delivery": (3, 0, "none"),
        "leadership": (None, 2, "reskill"), "technical": (0, 2, "reskill"),
    }


# --- data-skills-matrix (pass Culture) -----------------------------------------------------

def dsm_sheet(out: Path) -> tuple[Path, int]:
    """47 skills x (6 roles x 4 career levels): skill names (French) as rows, a group column, a family row."""
    config = yaml.safe_load((DSM / "config.yaml").read_text(encoding="utf-8"))
    roles, careers = config["roles"], config["career_levels"]
    columns = [(role, i, career) for role in roles for i, career in enumerate(careers)]
    rows = [["Compétence", "group"] + [f"{role['name']} {career['name']}" for role, _, career in columns]]
    rows.append(["family", ""] + [role["id"] for role, _, _ in columns])
    count = 0
    for path in sorted((DSM / "skills").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for skill in data["skills"]:
            rows.append([skill["name"], data["category"]["name"]] + [str(skill["levels"][role["id"]][i]) for role, i, _ in columns])
            count += 1
    return write_csv(out, rows), count


def test_data_skills_matrix(tmp_path: Path) -> None:
    repo = empty_repo(tmp_path / "dsm")
    sheet, count = dsm_sheet(tmp_path / "matrix.csv")
    assert count == 47
    result = run("import", "roles", sheet, "--levels", DSM_LEVELS, "--category", "technical", "--repo", repo)
    assert result.exit_code == 0, result.output
    loaded = load_repo(repo)
    assert len(loaded.roles) == 24 and len(loaded.skills) == 47
    assert {r.family for r in loaded.roles.values()} == {
        "data_analyst", "data_engineer", "data_scientist", "analytics_eng", "ml_engineer", "backend",
    }
    assert loaded.skills["analyse-statistique-experimentation"].group == "Analyse de Données"
    assert loaded.skills["sql-bigquery"].name == "SQL & BigQuery"
    # spot checks, read by hand from skills/*.yaml (levels: [junior, confirmé, senior, expert])
    da_jr, de_jr, de_sr = (required(loaded, r) for r in ("data-analyst-junior", "data-engineer-junior", "data-engineer-senior"))
    assert da_jr["sql-bigquery"] == "foundational"  # sql_bigquery data_analyst [1, 2, 3, 4]
    assert de_jr["sql-bigquery"] == "proficient"  # data_engineer [2, 3, 4, 4]
    assert de_sr["sql-bigquery"] == "expert"
    assert required(loaded, "analytics-eng-confirme")["sql-bigquery"] == "proficient"  # analytics_eng [2, 3, 4, 4]: 3
    assert "analyse-statistique-experimentation" not in de_jr  # statistical_analysis data_engineer [NC, NC, 1, 2]
    assert de_sr["analyse-statistique-experimentation"] == "foundational"
    assert required(loaded, "backend-expert")["analyse-statistique-experimentation"] == "foundational"  # backend [NC, NC, NC, 1]
    assert "analyse-statistique-experimentation" not in required(loaded, "backend-senior")
    assert "pensee-strategique-priorisation" not in de_jr  # strategic_thinking data_engineer [0, 1, 2, 3]: 0 = none
    assert required(loaded, "ml-engineer-confirme")["pensee-strategique-priorisation"] == "foundational"  # ml_engineer [0, 1, 2, 3]
    assert required(loaded, "data-analyst-expert")["kubernetes-k8s"] == "foundational"  # kubernetes data_analyst [NC, NC, NC, 1]
    assert "kubernetes-k8s" not in required(loaded, "data-analyst-senior")
    assert required(loaded, "data-scientist-expert")["systemes-de-recommandation"] == "expert"  # [1, 1, 2, 4]
    assert required(loaded, "ml-engineer-senior")["systemes-de-recommandation"] == "proficient"  # ml_engineer [1, 2, 2, 3]
    assert not any("mentorat-leadership" in required(loaded, f"{r}-junior") for r in ("data-analyst", "backend"))  # NC
    # every numeric cell >= 1 in the source is a requirement; NC and 0 are not
    with sheet.open(encoding="utf-8") as handle:
        grid = list(csv.reader(handle))
    source_count = sum(1 for row in grid[2:] for value in row[2:] if value not in ("NC", "0"))
    assert sum(len(required(loaded, role)) for role in loaded.roles) == source_count == 985  # 347 ones + 273 twos + 221 threes + 144 fours

    add_person(repo, "lea", "Léa Martin", "data-analyst-junior")
    add_person(repo, "hugo", "Hugo Bernard", "data-engineer-senior", manager="lea")
    wide = write_csv(tmp_path / "calibration.csv", [
        ["Nom", "SQL & BigQuery", "Analyse Statistique & Expérimentation", "Apache Airflow", "Python (Data)"],
        ["Léa Martin", "2", "0", "", "1"],
        ["hugo", "3", "1", "4", "2"],
    ])
    result = run("import", "ratings", wide, "--date", "2026-09-20", "--source", "manager", "--levels", "0=none,1=foundational,2=proficient,3=proficient,4=expert", "--repo", repo)
    assert result.exit_code == 0, result.output
    loaded = load_repo(repo)
    lea, hugo = gaps_of(loaded, "lea"), gaps_of(loaded, "hugo")
    assert len(lea) == len(required(loaded, "data-analyst-junior"))
    assert lea["sql-bigquery"] == (2, 0, "none")  # junior analyst needs 1
    assert lea["analyse-statistique-experimentation"] == (0, 1, "reskill")  # needs 1, rated 0
    assert lea["python-data"] == (1, 0, "none")
    assert "apache-airflow" not in lea  # airflow data_analyst [NC, NC, 1, 2]
    assert hugo["sql-bigquery"] == (2, 1, "upskill")  # senior data engineer needs 4 = expert; 3 = proficient
    assert hugo["apache-airflow"] == (3, 0, "none")  # needs 3 = proficient; rated 4 = expert
    assert hugo["python-data"] == (2, 1, "upskill")  # data_engineer [2, 3, 4, 4]: needs expert
    assert hugo["analyse-statistique-experimentation"] == (1, 0, "none")  # [NC, NC, 1, 2]: needs foundational
    assert hugo["kubernetes-k8s"] == (None, 2, "reskill")  # [1, 2, 3, 4]: 3 = proficient, unassessed
