"""Every session played or run is recorded: the game's when it starts (so a crash is listed) and when its log
closes; `crmsim run`'s when it finishes, unless --no-store."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from store_logs import SCENARIO

from crmsim.cli import main
from crmsim.core.headless import ScriptRunner
from crmsim.core.log import read_log
from crmsim.schema.load import load_scenario
from crmsim.store import open_store
from crmsim.store.home import database_path
from crmsim.ui.sessions import resume_session, start_session

NAMES = ["Quincy Played", "", "Rosalind Nurse"]


def test_a_played_session_is_stored_at_its_start_and_at_its_end(tmp_path: Path) -> None:
    """start_session stores the new session (unfinished, names in the store only); closing its log after the end
    updates that same session with its outcome and its ratings in every framework."""
    loaded = load_scenario(SCENARIO)
    session = start_session(loaded, NAMES, tmp_path / "sessions", seed=3)
    log_path = Path(str(session.log_path))
    assert "Quincy" not in log_path.read_text(encoding="utf-8")
    with open_store(tmp_path) as store:
        [started] = store.list_sessions()
        assert started.outcome is None and started.source == "play"
        assert {p.id: p.name for p in started.participants} == {"p1": "Quincy Played", "p2": None,
                                                                "p3": "Rosalind Nurse", "p4": None}  # fmt: skip
    ScriptRunner(loaded.scripts["reference"]).run(session)
    session.close_log()
    with open_store(tmp_path) as store:
        [ended] = store.list_sessions()
        assert ended.id == started.id and ended.outcome == session.outcome is not None
        assert store.log_text(ended.id) == log_path.read_text(encoding="utf-8")
        assert {r.framework for r in store.ratings(ended.id)} == {"ants", "notss", "team", "ottawa", "acrm", "core"}


def test_a_resumed_session_stays_one_stored_session(tmp_path: Path) -> None:
    """A session that crashed part-way is listed unfinished; resumed from its log and played to the end, the same
    stored session gets the whole log and the outcome."""
    loaded = load_scenario(SCENARIO)
    crashed = start_session(loaded, ["Quincy Played"], tmp_path / "sessions", seed=4)
    runner = ScriptRunner(loaded.scripts["reference"])
    runner.run(crashed, max_ticks=400)
    log_path = Path(str(crashed.log_path))
    session = resume_session(log_path)
    with open_store(tmp_path) as store:
        [listed] = store.list_sessions()
        assert listed.outcome is None and listed.duration_s == pytest.approx(40.0)
    runner.run(session, skip=sum(1 for r in session.records if r.kind == "CommandIssued"))
    session.close_log()
    with open_store(tmp_path) as store:
        [ended] = store.list_sessions()
        assert ended.id == listed.id and ended.outcome is not None
        assert store.read_log(ended.id).records == read_log(log_path).records
        assert {p.id: p.name for p in ended.participants}["p1"] == "Quincy Played"


def test_crmsim_run_records_the_run_unless_told_not_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`crmsim run` stores the finished log in CRMSIM_HOME's store and prints its id; with --no-store it leaves
    no store at all."""
    monkeypatch.setenv("CRMSIM_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(main, ["run", str(SCENARIO), "--out", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    with open_store(tmp_path / "home") as store:
        [stored] = store.list_sessions()
        assert f"stored:    session {stored.id}" in result.output and stored.source == "run"
        assert store.log_text(stored.id) == (tmp_path / "a" / "log.jsonl").read_text(encoding="utf-8")
    monkeypatch.setenv("CRMSIM_HOME", str(tmp_path / "other"))
    quiet = CliRunner().invoke(main, ["run", str(SCENARIO), "--out", str(tmp_path / "b"), "--no-store"])
    assert quiet.exit_code == 0 and "stored:" not in quiet.output
    assert not database_path(tmp_path / "other").exists()
