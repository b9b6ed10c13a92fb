"""What an action condition counts: attempts that succeeded unless its ``outcome`` asks for failed ones or any, and
with ``total`` the doses added up; the runtime and the scorer agree; the lint flags what can never match."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from crmsim.core.history import History
from crmsim.core.log import Log, Record
from crmsim.core.matching import record_matches
from crmsim.schema.conditions import Condition
from crmsim.schema.load import load_scenario
from crmsim.schema.problems import ProblemsError
from crmsim.scoring.events import build_timeline
from crmsim.scoring.markers import firings

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
CONDITION = TypeAdapter(Condition)

#: Two failed attempts and one that worked, then a drug.
RECORDS: list[tuple[str, dict[str, Any]]] = [
    ("InterventionPerformed", {"action": "intubation_attempt", "role": "anaesthetist", "kind": "airway",
                               "succeeded": False, "ongoing": False}),
    ("InterventionPerformed", {"action": "intubation_attempt", "role": "anaesthetist", "kind": "airway",
                               "succeeded": False, "ongoing": False}),
    ("InterventionPerformed", {"action": "intubation_attempt", "role": "anaesthetist", "kind": "airway",
                               "succeeded": True, "ongoing": True}),
    ("DrugGiven", {"action": "adrenaline", "role": "anaesthetist", "dose": 50.0, "unit": "mcg", "route": "iv"}),
]  # fmt: skip


@pytest.mark.parametrize(("action", "holds"), [
    ({"id": "intubation_attempt"}, True),
    ({"id": "intubation_attempt", "count": 2}, False),
    ({"id": "intubation_attempt", "outcome": "failed", "count": 2}, True),
    ({"id": "intubation_attempt", "outcome": "failed", "count": 3}, False),
    ({"id": "intubation_attempt", "outcome": "any", "count": 3}, True),
    ({"id": "adrenaline", "outcome": "failed"}, False),
    ({"id": "adrenaline", "outcome": "any"}, True),
])  # fmt: skip
def test_outcome_chooses_which_attempts_count(action: dict[str, Any], holds: bool) -> None:
    """By default only attempts that succeeded count; `failed` counts the failed ones, `any` every attempt; a drug
    given is never a failed attempt. The runtime's history and the scorer's record matching give the same count."""
    condition = CONDITION.validate_python({"action": action})
    history = History(70.0)
    for kind, data in RECORDS:
        history.observe(kind, data)
    assert history.holds(condition) is holds
    matched = sum(1 for kind, data in RECORDS if record_matches(condition, kind, data, 70.0))
    assert (matched >= condition.action.count) is holds


def test_outcome_must_be_one_of_three() -> None:
    """An outcome other than succeeded, failed or any is refused."""
    with pytest.raises(ValueError, match="outcome"):
        CONDITION.validate_python({"action": {"id": "intubation_attempt", "outcome": "partly"}})


def _changed(tmp_path: Path, scenario: str, old: str, new: str) -> Path:
    for script in SCENARIOS.glob(f"{scenario}.*.script.yaml"):
        (tmp_path / script.name).write_bytes(script.read_bytes())
    text = (SCENARIOS / f"{scenario}.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{scenario}.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_lint_flags_failed_attempts_of_an_action_that_cannot_fail(tmp_path: Path) -> None:
    """`outcome: failed` on a drug (which has no success chance) can never match: the lint says so at the value; on an
    intervention with a success chance it is accepted."""
    old = "to: {action: {id: adrenaline, route: iv, dose: {min: 20 mcg, max: 100 mcg}}}"
    path = _changed(tmp_path, "anaphylaxis-ga", old, old.replace("route: iv,", "route: iv, outcome: failed,"))
    with pytest.raises(ProblemsError) as caught:
        load_scenario(path)
    found = [p for p in caught.value.problems if "never fails" in p.message]
    assert len(found) == 1 and "'adrenaline' never fails" in found[0].message
    row = path.read_text(encoding="utf-8").splitlines()[found[0].line - 1]
    assert row[found[0].column - 1:].startswith("failed")  # at the value, as every problem is
    (tmp_path / "cico").mkdir()
    cico = _changed(tmp_path / "cico", "cico", "count: {action: {id: laryngoscopy_attempt}}",
                    "count: {action: {id: laryngoscopy_attempt, outcome: any}}")
    assert load_scenario(cico).scenario.id == "cico"


def _dantrolene(doses_mg: list[float]) -> list[tuple[str, dict[str, Any]]]:
    return [("DrugGiven", {"action": "dantrolene", "role": "anaesthetist", "dose": mg * 1000.0, "unit": "mcg",
                           "route": "iv"}) for mg in doses_mg]  # fmt: skip


@pytest.mark.parametrize(("doses_mg", "total", "held_after"), [
    ([70, 70, 70], {"min": "2.5 mg/kg"}, [False, False, True]),  # 175 mg for 70 kg: reached by the third dose
    ([200], {"min": "2.5 mg/kg"}, [True]),
    ([20, 20], {"min": "2.5 mg/kg"}, [False, False]),  # two vials are not the dose
    ([70, 70, 70], {"max": "2 mg/kg"}, [True, True, False]),  # 140 mg allowed, 210 mg is beyond
])  # fmt: skip
def test_total_adds_up_the_doses(doses_mg: list[float], total: dict[str, str], held_after: list[bool]) -> None:
    """With `total`, the doses of the matching boluses are added up and the condition holds while the sum lies in
    the range (per-kg bounds use the patient's weight); the runtime's history and the scorer's firings agree after
    every dose."""
    condition = CONDITION.validate_python({"action": {"id": "dantrolene", "total": total}})
    records = _dantrolene(doses_mg)
    history = History(70.0)
    held = []
    for kind, data in records:
        history.observe(kind, data)
        held.append(history.holds(condition))
    assert held == held_after
    rows = tuple(Record(i, i * 10, float(i), kind, "p1", data) for i, (kind, data) in enumerate(records))
    log = Log({"format": "crmsim-log", "format_version": 1}, rows, False, "x")
    fired = {f.event.seq for f in firings(condition, build_timeline(log), 70.0) if f.event is not None}
    assert [i in fired for i in range(len(records))] == held_after


def test_the_lint_checks_a_total_like_a_dose_but_not_against_single_dose_limits(tmp_path: Path) -> None:
    """A total in the wrong kind of unit, or given as a rate, is reported at the value; a total above the drug's
    largest single dose (several doses add up to it) is not."""
    old = "to: {action: {id: adrenaline, route: iv, dose: {min: 20 mcg, max: 100 mcg}}}"
    bad = _changed(tmp_path, "anaphylaxis-ga", old, old.replace("dose: {", "total: {min: 5 ml}, dose: {"))
    with pytest.raises(ProblemsError) as caught:
        load_scenario(bad)
    assert any("total '5 ml' is a volume" in p.message for p in caught.value.problems), caught.value.problems
    (tmp_path / "ok").mkdir()
    fine = _changed(tmp_path / "ok", "anaphylaxis-ga", old, old.replace("dose: {", "total: {min: 3 mg}, dose: {"))
    assert load_scenario(fine).scenario.id == "anaphylaxis-ga"
