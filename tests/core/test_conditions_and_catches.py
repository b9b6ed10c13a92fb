"""Conditions on sustained physiology and the rhythm, which communications catch a confederate's error, and a role
that starts one action in the tick another ends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from crmsim.core.history import History
from crmsim.core.session import Issued, Session
from crmsim.schema import commands as c
from crmsim.schema.conditions import Condition, sustained_in
from crmsim.schema.load import LoadedScenario, load_scenario
from crmsim.schema.units import parse_quantity

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "anaphylaxis-ga.yaml"
CONDITION = TypeAdapter(Condition)
STABLE = {"sustained": {"for": "60 s", "when": {"all": [{"vital": {"name": "sbp", "above": 90}},
                                                         {"rhythm": ["sinus", "sinus_tachycardia"]}]}}}  # fmt: skip


@pytest.fixture(scope="module")
def loaded() -> LoadedScenario:
    return load_scenario(SCENARIO)


def following(condition: Any) -> tuple[History, Any]:
    """A history that follows the condition as the runtime does."""
    history = History(70.0)
    for atom in sustained_in(condition):
        history.track_sustained(atom)
    return history, condition


def feed(history: History, t: float, sbp: float, rhythm: str) -> None:
    """One vitals sample at ``t``, then the runtime's refresh."""
    history.now = t
    history.sample(t, {"sbp": sbp, "rhythm": rhythm})
    history.refresh_sustained()


def test_sustained_holds_only_after_an_unbroken_stretch() -> None:
    """A sustained condition is true once its inner condition has held for the whole stretch; one sample outside it
    (a systolic of 85, or VT) starts the count again."""
    history, condition = following(CONDITION.validate_python(STABLE))
    for t in range(0, 60):
        feed(history, t, 120, "sinus")
    assert not history.holds(condition)
    feed(history, 60, 120, "sinus")
    assert history.holds(condition)
    feed(history, 61, 85, "sinus")
    feed(history, 62, 120, "sinus")
    assert not history.holds(condition)
    for t in range(63, 122):
        feed(history, t, 120, "vt" if t == 100 else "sinus")
    assert not history.holds(condition)
    feed(history, 161, 120, "sinus")
    assert history.holds(condition)


def test_sustained_counts_only_time_in_the_current_phase() -> None:
    """Stability that began before the phase was entered counts from the phase's start, not from before it."""
    history, condition = following(CONDITION.validate_python(STABLE))
    for t in range(0, 100):
        feed(history, t, 120, "sinus")
    history.phase_started = 90.0
    feed(history, 100, 120, "sinus")
    assert not history.holds(condition)
    feed(history, 150, 120, "sinus")
    assert history.holds(condition)


def test_rhythm_condition_reads_the_monitor_now() -> None:
    """A rhythm condition is true while the latest sample shows one of its rhythms."""
    history = History(70.0)
    shockable = CONDITION.validate_python({"rhythm": ["vf", "vt"]})
    history.sample(0.0, {"rhythm": "sinus"})
    assert not history.holds(shockable)
    history.sample(1.0, {"rhythm": "vf"})
    assert history.holds(shockable)


def test_a_transition_on_sustained_physiology_waits_for_it(loaded: LoadedScenario) -> None:
    """In anaphylaxis-ga the team's treatment leads to `stabilised` only after a minute in `treatment` with every
    sample at a systolic of 90-160 and a perfusing rhythm."""
    from crmsim.core.headless import ScriptRunner

    records = ScriptRunner(loaded.scripts["reference"]).run(Session(loaded, 2)).records
    entered = {r.data["phase"]: r.t for r in records if r.kind == "PhaseEntered"}
    stable_at = entered["stabilised"]
    assert stable_at - entered["treatment"] >= 60
    window = [r.data for r in records if r.kind == "VitalsSampled" and stable_at - 59 <= r.t <= stable_at]
    assert window and all(90 < v["sbp"] < 160 and v["rhythm"].startswith("sinus") for v in window)


def offered(loaded: LoadedScenario) -> Session:
    """A session in which the nurse from recovery has just offered the 1 mg syringe (and is waiting)."""
    s = Session(loaded, 1)
    s.submit(Issued("facilitator", c.JumpToPhase(do="jump", phase="treatment")))
    while "ErrorOffered" not in [r.kind for r in s.records]:
        s.step()
    return s


def acknowledge_order(s: Session, action: str, dose: str) -> None:
    """The anaesthetist orders a dosed drug to the ODP, who reads it back."""
    s.submit(Issued("p1", c.Order(do="order", to="odp", action=action, dose=parse_quantity(dose), route="iv")))
    s.step()
    order = next(r for r in reversed(s.records) if r.kind == "OrderGiven").data["order"]
    s.submit(Issued("p2", c.Acknowledge(do="acknowledge", order=order, read_back=True)))
    s.step()


def caught(s: Session) -> list[dict[str, Any]]:
    return [r.data for r in s.records if r.kind == "ErrorCaught"]


def test_a_read_back_of_another_drug_does_not_catch_the_error(loaded: LoadedScenario) -> None:
    """Reading back an unrelated dosed order (hydrocortisone) while the 1 mg syringe is offered earns no credit for
    catching it, and neither does reading back adrenaline at the erroneous dose itself."""
    s = offered(loaded)
    acknowledge_order(s, "hydrocortisone", "200 mg")
    acknowledge_order(s, "adrenaline", "1 mg")
    assert caught(s) == [] and "wrong_dose" in s.pending_errors


def test_a_read_back_that_corrects_the_dose_catches_the_error(loaded: LoadedScenario) -> None:
    """Reading back adrenaline at 50 micrograms while the 1 mg syringe is offered corrects it aloud: it catches the
    error (as a clarification)."""
    s = offered(loaded)
    acknowledge_order(s, "adrenaline", "50 mcg")
    assert [(d["inject"], d["how"]) for d in caught(s)] == [("wrong_dose", "clarify")]


def test_a_question_about_another_order_does_not_catch_the_error(loaded: LoadedScenario) -> None:
    """Clarifying an order for something else is not a challenge to the offered drug; speaking up is."""
    s = offered(loaded)
    s.submit(Issued("p1", c.Order(do="order", to="odp", action="crystalloid_bolus"), label="fluid"))
    s.step()
    s.submit(Issued("p2", c.Clarify(do="clarify", order="fluid", question="Which bag?")))
    s.step()
    assert caught(s) == []
    s.submit(Issued("p3", c.RaiseConcern(do="raise_concern", level="alert", about="That syringe is 1 mg.")))
    s.step()
    assert [d["how"] for d in caught(s)] == ["raise_concern"]


def test_an_action_started_as_another_ends_keeps_the_role_busy_with_it(loaded: LoadedScenario) -> None:
    """When a role starts an action in the very tick its previous one ends, the end of the old one does not free
    the role: a third action is refused, naming the one in progress (not 'None')."""
    s = Session(loaded, 1)
    s.submit(Issued("p1", c.Perform(do="perform", action="oxygen_high_flow")))
    s.step()
    ends = s.team.roles["anaesthetist"].busy_until
    while s.tick + 1 < s.clock.ticks(ends):
        s.step()
    s.submit(Issued("p1", c.Perform(do="perform", action="stop_trigger")))
    s.step()
    s.submit(Issued("p1", c.Perform(do="perform", action="nibp_cycle")))
    s.step()
    rejected = s.records[-1]
    assert rejected.kind == "CommandRejected" and "busy with 'stop_trigger'" in rejected.data["reason"]
