"""What each numeric box says this frame: label, unit, value, notes, alarm limits and the priority of its alarm.

Pure formatting from the view's vitals, its alarms and the cuff; drawing is :mod:`crmsim.ui.monitor.panels`. A
value the monitor cannot measure reads ``---`` as on a real one: no SpO2 or pulse rate without a pulse at the
finger, no heart rate in VF (``-?-``), no NIBP before the first reading or after a failed one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crmsim.core.view import AlarmView
from crmsim.ui.monitor.alerts import box_priorities, limits_text
from crmsim.ui.monitor.nibp import NibpCuff
from crmsim.ui.monitor.theme import Colour, MonitorTheme
from crmsim.ui.monitor.waves import WaveInputs

NO_VALUE = "---"


@dataclass(frozen=True)
class NumericBox:
    """One numeric tile; ``sample`` sizes the big number (so it keeps its size as values change), ``weight``
    scales it down for the less urgent numbers."""

    key: str
    label: str
    unit: str
    colour: Colour
    value: str
    sample: str
    notes: tuple[str, ...] = ()
    limits: str = ""
    alarm: str | None = None
    secondary: str = ""
    weight: float = 1.0


def _num(vitals: Mapping[str, float | str], key: str) -> float | None:
    value = vitals.get(key)
    return float(value) if isinstance(value, int | float) else None


def _fmt(value: float | None, digits: int = 0) -> str:
    return NO_VALUE if value is None else f"{value:.{digits}f}"


def _ago(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d} ago"


def nibp_notes(cuff: NibpCuff, t: float) -> tuple[str, ...]:
    """The cuff's status line: measuring with the cuff pressure, when the reading was taken, cycle or manual."""
    mode = "manual" if cuff.interval is None else f"auto {cuff.interval / 60:g} min"
    pressure = cuff.cuff_pressure(t)
    if pressure is not None:
        return (f"measuring... cuff {pressure:.0f}", mode)
    reading = cuff.reading
    if reading is None:
        return ("no reading yet", mode)
    if reading.failed:
        return (f"no reading (no pulse) {_ago(t - reading.at)}", mode)
    return (f"taken {_ago(t - reading.at)}", mode)


def numeric_boxes(vitals: Mapping[str, float | str], alarms: Sequence[AlarmView], cuff: NibpCuff, t: float,
                  theme: MonitorTheme) -> dict[str, NumericBox]:  # fmt: skip
    """Every numeric box of the monitor, by key: hr, spo2, etco2, nibp, rr, temp."""
    inputs = WaveInputs.from_vitals(vitals)
    alarm = box_priorities(alarms)
    has_vitals = bool(vitals)
    readable = has_vitals and inputs.perfusion > 0.0
    hr = _num(vitals, "hr")
    hr_text = "-?-" if inputs.rhythm == "vf" else _fmt(hr)
    reading = cuff.reading
    nibp = f"{reading.sys:.0f}/{reading.dia:.0f}" if reading is not None and not reading.failed else "---/---"
    mean = f"({reading.map:.0f})" if reading is not None and not reading.failed else "(---)"
    boxes = [
        NumericBox("hr", "HR", "bpm", theme.ecg, hr_text, "888", (), limits_text("hr"), alarm.get("hr")),
        NumericBox("spo2", "SpO2", "%", theme.pleth, _fmt(_num(vitals, "spo2")) if readable else NO_VALUE, "100",
                   (f"PR {_fmt(hr) if readable else NO_VALUE}",), limits_text("spo2"), alarm.get("spo2")),
        NumericBox("etco2", "etCO2", "mmHg", theme.co2, _fmt(_num(vitals, "etco2")), "88", (),
                   limits_text("etco2"), alarm.get("etco2"), weight=0.75),
        NumericBox("nibp", "NIBP", "mmHg", theme.nibp, nibp, "888/88", nibp_notes(cuff, t), limits_text("map"),
                   alarm.get("nibp"), secondary=mean, weight=0.9),
        NumericBox("rr", "RR", "rpm", theme.rr, _fmt(_num(vitals, "rr")), "88", ("awRR",), "", alarm.get("rr"),
                   weight=0.6),
        NumericBox("temp", "Temp", "°C", theme.temp, _fmt(_num(vitals, "temp"), 1), "88.8", ("T1",),
                   limits_text("temp"), alarm.get("temp"), weight=0.55),
    ]  # fmt: skip
    return {box.key: box for box in boxes}
