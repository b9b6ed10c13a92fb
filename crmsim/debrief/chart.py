"""The vitals-and-events chart of a debrief as one inline SVG, written by hand: no script, no external resource,
the same bytes for the same debrief.

Lanes from top to bottom: the scenario's phases, the key moments (numbered like the report's list, coloured by
gap / strength / context), the team's actions, then HR with SBP–DBP as a band, SpO2, EtCO2, and the alarms that
sounded; a shared time axis in ``mm:ss``. Every mark has a ``<title>`` so a browser shows what it is on hover.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterable, Sequence
from html import escape

from crmsim.debrief.describe import clock
from crmsim.debrief.model import Debrief, KeyMoment

WIDTH = 1000
LEFT, RIGHT = 64, 14
#: (key, height) of each lane, top to bottom.
LANES = (("phases", 24), ("moments", 40), ("actions", 16), ("pressure", 170), ("spo2", 84), ("etco2", 84),
         ("alarms", 18), ("axis", 22))  # fmt: skip
#: Space between lanes.
GAP = 22
COLOURS = {"hr": "#1b7a3a", "bp": "#c0282d", "spo2": "#1560a8", "etco2": "#9a6b00", "gap": "#c0282d",
           "strength": "#1b7a3a", "context": "#5b6573", "high": "#c0282d", "medium": "#d98c00", "action": "#334",
           "grid": "#d5d9df", "text": "#222", "muted": "#5b6573"}  # fmt: skip
PHASE_FILLS = ("#eef2f7", "#f8f9fb")
#: At most this many points per trace (longer sessions are thinned evenly).
MAX_POINTS = 1200
#: The highest the HR·BP and EtCO2 scales go: far beyond any patient, so only a damaged or tampered log reaches
#: them; its values are drawn at the top edge instead of stretching the scale to any number.
PRESSURE_CAP, ETCO2_CAP = 1000.0, 200.0


def _f(x: float) -> str:
    """A coordinate with one decimal and no trailing zeros (stable text)."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


class _Frame:
    """Maps session time to x and each lane to its y band."""

    def __init__(self, end_t: float) -> None:
        self.end_t = max(end_t, 1.0)
        self.top: dict[str, tuple[float, float]] = {}
        y = 0.0
        for key, height in LANES:
            self.top[key] = (y, float(height))
            y += height + GAP
        self.height = y

    def x(self, t: float) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (min(max(t, 0.0), self.end_t) / self.end_t)

    def y(self, lane: str, value: float, low: float, high: float) -> float:
        top, height = self.top[lane]
        fraction = (min(max(value, low), high) - low) / (high - low)
        return top + height - fraction * height


def tick_step(extent: float, steps: Sequence[float], most: int) -> float:
    """The first of ``steps`` that marks ``extent`` with at most ``most`` ticks; past the last, it doubles.

    However large ``extent`` (a tampered log can hold any finite number), the axis gets at most ``most`` ticks.
    """
    for step in map(float, steps):
        if extent / step <= most:
            return step
    while extent / step > most and step <= sys.float_info.max / 2:  # never doubled into infinity
        step *= 2
    return step


def ticks(high: float, steps: Sequence[float], most: int) -> list[float]:
    """Ticks from 0 to ``high`` at the step :func:`tick_step` picks."""
    step = tick_step(high, steps, most)
    return [i * step for i in range(int(high / step + 1e-9) + 1)]


def _thin(points: Sequence[tuple[float, float]]) -> Sequence[tuple[float, float]]:
    step = max(1, math.ceil(len(points) / MAX_POINTS))
    return points[::step] if step > 1 else points


def _polyline(frame: _Frame, lane: str, points: Iterable[tuple[float, float]], low: float, high: float,
              colour: str, label: str) -> str:  # fmt: skip
    coords = " ".join(f"{_f(frame.x(t))},{_f(frame.y(lane, v, low, high))}" for t, v in points)
    return (f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="1.6" '
            f'stroke-linejoin="round"><title>{escape(label)}</title></polyline>')  # fmt: skip


def _axis_labels(frame: _Frame, lane: str, low: float, high: float, ticks: Iterable[float], unit: str) -> list[str]:
    out = []
    for value in ticks:
        y = frame.y(lane, value, low, high)
        out.append(f'<line x1="{LEFT}" y1="{_f(y)}" x2="{WIDTH - RIGHT}" y2="{_f(y)}" stroke="{COLOURS["grid"]}" '
                   'stroke-width="0.6"/>')  # fmt: skip
        out.append(f'<text x="{LEFT - 4}" y="{_f(y + 3.5)}" text-anchor="end" class="tick">{value:g}</text>')
    top, _ = frame.top[lane]
    out.append(f'<text x="4" y="{_f(top - 3)}" class="unit">{escape(unit)}</text>')
    return out


