"""The SQLite store's schema as ordered migration steps, and bringing a database up to the newest one.

The schema version is SQLite's ``PRAGMA user_version``: 0 for a new file, then the number of steps applied. Each
step runs in one transaction together with the version bump, so a database is always at exactly one version.
A step is never edited once released: a change to the schema is a new step appended to ``STEPS``.
"""

from __future__ import annotations

import sqlite3

#: Step ``i`` (1-based) takes a database from version ``i - 1`` to version ``i``.
STEPS: tuple[str, ...] = (
    # 1: sessions and their team; names apart from roles so one person's name can be deleted cleanly.
    """
    CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        scenario_id TEXT NOT NULL,
        scenario_version TEXT NOT NULL,
        scenario_sha256 TEXT NOT NULL,
        seed INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        stored_at TEXT NOT NULL,
        outcome TEXT,
        duration_s REAL,
        source TEXT NOT NULL,
        header_sha256 TEXT NOT NULL,
        log_sha256 TEXT NOT NULL,
        log_text TEXT NOT NULL
    );
    CREATE INDEX sessions_by_scenario ON sessions (scenario_id);
    CREATE INDEX sessions_by_header ON sessions (header_sha256);
    CREATE TABLE participants (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        role TEXT NOT NULL,
        PRIMARY KEY (session_id, id)
    );
    CREATE TABLE participant_names (
        session_id TEXT NOT NULL,
        participant_id TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (session_id, participant_id),
        FOREIGN KEY (session_id, participant_id) REFERENCES participants (session_id, id) ON DELETE CASCADE
    );
    """,
    # 2: the scorer's ratings (one report per framework) and the educators' overrides beside them.
    """
    CREATE TABLE ratings (
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        framework TEXT NOT NULL,
        scorer_version TEXT NOT NULL,
        report_json TEXT NOT NULL,
        PRIMARY KEY (session_id, framework)
    );
    CREATE TABLE overrides (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        framework TEXT NOT NULL,
        participant TEXT,
        element TEXT NOT NULL,
        score INTEGER,
        rater TEXT NOT NULL,
        comment TEXT NOT NULL
    );
    CREATE INDEX overrides_by_session ON overrides (session_id);
    """,
    # 3: a participant who asked to be forgotten keeps a row (their role, so the team stays whole) marked so.
    """
    ALTER TABLE participants ADD COLUMN forgotten INTEGER NOT NULL DEFAULT 0;
    """,
)

#: The schema version this crmsim writes.
LATEST = len(STEPS)


class MigrationError(Exception):
    """The database's schema cannot be brought to the version this crmsim uses."""


def schema_version(conn: sqlite3.Connection) -> int:
    """The database's schema version (``PRAGMA user_version``)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = LATEST) -> int:
    """Apply the steps after the database's version up to ``target``; return the version reached.

    A database newer than this crmsim is refused (``MigrationError``), never downgraded.
    """
    if not 0 <= target <= LATEST:
        raise ValueError(f"no schema version {target}; the newest is {LATEST}")
    current = schema_version(conn)
    if current > LATEST:
        raise MigrationError(f"the session store has schema version {current}, newer than this crmsim's "
                             f"{LATEST}; upgrade crmsim")  # fmt: skip
    for version in range(current + 1, target + 1):
        statements = [s.strip() for s in STEPS[version - 1].split(";") if s.strip()]
        try:
            conn.execute("BEGIN IMMEDIATE")
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version:d}")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise MigrationError(f"cannot upgrade the session store to schema version {version}: {exc}") from None
    return schema_version(conn)
