"""Forgetting one participant: their name leaves no trace in the database file, their own ratings and re-ratings
go, and the session, the team's ratings and everyone else's data stay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store_logs import NAMES

from crmsim.core.log import dumps
from crmsim.store import StoredOverride, StoreError, open_store
from crmsim.store.record import record_log


def _mention(text: str, name: str) -> str:
    """The log with the name spoken in its first record that has a text (as if typed by the team)."""
    lines = text.split("\n")
    for i, line in enumerate(lines[1:], start=1):
        record = json.loads(line)
        if isinstance(record["data"].get("text"), str):
            record["data"]["text"] = f"{name} says: {record['data']['text']}"
            lines[i] = dumps(record)
            return "\n".join(lines)
    raise AssertionError("the log has no record with a text")


def _files(home: Path) -> bytes:
    """Every byte of every file the store left in its folder (database, journals)."""
    return b"".join(p.read_bytes() for p in sorted(home.iterdir()) if p.is_file())


def _traces(data: bytes, name: str) -> list[str]:
    words = [name, *name.split()]
    return [w for w in words if w.encode("utf-8").lower() in data.lower()]


@pytest.fixture
def home(tmp_path: Path, reference_text: str, novice_text: str) -> Path:
    """A store with two rated sessions; the first has two named participants, one of them spoken of in the log."""
    with open_store(tmp_path) as store:
        first = record_log(store, _mention(reference_text, NAMES[0]), names={"p3": "Xavier Third"})
        second = record_log(store, novice_text)
        for sid in (first, second):
            store.add_override(StoredOverride(sid, "ants", "prioritising", 4, "edu1", f"{NAMES[0]} led well", "p1"))
            store.add_override(StoredOverride(sid, "ants", "prioritising", 2, "edu1", "team", None))
    assert _traces(_files(tmp_path), NAMES[0])
    return tmp_path


def test_forgetting_a_participant_leaves_no_trace_of_their_name(home: Path) -> None:
    """After forget, the participant's name (whole or any part of it, any case) is nowhere in the store's files,
    though it was in the names table, the log header, a logged finding and an override comment."""
    with open_store(home) as store:
        first = store.list_sessions()[0]
        store.forget_participant(first.id, "p1")
    assert _traces(_files(home), NAMES[0]) == []
    assert _traces(_files(home), NAMES[1]) == [NAMES[1], *NAMES[1].split()]


def test_forgetting_keeps_the_session_and_the_team(home: Path) -> None:
    """The forgotten participant keeps only their pseudonymous id and role: their own ratings in every framework and
    their re-ratings are deleted; the team's ratings, the other participants' and the log (which still parses,
    with the name replaced by the id) remain."""
    with open_store(home) as store:
        first, second = store.list_sessions()
        before = {r.framework: r.report for r in store.ratings(first.id)}
        store.forget_participant(first.id, "p1")
        after = {r.framework: r.report for r in store.ratings(first.id)}
        assert set(after) == set(before) and len(after) == 6
        for fw, report in after.items():
            assert [p["participant"] for p in report["participants"]] == ["p2", "p3", "p4"]
            assert report["team"] == before[fw]["team"]
        assert [o.participant for o in store.overrides(first.id)] == [None]
        assert [o.participant for o in store.overrides(second.id)] == ["p1", None]
        team = {p.id: (p.role, p.name) for p in store.get_session(first.id).participants}
        assert team["p1"] == ("anaesthetist", None) and team["p2"][1] == NAMES[1] and team["p3"][1] == "Xavier Third"
        log = store.read_log(first.id)
        assert any("p1 says: " in str(r.data.get("text", "")) for r in log.records)
        assert store.forgotten(first.id) == {"p1"}
        with pytest.raises(StoreError, match="forgotten"):
            store.add_override(StoredOverride(first.id, "ants", "prioritising", 1, "edu2", "", "p1"))


def test_forgetting_by_name_covers_every_session(home: Path, reference_text: str) -> None:
    """forget_name finds the person in every session stored under that name (any case) and forgets each."""
    with open_store(home) as store:
        again = record_log(store, reference_text.replace("2026-03-02T09:30", "2026-03-09T09:30"))
        done = store.forget_name(NAMES[0].upper())
        assert sorted(done) == sorted([(store.list_sessions()[0].id, "p1"), (again, "p1")])
        assert store.forget_name("Nobody Here") == []
    assert _traces(_files(home), NAMES[0]) == []


def test_an_unknown_participant_is_named(home: Path) -> None:
    """Forgetting a participant id the session does not have is a one-line error listing the ids it has."""
    with open_store(home) as store:
        sid = store.list_sessions()[0].id
        with pytest.raises(StoreError, match="no participant 'p9'.*p1, p2, p3, p4"):
            store.forget_participant(sid, "p9")
