"""The log view and the generic metrics, on hand-built logs: each metric measures what its docstring says."""

from __future__ import annotations

from dataclasses import replace

from scoring_logs import ack, done, drug, make_log, order, performed, said

from crmsim.scoring import metrics as m
from crmsim.scoring import metrics_care as care
from crmsim.scoring.events import build_timeline
from crmsim.scoring.source import ScenarioFacts


def test_order_loops_are_complete_incomplete_missed_or_pending() -> None:
    """Read back and reported done is complete; part of the loop is incomplete; nothing is missed; an order given in
    the last minute with no done report is pending, not missed."""
    tl = build_timeline(make_log(
        order(10, "o1", "p1", "anaesthetist", "stop_trigger", "odp"), ack(11, "o1", "p2", "odp", "stop_trigger"),
        done(20, "o1", "p2", "odp", "stop_trigger"),
        order(30, "o2", "p1", "anaesthetist", "legs_up", "theatre_nurse"),
        ack(31, "o2", "p3", "theatre_nurse", "legs_up", read_back=False), done(40, "o2", "p3", "theatre_nurse", "legs_up"),
        order(50, "o3", "p1", "anaesthetist", "crystalloid_bolus", None),
        order(170, "o4", "p1", "anaesthetist", "nibp_cycle", "odp"),
        end=200.0))  # fmt: skip
    states = {o.id: o.loop(tl.end_t) for o in tl.orders}
    assert states == {"o1": "complete", "o2": "incomplete", "o3": "missed", "o4": "pending"}
    measure = m.closed_loop(tl)
    assert measure.extra == {"complete": 1, "incomplete": 1, "missed": 1, "pending": 1}
    assert measure.quality == (1 + 0.5) / 3
    assert "1 of 3 orders closed the loop" in measure.reason


def test_declined_order_closes_the_loop() -> None:
    """An order declined with a reason is an answered order: the loop is closed."""
    tl = build_timeline(make_log(order(10, "o1", "p1", "anaesthetist", "adrenaline", "odp"),
                                 (12, "OrderDeclined", "p2", {"order": "o1", "role": "odp", "reason": "1 mg is the arrest dose",
                                                               "action": "adrenaline"}), end=200))  # fmt: skip
    assert tl.orders[0].loop(tl.end_t) == "complete"


def test_directed_orders_ratio_and_role_allocation() -> None:
    """Directed orders are counted against all orders; role allocation is timed to the first task assigned or
    directed order."""
    tl = build_timeline(make_log(order(50, "o1", "p1", "anaesthetist", "legs_up", None),
                                 order(90, "o2", "p1", "anaesthetist", "legs_up", "odp"), end=300))  # fmt: skip
    directed = m.directed_orders(tl)
    assert directed.value == 0.5 and directed.evidence == (2, 3)
    allocation = m.role_allocation(tl)
    assert allocation.value == 90 and allocation.quality == 0.75


def test_no_allocation_at_all_is_poor_and_a_short_session_is_not_observed() -> None:
    """A team that names no one in a long session rates 0; a session that ended before it was due is N/O."""
    assert m.role_allocation(build_timeline(make_log(end=400))).quality == 0.0
    assert m.role_allocation(build_timeline(make_log(end=30))).quality is None


def test_help_call_latency_and_sbar_completeness() -> None:
    """Help latency runs from the onset; SBAR completeness is the share of the four parts; no one to call is N/O."""
    tl = build_timeline(make_log(said(90, "HelpCalled", "p1", "anaesthetist", roles=["second_anaesthetist"],
                                      coming=["second_anaesthetist"], sbar={"request": "come"}, sbar_parts=1),
                                 insult_at=30.0, end=400))  # fmt: skip
    absent = frozenset({"second_anaesthetist"})
    help_ = m.help_call(tl, absent)
    assert help_.value == 60 and help_.quality == 1.0
    assert m.sbar(tl).quality == 0.25
    assert m.help_call(tl, frozenset()).quality == 1.0
    assert m.help_call(build_timeline(make_log(end=400)), frozenset()).quality is None
    assert m.help_call(build_timeline(make_log(end=400)), absent).quality == 0.0


