"""The CSV export: long form (session × participant × element, the team as its own rows), re-ratings beside the
automatic score, formulas neutralised, UTF-8 with a byte-order mark that Python's csv module reads back."""

from __future__ import annotations

import csv
import io

import pytest
from export_logs import FORMULA, NAMES

from crmsim.debrief.exports import COLUMNS, ExportSession, neutralise, to_csv_bytes
from crmsim.schema.frameworks import load_framework


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _elements(framework: str) -> int:
    return sum(len(c.elements) for c in load_framework(framework).categories)


def test_the_file_is_long_form_and_parses_back(sessions: list[ExportSession]) -> None:
    """Every session × (team + each participant) × element of each framework is one row, under the documented
    header; the file starts with a UTF-8 byte-order mark and ends lines with CRLF."""
    data = to_csv_bytes(sessions, ["ants", "notss"])
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = _rows(data)
    assert tuple(rows[0]) == COLUMNS
    per_session = 5 * (_elements("ants") + _elements("notss"))
    assert len(rows) == 2 * per_session
    keys = {(r["session"], r["participant"], r["framework"], r["element_id"]) for r in rows}
    assert len(keys) == len(rows)
    assert {r["participant"] for r in rows} == {"team", "p1", "p2", "p3", "p4"}
    team = [r for r in rows if r["participant"] == "team"]
    assert team and all(r["role"] == "" for r in team)
    assert {r["session"] for r in rows} == {s.id for s in sessions}


def test_a_rerating_is_the_score_and_the_automatic_one_stays(sessions: list[ExportSession]) -> None:
    """An educator's re-rating is the row's score with its rater and comment; the automatic score is beside it;
    'not observed' is an empty score."""
    rows = _rows(to_csv_bytes(sessions, ["ants"]))
    named = sessions[0].id
    [p1] = [r for r in rows if (r["session"], r["participant"], r["element_id"]) == (named, "p1", "prioritising")]
    assert (p1["score"], p1["rater"], p1["comment"]) == ("4", "edu1", "'" + FORMULA)
    assert p1["auto_score"].isdigit()
    [team] = [r for r in rows if (r["session"], r["participant"], r["element_id"]) == (named, "team", "anticipating")]
    assert (team["score"], team["rater"], team["comment"]) == ("", "edu2", "'-not seen")
    assert int(p1["scale_min"]) == 1 and int(p1["scale_max"]) == 4


def test_no_cell_can_run_as_a_formula(named_sessions: list[ExportSession]) -> None:
    """No cell of the file starts with = + - @ TAB or CR: a name and a comment that were formulas are kept with a
    leading apostrophe, so the spreadsheet shows them as text."""
    rows = _rows(to_csv_bytes(named_sessions, ["ants", "notss"]))
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert "'" + NAMES["p3"] in cells and "'" + FORMULA in cells


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_each_formula_start_is_neutralised(start: str) -> None:
    """A text cell starting with any of the six formula characters gets a leading apostrophe; other text and
    numbers (even negative ones) are unchanged."""
    assert neutralise(f"{start}SUM(A1)") == f"'{start}SUM(A1)"
    assert neutralise("SUM(A1)=2") == "SUM(A1)=2" and neutralise(-3) == -3


def test_names_only_when_chosen(sessions: list[ExportSession], named_sessions: list[ExportSession]) -> None:
    """Without --include-names no name is anywhere in the file; with it, each named participant's rows carry the
    name (accents intact) and the team's rows none."""
    plain = to_csv_bytes(sessions, ["ants"]).decode("utf-8-sig")
    assert not [n for n in ("Zelda", "Quartermaine", "Zoë", "calc") if n in plain]
    rows = _rows(to_csv_bytes(named_sessions, ["ants"]))
    names = {(r["session"], r["participant"]): r["name"] for r in rows}
    first = named_sessions[0].id
    assert names[(first, "p2")] == NAMES["p2"] and names[(first, "team")] == "" and names[(first, "p4")] == ""
