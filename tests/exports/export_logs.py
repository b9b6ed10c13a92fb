"""A store for the export tests: two real headless runs of a bundled scenario, rated, one named and re-rated."""

from __future__ import annotations

import io
from pathlib import Path

from crmsim.core.headless import ScriptRunner
from crmsim.core.log import LogWriter
from crmsim.core.session import Session
from crmsim.schema.load import load_scenario
from crmsim.store import StoredOverride, open_store
from crmsim.store.record import record_log

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "anaphylaxis-ga.yaml"
STARTED = "2026-03-02T09:30:00+00:00"
#: The named team of the first session: a plain name, one with accents, and one that is a spreadsheet formula.
NAMES = {"p1": "Zelda Quartermaine", "p2": "Zoë Ångström", "p3": "=cmd|' /C calc'!A0"}
#: An educator's comment that a spreadsheet would run as a formula.
FORMULA = '=HYPERLINK("http://example.invalid","click")'


def run_text(team: str, started_at: str = "") -> str:
    """The log text of a headless run of the anaphylaxis scenario by one of its scripted teams."""
    loaded = load_scenario(SCENARIO)
    stream = io.StringIO()
    session = Session(loaded, 1, started_at=started_at, log=LogWriter(stream, fsync=False))
    ScriptRunner(loaded.scripts[team]).run(session)
    return stream.getvalue()


def make_store(home: Path) -> tuple[str, str]:
    """Record the reference run (named, with a logged start and two re-ratings) and the novice run (headless, no
    names) in the store in ``home``; return their ids."""
    with open_store(home) as store:
        named = record_log(store, run_text("reference", STARTED), names=NAMES, source="play")
        plain = record_log(store, run_text("novice"), source="run")
        store.add_override(StoredOverride(named, "ants", "prioritising", 4, "edu1", FORMULA, "p1"))
        store.add_override(StoredOverride(named, "ants", "anticipating", None, "edu2", "-not seen", None))
    return named, plain