def test_recognition_and_declaration_are_timed_from_onset() -> None:
    """The first call-out or declaration is the recognition; only a declaration counts as declaring."""
    tl = build_timeline(make_log(said(40, "FindingCalledOut", "p2", "odp", finding="sbp"),
                                 said(100, "DiagnosisDeclared", "p1", "anaesthetist", diagnosis="x", name="X"),
                                 insult_at=10.0, end=400))  # fmt: skip
    assert m.recognition(tl).value == 30
    assert m.declaration(tl).value == 90
    assert m.recognition(tl, "p2").value == 30 and not m.declaration(tl, "p2").observed


def test_summaries_reward_an_early_summary_with_a_pause() -> None:
    """An early summary with a 10-for-10 pause is best; without a pause a little less; none in a long session is
    poor."""
    pause = build_timeline(make_log(said(100, "SummaryGiven", "p1", "anaesthetist", plan="p", pause=True), end=500))
    plain = build_timeline(make_log(said(100, "SummaryGiven", "p1", "anaesthetist", plan="p", pause=False), end=500))
    assert m.summaries(pause).quality == 1.0
    assert m.summaries(plain).quality == 0.85
    assert m.summaries(build_timeline(make_log(end=900))).quality == 0.0


def test_speaking_up_and_the_leaders_response() -> None:
    """An offered error caught is good speaking up; one missed with silence is poor; a concern dismissed by the
    leader rates low and an unanswered concern to a team member rates 0."""
    caught = build_timeline(make_log((50, "ErrorOffered", "nurse", {"inject": "e", "by": "nurse", "description": "d",
                                                                      "action": "adrenaline", "window": 60}),
                                     (60, "ErrorCaught", "p2", {"inject": "e", "how": "cross_check", "role": "odp"}),
                                     end=300))  # fmt: skip
    missed = build_timeline(make_log((50, "ErrorOffered", "nurse", {"inject": "e", "by": "nurse", "description": "d",
                                                                      "action": "adrenaline", "window": 60}),
                                     (110, "ErrorMissed", "scenario", {"inject": "e", "by": "nurse", "action": "adrenaline"}),
                                     end=300))  # fmt: skip
    assert m.speaking_up(caught).quality == 1.0
    assert m.speaking_up(missed).quality == 0.0
    concern = said(70, "ConcernRaised", "p2", "odp", concern="c1", to="anaesthetist", level="alert", words=None,
                   about="dose")  # fmt: skip
    dismissed = build_timeline(make_log(concern, (72, "ConcernAnswered", "p1", {"concern": "c1", "role": "anaesthetist",
                                                                              "response": "dismissed", "raised_by": "odp"}),
                                        end=300))  # fmt: skip
    assert m.concern_response(dismissed).quality == 0.1
    assert m.concern_response(build_timeline(make_log(concern, end=300))).quality == 0.0
    assert m.concern_response(build_timeline(make_log(concern, end=300)), "p1").quality == 0.0
    assert not m.concern_response(build_timeline(make_log(concern, end=300)), "p3").observed


def test_fixation_is_a_repeated_unexpected_action_before_the_expected_treatment(facts: ScenarioFacts) -> None:
    """Three boluses of a drug the scenario does not expect, with no change of plan, before the expected treatment
    began, are a fixation; an aid opened between them breaks the run; the expected treatment repeated is not."""
    eph = [drug(t, "p1", "anaesthetist", "ephedrine", 6000) for t in (60, 110, 150)]
    tl = build_timeline(make_log(*eph, drug(300, "p1", "anaesthetist", "adrenaline", 50), end=400))
    assert facts.expected_actions >= {"adrenaline", "chest_compressions"}
    measure = care.fixation(tl, facts)
    assert measure.value == 1 and measure.quality == 0.3 and len(measure.evidence) == 3
    broken = build_timeline(make_log(*eph, said(100, "AidOpened", "p2", "odp", aid="a", title="A", steps=["s"]), end=400))
    assert care.fixation(broken, facts).quality == 1.0
    titrated = build_timeline(make_log(*(drug(t, "p1", "anaesthetist", "adrenaline", 50) for t in (60, 110, 150)), end=400))
    assert care.fixation(titrated, facts).quality == 1.0
    failing = build_timeline(make_log(*(performed(t, "p1", "anaesthetist", "intubation", "airway", succeeded=False)
                                        for t in (60, 90, 120)), end=400))  # fmt: skip
    assert care.fixation(replace(failing), replace(facts, expected_actions=frozenset({"intubation"}))).quality == 0.3


