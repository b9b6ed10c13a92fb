"""The SQLite session store: round trip of a log, listing, continuing a session, ratings and overrides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_logs import NAMES, run_text

from crmsim.core.log import parse_log
from crmsim.store import SessionStore, StoredOverride, StoredRating, StoreError, UnknownSession, open_store


def test_the_sqlite_store_implements_the_interface(store: SessionStore) -> None:
    """open_store returns an object satisfying the SessionStore protocol, usable as a context manager."""
    assert isinstance(store, SessionStore)
    with store as same:
        assert same is store


def test_a_log_round_trips_with_its_facts(store: SessionStore, novice_text: str) -> None:
    """A stored log reads back byte for byte and parsed; the session's scenario, seed, outcome, duration and
    team come from the log."""
    sid = store.add_session(novice_text, source="run")
    assert store.log_text(sid) == novice_text
    log = store.read_log(sid)
    assert log.records == parse_log(novice_text).records
    stored = store.get_session(sid)
    assert (stored.scenario_id, stored.scenario_version, stored.seed, stored.source) == ("anaphylaxis-ga", "1.0.0", 1,
                                                                                         "run")  # fmt: skip
    assert stored.outcome == log.records[-1].data["outcome"] and stored.duration_s == log.records[-1].t
    assert len(stored.scenario_sha256) == 64 and stored.started_at == stored.stored_at != ""
    assert [p.role for p in stored.participants] == [p["role"] for p in log.header["participants"]]


def test_names_are_kept_apart_from_the_log(store: SessionStore, reference_text: str) -> None:
    """Names in an old log's header move to the store: the stored log's header has none, the session has them."""
    assert NAMES[0] in reference_text
    sid = store.add_session(reference_text, names={"p3": "Xavier Third"})
    assert NAMES[0] not in store.log_text(sid) and NAMES[1] not in store.log_text(sid)
    assert all(p["name"] == "" for p in store.read_log(sid).header["participants"])
    named = {p.id: p.name for p in store.get_session(sid).participants}
    assert named == {"p1": NAMES[0], "p2": NAMES[1], "p3": "Xavier Third", "p4": None}
    assert store.read_log(sid).records == parse_log(reference_text).records


def test_listing_is_by_start_and_filters_by_scenario(store: SessionStore, reference_text: str, novice_text: str) -> None:
    """Sessions are listed oldest start first (a logged start before a recording time), and only the named
    scenario's with --scenario."""
    later = store.add_session(novice_text)
    earlier = store.add_session(reference_text)
    assert [s.id for s in store.list_sessions()] == [earlier, later]
    assert store.get_session(earlier).started_at == "2026-03-02T09:30:00+00:00"
    assert len(store.list_sessions("anaphylaxis-ga")) == 2 and store.list_sessions("vf-arrest") == []


def test_a_session_that_goes_on_is_one_session(store: SessionStore) -> None:
    """A cut-off log stored early (a crashed session) and its longer continuation are one session: adding the
    longer log updates it, adding the same log again changes nothing, and the outcome appears when it ends."""
    full = run_text("reference", started_at="2026-03-02T10:00:00+00:00")
    early = run_text("reference", started_at="2026-03-02T10:00:00+00:00", stop_at=30)
    assert full.startswith(early) and len(early) < len(full)
    sid = store.add_session(early)
    assert store.get_session(sid).outcome is None
    assert store.add_session(full) == sid and store.add_session(early) == sid
    assert store.get_session(sid).outcome == parse_log(full).records[-1].data["outcome"]
    assert store.log_text(sid) == full
    assert len(store.list_sessions()) == 1


def test_update_refuses_a_log_of_another_session(store: SessionStore, reference_text: str, novice_text: str) -> None:
    """update_log only accepts a continuation of the stored log; another session's log is an error."""
    sid = store.add_session(novice_text)
    with pytest.raises(StoreError, match="does not continue"):
        store.update_log(sid, reference_text)
    assert store.log_text(sid) == novice_text


def test_text_that_is_not_a_log_is_refused(store: SessionStore) -> None:
    """Adding text that is not a crmsim log is a one-line StoreError and stores nothing."""
    with pytest.raises(StoreError) as caught:
        store.add_session('{"format": "something-else"}\n')
    assert "not a crmsim log" in str(caught.value) and store.list_sessions() == []


def test_ratings_and_overrides_are_kept_side_by_side(store: SessionStore, novice_text: str) -> None:
    """The scorer's report per framework is stored and replaced per framework; educators' overrides are kept in
    order beside it, never changing it."""
    sid = store.add_session(novice_text)
    report = {"framework": "ants", "team": {"participant": None, "categories": []}, "participants": []}
    store.put_ratings(sid, [StoredRating(sid, "ants", report), StoredRating(sid, "notss", {**report, "framework": "notss"})])
    store.put_ratings(sid, [StoredRating(sid, "ants", {**report, "outcome": "again"})])
    assert [(r.framework, r.report.get("outcome")) for r in store.ratings(sid)] == [("ants", "again"), ("notss", None)]
    store.add_override(StoredOverride(sid, "ants", "prioritising", 3, "edu1", "first", None))
    store.add_override(StoredOverride(sid, "ants", "prioritising", None, "edu2", "not seen", "p2"))
    assert [(o.rater, o.score, o.participant) for o in store.overrides(sid)] == [("edu1", 3, None), ("edu2", None, "p2")]
    assert store.ratings(sid)[0].report["outcome"] == "again"


def test_an_unknown_session_id_is_named(store: SessionStore) -> None:
    """Every call naming a session that is not stored raises UnknownSession with the id in one line."""
    calls = [store.get_session, store.read_log, store.log_text, store.ratings, store.overrides, store.delete_session]
    for call in calls:
        with pytest.raises(UnknownSession, match="'nope'"):
            call("nope")


def test_deleting_a_session_removes_everything_stored_with_it(tmp_path: Path, novice_text: str) -> None:
    """delete_session removes the session, its team, names, ratings and overrides."""
    with open_store(tmp_path) as store:
        sid = store.add_session(novice_text, names={"p1": "Wilhelmina Deletable"})
        store.put_ratings(sid, [StoredRating(sid, "ants", {"participants": []})])
        store.add_override(StoredOverride(sid, "ants", "prioritising", 2, "edu1"))
        store.delete_session(sid)
        assert store.list_sessions() == []
    data = (tmp_path / "crmsim.db").read_bytes()
    assert b"Wilhelmina" not in data and b"SessionEnded" not in data


def test_a_closed_store_refuses_work(tmp_path: Path) -> None:
    """After close (which may be called twice) the store raises StoreError instead of touching the file."""
    store = open_store(tmp_path)
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.list_sessions()


def test_the_ratings_report_is_stored_as_json(store: SessionStore, novice_text: str) -> None:
    """A report holding non-ASCII text reads back equal (the JSON keeps Unicode)."""
    sid = store.add_session(novice_text)
    report = {"reason": "SpO₂ < 90 % — µg", "participants": []}
    store.put_ratings(sid, [StoredRating(sid, "ants", report)])
    assert json.dumps(store.ratings(sid)[0].report, sort_keys=True) == json.dumps(report, sort_keys=True)