def _label(text: str, width_px: float) -> str:
    """Text cut to what fits ``width_px`` at about 5.6 px per character."""
    fits = max(0, int(width_px / 5.6))
    return text if len(text) <= fits else (text[: max(0, fits - 1)] + "…" if fits > 1 else "")


def _phases(frame: _Frame, debrief: Debrief) -> list[str]:
    out = []
    top, height = frame.top["phases"]
    band_bottom = frame.top["alarms"][0] + frame.top["alarms"][1]
    for i, p in enumerate(debrief.phases):
        x0, x1 = frame.x(p.start_t), frame.x(p.end_t)
        fill = PHASE_FILLS[i % 2]
        title = f"{clock(p.start_t)}–{clock(p.end_t)} {p.title}"
        out.append(f'<rect x="{_f(x0)}" y="{_f(top)}" width="{_f(max(x1 - x0, 0.5))}" height="{_f(band_bottom - top)}" '
                   f'fill="{fill}" stroke="{COLOURS["grid"]}" stroke-width="0.5"><title>{escape(title)}</title></rect>')  # fmt: skip
        label = _label(p.title, x1 - x0 - 6)
        if label:
            out.append(f'<text x="{_f(x0 + 3)}" y="{_f(top + height - 8)}" class="phase">{escape(label)}</text>')
    return out


def _moments(frame: _Frame, moments: Sequence[KeyMoment]) -> list[str]:
    out = []
    top, height = frame.top["moments"]
    bottom = frame.top["alarms"][0] + frame.top["alarms"][1]
    last = [-100.0, -100.0]  # the last x in each of two rows: a moment close to the previous one drops a row
    for m in moments:
        x = frame.x(m.t)
        row = 0 if x - last[0] >= 19 else 1 if x - last[1] >= 19 else 0
        last[row] = x
        cy = top + 10 + row * 20
        colour = COLOURS[m.valence]
        number = m.id.removeprefix("m")
        out.append(f'<line x1="{_f(x)}" y1="{_f(cy + 9)}" x2="{_f(x)}" y2="{_f(bottom)}" stroke="{colour}" '
                   'stroke-width="0.8" stroke-dasharray="3 3" opacity="0.7"/>')  # fmt: skip
        out.append(f'<g class="moment"><title>{escape(f"{number}. {m.time} {m.title}")}</title>'
                   f'<circle cx="{_f(x)}" cy="{_f(cy)}" r="9" fill="{colour}"/>'
                   f'<text x="{_f(x)}" y="{_f(cy + 3.5)}" text-anchor="middle" class="num">{number}</text></g>')  # fmt: skip
    return out


def _actions(frame: _Frame, debrief: Debrief) -> list[str]:
    out = []
    top, height = frame.top["actions"]
    for e in debrief.timeline:
        if e.category not in ("action", "annotation"):
            continue
        x = frame.x(e.t)
        if e.category == "annotation":
            points = f"{_f(x - 5)},{_f(top)} {_f(x + 5)},{_f(top)} {_f(x)},{_f(top + height)}"
            out.append(f'<polygon points="{points}" fill="#6a3d9a"><title>{escape(f"{e.time} {e.who}: {e.text}")}</title></polygon>')
        else:
            out.append(f'<rect x="{_f(x - 1.5)}" y="{_f(top + 2)}" width="3" height="{_f(height - 4)}" fill="{COLOURS["action"]}">'
                       f'<title>{escape(f"{e.time} {e.who}: {e.text}")}</title></rect>')  # fmt: skip
    return out


def _alarms(frame: _Frame, debrief: Debrief) -> list[str]:
    out = []
    top, height = frame.top["alarms"]
    for a in debrief.alarms:
        x0, x1 = frame.x(a.start_t), frame.x(a.end_t)
        y = top + (0 if a.priority == "high" else height / 2)
        colour = COLOURS.get(a.priority, COLOURS["medium"])
        title = f"{clock(a.start_t)}–{clock(a.end_t)} {a.priority} alarm: {a.alarm}"
        out.append(f'<rect x="{_f(x0)}" y="{_f(y)}" width="{_f(max(x1 - x0, 1.5))}" height="{_f(height / 2 - 1)}" '
                   f'fill="{colour}"><title>{escape(title)}</title></rect>')  # fmt: skip
    out.append(f'<text x="4" y="{_f(top + 12)}" class="unit">alarms</text>')
    return out


