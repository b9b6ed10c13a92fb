"""Framework ratings from indicators: every element rated on its own scale or not observed, with evidence and a
reason; team and per participant; educator overrides kept beside the automatic rating."""

from __future__ import annotations

import pytest
from scoring_logs import ack, done, drug, make_log, order, performed, said

from crmsim.schema.frameworks import FRAMEWORK_IDS, load_framework
from crmsim.schema.load import LoadedScenario
from crmsim.scoring.overrides import OverrideError, apply_to_session, parse_overrides
from crmsim.scoring.rating import Indicator, combine, to_scale
from crmsim.scoring.rules import RULES
from crmsim.scoring.scorer import score_log

GOOD_TEAM = (
    said(15, "FindingCalledOut", "p1", "anaesthetist", finding="hypotension"),
    said(20, "EmergencyDeclared", "p1", "anaesthetist"),
    said(25, "HelpCalled", "p1", "anaesthetist", roles=["second_anaesthetist"], coming=["second_anaesthetist"],
         sbar={"situation": "s", "background": "b", "assessment": "a", "request": "r"}, sbar_parts=4),
    said(30, "DiagnosisDeclared", "p1", "anaesthetist", diagnosis="anaphylaxis", name="Anaphylaxis"),
    order(32, "o1", "p1", "anaesthetist", "stop_trigger", "odp"), ack(34, "o1", "p2", "odp", "stop_trigger"),
    performed(44, "p2", "odp", "stop_trigger"), done(44, "o1", "p2", "odp", "stop_trigger"),
    drug(66, "p1", "anaesthetist", "adrenaline", 50.0),
    said(75, "AidOpened", "p2", "odp", aid="anaphylaxis_card", title="Card", steps=["s"]),
    said(100, "FindingCalledOut", "p1", "anaesthetist", finding="sbp"),
    said(150, "SummaryGiven", "p1", "anaesthetist", plan="plan", pause=True),
)


def test_quality_maps_linearly_onto_each_scale() -> None:
    """score = min + round(quality × (max − min)), half-way rounding up, on 1-4, 0-4, 1-7 and 1-10."""
    assert [to_scale(q, 1, 4) for q in (0.0, 0.16, 0.17, 0.5, 0.83, 0.84, 1.0)] == [1, 1, 2, 3, 3, 4, 4]
    assert to_scale(0.5, 0, 4) == 2 and to_scale(0.5, 1, 7) == 4 and to_scale(1.0, 1, 10) == 10


def test_combine_weights_markers_and_caps_at_the_worst_plus_a_half() -> None:
    """Markers weigh twice; one dangerous lapse caps the element at its quality + 0.5; nothing observed is None."""
    assert combine([Indicator(1.0, 1, (), ""), Indicator(0.4, 2, (), "")]) == pytest.approx(0.6)
    assert combine([Indicator(1.0, 1, (), ""), Indicator(1.0, 1, (), ""), Indicator(0.0, 1, (), "")]) == 0.5
    assert combine([Indicator(None, 1, (), "")]) is None


def test_rules_name_real_elements_and_known_metrics() -> None:
    """Every rule names an element of a bundled framework and only metrics the scorer measures."""
    from crmsim.scoring.indicators import METRICS

    refs = {f"{fid}.{e.id}" for fid in FRAMEWORK_IDS for _, e in load_framework(fid).iter_elements()}
    assert set(RULES) <= refs
    assert all(name in METRICS for names in RULES.values() for name in names)


@pytest.mark.parametrize("framework_id", FRAMEWORK_IDS)
def test_every_element_is_rated_with_scale_evidence_and_reason(anaphylaxis: LoadedScenario, framework_id: str) -> None:
    """Each element of the framework appears once, with its scale, a score inside it or None, sorted evidence seqs
    from the log, and a one-sentence reason."""
    result = score_log(make_log(*GOOD_TEAM, end=200), anaphylaxis, framework_id)
    framework = load_framework(framework_id)
    rated = list(result.team.elements())
    assert [e.element for e in rated] == [e.id for _, e in framework.iter_elements()]
    seqs = {e.seq for e in result.timeline.events}
    for e in rated:
        scale = framework.scale_for(next(x for _, x in framework.iter_elements() if x.id == e.element))
        assert e.scale == (scale.min, scale.max)
        assert e.score is None or scale.min <= e.score <= scale.max
        assert set(e.evidence) <= seqs and list(e.evidence) == sorted(e.evidence)
        assert e.reason.endswith(".") and e.reason.count(". ") == 0, e.reason
        assert e.rater == "auto" and e.auto_score == e.score


