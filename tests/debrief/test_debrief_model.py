"""The debrief model's rules, on real logs of the bundled scenarios.

- Every key moment cites records that exist, one of them at the moment's time.
- A prompt names the moment's time and the vitals the monitor showed then, with the values and the time beyond
  the limit exactly as the log has them.
- Single-loop corrections (cited from the scenario's own data) are kept apart from double-loop questions.
- The PEARLS phases come in order and every moment is discussed in exactly one of them.
- A novice team's log has more and worse moments than the reference team's; a caught error is a strength.
- The scenario's decision points reached become moments with the scenario's own questions.
- The model is a pure function of its inputs.
"""

from __future__ import annotations

import re

import pytest
from debrief_logs import Run, sample_at

from crmsim.debrief.build import build_debrief, debrief_log
from crmsim.debrief.describe import clock
from crmsim.debrief.model import PEARLS_ORDER, Correction, Question, as_data
from crmsim.debrief.prompts import load_templates, parse_templates
from crmsim.schema.problems import ProblemsError
from crmsim.scoring.markers import firings
from crmsim.scoring.scorer import score_log

RUN_KEYS = [("anaphylaxis-ga", "reference", 1), ("anaphylaxis-ga", "novice", 1), ("cico", "novice", 1)]


@pytest.fixture(params=RUN_KEYS, ids=["-".join(map(str, k)) for k in RUN_KEYS])
def run(request: pytest.FixtureRequest, runs: dict[tuple[str, str, int], Run]) -> Run:
    return runs[request.param]


def test_every_moment_cites_real_records_at_its_time(run: Run) -> None:
    """Each key moment cites log records that exist, and one of them happened at the moment's time (±1 s)."""
    by_seq = {r.seq: r for r in run.log.records}
    assert run.debrief.moments
    for m in run.debrief.moments:
        assert m.seqs and all(s in by_seq for s in m.seqs), (m.id, m.seqs)
        assert any(abs(by_seq[s].t - m.t) <= 1.0 for s in m.seqs), (m.id, m.t, [by_seq[s].t for s in m.seqs])
        assert m.time == clock(m.t)


def _beyond(value: float, limit: str) -> bool:
    side, number = limit.split()[:2]
    return value < float(number) if side == "below" else value > float(number)


def test_prompts_name_the_time_and_the_vitals_the_log_showed(run: Run) -> None:
    """A prompt opens with the moment's time; each vital it names has the value the log sampled then, and has been
    beyond its limit exactly as long as it says (the sample before the stretch was not)."""
    samples = [r for r in run.log.records if r.kind == "VitalsSampled"]
    named = 0
    for m in run.debrief.moments:
        p = m.prompt
        assert p.observation.startswith(f"At {clock(m.t)}, "), p.observation
        sample = sample_at(run.log, m.t)
        for a in p.shown:
            named += 1
            if a.vital == "rhythm":
                assert sample["rhythm"] == a.value and f"the rhythm {str(a.value).upper()}" in p.observation
                continue
            logged = float(sample[a.vital])  # type: ignore[arg-type]
            assert a.value in (round(logged), round(logged, 1)), (m.id, a, logged)
            assert f"{a.label} at {a.value:g}" in p.observation
            assert _beyond(logged, a.limit)
            first = next(i for i, r in enumerate(samples) if r.seq == a.seq)
            assert _beyond(float(samples[first].data[a.vital]), a.limit)
            assert first == 0 or not _beyond(float(samples[first - 1].data[a.vital]), a.limit)
            now_t = max(r.t for r in samples if r.t <= m.t + 1e-9)
            assert a.duration_s == pytest.approx(now_t - samples[first].t)
    if run.team == "novice":
        assert named, "a novice run has moments with abnormal vitals to name"


def test_a_repeated_attempt_is_told_as_the_example_prompt_is(cico: Run) -> None:
    """CICO with a novice team: the laryngoscopy beyond the scenario's limit is a fixation moment whose prompt
    reads 'At mm:ss, with <vital> at <value> for <time>, a fifth laryngoscopy ... attempt started.'"""
    fixation = [m for m in cico.debrief.moments if m.kind == "fixation" and "laryngoscopy_limit" in m.markers]
    assert len(fixation) == 1
    text = fixation[0].prompt.text
    assert re.match(r"At \d\d:\d\d, with \w+ at [\d.]+ \S+ for [\w ]+, a fifth laryngoscopy .*attempt started\. "
                    r"I was worried about \w+.*\?$", text), text  # fmt: skip


def test_single_loop_corrections_are_apart_from_double_loop_questions(run: Run) -> None:
    """Corrections state a fact taken from the scenario (a decision point's expected practice, a marker, a learning
    point) and are never questions; double-loop questions are questions; no text is both."""
    d = run.debrief
    scenario = run.loaded.scenario
    facts = [dp.expected.strip() for dp in scenario.debrief.decision_points]
    facts += [m.description.rstrip(".") for m in scenario.markers] + list(scenario.debrief.learning_points)
    assert d.single_loop and d.double_loop
    for c in d.single_loop:
        assert isinstance(c, Correction) and not c.text.rstrip().endswith("?")
        assert any(c.text.startswith(f) for f in facts), c.text
        assert scenario.id in c.source
    for q in d.double_loop:
        assert isinstance(q, Question) and q.text.endswith("?")
    assert not {c.text for c in d.single_loop} & {q.text for q in d.double_loop}
    for section in d.pearls:
        assert all(isinstance(c, Correction) for c in section.corrections)
        assert all(isinstance(q, Question) for q in section.questions)