def _time_axis(frame: _Frame) -> list[str]:
    top, _ = frame.top["axis"]
    out = []
    for t in ticks(frame.end_t, (30, 60, 120, 300, 600, 900, 1800, 3600, 7200), 12):
        x = frame.x(t)
        out.append(f'<line x1="{_f(x)}" y1="{_f(top)}" x2="{_f(x)}" y2="{_f(top + 5)}" stroke="{COLOURS["muted"]}"/>')
        out.append(f'<text x="{_f(x)}" y="{_f(top + 16)}" text-anchor="middle" class="tick">{clock(t)}</text>')
    return out


def vitals_chart(debrief: Debrief) -> str:
    """The chart as SVG markup (safe to place in HTML as is: every text in it is escaped)."""
    frame = _Frame(debrief.session.duration_s or (debrief.vitals.samples[-1].t if debrief.vitals.samples else 1.0))
    v = debrief.vitals
    hr, sbp, dbp = _thin(v.series("hr")), _thin(v.series("sbp")), _thin(v.series("dbp"))
    spo2, etco2 = _thin(v.series("spo2")), _thin(v.series("etco2"))
    high_p = max(200.0, math.ceil(min(max((x for _, x in (*hr, *sbp)), default=0), PRESSURE_CAP) / 50) * 50)
    low_s = 50.0 if min((x for _, x in spo2), default=100) >= 50 else 0.0
    high_e = max(60.0, math.ceil(min(max((x for _, x in etco2), default=0), ETCO2_CAP) / 20) * 20)
    parts = [f'<svg viewBox="0 0 {WIDTH} {_f(frame.height)}" class="chart" '
             'role="img" aria-labelledby="chart-title">',
             '<title id="chart-title">Vital signs, phases, key moments, actions and alarms over the session</title>',
             '<style>.tick{font:10px sans-serif;fill:#5b6573}.unit{font:bold 10px sans-serif;fill:#222}'
             '.phase{font:10px sans-serif;fill:#222}.num{font:bold 10px sans-serif;fill:#fff}</style>']  # fmt: skip
    parts += _phases(frame, debrief)
    parts += _axis_labels(frame, "pressure", 0, high_p, ticks(high_p, (50,), 8), "HR · BP")
    parts += _axis_labels(frame, "spo2", low_s, 100, (low_s, 90, 100) if low_s else (0, 50, 100), "SpO2 %")
    parts += _axis_labels(frame, "etco2", 0, high_e, ticks(high_e, (20,), 8), "EtCO2")
    if sbp and dbp:
        upper = " ".join(f"{_f(frame.x(t))},{_f(frame.y('pressure', x, 0, high_p))}" for t, x in sbp)
        lower = " ".join(f"{_f(frame.x(t))},{_f(frame.y('pressure', x, 0, high_p))}" for t, x in reversed(dbp))
        parts.append(f'<polygon points="{upper} {lower}" fill="{COLOURS["bp"]}" fill-opacity="0.18" stroke="none"/>')
    parts.append(_polyline(frame, "pressure", sbp, 0, high_p, COLOURS["bp"], "systolic pressure, mmHg"))
    parts.append(_polyline(frame, "pressure", dbp, 0, high_p, COLOURS["bp"], "diastolic pressure, mmHg"))
    parts.append(_polyline(frame, "pressure", hr, 0, high_p, COLOURS["hr"], "heart rate, /min"))
    parts.append(_polyline(frame, "spo2", spo2, low_s, 100, COLOURS["spo2"], "SpO2, %"))
    parts.append(_polyline(frame, "etco2", etco2, 0, high_e, COLOURS["etco2"], "EtCO2, mmHg"))
    parts += _actions(frame, debrief)
    parts += _alarms(frame, debrief)
    parts += _moments(frame, debrief.moments)
    parts += _time_axis(frame)
    top = frame.top["pressure"][0]
    parts.append(f'<text x="{WIDTH - RIGHT}" y="{_f(top - 4)}" text-anchor="end" class="tick">'
                 f'<tspan fill="{COLOURS["hr"]}">— HR /min</tspan>  <tspan fill="{COLOURS["bp"]}">▮ SBP–DBP mmHg</tspan></text>')  # fmt: skip
    parts.append("</svg>")
    return "\n".join(parts)
