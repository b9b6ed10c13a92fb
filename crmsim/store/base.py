"""The session store interface: what any database holding crmsim sessions must offer, and the records it returns.

The SQLite store (``crmsim.store.sqlite``) implements it; an institution may implement it over another database.
Callers open a store with ``crmsim.store.open_store(home)`` and use it as a context manager::

    with open_store() as store:
        for stored in store.list_sessions("anaphylaxis-ga"):
            log = store.read_log(stored.id)

Every method that takes a ``session_id`` raises ``UnknownSession`` (a ``StoreError``) when there is no such session.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Protocol, runtime_checkable

from crmsim.core.log import Log


class StoreError(Exception):
    """The store cannot do what was asked; the message is one line."""


class UnknownSession(StoreError):
    """No stored session has the given id."""


@dataclass(frozen=True)
class StoredParticipant:
    """A team member of a stored session: pseudonymous ``id`` (``p1``…), ``role`` and, if kept, their ``name``."""

    id: str
    role: str
    name: str | None = None


@dataclass(frozen=True)
class StoredSession:
    """One session as the store lists it (the log itself is read with ``SessionStore.read_log``).

    ``started_at`` is the log header's ISO 8601 wall-clock start, or when the store first recorded the session if the
    header has none (headless runs leave it empty so that they are reproducible); ``outcome`` is the ``SessionEnded`` outcome
    (``None`` while unfinished or crashed); ``duration_s`` the sim time of the last record (``None`` before any).
    """

    id: str
    scenario_id: str
    scenario_version: str
    started_at: str
    outcome: str | None
    duration_s: float | None
    scenario_sha256: str = ""
    seed: int = 0
    source: str = ""
    """How the session came in: ``play`` (the game), ``run`` (``crmsim run``) or ``import``."""
    stored_at: str = ""
    participants: tuple[StoredParticipant, ...] = field(default_factory=tuple)

    @property
    def ended(self) -> bool:
        """Whether the session reached its end (an outcome was logged)."""
        return self.outcome is not None


@dataclass(frozen=True)
class StoredRating:
    """The scorer's result for one framework: the JSON of ``crmsim.scoring.report.to_json``."""

    session_id: str
    framework: str
    report: Mapping[str, Any]
    scorer_version: str = ""


@dataclass(frozen=True)
class StoredOverride:
    """An educator's rating of one element, kept beside (never replacing) the scorer's rating."""

    session_id: str
    framework: str
    element: str
    score: int | None
    rater: str
    comment: str = ""
    participant: str | None = None
    """``None`` for the team's rating, else a participant id."""


@runtime_checkable
class SessionStore(Protocol):
    """Where sessions live. Implementations must be usable as context managers (``close`` on exit)."""

    def list_sessions(self, scenario_id: str | None = None) -> list[StoredSession]:
        """Every stored session (only ``scenario_id``'s if given), oldest first."""
        ...

    def get_session(self, session_id: str) -> StoredSession:
        """One stored session by id."""
        ...

    def read_log(self, session_id: str) -> Log:
        """The session's event log, parsed."""
        ...

    def log_text(self, session_id: str) -> str:
        """The session's event log exactly as stored (JSONL text)."""
        ...

    def add_session(self, log_text: str, *, names: Mapping[str, str] | None = None, source: str = "") -> str:
        """Store a session from its log text (finished or not) and the participants' names; return its id.

        Adding a log whose header and first records match a stored session updates that session instead.
        """
        ...

    def update_log(self, session_id: str, log_text: str) -> None:
        """Replace a session's log with a longer version of it (a session that went on or ended)."""
        ...

    def put_ratings(self, session_id: str, ratings: Sequence[StoredRating]) -> None:
        """Store the scorer's ratings, replacing earlier ones for the same framework."""
        ...

    def ratings(self, session_id: str) -> list[StoredRating]:
        """The scorer's ratings of the session, one per framework."""
        ...

    def add_override(self, override: StoredOverride) -> None:
        """Keep an educator's rating of one element (the scorer's rating stays)."""
        ...

    def overrides(self, session_id: str) -> list[StoredOverride]:
        """The educators' ratings of the session, in the order they were added."""
        ...

    def forget_participant(self, session_id: str, participant_id: str) -> None:
        """Delete one participant's name and person-level data (see docs/store-and-exports.md, Privacy)."""
        ...

    def forgotten(self, session_id: str) -> set[str]:
        """The ids of the session's participants who were forgotten (exports leave them out)."""
        ...

    def forget_name(self, name: str) -> list[tuple[str, str]]:
        """Forget every participant stored under ``name`` (any session); return their (session id, participant id)."""
        ...

    def delete_session(self, session_id: str) -> None:
        """Remove a session and everything stored with it."""
        ...

    def close(self) -> None:
        """Release the database; closing twice does nothing."""
        ...

    def __enter__(self) -> SessionStore:
        ...

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        ...
