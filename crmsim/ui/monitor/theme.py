"""The monitor's look as data: colours, sizes (fractions of the monitor's height), sweep windows and flash rates.

Colours follow the common convention of theatre and ICU monitors: ECG green, SpO2 and pleth cyan, capnography
yellow, non-invasive blood pressure light red, temperature white, on black. Alarm colours and flash rates follow
IEC 60601-1-8 (high priority red, flashing 1.4-2.8 Hz; medium priority yellow, flashing 0.4-0.8 Hz); the
priority is also spelt out with a ``!!!`` / ``!!`` marker, so it never rests on colour alone.
"""

from __future__ import annotations

from dataclasses import dataclass

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class MonitorTheme:
    """Everything about how the monitor looks; every size is a fraction of the monitor's height."""

    background: Colour = (0, 0, 0)
    panel_edge: Colour = (48, 52, 60)
    label: Colour = (170, 176, 186)
    ecg: Colour = (0, 255, 64)
    pleth: Colour = (0, 224, 255)
    co2: Colour = (255, 222, 0)
    nibp: Colour = (255, 128, 128)
    temp: Colour = (240, 240, 240)
    rr: Colour = (255, 222, 0)
    alarm_high: Colour = (224, 16, 16)
    alarm_medium: Colour = (255, 210, 0)
    text_on_high: Colour = (255, 255, 255)
    text_on_medium: Colour = (0, 0, 0)
    audio_off: Colour = (255, 255, 255)
    #: Layout, as fractions of the monitor's height (the banner and bottom row) or width (the wave column).
    banner: float = 0.085
    bottom_row: float = 0.25
    wave_column: float = 0.64
    padding: float = 0.008
    #: Text: the label line of a box and the alarm banner's text, as fractions of the height.
    label_text: float = 0.036
    banner_text: float = 0.05
    #: Trace line thickness, as a fraction of the height (at least 2 px).
    trace_width: float = 0.0028
    #: Seconds of signal across the sweep, and samples per second of sim time.
    ecg_window: float = 6.0
    ecg_rate: float = 250.0
    pleth_window: float = 6.0
    pleth_rate: float = 125.0
    co2_window: float = 20.0
    co2_rate: float = 25.0
    #: Width of the erase bar ahead of the sweep, as a fraction of the trace width.
    erase_gap: float = 0.025
    #: Whether the banner shows the sim clock (off when the scene shows it elsewhere).
    show_clock: bool = True
    #: Flash frequencies (Hz of screen time) of the alarm indicators.
    flash_high: float = 2.0
    flash_medium: float = 0.6

    def px(self, fraction: float, height: int, minimum: int = 1) -> int:
        """A size in pixels for a monitor ``height`` pixels tall."""
        return max(minimum, round(fraction * height))

    def priority_colour(self, priority: str) -> Colour:
        """The fill colour of an alarm of ``priority``."""
        return self.alarm_high if priority == "high" else self.alarm_medium

    def text_on(self, priority: str) -> Colour:
        """The text colour on a filled alarm of ``priority``."""
        return self.text_on_high if priority == "high" else self.text_on_medium
