"""`crmsim score` and `crmsim agreement` as a user calls them: formats, overrides, and one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from scoring_logs import ANAPHYLAXIS, make_log
from test_scoring_rating import GOOD_TEAM

from crmsim.cli import main
from crmsim.core.log import Log, dumps
from crmsim.schema.load import LoadedScenario


def crmsim(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def write_log(log: Log, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [dumps(log.header)] + [r.to_json() for r in log.records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture()
def log_file(tmp_path: Path, anaphylaxis: LoadedScenario) -> Path:
    log = make_log(*GOOD_TEAM, end=200)
    header = {**log.header, "scenario": {"id": "anaphylaxis-ga", "path": str(ANAPHYLAXIS), "sha256": anaphylaxis.sha256,
                                         "version": "1.0.0"}}  # fmt: skip
    return write_log(Log(header, log.records, False, "x"), tmp_path / "run" / "log.jsonl")


def one_line_error(result: Result, code: int) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crmsim: "), result.stderr
    return lines[0]


@pytest.mark.parametrize("framework", ["ants", "notss", "team", "ottawa", "acrm", "core"])
def test_score_json_has_the_framework_and_every_element(log_file: Path, framework: str) -> None:
    """The JSON holds the framework id and, per category and element: id, name, score, scale, evidence, reason."""
    result = crmsim("score", log_file, "--framework", framework, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["framework"] == framework
    for category in data["team"]["categories"]:
        assert {"id", "name", "score", "elements"} <= set(category)
        for element in category["elements"]:
            assert {"id", "name", "score", "scale", "evidence", "reason"} <= set(element)
            assert set(element["scale"]) == {"min", "max"}
            assert all(isinstance(s, int) for s in element["evidence"])
    assert [p["participant"] for p in data["participants"]] == ["p1", "p2", "p3", "p4"]


def test_score_accepts_the_run_folder_and_prints_a_table(log_file: Path) -> None:
    """LOG may be the run folder; the table shows each category and element with score, evidence and reason."""
    result = crmsim("score", log_file.parent)
    assert result.exit_code == 0, result.output
    assert "Situation awareness:" in result.stdout and "Recognising and understanding" in result.stdout
    assert "evidence #" in result.stdout
    one = crmsim("score", log_file, "--participant", "p2")
    assert one.exit_code == 0 and "p2 (odp)" in one.stdout


def test_score_csv_and_overrides_keep_both_ratings(log_file: Path, tmp_path: Path) -> None:
    """CSV has one row per element and participant; with --overrides the educator's score and the auto score both
    appear."""
    overrides = tmp_path / "o.csv"
    overrides.write_text("element,score,rater,comment\nants.anticipating,1,edu7,No plan for the worst case\n")
    result = crmsim("score", log_file, "--format", "csv", "--overrides", overrides)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    team = {r["element"]: r for r in rows if r["participant"] == "team"}
    assert len(team) == 15 and len(rows) == 15 * 5
    assert team["anticipating"]["score"] == "1" and team["anticipating"]["rater"] == "edu7"
    assert team["anticipating"]["auto_score"] != ""
    data = json.loads(crmsim("score", log_file, "--format", "json", "--overrides", overrides).stdout)
    element = next(e for c in data["team"]["categories"] for e in c["elements"] if e["id"] == "anticipating")
    assert [r["rater"] for r in element["ratings"]] == ["auto", "edu7"]


def test_score_errors_are_one_line(log_file: Path, tmp_path: Path) -> None:
    """A missing file is a usage error (2); a log that is not a log, or bad overrides, are input errors (1)."""
    assert "no such log file" in one_line_error(crmsim("score", tmp_path / "nope.jsonl"), 2)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"format": "something-else", "format_version": 1}\n')
    assert "not a crmsim log" in one_line_error(crmsim("score", bad), 1)
    overrides = tmp_path / "o.csv"
    overrides.write_text("element,score,rater,comment\nforesight,2,edu,x\n")
    assert "o.csv:2: 'foresight' is not an element of ants" in one_line_error(
        crmsim("score", log_file, "--overrides", overrides), 1)
    assert "no participant 'p9'" in one_line_error(crmsim("score", log_file, "--participant", "p9"), 2)
    assert "no such overrides file" in one_line_error(crmsim("score", log_file, "--overrides", tmp_path / "x.csv"), 2)


def test_score_refuses_a_changed_scenario(log_file: Path, tmp_path: Path) -> None:
    """Like replay, scoring refuses a scenario whose text changed since the log was written; --scenario must match."""
    text = log_file.read_text().replace('"sha256":"', '"sha256":"0', 1)
    changed = tmp_path / "changed.jsonl"
    changed.write_text(text)
    assert "has changed since this log was written" in one_line_error(crmsim("score", changed), 2)


def test_agreement_prints_the_four_statistics(tmp_path: Path) -> None:
    """`crmsim agreement A.csv B.csv` reports ICC(2,1), weighted kappa, % within one point and mean rwg."""
    a = tmp_path / "a.csv"
    b = tmp_path / "b.csv"
    a.write_text("element,score\nx,4\ny,3\nz,2\nw,1\n")
    b.write_text("element,score\nx,4\ny,3\nz,1\nw,1\n")
    result = crmsim("agreement", a, b, "--min", "1", "--max", "4")
    assert result.exit_code == 0, result.output
    for label in ("ICC(2,1):", "weighted kappa:", "within 1 point:  100.0%", "mean rwg:"):
        assert label in result.stdout
    data = json.loads(crmsim("agreement", a, b, "--min", "1", "--max", "4", "--format", "json").stdout)
    assert data["targets"] == 4 and 0 < data["icc2_1"] <= 1


def test_agreement_reproduces_shrout_fleiss_from_files(tmp_path: Path) -> None:
    """Four judges' files of Shrout & Fleiss (1979) Table 2 give ICC(2,1) = 0.29 through the command."""
    table = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    files = []
    for judge in range(4):
        path = tmp_path / f"judge{judge + 1}.csv"
        path.write_text("target,score\n" + "".join(f"t{i + 1},{row[judge]}\n" for i, row in enumerate(table)))
        files.append(path)
    result = crmsim("agreement", *files, "--min", "1", "--max", "10", "--format", "json")
    assert result.exit_code == 0, result.output
    assert round(json.loads(result.stdout)["icc2_1"], 2) == 0.29


def test_agreement_errors_are_one_line(tmp_path: Path) -> None:
    """One file is a usage error; a file without a score column is an input error at its line."""
    a = tmp_path / "a.csv"
    a.write_text("element,score\nx,4\n")
    assert "at least two" in one_line_error(crmsim("agreement", a), 2)
    bad = tmp_path / "bad.csv"
    bad.write_text("element,rating\nx,4\n")
    assert "bad.csv:1:" in one_line_error(crmsim("agreement", a, bad), 1)
    assert "no such ratings file" in one_line_error(crmsim("agreement", a, tmp_path / "none.csv"), 2)
