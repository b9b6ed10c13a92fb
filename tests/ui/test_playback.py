"""Replaying a finished session from its log alone shows what the live screen showed at the same moment."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmsim.core.headless import ScriptRunner
from crmsim.core.session import Session
from crmsim.core.view import SessionView
from crmsim.schema.load import load_scenario
from crmsim.ui.playback import LogPlayback

ROOT = Path(__file__).resolve().parents[2]


def _live_views(scenario: str, every: int) -> tuple[Session, dict[int, SessionView]]:
    """Run the reference team, keeping the live view every ``every`` ticks."""
    loaded = load_scenario(ROOT / "scenarios" / f"{scenario}.yaml")
    session = Session(loaded, 3)
    feeder = ScriptRunner(loaded.scripts["reference"]).feeder()
    views: dict[int, SessionView] = {}
    limit = session.clock.ticks(loaded.scenario.duration_limit) + 10
    while not session.ended and session.tick <= limit:
        feeder.feed(session)
        session.step()
        if session.tick % every == 0:
            views[session.tick] = session.view()
    return session, views


@pytest.mark.parametrize("scenario", ["vf-arrest", "anaphylaxis-ga"])
def test_playback_matches_the_live_screen(scenario: str) -> None:
    """At every checked moment the playback's vitals, alarms, phase, compressions and latest comms line equal the
    live view's (the monitor is replayed from the log, not re-simulated)."""
    session, live = _live_views(scenario, every=37)
    playback = LogPlayback(_log_of(session), session.loaded)
    compressions_seen = False
    for tick, view in live.items():
        shown = playback.view_at(view.t)
        assert dict(shown.vitals) == dict(view.vitals), view.t
        assert sorted(a.id for a in shown.alarms) == sorted(a.id for a in view.alarms), view.t
        assert shown.phase == view.phase and shown.phase_title == view.phase_title
        assert shown.compressions == view.compressions, view.t
        compressions_seen |= view.compressions
        if view.messages:
            assert shown.messages[-1].text == view.messages[-1].text
    assert compressions_seen == (scenario == "vf-arrest")


def _log_of(session: Session):  # noqa: ANN202 - Log
    from crmsim.core.log import Log

    return Log(header=session.header(), records=tuple(session.records), torn=False, path="<memory>")


def test_playback_clamps_to_the_session_and_ends_with_its_outcome() -> None:
    """Before the start it shows the start; past the end it shows the end and the outcome."""
    session, _ = _live_views("anaphylaxis-ga", every=10_000)
    playback = LogPlayback(_log_of(session), session.loaded)
    assert playback.view_at(-5.0).t == 0.0
    last = playback.view_at(1e9)
    assert last.t == session.records[-1].t and last.ended and last.outcome == session.outcome
