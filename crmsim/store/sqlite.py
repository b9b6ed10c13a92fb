"""The session store in one SQLite file: sessions with their log text, team, names, ratings and overrides.

The log's full text is stored (not a path to it) so the store is self-contained: it survives the session folder
being moved or cleaned, and one file backs up or moves every session. Deletions overwrite the freed bytes
(``PRAGMA secure_delete``) and forgetting a person ends with ``VACUUM``, so a deleted name leaves no trace in
the file.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from types import TracebackType
from typing import Any

from crmsim import __version__
from crmsim.core.log import Log, LogError, parse_log
from crmsim.store.base import StoredOverride, StoredParticipant, StoredRating, StoredSession, StoreError, UnknownSession
from crmsim.store.logtext import FORGOTTEN, LogFacts, read_facts, scrub_name, scrub_text
from crmsim.store.migrations import MigrationError, migrate

_SESSION_COLUMNS = ("id, scenario_id, scenario_version, CASE WHEN started_at != '' THEN started_at ELSE stored_at END, "
                    "outcome, duration_s, scenario_sha256, seed, source, stored_at")  # fmt: skip


class SqliteStore:
    """A ``SessionStore`` in one SQLite file (created, and its schema migrated, on opening)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn: sqlite3.Connection | None = sqlite3.connect(self.path, isolation_level=None, timeout=10)
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._conn.execute("PRAGMA secure_delete = ON")
            migrate(self._conn)
        except (OSError, sqlite3.Error, MigrationError) as exc:
            self._conn = None
            raise StoreError(f"{self.path}: cannot open the session store: {exc}") from None

    # --- plumbing ---------------------------------------------------------------------------------------------
    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError(f"{self.path}: the session store is closed")
        return self._conn

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(f"{self.path}: {exc}") from None
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from None

    def _require(self, session_id: str) -> None:
        if not self._query("SELECT 1 FROM sessions WHERE id = ?", (session_id,)):
            raise UnknownSession(f"no stored session '{session_id}'")

    # --- sessions ---------------------------------------------------------------------------------------------
    def _team(self, session_id: str) -> tuple[StoredParticipant, ...]:
        rows = self._query("SELECT p.id, p.role, n.name FROM participants p LEFT JOIN participant_names n "
                           "ON n.session_id = p.session_id AND n.participant_id = p.id WHERE p.session_id = ? "
                           "ORDER BY p.rowid", (session_id,))  # fmt: skip
        return tuple(StoredParticipant(pid, role, name) for pid, role, name in rows)

    def _session(self, row: tuple[Any, ...]) -> StoredSession:
        sid, scenario_id, version, started, outcome, duration, sha, seed, source, stored = row
        return StoredSession(sid, scenario_id, version, started, outcome, duration, sha, seed, source,
                             stored, self._team(sid))  # fmt: skip

    def list_sessions(self, scenario_id: str | None = None) -> list[StoredSession]:
        where, params = ("WHERE scenario_id = ?", (scenario_id,)) if scenario_id is not None else ("", ())
        rows = self._query(f"SELECT {_SESSION_COLUMNS} FROM sessions {where} ORDER BY 4, stored_at, rowid", params)
        return [self._session(row) for row in rows]

    def get_session(self, session_id: str) -> StoredSession:
        rows = self._query(f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            raise UnknownSession(f"no stored session '{session_id}'")
        return self._session(rows[0])

    def log_text(self, session_id: str) -> str:
        rows = self._query("SELECT log_text FROM sessions WHERE id = ?", (session_id,))
        if not rows:
            raise UnknownSession(f"no stored session '{session_id}'")
        return str(rows[0][0])

    def read_log(self, session_id: str) -> Log:
        try:
            return parse_log(self.log_text(session_id), f"store:{session_id}")
        except LogError as exc:
            raise StoreError(str(exc)) from None

    def _same_session(self, facts: LogFacts) -> tuple[str, str] | None:
        """A stored session this log continues (or repeats): its id and stored text."""
        rows = self._query("SELECT id, log_text FROM sessions WHERE header_sha256 = ? ORDER BY rowid",
                           (facts.header_sha256,))  # fmt: skip
        for sid, text in rows:
            if facts.text.startswith(text) or text.startswith(facts.text):
                return str(sid), str(text)
        return None

    def add_session(self, log_text: str, *, names: Mapping[str, str] | None = None, source: str = "") -> str:
        facts = read_facts(log_text)
        known = self._same_session(facts)
        names = {**facts.names, **{k: v.strip() for k, v in (names or {}).items() if v and v.strip()}}
        roles = dict(facts.roles)
        if unknown := sorted(set(names) - set(roles)):
            raise StoreError(f"no participant '{unknown[0]}' in the log; it has {', '.join(roles) or 'none'}")
        if known is not None:
            sid, text = known
            names = {pid: name for pid, name in names.items() if pid not in self._forgotten(sid)}
            if len(facts.text) > len(text):
                self._write_log(sid, facts)
            self._put_names(sid, names)
            return sid
        sid = uuid.uuid4().hex[:12]
        stored_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self._transaction() as conn:
            conn.execute("INSERT INTO sessions (id, scenario_id, scenario_version, scenario_sha256, seed, started_at, "
                         "stored_at, outcome, duration_s, source, header_sha256, log_sha256, log_text) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         (sid, facts.scenario_id, facts.scenario_version, facts.scenario_sha256, facts.seed,
                          facts.started_at, stored_at, facts.outcome, facts.duration_s, source,
                          facts.header_sha256, facts.log_sha256, facts.text))  # fmt: skip
            conn.executemany("INSERT INTO participants (session_id, id, role) VALUES (?, ?, ?)",
                             [(sid, pid, role) for pid, role in facts.roles])  # fmt: skip
        self._put_names(sid, names)
        return sid

    def _put_names(self, session_id: str, names: Mapping[str, str]) -> None:
        if not names:
            return
        with self._transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO participant_names (session_id, participant_id, name) "
                             "VALUES (?, ?, ?)", [(session_id, pid, name) for pid, name in names.items()])  # fmt: skip

    def _write_log(self, session_id: str, facts: LogFacts) -> None:
        with self._transaction() as conn:
            conn.execute("UPDATE sessions SET outcome = ?, duration_s = ?, log_sha256 = ?, log_text = ?, "
                         "header_sha256 = ? WHERE id = ?", (facts.outcome, facts.duration_s, facts.log_sha256,
                                                            facts.text, facts.header_sha256, session_id))  # fmt: skip

    def update_log(self, session_id: str, log_text: str) -> None:
        old = read_facts(self.log_text(session_id))
        facts = read_facts(log_text)
        if facts.header_sha256 != old.header_sha256 or not facts.text.startswith(old.text):
            raise StoreError(f"the log does not continue stored session '{session_id}'")
        self._write_log(session_id, facts)
        self._put_names(session_id, facts.names)

    def delete_session(self, session_id: str) -> None:
        self._require(session_id)
        with self._transaction() as conn:
            conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
        self._vacuum()

    # --- ratings and overrides --------------------------------------------------------------------------------
    def put_ratings(self, session_id: str, ratings: Sequence[StoredRating]) -> None:
        self._require(session_id)
        forgotten = self._forgotten(session_id)
        with self._transaction() as conn:
            for rating in ratings:
                report = _drop_people(rating.report, forgotten)
                conn.execute("INSERT OR REPLACE INTO ratings (session_id, framework, scorer_version, report_json) "
                             "VALUES (?, ?, ?, ?)", (session_id, rating.framework, rating.scorer_version or __version__,
                                                     json.dumps(report, ensure_ascii=False, sort_keys=True)))  # fmt: skip

    def ratings(self, session_id: str) -> list[StoredRating]:
        self._require(session_id)
        rows = self._query("SELECT framework, report_json, scorer_version FROM ratings WHERE session_id = ? "
                           "ORDER BY framework", (session_id,))  # fmt: skip
        return [StoredRating(session_id, fw, json.loads(text), version) for fw, text, version in rows]

    def add_override(self, override: StoredOverride) -> None:
        self._require(override.session_id)
        if override.participant is not None and override.participant in self._forgotten(override.session_id):
            raise StoreError(f"participant '{override.participant}' of session '{override.session_id}' was forgotten")
        with self._transaction() as conn:
            conn.execute("INSERT INTO overrides (session_id, framework, participant, element, score, rater, comment) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (override.session_id, override.framework, override.participant, override.element,
                          override.score, override.rater, override.comment))  # fmt: skip

    def overrides(self, session_id: str) -> list[StoredOverride]:
        self._require(session_id)
        rows = self._query("SELECT framework, element, score, rater, comment, participant FROM overrides "
                           "WHERE session_id = ? ORDER BY seq", (session_id,))  # fmt: skip
        return [StoredOverride(session_id, *row) for row in rows]

    # --- privacy ----------------------------------------------------------------------------------------------
    def _forgotten(self, session_id: str) -> set[str]:
        rows = self._query("SELECT id FROM participants WHERE session_id = ? AND forgotten = 1", (session_id,))
        return {str(pid) for (pid,) in rows}

    def forgotten(self, session_id: str) -> set[str]:
        """The ids of the session's participants who were forgotten."""
        self._require(session_id)
        return self._forgotten(session_id)

    def forget_participant(self, session_id: str, participant_id: str) -> None:
        self._require(session_id)
        if not self._query("SELECT 1 FROM participants WHERE session_id = ? AND id = ?", (session_id, participant_id)):
            known = ", ".join(p.id for p in self._team(session_id))
            raise StoreError(f"no participant '{participant_id}' in session '{session_id}'; it has {known or 'none'}")
        names = self._query("SELECT name FROM participant_names WHERE session_id = ? AND participant_id = ?",
                            (session_id, participant_id))  # fmt: skip
        text = self.log_text(session_id)
        for (name,) in names:
            text = scrub_name(text, str(name), participant_id)
        facts = read_facts(text)
        reports = self._query("SELECT framework, report_json FROM ratings WHERE session_id = ?", (session_id,))
        with self._transaction() as conn:
            conn.execute("DELETE FROM participant_names WHERE session_id = ? AND participant_id = ?",
                         (session_id, participant_id))  # fmt: skip
            conn.execute("UPDATE participants SET forgotten = 1 WHERE session_id = ? AND id = ?",
                         (session_id, participant_id))  # fmt: skip
            conn.execute("DELETE FROM overrides WHERE session_id = ? AND participant = ?", (session_id, participant_id))
            for framework, report in reports:
                kept = json.dumps(_drop_people(json.loads(report), {participant_id}), ensure_ascii=False, sort_keys=True)
                conn.execute("UPDATE ratings SET report_json = ? WHERE session_id = ? AND framework = ?",
                             (kept, session_id, framework))  # fmt: skip
            conn.execute("UPDATE sessions SET log_text = ?, log_sha256 = ?, header_sha256 = ? WHERE id = ?",
                         (facts.text, facts.log_sha256, facts.header_sha256, session_id))  # fmt: skip
        for (name,) in names:
            self._scrub_everywhere(str(name))
        self._vacuum()

    def _scrub_everywhere(self, name: str) -> None:
        """Replace a forgotten name wherever free text holds it: every session's log and every override comment."""
        if len(name.strip()) < 2:
            return
        like = f"%{name.strip()}%"
        logs = self._query("SELECT id, log_text FROM sessions WHERE log_text LIKE ?", (like,))
        comments = self._query("SELECT seq, comment FROM overrides WHERE comment LIKE ?", (like,))
        with self._transaction() as conn:
            for sid, text in logs:
                facts = read_facts(scrub_name(str(text), name, FORGOTTEN))
                conn.execute("UPDATE sessions SET log_text = ?, log_sha256 = ? WHERE id = ?",
                             (facts.text, facts.log_sha256, sid))  # fmt: skip
            for seq, comment in comments:
                conn.execute("UPDATE overrides SET comment = ? WHERE seq = ?", (scrub_text(str(comment), name), seq))

    def forget_name(self, name: str) -> list[tuple[str, str]]:
        rows = self._query("SELECT session_id, participant_id FROM participant_names WHERE lower(name) = lower(?) "
                           "ORDER BY session_id, participant_id", (name.strip(),))  # fmt: skip
        found = [(str(sid), str(pid)) for sid, pid in rows]
        for sid, pid in found:
            self.forget_participant(sid, pid)
        return found

    def _vacuum(self) -> None:
        try:
            self.conn.execute("VACUUM")
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from None

    # --- lifetime ---------------------------------------------------------------------------------------------
    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _drop_people(report: Mapping[str, Any], people: set[str]) -> dict[str, Any]:
    """A ``to_json`` report without the ratings of ``people`` (the team's rating stays)."""
    kept = dict(report)
    if people and isinstance(kept.get("participants"), list):
        kept["participants"] = [p for p in kept["participants"]
                                if not (isinstance(p, dict) and p.get("participant") in people)]  # fmt: skip
    return kept


__all__ = ["SqliteStore"]
