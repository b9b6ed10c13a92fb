"""Where sessions live: the store interface and its SQLite implementation.

``open_store(home)`` opens the store in ``home`` (default: ``data_home()``, i.e. ``CRMSIM_HOME`` or the user data
folder); use it as a context manager. See ``crmsim.store.base`` for the interface and docs/store-and-exports.md.
"""

from __future__ import annotations

from pathlib import Path

from crmsim.store.base import (SessionStore, StoredOverride, StoredParticipant, StoredRating, StoredSession,
                               StoreError, UnknownSession)  # fmt: skip
from crmsim.store.home import data_home, database_path


def open_store(home: Path | None = None) -> SessionStore:
    """The session store in ``home`` (default ``data_home()``), created and migrated as needed.

    Raises ``StoreError`` (one line) if the database cannot be opened or is newer than this crmsim.
    """
    from crmsim.store.sqlite import SqliteStore

    return SqliteStore(database_path(home))


__all__ = ["SessionStore", "StoreError", "StoredOverride", "StoredParticipant", "StoredRating", "StoredSession",
           "UnknownSession", "data_home", "database_path", "open_store"]  # fmt: skip
