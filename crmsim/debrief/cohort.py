"""The cohort view (deutero-learning): across many sessions of a scenario, the markers teams miss most, the
distribution of times to the key actions, and the trend over time — the recurring lessons for a department.

:func:`build_cohort` is a pure function of the sessions' debriefs, each reduced by :func:`summarise` to what the
cohort reads (a few hundred bytes, where a debrief holds its whole vitals series: ten thousand sessions fit in
memory, and a summary travels cheaply back from a worker process); :func:`cohort_charts` draws its small inline SVG
charts (stacked bars, box plots, a trend line).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from crmsim.debrief.chart import ticks
from crmsim.debrief.describe import span
from crmsim.debrief.model import Debrief, MarkerOutcome, StepOutcome


@dataclass(frozen=True)
class CohortSession:
    """What the cohort reads of one session's debrief."""

    scenario_id: str
    scenario_title: str
    label: str
    started_at: str
    outcome: str
    markers: tuple[MarkerOutcome, ...]
    steps: tuple[StepOutcome, ...]
    gaps: int
    """key moments with something to improve"""
    category_scores: tuple[float, ...]
    """the team's category scores (those rated)"""


def summarise(d: Debrief) -> CohortSession:
    """The part of a debrief the cohort reads."""
    return CohortSession(d.session.scenario_id, d.session.scenario_title, d.session.label, d.session.started_at,
                         d.session.outcome, d.markers, d.steps, sum(1 for _ in d.gaps()),
                         tuple(c.score for c in d.ratings.categories if c.score is not None))  # fmt: skip


@dataclass(frozen=True)
class SessionPoint:
    """One session in the cohort, in time order."""

    label: str
    started_at: str
    outcome: str
    markers_due: int
    markers_met: int
    gaps: int
    """key moments with something to improve"""
    team_score: float | None
    """the mean of the team's category scores"""

    @property
    def met_share(self) -> float | None:
        return self.markers_met / self.markers_due if self.markers_due else None


@dataclass(frozen=True)
class MarkerStats:
    """A marker across the sessions that gave it an opportunity."""

    id: str
    description: str
    due: int
    met: int
    partial: int
    missed: int
    missed_in: tuple[str, ...]
    """the sessions that missed it"""

    @property
    def missed_share(self) -> float:
        return self.missed / self.due if self.due else 0.0


@dataclass(frozen=True)
class StepStats:
    """Time to one step of the expected timeline across sessions (seconds from its cue)."""

    label: str
    due_s: float
    delays: tuple[float, ...]
    not_done: int
    low: float | None
    q1: float | None
    median: float | None
    q3: float | None
    high: float | None


@dataclass(frozen=True)
class ScenarioCohort:
    """Every session of one scenario."""

    scenario_id: str
    title: str
    sessions: tuple[SessionPoint, ...]
    markers: tuple[MarkerStats, ...]
    """most missed first"""
    steps: tuple[StepStats, ...]
    outcomes: tuple[tuple[str, int], ...]
    lessons: tuple[str, ...]
    """the recurring lessons: the markers missed or late in most sessions"""

    def most_missed(self, n: int = 3) -> tuple[MarkerStats, ...]:
        """The ``n`` markers missed in the most sessions (only those missed at least once)."""
        return tuple(m for m in self.markers if m.missed)[:n]


@dataclass(frozen=True)
class Cohort:
    """The cohort report: one part per scenario."""

    scenarios: tuple[ScenarioCohort, ...]

    @property
    def session_count(self) -> int:
        return sum(len(s.sessions) for s in self.scenarios)


def _quartiles(values: Sequence[float]) -> tuple[float | None, ...]:
    if not values:
        return (None,) * 5
    ordered = sorted(values)
    if len(ordered) == 1:
        return (ordered[0],) * 5
    q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return ordered[0], q1, median, q3, ordered[-1]


def _point(d: CohortSession) -> SessionPoint:
    due = [m for m in d.markers if m.status != "not_due"]
    scores = d.category_scores
    return SessionPoint(d.label, d.started_at, d.outcome, len(due), sum(1 for m in due if m.status == "met"), d.gaps,
                        round(sum(scores) / len(scores), 2) if scores else None)  # fmt: skip


