"""`crmsim sessions | import | override | forget` as a user calls them, and their one-line errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from store_logs import NAMES

from crmsim.cli import main
from crmsim.store import open_store


def crmsim(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result: Result, code: int) -> str:
    assert result.exit_code == code, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crmsim: "), result.stderr
    return lines[0]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reference_text: str, novice_text: str) -> Iterator[Path]:
    """CRMSIM_HOME in a temporary folder, and the two logs as files to import."""
    monkeypatch.setenv("CRMSIM_HOME", str(tmp_path / "home"))
    (tmp_path / "ref").mkdir()
    (tmp_path / "ref" / "log.jsonl").write_text(reference_text, encoding="utf-8")
    (tmp_path / "novice.jsonl").write_text(novice_text, encoding="utf-8")
    yield tmp_path


def test_import_then_list(home: Path) -> None:
    """`crmsim import` stores logs (files or run folders) once each; `crmsim sessions` lists them as a table or
    JSON, names only with --include-names, and filters by --scenario."""
    first = crmsim("import", home / "ref", home / "novice.jsonl")
    assert first.exit_code == 0, first.output
    again = crmsim("import", home / "novice.jsonl")
    assert again.output.split()[-1] == first.output.split()[-1]
    table = crmsim("sessions")
    assert table.exit_code == 0 and table.output.count("anaphylaxis-ga 1.0.0") == 2
    assert "p1:anaesthetist" in table.output and NAMES[0] not in table.output
    assert "2026-03-02T09:30:00+00:00" in table.output and "unfinished" not in table.output
    listed = json.loads(crmsim("sessions", "--format", "json").output)
    assert [s["scenario"] for s in listed] == ["anaphylaxis-ga"] * 2 and "name" not in listed[0]["team"][0]
    named = json.loads(crmsim("sessions", "--format", "json", "--include-names").output)
    assert named[0]["team"][0]["name"] == NAMES[0]
    assert "no stored sessions" in crmsim("sessions", "--scenario", "vf-arrest").output


def test_override_keeps_an_educators_rating(home: Path) -> None:
    """`crmsim override SESSION FILE` keeps the re-ratings (any unique id prefix names the session); a bad element
    or score is one line naming the file and line, and nothing is stored."""
    crmsim("import", home / "novice.jsonl")
    with open_store(home / "home") as store:
        sid = store.list_sessions()[0].id
    good = home / "good.csv"
    good.write_text("element,score,rater,comment,participant\nprioritising,3,edu1,fine,p1\n"
                    "ants.anticipating,N/O,edu1,,team\n", encoding="utf-8")  # fmt: skip
    result = crmsim("override", sid[:6], good)
    assert result.exit_code == 0 and "kept 2 re-rating(s)" in result.output
    bad = home / "bad.csv"
    bad.write_text("element,score,rater,comment\nprioritising,9,edu1,too high\n", encoding="utf-8")
    assert "bad.csv:2: score 9 is outside" in one_line_error(crmsim("override", sid, bad), 1)
    with open_store(home / "home") as store:
        kept = store.overrides(sid)
    assert [(o.participant, o.element, o.score) for o in kept] == [("p1", "prioritising", 3),
                                                                   (None, "anticipating", None)]  # fmt: skip


def test_forget_from_the_command_line(home: Path) -> None:
    """`crmsim forget --name` and `crmsim forget p2 --session ID` forget and say what remains; misuse is exit 2,
    an unknown session or name exit 1, each one line."""
    crmsim("import", home / "ref")
    with open_store(home / "home") as store:
        sid = store.list_sessions()[0].id
    by_name = crmsim("forget", "--name", NAMES[1])
    assert by_name.exit_code == 0 and f"forgot p2 of session {sid}" in by_name.output
    by_id = crmsim("forget", "p1", "--session", sid)
    assert by_id.exit_code == 0 and "pseudonymous id p1" in by_id.output
    with open_store(home / "home") as store:
        assert all(p.name is None for p in store.get_session(sid).participants)
    assert "--session" in one_line_error(crmsim("forget", "p1"), 2)
    assert "not both" in one_line_error(crmsim("forget", "p1", "--session", sid, "--name", "x"), 2)
    assert "no stored session 'zzz'" in one_line_error(crmsim("forget", "p1", "--session", "zzz"), 1)
    assert "no participant is stored" in one_line_error(crmsim("forget", "--name", "Nobody"), 1)
    assert "no participant 'p9'" in one_line_error(crmsim("forget", "p9", "--session", sid), 1)


def test_bad_input_is_one_line(home: Path) -> None:
    """A missing log, a file that is not a log, an unknown format or session, and a store from a newer crmsim
    are each one line: exit 2 for misuse, 1 for bad input."""
    assert "no such log file" in one_line_error(crmsim("import", home / "none.jsonl"), 2)
    junk = home / "junk.jsonl"
    junk.write_text("hello\n", encoding="utf-8")
    assert "junk.jsonl:1" in one_line_error(crmsim("import", junk), 1)
    assert "table or json" in one_line_error(crmsim("sessions", "--format", "xml"), 2)
    assert "no stored session 'abc'" in one_line_error(crmsim("override", "abc", junk), 1)
    import sqlite3

    with sqlite3.connect(home / "home" / "crmsim.db") as conn:
        conn.execute("PRAGMA user_version = 999")
    assert "upgrade crmsim" in one_line_error(crmsim("sessions"), 1)


def test_stored_rerating_shows_in_the_debrief_and_the_cohort(home: Path) -> None:
    """A re-rating kept with `crmsim override` is what `crmsim debrief ID` and `crmsim cohort` show for that element,
    with the educator as rater and the automatic score beside it."""
    crmsim("import", home / "novice.jsonl")
    with open_store(home / "home") as store:
        sid = store.list_sessions()[0].id
    rerating = home / "edu.csv"
    rerating.write_text("element,score,rater,comment,participant\nprioritising,4,edu7,clear plan,team\n", encoding="utf-8")
    assert crmsim("override", sid, rerating).exit_code == 0
    result = crmsim("debrief", sid, "--format", "json", "-o", home / "d.json")
    assert result.exit_code == 0, result.output
    data = json.loads((home / "d.json").read_text(encoding="utf-8"))
    element = next(e for c in data["ratings"]["categories"] for e in c["elements"] if e["id"] == "prioritising")
    assert (element["score"], element["rater"]) == (4, "edu7") and element["auto_score"] != 4
    cohort = crmsim("cohort", "-o", home / "cohort.html")
    assert cohort.exit_code == 0, cohort.output
    assert "skipped" not in cohort.stderr  # the re-rated session was rated, not dropped


def test_import_says_why_a_log_is_not_rated(home: Path, novice_text: str) -> None:
    """A log that is stored but cannot be rated — unfinished, or damaged (a record past its scenario's time limit)
    — is imported all the same, and the import says why it was not rated, in the same line; a rated one says
    nothing more."""
    lines = novice_text.splitlines()
    (home / "unfinished.jsonl").write_text("\n".join(lines[:40]) + "\n", encoding="utf-8")
    last = json.loads(lines[-1])
    last["t"] = 1e300
    (home / "damaged.jsonl").write_text("\n".join([*lines[:-1], json.dumps(last)]) + "\n", encoding="utf-8")
    rated = crmsim("import", home / "ref")
    assert rated.exit_code == 0 and "not rated" not in rated.output, rated.output
    unfinished = crmsim("import", home / "unfinished.jsonl")
    assert unfinished.output.strip().endswith("(not rated: the session has not ended)"), unfinished.output
    damaged = crmsim("import", home / "damaged.jsonl")  # the rest of the same session, its last record damaged
    assert damaged.exit_code == 0, damaged.output
    assert "(not rated: " in damaged.output and "past the scenario's time limit" in damaged.output
