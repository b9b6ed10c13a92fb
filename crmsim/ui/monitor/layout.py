"""Where everything goes inside the monitor's rectangle, for any size from 1280×720 to 3840×2160.

An alarm banner across the top (alarm messages left, the audio state right); three wave rows (ECG, pleth,
capnogram) on the left with their numbers beside them on the right (HR, SpO2, etCO2), as on a bedside monitor;
a bottom row of NIBP, respiratory rate and temperature. Every size follows the rectangle's height, so the numbers
keep their proportion on a projector and on a 4K panel.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from crmsim.ui.monitor.theme import MonitorTheme

#: Shares of the wave area's height: ECG, pleth, capnogram.
ROW_SHARES = (0.40, 0.30, 0.30)
#: Shares of the bottom row's width: NIBP, RR, temperature.
BOTTOM_SHARES = (0.5, 0.25, 0.25)
#: Share of the banner's width given to the alarm messages (the rest shows the audio state).
ALARM_SHARE = 0.72


@dataclass(frozen=True)
class MonitorLayout:
    """The rectangles of one monitor: traces by wave, numeric boxes by key."""

    outer: pygame.Rect
    banner: pygame.Rect
    alarms: pygame.Rect
    audio: pygame.Rect
    traces: dict[str, pygame.Rect]
    rows: dict[str, pygame.Rect]
    boxes: dict[str, pygame.Rect]
    padding: int


def _split(start: int, length: int, shares: tuple[float, ...]) -> list[tuple[int, int]]:
    """Cut ``length`` pixels from ``start`` into consecutive (start, size) pieces by ``shares``."""
    edges = [start + round(length * sum(shares[:i])) for i in range(len(shares) + 1)]
    edges[-1] = start + length
    return [(edges[i], edges[i + 1] - edges[i]) for i in range(len(shares))]


def layout(rect: pygame.Rect, theme: MonitorTheme) -> MonitorLayout:
    """The layout of a monitor drawn into ``rect``."""
    x, y, w, h = rect
    pad = theme.px(theme.padding, h, 2)
    banner_h = theme.px(theme.banner, h)
    bottom_h = theme.px(theme.bottom_row, h)
    banner = pygame.Rect(x, y, w, banner_h)
    alarms_w = round(w * ALARM_SHARE)
    middle_y = y + banner_h
    middle_h = max(3, h - banner_h - bottom_h)
    wave_w = round(w * theme.wave_column)
    traces, rows, boxes = {}, {}, {}
    for name, box, (row_y, row_h) in zip(("ecg", "pleth", "co2"), ("hr", "spo2", "etco2"),
                                         _split(middle_y, middle_h, ROW_SHARES), strict=True):  # fmt: skip
        rows[name] = pygame.Rect(x, row_y, wave_w, row_h)
        label_h = theme.px(theme.label_text, h) + pad
        traces[name] = pygame.Rect(x + pad, row_y + label_h, max(2, wave_w - 2 * pad), max(2, row_h - label_h - pad))
        boxes[box] = pygame.Rect(x + wave_w, row_y, w - wave_w, row_h)
    bottom_y = y + h - bottom_h
    for key, (col_x, col_w) in zip(("nibp", "rr", "temp"), _split(x, w, BOTTOM_SHARES), strict=True):
        boxes[key] = pygame.Rect(col_x, bottom_y, col_w, bottom_h)
    return MonitorLayout(
        outer=pygame.Rect(rect), banner=banner, alarms=pygame.Rect(x, y, alarms_w, banner_h),
        audio=pygame.Rect(x + alarms_w, y, w - alarms_w, banner_h), traces=traces, rows=rows, boxes=boxes,
        padding=pad,
    )  # fmt: skip