def _scenario(sessions: list[CohortSession]) -> ScenarioCohort:
    ordered = [d for _, d in sorted(enumerate(sessions), key=lambda p: (p[1].started_at, p[0]))]
    first = ordered[0]
    markers: list[MarkerStats] = []
    order = list(dict.fromkeys(m.id for d in ordered for m in d.markers))
    rank = {marker_id: i for i, marker_id in enumerate(order)}
    found: dict[str, list[tuple[str, MarkerOutcome]]] = {marker_id: [] for marker_id in order}
    described: dict[str, str] = {}
    for d in ordered:
        for m in d.markers:
            described.setdefault(m.id, m.description)
            if m.status != "not_due":
                found[m.id].append((d.label, m))
    for marker_id in order:
        status = Counter(m.status for _, m in found[marker_id])
        markers.append(MarkerStats(marker_id, described[marker_id], len(found[marker_id]), status["met"],
                                   status["partial"], status["missed"],
                                   tuple(label for label, m in found[marker_id] if m.status == "missed")))  # fmt: skip
    markers.sort(key=lambda m: (-m.missed, -m.missed_share, -m.partial, rank[m.id]))
    steps = []
    for index, step in enumerate(first.steps):
        mine = [d.steps[index] for d in ordered if len(d.steps) > index and d.steps[index].label == step.label]
        delays = tuple(s.delay_s for s in mine if s.delay_s is not None)
        not_done = sum(1 for s in mine if s.delay_s is None and s.quality is not None)
        steps.append(StepStats(step.label, step.due_s, delays, not_done, *_quartiles(delays)))
    lessons = tuple(f"{m.description.rstrip('.')}: missed in {m.missed} of {m.due} sessions"
                    + (f", late or partial in {m.partial}" if m.partial else "")
                    for m in markers if m.missed + m.partial and (m.missed + m.partial) * 2 >= m.due)[:5]  # fmt: skip
    outcomes = tuple(sorted(Counter(d.outcome for d in ordered).items()))
    return ScenarioCohort(first.scenario_id, first.scenario_title, tuple(_point(d) for d in ordered),
                          tuple(markers), tuple(steps), outcomes, lessons)  # fmt: skip


def build_cohort(sessions: Sequence[Debrief | CohortSession]) -> Cohort:
    """The cohort of these sessions (their debriefs, or the debriefs' summaries), one part per scenario (scenarios
    in id order)."""
    grouped: dict[str, list[CohortSession]] = {}
    for d in sessions:
        summary = summarise(d) if isinstance(d, Debrief) else d
        grouped.setdefault(summary.scenario_id, []).append(summary)
    return Cohort(tuple(_scenario(grouped[sid]) for sid in sorted(grouped)))


# ---------------------------------------------------------------------------------------------------- charts

_W, _LEFT, _RIGHT = 720, 250, 60
_COLOURS = {"met": "#1b7a3a", "partial": "#d98c00", "missed": "#c0282d", "box": "#1560a8", "grid": "#d5d9df"}


def _f(x: float) -> str:
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _cut(text: str, chars: int = 44) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


def _svg(height: float, body: list[str], title: str) -> str:
    return (f'<svg viewBox="0 0 {_W} {_f(height)}" class="chart" role="img"><title>{escape(title)}</title>'
            '<style>.l{font:11px sans-serif;fill:#222}.t{font:10px sans-serif;fill:#5b6573}</style>'
            + "".join(body) + "</svg>")  # fmt: skip


def _marker_bars(part: ScenarioCohort) -> str:
    body, row = [], 22
    width = _W - _LEFT - _RIGHT
    for i, m in enumerate(part.markers):
        y = 6 + i * row
        body.append(f'<text x="{_LEFT - 6}" y="{_f(y + 12)}" text-anchor="end" class="l">{escape(_cut(m.description))}'
                    f'<title>{escape(m.description)}</title></text>')  # fmt: skip
        x = float(_LEFT)
        for key, count in (("missed", m.missed), ("partial", m.partial), ("met", m.met)):
            w = width * count / m.due if m.due else 0.0
            if w > 0:
                body.append(f'<rect x="{_f(x)}" y="{_f(y + 2)}" width="{_f(w)}" height="14" fill="{_COLOURS[key]}">'
                            f'<title>{escape(f"{key}: {count} of {m.due}")}</title></rect>')  # fmt: skip
            x += w
        body.append(f'<text x="{_W - _RIGHT + 6}" y="{_f(y + 12)}" class="t">{m.missed}/{m.due} missed</text>')
    return _svg(10 + row * max(1, len(part.markers)), body, "Markers: missed, partial and met, per session")