def test_pearls_phases_are_in_order_and_hold_every_moment_once(run: Run) -> None:
    """Reactions, description, analysis, application — in that order; each moment is in exactly one phase, every
    moment to improve in the analysis; the scenario's learning points close the debrief."""
    d = run.debrief
    assert tuple(s.id for s in d.pearls) == PEARLS_ORDER
    placed = [mid for s in d.pearls for mid in s.moment_ids]
    assert sorted(placed) == sorted(m.id for m in d.moments) and len(placed) == len(set(placed))
    analysis = d.section("analysis")
    assert analysis is not None and {m.id for m in d.gaps()} <= set(analysis.moment_ids)
    application = d.section("application")
    assert application is not None
    assert [c.text for c in application.corrections] == list(run.loaded.scenario.debrief.learning_points)
    assert all(s.openers for s in d.pearls)


def test_a_novice_log_has_more_and_worse_moments(runs: dict[tuple[str, str, int], Run]) -> None:
    """With either seed, the novice team's debrief has more moments to improve, and a higher total severity, than the
    reference team's; the reference team's caught error is a moment to keep, and the novice team keeps none."""
    for seed in (1, 2):
        ref = runs[("anaphylaxis-ga", "reference", seed)].debrief
        nov = runs[("anaphylaxis-ga", "novice", seed)].debrief
        assert len(list(nov.gaps())) > len(list(ref.gaps()))
        assert sum(m.severity for m in nov.moments) > sum(m.severity for m in ref.moments)
        assert any(m.kind == "error_caught" and m.valence == "strength" for m in ref.moments)
        assert not any(m.kind == "error_caught" for m in nov.moments)
        assert max(m.severity for m in nov.moments) == 3


def test_each_error_offered_is_one_moment_with_its_fate(runs: dict[tuple[str, str, int], Run]) -> None:
    """Every error a confederate offered is exactly one moment, citing the offer and its fate (ErrorCaught: a
    strength; ErrorMissed: a gap)."""
    offered = 0
    for run in runs.values():
        for record in (r for r in run.log.records if r.kind == "ErrorOffered"):
            offered += 1
            inject = record.data["inject"]
            moments = [m for m in run.debrief.moments if record.seq in m.seqs]
            assert len(moments) == 1 and moments[0].kind.startswith("error_"), (run.path, inject)
            fate = next((r for r in run.log.records if r.kind in ("ErrorCaught", "ErrorMissed")
                         and r.data.get("inject") == inject), None)  # fmt: skip
            if fate is not None:
                assert fate.seq in moments[0].seqs
                assert moments[0].valence == ("strength" if fate.kind == "ErrorCaught" else "gap")
    assert offered >= 2


def test_the_scenarios_decision_points_become_moments(run: Run) -> None:
    """Every decision point whose cue came in the log is a moment at the cue, carrying the scenario's questions."""
    d = run.debrief
    scored = score_log(run.log, run.loaded)
    for dp in run.loaded.scenario.debrief.decision_points:
        cue = firings(dp.cue, scored.timeline, run.loaded.scenario.patient.weight_kg)
        moment = next((m for m in d.moments if m.kind == "decision_point" and m.decision_point == dp.id), None)
        assert (moment is not None) == bool(cue), dp.id
        if moment is not None:
            assert moment.t == pytest.approx(cue[0].t)
            asked = [q.text for q in d.double_loop if q.moment_id == moment.id]
            assert asked == list(dp.questions)
            assert moment.prompt.inquiry == dp.questions[0]


def test_the_model_is_a_pure_function_of_its_inputs(novice: Run) -> None:
    """Building the debrief twice from the same log, scenario and ratings gives equal models."""
    again = build_debrief(novice.log, novice.loaded, score_log(novice.log, novice.loaded), str(novice.path))
    assert again == novice.debrief
    assert as_data(again) == as_data(debrief_log(novice.log, novice.loaded, "ants", str(novice.path)))


def test_prompt_templates_refuse_an_unknown_placeholder() -> None:
    """A prompts file whose template uses a placeholder crmsim does not fill is refused at its file:line."""
    from importlib import resources

    text = resources.files("crmsim.library").joinpath("debrief", "prompts.yaml").read_text(encoding="utf-8")
    assert load_templates().moments["fixation"].inquiry
    broken = text.replace('inquiry: "How were you seeing it then?"', 'inquiry: "How was {weather}?"', 1)
    line = broken.splitlines().index('    inquiry: "How was {weather}?"') + 1
    with pytest.raises(ProblemsError) as caught:
        parse_templates(broken, "prompts.yaml")
    message = caught.value.problems[0].format()
    assert f"prompts.yaml:{line}:" in message and "{weather}" in message
