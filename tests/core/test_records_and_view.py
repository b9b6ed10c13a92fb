"""The log's payload contract, the screen's read-only view, and a confederate's error from offer to catch or miss."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from crmsim.core.headless import ScriptRunner
from crmsim.core.records import payload_problems
from crmsim.core.session import Issued, Session
from crmsim.schema import commands as c
from crmsim.schema.load import LoadedScenario, load_scenario
from crmsim.schema.units import parse_quantity

SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "anaphylaxis-ga.yaml"


@pytest.fixture(scope="module")
def loaded() -> LoadedScenario:
    return load_scenario(SCENARIO)


def facilitated(loaded: LoadedScenario) -> Session:
    """A session that exercises the records scripts rarely make: clarify, decline, labs, facilitator commands."""
    s = Session(loaded, 5)
    s.submit(Issued("p1", c.Order(do="order", to="odp", action="stop_trigger"), label="x"))
    s.step()
    s.submit(Issued("p2", c.Clarify(do="clarify", order="x", question="Which infusion?")))
    s.submit(Issued("p1", c.Order(do="order", action="mast_cell_tryptase")))
    s.step()
    s.submit(Issued("p2", c.Decline(do="decline", order="x", reason="Already stopped")))
    s.submit(Issued("p1", c.Perform(do="perform", action="arterial_blood_gas")))
    s.submit(Issued("p4", c.Summarise(do="summarise", plan="not in the room")))
    for _ in range(700):
        s.step()
    s.submit(Issued("p1", c.Perform(do="perform", action="adrenaline", rate=parse_quantity("0.05 mcg/kg/min"),
                                    route="infusion")))  # fmt: skip
    for cmd in (c.Pause(do="pause"), c.Resume(do="resume"), c.SetSpeed(do="speed", factor=2),
                c.Annotate(do="annotate", tag="t", note="n"), c.TriggerInject(do="trigger_inject", inject="cuff_failure")):  # fmt: skip
        s.submit(Issued("facilitator", cmd))
        s.step()
    while not s.ended and s.now < 400:
        s.step()
    s.submit(Issued("facilitator", c.EndSession(do="end")))
    s.step()
    return s


def test_every_record_matches_its_declared_payload(loaded: LoadedScenario) -> None:
    """Every record the core writes has a declared kind and exactly the payload fields and types declared for it."""
    sessions = [ScriptRunner(loaded.scripts[t]).run(Session(loaded, 2)) for t in ("reference", "novice")]
    sessions.append(facilitated(loaded))
    seen: set[str] = set()
    for session in sessions:
        for record in session.records:
            assert payload_problems(record.kind, record.data) == [], record.to_json()
            seen.add(record.kind)
    assert {"OrderClarified", "OrderDeclined", "LabResulted", "Paused", "EquipmentFailed", "InfusionStarted"} <= seen


def test_payload_check_reports_what_is_wrong() -> None:
    """A missing field, a wrong type, an unexpected field and an unknown kind are each reported."""
    assert payload_problems("OrderDone", {"order": "o1", "role": None}) == ["OrderDone: missing field 'action'"]
    assert payload_problems("SummaryGiven", {"role": "a", "plan": 3, "pause": True}) == [
        "SummaryGiven: field 'plan' should be str, found int"]
    assert payload_problems("Paused", {"why": "x"}) == ["Paused: unexpected field 'why'"]
    assert payload_problems("Exploded", {}) == ["unknown record kind 'Exploded'"]


def run_until(loaded: LoadedScenario, script: str, t: float) -> Session:
    return ScriptRunner(loaded.scripts[script]).run(Session(loaded, 4), max_ticks=int(t * 10))


def test_view_shows_vitals_phase_roles_orders_and_messages(loaded: LoadedScenario) -> None:
    """The view carries the latest vitals, the phase, who is arriving or busy, open orders and the comms lines."""
    s = run_until(loaded, "reference", 56)
    view = s.view()
    assert view.t == pytest.approx(s.now) and view.phase == "treatment" and view.vitals["rhythm"]
    roles = {r.id: r for r in view.roles}
    assert not roles["second_anaesthetist"].present and 0 < roles["second_anaesthetist"].arriving_in <= 120
    assert roles["anaesthetist"].busy_with is None or roles["anaesthetist"].busy_for > 0
    assert "adrenaline" in roles["anaesthetist"].actions and "adrenaline" not in roles["theatre_nurse"].actions
    assert [o.action for o in view.orders] == ["stop_surgery", "crystalloid_bolus"]
    texts = [m.text for m in view.messages]
    assert "working diagnosis: Anaphylaxis" in texts
    assert any(m.speaker == "Nurse from recovery" and "1 in 10,000" in m.text for m in view.messages)


def test_view_is_a_snapshot_that_does_not_change(loaded: LoadedScenario) -> None:
    """A view is frozen: it cannot be assigned to, and it keeps its values while the session goes on."""
    s = run_until(loaded, "reference", 40)
    view = s.view()
    before = (view.t, dict(view.vitals), len(view.messages))
    for _ in range(100):
        s.step()
    assert (view.t, dict(view.vitals), len(view.messages)) == before
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.t = 0.0  # type: ignore[misc]
    with pytest.raises(TypeError):
        view.vitals["hr"] = 0  # type: ignore[index]


def test_confederate_error_window_counts_from_the_offer(loaded: LoadedScenario) -> None:
    """The error is offered with the confederate's line; uncaught, it is carried out one window later, with its dose."""
    s = ScriptRunner(loaded.scripts["novice"]).run(Session(loaded, 1))
    offered = next(r for r in s.records if r.kind == "ErrorOffered")
    line = next(r for r in s.records if r.kind == "LineSpoken" and r.source == offered.data["by"])
    missed = next(r for r in s.records if r.kind == "ErrorMissed")
    given = next(r for r in s.records if r.kind == "DrugGiven" and r.data.get("error_of") == offered.data["inject"])
    assert offered.t == line.t
    assert missed.t == pytest.approx(offered.t + offered.data["window"])
    assert given.data["dose"] == 1000 and given.data["route"] == "iv"


def test_caught_error_is_not_carried_out(loaded: LoadedScenario) -> None:
    """A cross-check of the offered drug inside the window catches the error: no miss, no wrong dose given."""
    s = ScriptRunner(loaded.scripts["reference"]).run(Session(loaded, 1))
    caught = next(r for r in s.records if r.kind == "ErrorCaught")
    offered = next(r for r in s.records if r.kind == "ErrorOffered")
    assert caught.data["how"] == "cross_check" and offered.t <= caught.t <= offered.t + offered.data["window"]
    assert not any(r.kind == "ErrorMissed" or r.data.get("error_of") for r in s.records)


def test_the_log_format_document_lists_every_record_kind() -> None:
    """docs/log-format.md has a row for every record kind, with the same payload fields as records.py."""
    from crmsim.core.records import KINDS, fields

    doc = (Path(__file__).resolve().parents[2] / "docs" / "log-format.md").read_text(encoding="utf-8")
    for kind in KINDS:
        row = next((line for line in doc.splitlines() if line.startswith(f"| `{kind}` |")), None)
        assert row is not None, f"docs/log-format.md lacks {kind}"
        required, optional = fields(kind)
        assert all(f"`{name}` {spec}" in row for name, spec in (required | optional).items()), row
