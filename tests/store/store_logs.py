"""Real session logs for the store tests: headless runs of a bundled scenario (as `crmsim run` makes them)."""

from __future__ import annotations

import io
from pathlib import Path

from crmsim.core.headless import ScriptRunner
from crmsim.core.log import LogWriter
from crmsim.core.session import Session
from crmsim.core.team import default_participants
from crmsim.schema.load import load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "anaphylaxis-ga.yaml"
#: Names an old log (written before the store kept names apart) carries in its header.
NAMES = ("Zelda Quartermaine", "Yusuf Okonkwo-Braithwaite")


def run_text(team: str, *, names: tuple[str, ...] = (), started_at: str = "", seed: int = 1,
             stop_at: float | None = None) -> str:  # fmt: skip
    """The log text of a headless run of the anaphylaxis scenario (cut at sim time ``stop_at`` if given)."""
    loaded = load_scenario(SCENARIO)
    stream = io.StringIO()
    session = Session(loaded, seed, default_participants(loaded.scenario, names), started_at=started_at,
                      log=LogWriter(stream, fsync=False))  # fmt: skip
    limit = None if stop_at is None else session.clock.ticks(stop_at)
    ScriptRunner(loaded.scripts[team]).run(session, max_ticks=limit)
    return stream.getvalue()
