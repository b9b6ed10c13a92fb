"""Past sessions for the debrief screen: the latest finished sessions in the store, and a debrief built from one.

The title screen lists them so that a facilitator can open the debrief of any stored session — played today,
run headless, or imported — on the shared screen. A store that cannot be read lists nothing; a session whose
scenario cannot be found says why instead of opening.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crmsim.core.log import Log, LogError
from crmsim.debrief.build import debrief_log
from crmsim.debrief.model import Debrief
from crmsim.schema.load import LoadedScenario
from crmsim.scoring.source import ScoringError, scenario_for_log
from crmsim.store import StoreError, StoredSession, open_store


class PastSessionError(Exception):
    """A stored session's debrief cannot be opened; the message says why in one line."""


@dataclass(frozen=True)
class PastDebrief:
    """What the debrief screen needs: the debrief, the log to replay, the scenario it ran."""

    debrief: Debrief
    log: Log
    loaded: LoadedScenario


def recent_sessions(home: Path, count: int = 3) -> list[StoredSession]:
    """The ``count`` most recently started finished sessions in the store in ``home`` (none if it cannot be read)."""
    try:
        with open_store(home) as store:
            found = [s for s in store.list_sessions() if s.ended]
    except StoreError:
        return []
    return sorted(found, key=lambda s: (s.started_at, s.id), reverse=True)[:count]


def open_past(home: Path, session_id: str, framework: str = "ants") -> PastDebrief:
    """Build the debrief of a stored session; raises :class:`PastSessionError` with a one-line reason."""
    try:
        with open_store(home) as store:
            log = store.read_log(session_id)
        loaded = scenario_for_log(log)
    except (StoreError, LogError, ScoringError) as exc:
        raise PastSessionError(str(exc).splitlines()[0]) from None
    return PastDebrief(debrief_log(log, loaded, framework, session_id), log, loaded)