def _step_boxes(part: ScenarioCohort) -> str:
    body, row = [], 26
    longest = max([s.high or 0.0 for s in part.steps] + [s.due_s * 2 for s in part.steps] + [60.0])
    width = _W - _LEFT - _RIGHT

    def x(v: float) -> float:
        return _LEFT + width * (v / longest)

    for i, s in enumerate(part.steps):
        y = 8 + i * row
        mid = y + 9
        body.append(f'<text x="{_LEFT - 6}" y="{_f(mid + 4)}" text-anchor="end" class="l">{escape(_cut(s.label))}</text>')
        body.append(f'<line x1="{_f(x(s.due_s))}" y1="{_f(y - 2)}" x2="{_f(x(s.due_s))}" y2="{_f(y + 20)}" '
                    f'stroke="{_COLOURS["met"]}" stroke-dasharray="3 2"><title>expert time {span(s.due_s)}</title></line>')  # fmt: skip
        if s.median is not None:
            body.append(f'<line x1="{_f(x(s.low or 0))}" y1="{_f(mid)}" x2="{_f(x(s.high or 0))}" y2="{_f(mid)}" '
                        f'stroke="{_COLOURS["box"]}"/>')  # fmt: skip
            body.append(f'<rect x="{_f(x(s.q1 or 0))}" y="{_f(y + 2)}" width="{_f(max(x(s.q3 or 0) - x(s.q1 or 0), 1))}" '
                        f'height="14" fill="{_COLOURS["box"]}" fill-opacity="0.25" stroke="{_COLOURS["box"]}">'
                        f'<title>{escape(f"median {span(s.median)}; quartiles {span(s.q1 or 0)}-{span(s.q3 or 0)}")}</title></rect>')  # fmt: skip
            body.append(f'<line x1="{_f(x(s.median))}" y1="{_f(y + 2)}" x2="{_f(x(s.median))}" y2="{_f(y + 16)}" '
                        f'stroke="{_COLOURS["box"]}" stroke-width="2"/>')  # fmt: skip
            body += [f'<circle cx="{_f(x(d))}" cy="{_f(mid)}" r="2.2" fill="#222"/>' for d in s.delays]
        note = f"{s.not_done} not done" if s.not_done else ""
        body.append(f'<text x="{_W - _RIGHT + 6}" y="{_f(mid + 4)}" class="t">{note}</text>')
    axis_y = 10 + row * len(part.steps)
    for t in ticks(longest, (30, 60, 120, 300, 600, 1200, 1800), 8):
        body.append(f'<text x="{_f(x(t))}" y="{_f(axis_y + 10)}" text-anchor="middle" class="t">{span(t)}</text>')
    return _svg(axis_y + 16, body, "Time to each expected step, from its cue, across sessions")


def _trend(part: ScenarioCohort) -> str:
    points = [(i, p.met_share) for i, p in enumerate(part.sessions) if p.met_share is not None]
    height, top, bottom = 150.0, 10.0, 120.0
    n = max(len(part.sessions) - 1, 1)
    width = _W - 80 - 20

    def xy(i: int, share: float) -> tuple[float, float]:
        return 80 + width * i / n, bottom - (bottom - top) * share

    body = []
    for share in (0.0, 0.5, 1.0):
        _, y = xy(0, share)
        body.append(f'<line x1="80" y1="{_f(y)}" x2="{_W - 20}" y2="{_f(y)}" stroke="{_COLOURS["grid"]}"/>')
        body.append(f'<text x="74" y="{_f(y + 4)}" text-anchor="end" class="t">{share:.0%}</text>')
    if points:
        coords = " ".join(f"{_f(xy(i, s)[0])},{_f(xy(i, s)[1])}" for i, s in points)
        body.append(f'<polyline points="{coords}" fill="none" stroke="{_COLOURS["box"]}" stroke-width="1.6"/>')
        for i, s in points:
            px, py = xy(i, s)
            label = part.sessions[i].label
            body.append(f'<circle cx="{_f(px)}" cy="{_f(py)}" r="3" fill="{_COLOURS["box"]}"><title>'
                        f'{escape(f"{label}: {s:.0%} of markers met")}</title></circle>')  # fmt: skip
    body.append(f'<text x="80" y="{_f(height - 8)}" class="t">first session</text>')
    body.append(f'<text x="{_W - 20}" y="{_f(height - 8)}" text-anchor="end" class="t">latest session</text>')
    return _svg(height, body, "Share of markers met, session by session")


def cohort_charts(part: ScenarioCohort) -> dict[str, str]:
    """The SVG charts of one scenario's cohort: ``markers``, ``steps`` and ``trend`` (every text escaped)."""
    return {"markers": _marker_bars(part), "steps": _step_boxes(part), "trend": _trend(part)}
