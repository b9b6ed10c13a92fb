"""Drawing the monitor's text: numeric boxes, the alarm banner and the audio indicator, with rendered text cached.

Numbers are sized to fill their box (HR and SpO2 come out largest, since their boxes are), in bold, high-contrast
colours on black, for reading from three metres. An alarm shows three ways at once: its ``!!!``/``!!`` marker and
text, a coloured border and, in its flash phase, a filled box with contrasting text.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence

import pygame

from crmsim.core.view import AlarmView
from crmsim.ui.assets import Fonts
from crmsim.ui.monitor.alerts import MARKERS, alarm_line
from crmsim.ui.monitor.numerics import NumericBox
from crmsim.ui.monitor.theme import Colour, MonitorTheme

#: Height of a digit's ink as a fraction of the font size (DejaVu Sans Bold's cap height is 0.73 em).
DIGIT_HEIGHT = 0.76
#: Size of a box's secondary value (NIBP's mean) relative to its main value.
SECONDARY = 0.55
#: Alarm messages the banner shows side by side; more are summarised as "+N".
BANNER_SLOTS = 3


class TextCache:
    """Rendered text by (text, size, colour, face): numbers change once a second, frames come sixty times."""

    def __init__(self, fonts: Fonts, limit: int = 512) -> None:
        self.fonts = fonts
        self._cache: OrderedDict[tuple[str, int, Colour, str], pygame.Surface] = OrderedDict()
        self._widths: dict[tuple[str, str], float] = {}
        self._limit = limit

    def render(self, text: str, size: int, colour: Colour, face: str = "bold") -> pygame.Surface:
        """``text`` rendered antialiased at ``size`` pixels."""
        key = (text, size, colour, face)
        image = self._cache.get(key)
        if image is None:
            image = self.fonts.get(size, face).render(text, True, colour)
            self._cache[key] = image
            if len(self._cache) > self._limit:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return image

    def width_per_px(self, text: str, face: str = "bold") -> float:
        """Width of ``text`` per pixel of font size (measured once at 100 px)."""
        key = (text, face)
        if key not in self._widths:
            self._widths[key] = self.fonts.get(100, face).size(text)[0] / 100.0
        return self._widths[key]

    def fit(self, text: str, width: int, height: int, face: str = "bold") -> int:
        """The largest font size at which ``text``'s digits fit ``width`` × ``height`` pixels."""
        return max(8, int(min(height / DIGIT_HEIGHT, width / max(0.01, self.width_per_px(text, face)))))


