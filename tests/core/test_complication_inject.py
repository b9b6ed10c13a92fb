"""A complication inject changes the patient as a phase would — insults started or stopped, trends set — when its
time or condition comes, or when the facilitator triggers it; one that changes nothing is refused, and its trends
are range-checked like a phase's."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmsim.core.session import Issued, Session
from crmsim.schema import commands as c
from crmsim.schema.load import LoadedScenario, load_scenario
from crmsim.schema.problems import ProblemsError

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
ANCHOR = "injects:\n"
BLEED = """injects:
  - id: surgical_bleed
    title: The surgeon reports brisk bleeding
    kind: complication
    {when}
    narration: The suction canister is filling fast.
    start_insults:
      - {{insult: haemorrhage, severity: 1.0, rate: 300 ml/min}}
    trends:
      - {{vital: etco2, to: 28, over: 2 min}}
"""


def with_inject(tmp_path: Path, text: str) -> Path:
    """A copy of anaphylaxis-ga (and its scripts) with ``text`` as the first of its injects."""
    for script in SCENARIOS.glob("anaphylaxis-ga.*.script.yaml"):
        (tmp_path / script.name).write_bytes(script.read_bytes())
    source = (SCENARIOS / "anaphylaxis-ga.yaml").read_text(encoding="utf-8")
    assert source.count(ANCHOR) == 1
    path = tmp_path / "anaphylaxis-ga.yaml"
    path.write_text(source.replace(ANCHOR, text), encoding="utf-8")
    return path


def run(loaded: LoadedScenario, seconds: float, trigger: str | None = None) -> Session:
    """A session with nobody acting for ``seconds``; the facilitator triggers ``trigger`` at the start."""
    session = Session(loaded, 4)
    if trigger is not None:
        session.submit(Issued("facilitator", c.TriggerInject(do="trigger_inject", inject=trigger)))
    while session.now < seconds and not session.ended:
        session.step()
    return session


def blood_lost(session: Session) -> float:
    return float(session.physiology.snapshot()["blood"]["lost_ml"])


@pytest.fixture(scope="module")
def control() -> Session:
    return run(load_scenario(SCENARIOS / "anaphylaxis-ga.yaml"), 240)


def test_a_timed_complication_starts_its_insult_and_is_logged(tmp_path: Path, control: Session) -> None:
    """At its time the inject fires and, in the same tick, the haemorrhage starts (logged as InsultStarted after
    InjectFired); four minutes in, the patient has lost far more blood than in the control run."""
    loaded = load_scenario(with_inject(tmp_path, BLEED.format(when="at: 60 s")))
    session = run(loaded, 240)
    fired = next(r for r in session.records if r.kind == "InjectFired" and r.data["inject"] == "surgical_bleed")
    started = next(r for r in session.records if r.kind == "InsultStarted" and r.data["insult"] == "haemorrhage")
    assert fired.t == pytest.approx(60.0) and started.t == fired.t and started.seq > fired.seq
    assert blood_lost(session) - blood_lost(control) > 200  # bleeding slows as the pressure falls


def test_the_facilitator_can_trigger_a_complication(tmp_path: Path, control: Session) -> None:
    """A complication with neither `at` nor `when` waits for the facilitator; triggered, it changes the patient."""
    loaded = load_scenario(with_inject(tmp_path, BLEED.format(when="")))
    untouched = run(loaded, 120)
    assert not any(r.kind == "InsultStarted" and r.data["insult"] == "haemorrhage" for r in untouched.records)
    triggered = run(loaded, 240, trigger="surgical_bleed")
    assert any(r.kind == "InsultStarted" and r.data["insult"] == "haemorrhage" for r in triggered.records)
    assert blood_lost(triggered) - blood_lost(control) > 200


def test_a_complication_must_change_the_patient(tmp_path: Path) -> None:
    """A complication inject with no insult or trend is refused with a message that says what it needs."""
    text = "injects:\n  - id: nothing\n    title: Nothing happens\n    kind: complication\n"
    with pytest.raises(ProblemsError) as caught:
        load_scenario(with_inject(tmp_path, text))
    assert any("start_insults" in p.message for p in caught.value.problems)


def test_an_injects_trend_is_range_checked(tmp_path: Path) -> None:
    """A trend in an inject towards a value no body shows is reported at the value, as in a phase."""
    text = BLEED.format(when="at: 60 s").replace("to: 28", "to: 400")
    with pytest.raises(ProblemsError) as caught:
        load_scenario(with_inject(tmp_path, text))
    assert any("400" in p.message and "etco2" in p.message.lower() for p in caught.value.problems), \
        [p.message for p in caught.value.problems]  # fmt: skip