def test_workload_spread_is_the_normalised_entropy_of_actions_by_role() -> None:
    """Evenly spread actions rate 1; one role doing everything rates 0; a participant doing far more than an even
    share rates lower."""
    def started(t: float, who: str, role: str) -> tuple:
        return (t, "ActionStarted", who, {"action": "x", "role": role, "duration": 5.0})
    even = build_timeline(make_log(started(10, "p1", "anaesthetist"), started(20, "p2", "odp"),
                                   started(30, "p3", "theatre_nurse"), participants=(("p1", "anaesthetist"),
                                   ("p2", "odp"), ("p3", "theatre_nurse"))))  # fmt: skip
    assert care.workload_spread(even).quality == 1.0
    alone = build_timeline(make_log(*(started(t, "p1", "anaesthetist") for t in (10, 20, 30, 40)),
                                    participants=(("p1", "anaesthetist"), ("p2", "odp"))))  # fmt: skip
    assert care.workload_spread(alone).quality == 0.0
    assert care.workload_spread(alone, "p1").quality == 0.0


def test_cross_checks_count_drugs_checked_not_doses_timed() -> None:
    """A drug is cross-checked if any cross-check (or dose read back) names it; it does not matter when."""
    tl = build_timeline(make_log(drug(50, "p1", "anaesthetist", "adrenaline", 50), drug(60, "p1", "anaesthetist", "ephedrine", 6000),
                                 said(90, "DoseCrossChecked", "p2", "odp", action="adrenaline", **{"with": "anaesthetist"}),
                                 end=300))  # fmt: skip
    measure = care.cross_checks(tl)
    assert measure.value == 0.5 and measure.quality == 0.75
    assert care.cross_checks(build_timeline(make_log(end=100))).quality is None


def test_cognitive_aid_and_reassessment(facts: ScenarioFacts) -> None:
    """An aid opened soon after onset rates well (N/O when the scenario has none); the longest silence without a
    re-assessment aloud sets the re-assessment quality."""
    tl = build_timeline(make_log(said(60, "AidOpened", "p2", "odp", aid="anaphylaxis_card", title="Card", steps=["s"]),
                                 said(80, "FindingCalledOut", "p1", "anaesthetist", finding="sbp"),
                                 said(150, "FindingCalledOut", "p1", "anaesthetist", finding="sbp"), end=230))  # fmt: skip
    assert care.cognitive_aid(tl, facts).quality == 1.0
    assert care.cognitive_aid(tl, replace(facts, aids=frozenset())).quality is None
    reassess = care.reassessment(tl)
    assert reassess.value == 80 and reassess.quality == 1.0
    assert care.reassessment(build_timeline(make_log(end=600))).quality == 0.0


def test_reevaluation_after_interventions_is_reported() -> None:
    """The share of treatments followed within 2 min by a re-assessment (call-out, summary, monitoring)."""
    tl = build_timeline(make_log(drug(50, "p1", "anaesthetist", "adrenaline", 50),
                                 said(100, "FindingCalledOut", "p1", "anaesthetist", finding="sbp"),
                                 drug(300, "p1", "anaesthetist", "adrenaline", 50), end=600))  # fmt: skip
    assert care.reevaluation_after_interventions(tl).value == 0.5