def draw_box(surface: pygame.Surface, rect: pygame.Rect, box: NumericBox, theme: MonitorTheme, text: TextCache,
             flash_on: bool, monitor_height: int) -> None:  # fmt: skip
    """One numeric box: label, marker, unit and limits along the top, the value large at the right, notes below."""
    pad = theme.px(theme.padding, monitor_height, 2)
    label_px = max(10, min(theme.px(theme.label_text, monitor_height), rect.height // 5))
    inner = rect.inflate(-2 * pad, -2 * pad)
    colour, dim = box.colour, theme.label
    if box.alarm and flash_on:
        pygame.draw.rect(surface, theme.priority_colour(box.alarm), rect.inflate(-2, -2))
        colour = dim = theme.text_on(box.alarm)
    elif box.alarm:
        pygame.draw.rect(surface, theme.priority_colour(box.alarm), rect.inflate(-2, -2), max(2, pad // 2))
    else:
        pygame.draw.rect(surface, theme.panel_edge, rect, 1)
    x = inner.x
    marker = MARKERS.get(box.alarm or "", "")
    for part, part_colour, face in ((box.label, colour, "bold"), (marker, colour, "bold"), (box.unit, dim, "regular")):
        if part:
            image = text.render(part, label_px, part_colour, face)
            surface.blit(image, (x, inner.y))
            x += image.get_width() + label_px // 2
    if box.limits:
        image = text.render(box.limits, max(8, label_px * 4 // 5), dim, "regular")
        surface.blit(image, image.get_rect(topright=inner.topright))
    line = round(label_px * 1.2)
    notes = [text.render(note, label_px, dim, "regular") for note in box.notes]
    notes_w = max((image.get_width() + 2 * pad for image in notes), default=0)
    top = round(label_px * 1.3)
    # The value takes the full height right of the notes, or the width above them, whichever is larger.
    beside = pygame.Rect(inner.x + notes_w, inner.y + top, inner.width - notes_w, inner.height - top)
    above = pygame.Rect(inner.x, inner.y + top, inner.width, inner.height - top - len(notes) * line)
    _draw_value(surface, max(beside, above, key=lambda area: _value_size(area, box, text)), box, colour, text)
    y = inner.bottom - len(notes) * line
    for image in notes:
        surface.blit(image, (inner.x, y))
        y += line


def _value_size(area: pygame.Rect, box: NumericBox, text: TextCache) -> int:
    """The font size of ``box``'s value in ``area``: its digits fill the height or its sample fills the width."""
    if area.width <= 0 or area.height <= 0:
        return 0
    extra = SECONDARY * text.width_per_px(" " + box.secondary) if box.secondary else 0.0
    per_px = max(text.width_per_px(box.sample), text.width_per_px(box.value)) + extra
    return int(box.weight * min(area.height / DIGIT_HEIGHT, area.width / max(0.01, per_px)))


def _draw_value(surface: pygame.Surface, area: pygame.Rect, box: NumericBox, colour: Colour, text: TextCache) -> None:
    size = _value_size(area, box, text)
    if size < 8:
        return
    font = text.fonts.get(size, "bold")
    baseline = area.bottom
    right = area.right
    if box.secondary:
        small_px = max(8, round(size * SECONDARY))
        small = text.render(box.secondary, small_px, colour)
        surface.blit(small, (right - small.get_width(), baseline - text.fonts.get(small_px, "bold").get_ascent()))
        right -= small.get_width() + round(size * 0.15)
    image = text.render(box.value, size, colour)
    surface.blit(image, (right - image.get_width(), baseline - font.get_ascent()))


def draw_banner(surface: pygame.Surface, rect: pygame.Rect, alarms: Sequence[AlarmView], theme: MonitorTheme,
                text: TextCache, flash: dict[str, bool], monitor_height: int,
                vitals: Mapping[str, float | str] | None = None) -> None:  # fmt: skip
    """Up to three alarm messages in the order given (most urgent first), each with its marker and the vital's
    value now; a flashing fill by priority."""
    if not alarms:
        return
    pad = theme.px(theme.padding, monitor_height, 2)
    size = theme.px(theme.banner_text, monitor_height, 10)
    shown = list(alarms[:BANNER_SLOTS])
    more = len(alarms) - len(shown)
    slot_w = (rect.width - pad) // len(shown)
    for i, alarm in enumerate(shown):
        slot = pygame.Rect(rect.x + pad + i * slot_w, rect.y + pad, slot_w - pad, rect.height - 2 * pad)
        fill = theme.priority_colour(alarm.priority)
        on = flash.get(alarm.priority, True)
        if on:
            pygame.draw.rect(surface, fill, slot, border_radius=pad)
        pygame.draw.rect(surface, fill, slot, max(2, pad // 2), border_radius=pad)
        label = alarm_line(alarm, vitals) + (f"  +{more}" if more and i == len(shown) - 1 else "")
        fit = min(size, text.fit(label, slot.width - 2 * pad, slot.height - pad))
        image = text.render(label, fit, theme.text_on(alarm.priority) if on else fill)
        surface.blit(image, image.get_rect(midleft=(slot.x + pad, slot.centery)))


def draw_audio_state(surface: pygame.Surface, rect: pygame.Rect, label: str, clock: str, theme: MonitorTheme,
                     text: TextCache, monitor_height: int) -> None:  # fmt: skip
    """The sim clock at the right; left of it a crossed-out bell and its words (AUDIO OFF, AUDIO PAUSED 1:52)."""
    pad = theme.px(theme.padding, monitor_height, 2)
    right = rect.right - pad
    if clock:
        image = text.render(clock, theme.px(theme.label_text, monitor_height, 10), theme.label, "regular")
        surface.blit(image, image.get_rect(midright=(right, rect.centery)))
        right -= image.get_width() + 2 * pad
    if not label:
        return
    size = min(theme.px(theme.banner_text, monitor_height, 10), text.fit(label, (right - rect.x) * 3 // 4, rect.height))
    image = text.render(label, size, theme.audio_off)
    target = image.get_rect(midright=(right, rect.centery))
    surface.blit(image, target)
    icon = pygame.Rect(0, 0, rect.height - 2 * pad, rect.height - 2 * pad)
    icon.midright = (target.x - pad, rect.centery)
    draw_bell(surface, icon, theme.audio_off, crossed=True)


def draw_bell(surface: pygame.Surface, box: pygame.Rect, colour: Colour, *, crossed: bool) -> None:
    """A bell (the alarm-sound symbol), crossed out for audio paused or off."""
    shape = ((0.5, 0.1), (0.66, 0.2), (0.7, 0.55), (0.86, 0.74), (0.14, 0.74), (0.3, 0.55), (0.34, 0.2))
    points = [(box.x + u * box.width, box.y + v * box.height) for u, v in shape]
    pygame.draw.polygon(surface, colour, points)
    pygame.draw.circle(surface, colour, (box.x + box.width * 0.5, box.y + box.height * 0.85), box.width * 0.08)
    if crossed:
        width = max(2, box.width // 10)
        pygame.draw.line(surface, (0, 0, 0), box.topleft, box.bottomright, width + 4)
        pygame.draw.line(surface, colour, box.topleft, box.bottomright, width)
