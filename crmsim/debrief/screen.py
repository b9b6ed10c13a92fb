"""What was on the shared screen at any moment of a logged session: the vitals, which were abnormal and for how
long, the alarms sounding and the phase — rebuilt from the log's ``VitalsSampled``, ``AlarmRaised`` /
``AlarmCleared`` and ``PhaseEntered`` records.

"Abnormal" means beyond the monitor's own alarm limits (:data:`crmsim.core.alarms.RULES`: the medium tier
starts the clock, the high tier sets the priority), or beyond a scenario cue's threshold when a moment is about
that cue; so a prompt names what the team could see and hear, not a threshold they were never shown.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from crmsim.core.alarms import LETHAL_RHYTHMS, RULES
from crmsim.core.log import Log
from crmsim.debrief.describe import VITAL_LABELS, displayed
from crmsim.debrief.model import Abnormality, ActiveAlarm, AlarmSpan, PhaseSpan, Screen, VitalsSample, VitalsSeries
from crmsim.schema.conditions import VitalMatch

_NUMERIC = ("hr", "sbp", "dbp", "map", "spo2", "rr", "etco2", "temp")  # VitalsSample's fields, in order
_PRIORITY_RANK = {"cue": 0, "high": 1, "medium": 2}


@dataclass(frozen=True)
class Limit:
    """One side of one vital's normal range: beyond ``value`` is abnormal; beyond ``urgent`` is high priority."""

    vital: str
    below: bool
    value: float
    urgent: float | None = None

    def beyond(self, x: float | str | None, at: float | None = None) -> bool:
        threshold = self.value if at is None else at
        if type(x) is not float and (not isinstance(x, int | float) or isinstance(x, bool)):
            return False
        return x < threshold if self.below else x > threshold  # type: ignore[operator]

    def text(self) -> str:
        unit = VITAL_LABELS[self.vital][1]
        return f"{'below' if self.below else 'above'} {self.value:g} {unit}".rstrip()


def monitor_limits() -> tuple[Limit, ...]:
    """The monitor's normal range per vital and side, from its alarm rules (least strict tier = abnormal)."""
    grouped: dict[tuple[str, bool], list[tuple[float, str]]] = {}
    for rule in RULES:
        below = rule.below is not None
        value = rule.below if below else rule.above
        grouped.setdefault((rule.vital, below), []).append((float(value), rule.priority))  # type: ignore[arg-type]
    limits = []
    for (vital, below), found in grouped.items():
        medium = [v for v, p in found if p != "high"]
        high = [v for v, p in found if p == "high"]
        loose = (max if below else min)(medium or high)
        urgent = (min if below else max)(high) if high else None
        limits.append(Limit(vital, below, loose, urgent))
    return tuple(limits)


def vitals_series(log: Log) -> VitalsSeries:
    """Every ``VitalsSampled`` record as a :class:`VitalsSample`."""
    samples = []
    for r in log.records:
        if r.kind != "VitalsSampled":
            continue
        get = r.data.get
        samples.append(VitalsSample(r.seq, r.t, *[float(get(k, 0.0)) for k in _NUMERIC], str(get("rhythm", ""))))
    return VitalsSeries(tuple(samples))


def alarm_spans(log: Log, end_t: float) -> tuple[AlarmSpan, ...]:
    """Each alarm from raised to cleared (or the end), in the order raised."""
    open_: dict[str, tuple[int, float, str, str]] = {}
    spans: list[AlarmSpan] = []
    for r in log.records:
        alarm = str(r.data.get("alarm", ""))
        if r.kind == "AlarmRaised" and alarm not in open_:
            open_[alarm] = (r.seq, r.t, str(r.data.get("vital", "")), str(r.data.get("priority", "")))
        elif r.kind == "AlarmCleared" and alarm in open_:
            seq, t0, vital, priority = open_.pop(alarm)
            spans.append(AlarmSpan(alarm, vital, priority, t0, r.t, seq))
    spans += [AlarmSpan(a, v, p, t0, end_t, seq) for a, (seq, t0, v, p) in open_.items()]
    return tuple(sorted(spans, key=lambda s: s.seq))


def phase_spans(log: Log, end_t: float) -> tuple[PhaseSpan, ...]:
    """Each phase entered, until the next one (or the end)."""
    entered = [r for r in log.records if r.kind == "PhaseEntered"]
    ends = [r.t for r in entered[1:]] + [end_t] * bool(entered)
    return tuple(PhaseSpan(str(r.data.get("phase")), str(r.data.get("title")), r.t, max(r.t, end), r.seq)
                 for r, end in zip(entered, ends, strict=True))  # fmt: skip


