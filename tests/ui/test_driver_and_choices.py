"""The fixed-step driver's pacing, and the tap budgets of the role panels' menus (no screen needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmsim.core.session import Issued, Session
from crmsim.schema.load import LoadedScenario, load_scenario
from crmsim.ui.choices import PanelContext, card_choices, choices
from crmsim.ui.driver import MAX_FRAME, FixedStepDriver

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "anaphylaxis-ga.yaml"


@pytest.fixture(scope="module")
def loaded() -> LoadedScenario:
    return load_scenario(SCENARIO)


def test_driver_steps_whole_ticks_at_the_chosen_speed(loaded: LoadedScenario) -> None:
    """One real second is ten ticks at ×1 and forty at ×4; leftover time carries to the next frame."""
    session = Session(loaded, 1)
    driver = FixedStepDriver(session)
    assert sum(driver.advance(1 / 60) for _ in range(60)) == 10
    driver.queue(Issued.from_data({"by": "facilitator", "command": {"do": "speed", "factor": 4}}))
    driver.advance(0.1)
    before = session.tick
    for _ in range(10):
        driver.advance(0.1)
    assert session.tick - before == 40


def test_driver_clamps_a_lag_spike_and_stops_when_paused(loaded: LoadedScenario) -> None:
    """A 5-second stall advances at most MAX_FRAME of sim time; while paused no tick passes."""
    session = Session(loaded, 1)
    driver = FixedStepDriver(session)
    driver.advance(5.0)
    assert session.now == pytest.approx(MAX_FRAME, abs=0.1)
    driver.queue(Issued.from_data({"by": "facilitator", "command": {"do": "pause"}}))
    driver.advance(0.1)
    t = session.now
    for _ in range(30):
        driver.advance(0.1)
    assert session.now == t and session.paused


def run(session: Session, seconds: float) -> None:
    for _ in range(int(seconds * 10)):
        session.step()


def test_directed_order_takes_at_most_three_taps_and_read_back_two(loaded: LoadedScenario) -> None:
    """From the root menu, an order to a named role is two taps (action, role); the receiver reads it back in one."""
    session = Session(loaded, 1)
    run(session, 1)
    leader = PanelContext(loaded, "anaesthetist", session.view())
    taps = [next(c for c in choices(leader, ()) if c.path == ("act", "crystalloid_bolus"))]
    taps.append(next(c for c in choices(leader, taps[0].path) if c.label == "Order Operating department practitioner"))
    assert len(taps) <= 3 and taps[-1].command == {"do": "order", "to": "odp", "action": "crystalloid_bolus"}
    session.submit(Issued.from_data({"by": "p1", "command": taps[-1].command}))
    run(session, 1)
    odp = PanelContext(loaded, "odp", session.view())
    (title, buttons), = card_choices(odp)
    read_back = buttons[0]
    assert "Crystalloid bolus" in title and read_back.label == "Read back"
    session.submit(Issued.from_data({"by": "p2", "command": read_back.command}))
    run(session, 1)
    ack = next(r for r in session.records if r.kind == "OrderAcknowledged")
    assert ack.data["read_back"] is True and ack.data["role"] == "odp"


def test_drug_choices_carry_the_usual_dose_and_route(loaded: LoadedScenario) -> None:
    """Choosing a drug offers it at the formulary's usual dose for its first route (adrenaline 50 mcg IV)."""
    session = Session(loaded, 1)
    ctx = PanelContext(loaded, "anaesthetist", session.view())
    first = choices(ctx, ("act", "adrenaline"))[0]
    assert first.command == {"do": "perform", "action": "adrenaline", "dose": "50 mcg", "route": "iv"}


def test_sbar_call_holds_only_the_parts_chosen(loaded: LoadedScenario) -> None:
    """A call for help carries the SBAR parts the caller chose, so its completeness is the team's doing."""
    session = Session(loaded, 1)
    ctx = PanelContext(loaded, "anaesthetist", session.view())
    call = next(c for c in choices(ctx, ("talk", "help", "assessment", "situation")) if c.command)
    assert set(call.command["sbar"]) == {"situation", "assessment"}
    bare = next(c for c in choices(ctx, ("talk", "help")) if c.command)
    assert bare.command["sbar"] == {}