def test_a_good_team_rates_good_and_a_silent_team_poor(anaphylaxis: LoadedScenario) -> None:
    """The hand-built good team rates at least 3 on every observed ANTS category; a team that does nothing for ten
    minutes rates 1 on the elements that had an opportunity."""
    good = score_log(make_log(*GOOD_TEAM, end=200), anaphylaxis, "ants")
    assert all(c.score is None or c.score >= 3 for c in good.team.categories)
    silent = score_log(make_log(end=600), anaphylaxis, "ants")
    recognising = silent.team.element("recognising_and_understanding")
    assert recognising is not None and recognising.score == 1
    assert "not done" in recognising.reason or "never" in recognising.reason or "neither" in recognising.reason.lower()


def test_not_observed_when_the_session_gave_no_opportunity(anaphylaxis: LoadedScenario) -> None:
    """A 20-second session gives no opportunity for most elements: their score is None and the reason says so."""
    result = score_log(make_log(end=20), anaphylaxis, "ants")
    element = result.team.element("anticipating")
    assert element is not None and element.score is None and element.reason.startswith("Not observed")


def test_markers_rate_the_elements_they_name_and_core_through_maps_to(anaphylaxis: LoadedScenario) -> None:
    """The help_called marker's record is evidence for ants.identifying_and_utilising_resources and, through
    maps_to, for core.task_management."""
    log = make_log(*GOOD_TEAM, end=200)
    help_seq = next(r.seq for r in log.records if r.kind == "HelpCalled")
    ants = score_log(log, anaphylaxis, "ants").team.element("identifying_and_utilising_resources")
    core = score_log(log, anaphylaxis, "core").team.element("task_management")
    assert ants is not None and help_seq in ants.evidence
    assert core is not None and help_seq in core.evidence


def test_per_participant_ratings_follow_own_records_and_the_leader_answers_for_omissions(
        anaphylaxis: LoadedScenario) -> None:  # fmt: skip
    """The leader is rated on the team's call for help when they did not call; others are not rated on it."""
    log = make_log(order(30, "o1", "p1", "anaesthetist", "legs_up", None), end=600)
    result = score_log(log, anaphylaxis, "acrm")
    people = {p.participant: p for p in result.participants}
    assert set(people) == {"p1", "p2", "p3", "p4"}
    leader = people["p1"].element("call_for_help_early")
    other = people["p2"].element("call_for_help_early")
    assert leader is not None and leader.score == 1
    assert other is not None and other.score is None


def test_overrides_keep_both_ratings_and_the_last_wins(anaphylaxis: LoadedScenario) -> None:
    """An educator's re-rating becomes the score; the automatic rating and every override stay in ratings."""
    result = score_log(make_log(*GOOD_TEAM, end=200), anaphylaxis, "ants")
    text = ("element,score,rater,comment,participant\n"
            "ants.anticipating,2,edu7,Did not prepare for the low-flow state,team\n"
            "exchanging_information,N/O,edu7,Could not hear the call-outs,p2\n")  # fmt: skip
    changed = apply_to_session(result, parse_overrides(text, "o.csv"), "o.csv")
    element = changed.team.element("anticipating")
    assert element is not None and element.score == 2 and element.rater == "edu7"
    assert [r.rater for r in element.ratings] == ["auto", "edu7"] and element.auto_score == result.team.element("anticipating").score  # type: ignore[union-attr]
    p2 = next(p for p in changed.participants if p.participant == "p2").element("exchanging_information")
    assert p2 is not None and p2.score is None and p2.ratings[-1].comment == "Could not hear the call-outs"


@pytest.mark.parametrize(("text", "message"), [
    ("element,score,rater\nanticipating,2,edu\n", "o.csv:1: missing column(s) comment"),
    ("element,score,rater,comment\nanticipating,two,edu,x\n", "o.csv:2: score 'two' is not a whole number"),
    ("element,score,rater,comment\nanticipating,2,,x\n", "o.csv:2: the rater is empty"),
    ("element,score,rater,comment\nanticipating,2,auto,x\n", "o.csv:2: 'auto' is the automatic rater"),
    ("element,score,rater,comment\nforesight,2,edu,x\n", "o.csv:2: 'foresight' is not an element of ants"),
    ("element,score,rater,comment\nanticipating,5,edu,x\n", "o.csv:2: score 5 is outside anticipating's scale 1-4"),
    ("element,score,rater,comment,participant\nanticipating,3,edu,x,p9\n", "o.csv:2: no participant 'p9'"),
])  # fmt: skip
def test_bad_overrides_are_reported_at_their_line(anaphylaxis: LoadedScenario, text: str, message: str) -> None:
    """Each mistake in an overrides file is one message naming the file and line."""
    result = score_log(make_log(*GOOD_TEAM, end=200), anaphylaxis, "ants")
    with pytest.raises(OverrideError) as caught:
        apply_to_session(result, parse_overrides(text, "o.csv"), "o.csv")
    assert str(caught.value).startswith(message)
