"""Scenario markers (time_to, occurs, never, count) and the expected timeline, evaluated on hand-built logs of the
anaphylaxis scenario."""

from __future__ import annotations

from scoring_logs import drug, make_log, performed, said

from crmsim.schema.load import LoadedScenario
from crmsim.scoring.events import build_timeline
from crmsim.scoring.markers import delay_quality, evaluate_marker, evaluate_step, step_quality
from crmsim.scoring.source import ScenarioFacts


def marker(loaded: LoadedScenario, marker_id: str):  # noqa: ANN201 - a schema Marker
    return next(m for m in loaded.scenario.markers if m.id == marker_id)


def help_call(t: float) -> tuple:
    return said(t, "HelpCalled", "p1", "anaesthetist", roles=["second_anaesthetist"], coming=[], sbar={}, sbar_parts=0)


def vitals(t: float, sbp: float) -> tuple:
    return (t, "VitalsSampled", "physiology", {"hr": 120, "sbp": sbp, "dbp": 30, "map": 40, "spo2": 95, "rr": 12,
                                               "etco2": 30, "temp": 36.6, "rhythm": "sinus"})  # fmt: skip


def test_delay_quality_is_linear_between_the_authors_thresholds() -> None:
    """Quality is 1 within good_within, 0 from poor_after, linear between."""
    assert delay_quality(30, 90, 240) == 1.0
    assert delay_quality(165, 90, 240) == 0.5
    assert delay_quality(300, 90, 240) == 0.0


def test_time_to_from_the_start(anaphylaxis: LoadedScenario, facts: ScenarioFacts) -> None:
    """time_to: the delay from the cue to the first matching record, with the record that met it as evidence."""
    result = evaluate_marker(marker(anaphylaxis, "help_called"), build_timeline(make_log(help_call(165), end=600)),
                             facts.weight_kg)  # fmt: skip
    assert result.value == 165 and result.quality == 0.5 and result.by == "p1"
    assert result.evidence == (2,)
    assert set(result.evidences) >= {"acrm.call_for_help_early"}


def test_time_to_not_done_and_cue_never_came(anaphylaxis: LoadedScenario, facts: ScenarioFacts) -> None:
    """Not done is rated as if done at the end (0 once past poor_after); a cue that never came is not observed;
    a session that ended before the response was due is not observed."""
    help_marker = marker(anaphylaxis, "help_called")
    assert evaluate_marker(help_marker, build_timeline(make_log(end=600)), facts.weight_kg).quality == 0.0
    assert evaluate_marker(help_marker, build_timeline(make_log(end=50)), facts.weight_kg).quality is None
    compressions = marker(anaphylaxis, "compressions_below_50")
    calm = build_timeline(make_log(vitals(10, 90), vitals(11, 88), end=600))
    assert evaluate_marker(compressions, calm, facts.weight_kg).quality is None


def test_time_to_from_a_vital_cue_held_for_its_duration(anaphylaxis: LoadedScenario, facts: ScenarioFacts) -> None:
    """A vital cue fires once the vital has stayed beyond its threshold for the required time (here 10 s)."""
    samples = [vitals(float(t), 45) for t in range(100, 121)]
    tl = build_timeline(make_log(*samples, performed(150, "p3", "theatre_nurse", "chest_compressions", "cpr"), end=600))
    result = evaluate_marker(marker(anaphylaxis, "compressions_below_50"), tl, facts.weight_kg)
    assert result.value == 40 and 0 < result.quality < 1  # cue at 110 s (45 mmHg since 100 s), compressions at 150 s


def test_occurs_within_never_and_count(anaphylaxis: LoadedScenario, facts: ScenarioFacts) -> None:
    """occurs: on time 1, late 0.4, never 0; never: 0 when it happened, with its record; count: by the thresholds."""
    w = facts.weight_kg
    trigger = marker(anaphylaxis, "trigger_removed")
    assert evaluate_marker(trigger, build_timeline(make_log(performed(100, "p2", "odp", "stop_trigger"), end=600)), w).quality == 1.0
    assert evaluate_marker(trigger, build_timeline(make_log(performed(300, "p2", "odp", "stop_trigger"), end=600)), w).quality == 0.4
    assert evaluate_marker(trigger, build_timeline(make_log(end=600)), w).quality == 0.0
    wrong = marker(anaphylaxis, "wrong_dose_caught")
    given = build_timeline(make_log(drug(200, "p1", "anaesthetist", "adrenaline", 1000.0), end=600))
    result = evaluate_marker(wrong, given, w)
    assert result.quality == 0.0 and result.evidence == (2,) and result.by == "p1"
    assert evaluate_marker(wrong, build_timeline(make_log(drug(200, "p1", "anaesthetist", "adrenaline", 50.0), end=600)),
                           w).quality == 1.0  # fmt: skip
    fixation = marker(anaphylaxis, "pressor_fixation")
    for n, quality in ((1, 1.0), (2, 0.5), (3, 0.0)):
        doses = [drug(60.0 + 30 * i, "p1", "anaesthetist", "ephedrine", 6000.0) for i in range(n)]
        assert evaluate_marker(fixation, build_timeline(make_log(*doses, end=600)), w).quality == quality


def test_expected_step_delay_and_quality(anaphylaxis: LoadedScenario, facts: ScenarioFacts) -> None:
    """A step is on time by its 'by'; late steps fall to 0 at twice the time plus 2 min; a step not done counts
    half its time-out value; a step not yet due at the end is not observed."""
    step = next(s for s in anaphylaxis.scenario.debrief.expected_timeline if s.label == "Trigger removed")
    on_time = evaluate_step(step, build_timeline(make_log(performed(100, "p2", "odp", "stop_trigger"), end=600)), facts.weight_kg)
    assert on_time.delay == 100 and on_time.quality == 1.0
    late = evaluate_step(step, build_timeline(make_log(performed(240, "p2", "odp", "stop_trigger"), end=600)), facts.weight_kg)
    assert late.quality == step_quality(240, 120) == 0.5
    assert evaluate_step(step, build_timeline(make_log(end=600)), facts.weight_kg).quality == 0.0
    assert evaluate_step(step, build_timeline(make_log(end=60)), facts.weight_kg).quality is None
