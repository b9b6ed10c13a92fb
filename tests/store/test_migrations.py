"""The store's schema migrations: a new file reaches the newest schema, an old one is upgraded with its data kept,
and a newer one is refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crmsim.store import StoredOverride, StoreError, open_store
from crmsim.store.home import database_path
from crmsim.store.migrations import LATEST, migrate, schema_version


def _version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return schema_version(conn)


def test_a_new_store_is_created_at_the_newest_schema(tmp_path: Path) -> None:
    """Opening a store in an empty folder creates crmsim.db at the newest schema version; reopening keeps it."""
    with open_store(tmp_path):
        pass
    assert database_path(tmp_path).is_file() and _version(database_path(tmp_path)) == LATEST >= 3
    with open_store(tmp_path) as store:
        assert store.list_sessions() == []
    assert _version(database_path(tmp_path)) == LATEST


def test_a_version_1_store_is_upgraded_with_its_sessions_kept(tmp_path: Path, novice_text: str) -> None:
    """A database written at schema 1 (sessions and team only) opens at the newest schema: its session is listed,
    its log reads back, and ratings and overrides (added by later steps) can be stored for it."""
    path = database_path(tmp_path)
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, 1) == 1
    conn.execute("INSERT INTO sessions VALUES ('old1', 'anaphylaxis-ga', '1.0.0', 'abc', 1, '2025-01-01T10:00:00+00:00', "
                 "'2025-01-01T10:30:00+00:00', 'resolved', 721.0, 'run', 'h', 'l', ?)", (novice_text,))
    conn.execute("INSERT INTO participants VALUES ('old1', 'p1', 'anaesthetist')")
    conn.execute("INSERT INTO participant_names VALUES ('old1', 'p1', 'Ada Example')")
    conn.close()
    with open_store(tmp_path) as store:
        [old] = store.list_sessions()
        assert (old.id, old.outcome, old.started_at) == ("old1", "resolved", "2025-01-01T10:00:00+00:00")
        assert [(p.id, p.role, p.name) for p in old.participants] == [("p1", "anaesthetist", "Ada Example")]
        assert store.read_log("old1").records[-1].kind == "SessionEnded"
        store.add_override(StoredOverride("old1", "ants", "prioritising", 3, "educator1", "kept"))
        assert [o.score for o in store.overrides("old1")] == [3]
        assert store.forgotten("old1") == set()
    assert _version(path) == LATEST


def test_a_store_from_a_newer_crmsim_is_refused(tmp_path: Path) -> None:
    """A database whose schema version is newer than this crmsim's is refused with one line, never touched."""
    path = database_path(tmp_path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    with pytest.raises(StoreError) as caught:
        open_store(tmp_path)
    assert "upgrade crmsim" in str(caught.value) and "\n" not in str(caught.value)
    assert _version(path) == LATEST + 1


def test_a_failed_step_leaves_the_version_unchanged(tmp_path: Path) -> None:
    """A migration step that fails is rolled back whole: the schema version stays where it was."""
    conn = sqlite3.connect(tmp_path / "x.db", isolation_level=None)
    migrate(conn, 1)
    conn.execute("CREATE TABLE ratings (x)")  # step 2 creates this table, so it fails
    with pytest.raises(Exception, match="schema version 2"):
        migrate(conn)
    assert schema_version(conn) == 1
    conn.close()