class ScreenReader:
    """Answers "what did the screen show at ``t``?" for one session (built once, asked many times)."""

    def __init__(self, vitals: VitalsSeries, alarms: Iterable[AlarmSpan], phases: Iterable[PhaseSpan],
                 end_t: float) -> None:  # fmt: skip
        self.vitals = vitals
        self.end_t = end_t
        self.alarms = tuple(alarms)
        self.phases = tuple(phases)
        self.limits = monitor_limits()
        self._times = [s.t for s in vitals.samples]
        self._starts: dict[object, dict[int, int]] = {}
        self._columns: dict[str, list[float | str | None]] = {}

    def _index(self, t: float) -> int:
        return bisect.bisect_right(self._times, t + 1e-9) - 1

    def _column(self, vital: str) -> list[float | str | None]:
        """One vital's sampled values, in order (kept: the moments of a debrief ask about the same vitals)."""
        found = self._columns.get(vital)
        if found is None:
            found = self._columns[vital] = [getattr(s, vital, None) for s in self.vitals.samples]
        return found

    def _since(self, index: int, vital: str, key: object, beyond: Callable[[Any], bool]) -> int:
        """The index of the first sample of the excursion that contains sample ``index`` (the earliest sample from
        which every sample of ``vital`` before ``index`` was ``beyond``). The answers are kept per ``key`` (what
        ``beyond`` tests): a debrief asks about many moments of one long excursion, and a walk back stops at an
        answer already found."""
        known = self._starts.setdefault(key, {})
        values = self._column(vital)
        start = index
        while start > 0 and beyond(values[start - 1]):
            earlier = known.get(start - 1)
            start = earlier if earlier is not None else start - 1
            if earlier is not None:
                break
        known[index] = start
        return start

    def _abnormality(self, index: int, vital: str, limit_text: str, priority: str, key: object,
                     beyond: Callable[[Any], bool]) -> Abnormality:  # fmt: skip
        samples = self.vitals.samples
        first = samples[self._since(index, vital, key, beyond)]
        now = samples[index]
        label, unit = VITAL_LABELS[vital]
        value = now.value(vital)
        shown_value = displayed(vital, value if value is not None else 0.0)
        if isinstance(value, float) and not beyond(shown_value):
            shown_value = round(value, 1)  # 79.9 below 80 would read "80": show the decimal that is beyond
        return Abnormality(vital, label, shown_value, unit, limit_text, first.t, now.t - first.t, priority, first.seq)

    def abnormal(self, t: float, focus: VitalMatch | None = None) -> tuple[Abnormality, ...]:
        """The vitals beyond their limits at ``t`` (a cue's threshold for ``focus``), most urgent first."""
        index = self._index(t)
        if index < 0:
            return ()
        now = self.vitals.samples[index]
        found: list[Abnormality] = []
        if focus is not None:
            below = focus.below is not None
            limit = Limit(focus.name, below, float(focus.below if below else focus.above))  # type: ignore[arg-type]
            if limit.beyond(now.value(focus.name)):
                found.append(self._abnormality(index, focus.name, limit.text(), "cue", limit, limit.beyond))
        for limit in self.limits:
            if focus is not None and limit.vital == focus.name:
                continue
            if limit.beyond(now.value(limit.vital)):
                urgent = limit.urgent is not None and limit.beyond(now.value(limit.vital), limit.urgent)
                found.append(self._abnormality(index, limit.vital, limit.text(), "high" if urgent else "medium",
                                               limit, limit.beyond))  # fmt: skip
        if now.rhythm in LETHAL_RHYTHMS:
            found.append(self._abnormality(index, "rhythm", "a lethal rhythm", "high", "rhythm",
                                           LETHAL_RHYTHMS.__contains__))  # fmt: skip
        return tuple(sorted(found, key=lambda a: (_PRIORITY_RANK.get(a.priority, 3), -a.duration_s, a.vital)))

    def at(self, t: float, focus: VitalMatch | None = None) -> Screen:
        """The screen at ``t``: the last sample, what was abnormal, the alarms sounding, the phase."""
        index = self._index(t)
        sample = self.vitals.samples[index] if index >= 0 else None
        sounding = tuple(ActiveAlarm(a.alarm, a.vital, a.priority, a.start_t, a.seq) for a in self.alarms
                         if a.start_t <= t + 1e-9 and (a.end_t > t + 1e-9 or a.end_t >= self.end_t - 1e-9))  # fmt: skip
        phase = next((p.title for p in reversed(self.phases) if p.start_t <= t + 1e-9), "")
        return Screen(t, sample, self.abnormal(t, focus), sounding, phase)

    def excursions(self, limit: Limit, urgent: bool = False) -> list[tuple[int, int]]:
        """``(first, last)`` sample indexes of each stretch beyond a limit (its urgent tier with ``urgent``)."""
        threshold = limit.urgent if urgent else None
        runs: list[tuple[int, int]] = []
        start: int | None = None
        beyond = limit.beyond
        for i, value in enumerate(self._column(limit.vital)):
            if beyond(value, threshold):
                start = i if start is None else start
            elif start is not None:
                runs.append((start, i - 1))
                start = None
        if start is not None:
            runs.append((start, len(self.vitals.samples) - 1))
        return runs
