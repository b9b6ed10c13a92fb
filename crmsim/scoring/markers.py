"""Evaluate the scenario's declared markers (``time_to``, ``occurs``, ``never``, ``count``) and its expected
timeline against a log.

Each marker becomes a :class:`MarkerResult` with a quality from 0 (poor) to 1 (good), or ``None`` when the session
gave no opportunity (its cue never came, or it ended too soon to tell), the evidence (record seqs) and a reason.
Selectors are matched with :mod:`crmsim.core.matching`, the same code the scenario runtime uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crmsim.core.matching import amount_in_range, record_kinds, record_matches, total_dose
from crmsim.schema.assessment import CountOf, ExpectedStep, Marker, Never, Occurs, TimeToDetector
from crmsim.schema.conditions import ActionAtom, StartAtom, VitalAtom
from crmsim.scoring.events import Event, Timeline


@dataclass(frozen=True)
class Firing:
    """A moment a selector fired: its time, and the record that made it fire (None for the start)."""

    t: float
    event: Event | None


@dataclass(frozen=True)
class MarkerResult:
    """A scenario marker evaluated on a log."""

    id: str
    description: str
    evidences: tuple[str, ...]
    quality: float | None
    value: float | None
    evidence: tuple[int, ...]
    reason: str
    by: str | None = None
    """the participant whose record met the marker, if one did"""


def _vital_firings(atom: VitalAtom, timeline: Timeline) -> list[Firing]:
    """Each time the vital has been beyond its threshold for the required time (once per excursion)."""
    vital = atom.vital
    name, below, above, hold = vital.name, vital.below, vital.above, vital.for_ - 1e-9
    firings: list[Firing] = []
    since: float | None = None
    fired = False
    for e in timeline.of("VitalsSampled"):
        value = e.data.get(name)
        if not (type(value) is float or isinstance(value, int | float)) or not (
                (below is not None and value < below) or (above is not None and value > above)):  # fmt: skip
            since, fired = None, False
            continue
        if since is None:
            since = e.t
        if not fired and e.t - since >= hold:
            firings.append(Firing(e.t, e))
            fired = True
    return firings


def firings(selector: Any, timeline: Timeline, weight_kg: float) -> list[Firing]:
    """Every moment a selector fires in the log, in time order."""
    if isinstance(selector, StartAtom):
        return [Firing(0.0, None)]
    if isinstance(selector, VitalAtom):
        return _vital_firings(selector, timeline)
    if isinstance(selector, ActionAtom):
        candidates = timeline.of_action(selector.action.id)
    else:
        kinds = record_kinds(selector)
        candidates = timeline.happenings if kinds is None else timeline.of(*kinds)
    matches = [Firing(e.t, e) for e in candidates if record_matches(selector, e.kind, e.data, weight_kg)]
    if isinstance(selector, ActionAtom) and selector.action.total is not None:
        return _total_firings(selector, matches, weight_kg)
    if isinstance(selector, ActionAtom) and selector.action.count > 1:
        return matches[selector.action.count - 1:]
    return matches


def _total_firings(selector: ActionAtom, matches: list[Firing], weight_kg: float) -> list[Firing]:
    """The matching actions after which the condition holds: at least ``count`` of them so far, and their doses
    added up lie in ``total`` (as the runtime's history judges it)."""
    found: list[Firing] = []
    total = 0.0
    for n, firing in enumerate(matches, start=1):
        total += total_dose(firing.event.data) if firing.event is not None else 0.0
        if n >= selector.action.count and amount_in_range(selector.action.total, total, weight_kg):
            found.append(firing)
    return found


def first_after(selector: Any, timeline: Timeline, weight_kg: float, t0: float) -> Firing | None:
    """The first firing at or after ``t0``."""
    return next((f for f in firings(selector, timeline, weight_kg) if f.t >= t0 - 1e-9), None)


def delay_quality(delay: float, good_within: float, poor_after: float) -> float:
    """1 within the good time, 0 from the poor time on, linear between (the scenario author's thresholds)."""
    if delay <= good_within + 1e-9:
        return 1.0
    if delay >= poor_after - 1e-9:
        return 0.0
    return (poor_after - delay) / (poor_after - good_within)


def _seqs(*firing: Firing | None) -> tuple[int, ...]:
    return tuple(f.event.seq for f in firing if f is not None and f.event is not None)


def _who(firing: Firing | None) -> str | None:
    return firing.event.source if firing is not None and firing.event is not None else None


def _time_to(marker: Marker, timeline: Timeline, weight: float) -> MarkerResult:
    spec = marker.detect.time_to  # type: ignore[union-attr]
    base = dict(id=marker.id, description=marker.description, evidences=marker.evidences)
    cues = firings(spec.from_, timeline, weight)
    if not cues:
        return MarkerResult(**base, quality=None, value=None, evidence=(), reason="its cue never came")
    cue = cues[0]
    hit = first_after(spec.to, timeline, weight, cue.t)
    if hit is not None:
        delay = hit.t - cue.t
        quality = delay_quality(delay, spec.good_within, spec.poor_after)
        return MarkerResult(**base, quality=quality, value=delay, evidence=_seqs(cue, hit),
                            reason=f"{_lower(marker.description)}: after {delay:.0f} s (good within "
                                   f"{spec.good_within:.0f} s)", by=_who(hit))  # fmt: skip
    waited = timeline.end_t - cue.t
    if waited < spec.good_within:
        return MarkerResult(**base, quality=None, value=None, evidence=_seqs(cue),
                            reason="the session ended before it was due")  # fmt: skip
    return MarkerResult(**base, quality=delay_quality(waited, spec.good_within, spec.poor_after), value=None,
                        evidence=_seqs(cue), reason=f"not done: {_lower(marker.description)}")  # fmt: skip


def _occurs(marker: Marker, timeline: Timeline, weight: float) -> MarkerResult:
    spec: Occurs = marker.detect  # type: ignore[assignment]
    base = dict(id=marker.id, description=marker.description, evidences=marker.evidences)
    hit = first_after(spec.occurs, timeline, weight, 0.0)
    if hit is None:
        if spec.within is not None and timeline.end_t < spec.within:
            return MarkerResult(**base, quality=None, value=None, evidence=(),
                                reason="the session ended before it was due")  # fmt: skip
        return MarkerResult(**base, quality=0.0, value=None, evidence=(),
                            reason=f"not done: {_lower(marker.description)}")
    late = spec.within is not None and hit.t > spec.within + 1e-9
    quality = 0.4 if late else 1.0
    when = f"at {hit.t:.0f} s" + (f", later than {spec.within:.0f} s" if late else "")
    return MarkerResult(**base, quality=quality, value=hit.t, evidence=_seqs(hit),
                        reason=f"{_lower(marker.description)}: {when}", by=_who(hit))  # fmt: skip


def _never(marker: Marker, timeline: Timeline, weight: float) -> MarkerResult:
    spec: Never = marker.detect  # type: ignore[assignment]
    base = dict(id=marker.id, description=marker.description, evidences=marker.evidences)
    hits = firings(spec.never, timeline, weight)
    if hits:
        return MarkerResult(**base, quality=0.0, value=float(len(hits)), evidence=_seqs(*hits),
                            reason=f"not met ({_lower(marker.description)}): it happened at {hits[0].t:.0f} s",
                            by=_who(hits[0]))  # fmt: skip
    offered = tuple(e.seq for e in timeline.of("ErrorOffered", "ErrorCaught"))
    return MarkerResult(**base, quality=1.0, value=0.0, evidence=offered, reason=f"{_lower(marker.description)}: met")


def _count(marker: Marker, timeline: Timeline, weight: float) -> MarkerResult:
    spec: CountOf = marker.detect  # type: ignore[assignment]
    base = dict(id=marker.id, description=marker.description, evidences=marker.evidences)
    hits = firings(spec.count, timeline, weight)
    n = len(hits)
    if n <= spec.good_at_most:
        quality = 1.0
    elif n >= spec.poor_at_least:
        quality = 0.0
    else:
        quality = (spec.poor_at_least - n) / (spec.poor_at_least - spec.good_at_most)
    return MarkerResult(**base, quality=quality, value=float(n), evidence=_seqs(*hits),
                        reason=f"{_lower(marker.description)}: counted {n} (good at most {spec.good_at_most})",
                        by=_who(hits[0]) if hits else None)  # fmt: skip


def _lower(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].lower() + text[1:]


def evaluate_marker(marker: Marker, timeline: Timeline, weight_kg: float) -> MarkerResult:
    """One marker on one log."""
    detect = marker.detect
    if isinstance(detect, TimeToDetector):
        return _time_to(marker, timeline, weight_kg)
    if isinstance(detect, Occurs):
        return _occurs(marker, timeline, weight_kg)
    if isinstance(detect, Never):
        return _never(marker, timeline, weight_kg)
    return _count(marker, timeline, weight_kg)


def evaluate_markers(markers: tuple[Marker, ...], timeline: Timeline, weight_kg: float) -> tuple[MarkerResult, ...]:
    """Every marker of a scenario on one log, in the scenario's order."""
    return tuple(evaluate_marker(m, timeline, weight_kg) for m in markers)


@dataclass(frozen=True)
class StepResult:
    """An expected-timeline step: how late the team was against the expert time (``by``)."""

    label: str
    due: float
    delay: float | None
    """seconds from the cue to the event; None when it was not done"""
    quality: float | None
    evidence: tuple[int, ...]
    by: str | None = None
    """who made the last record of the evidence (the event if it was done, else the cue)"""


def step_quality(delay: float, due: float) -> float:
    """1 when done by the expert time; 0 at twice that time plus two minutes; linear between (crmsim's judgement)."""
    return delay_quality(delay, due, 2 * due + 120.0)


def evaluate_step(step: ExpectedStep, timeline: Timeline, weight_kg: float) -> StepResult:
    """One expected step: the cue (the start by default), then the first matching event after it."""
    cue = firings(step.from_, timeline, weight_kg)[:1] if step.from_ is not None else [Firing(0.0, None)]
    if not cue:
        return StepResult(step.label, step.by, None, None, ())
    hit = first_after(step.event, timeline, weight_kg, cue[0].t)
    if hit is not None:
        delay = hit.t - cue[0].t
        return StepResult(step.label, step.by, delay, step_quality(delay, step.by), _seqs(cue[0], hit), _who(hit))
    waited = timeline.end_t - cue[0].t
    if waited <= step.by:
        return StepResult(step.label, step.by, None, None, _seqs(cue[0]), _who(cue[0]))
    return StepResult(step.label, step.by, None, step_quality(waited, step.by) * 0.5, _seqs(cue[0]), _who(cue[0]))
