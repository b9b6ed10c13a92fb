"""The debrief's timeline on the shared screen: the session's vitals over its phases, the key moments as markers,
and the cursor the facilitator scrubs.

Drawn from the debrief model alone (:class:`crmsim.debrief.model.Debrief`); the same picture as the report's chart,
made for a touch screen: a tap or a drag anywhere on the strip moves the cursor to that time, a tap on a marker
selects its moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pygame

from crmsim.debrief.model import Debrief
from crmsim.ui.widgets.draw import Button, Painter, clock_text

#: The vitals drawn, their colour (the monitor's conventions) and the value at the top of the strip.
TRACES = (("hr", "HR", (0, 230, 64), 200.0), ("sbp", "SBP", (255, 128, 128), 200.0),
          ("spo2", "SpO2", (0, 215, 255), 100.0), ("etco2", "EtCO2", (255, 220, 0), 100.0))  # fmt: skip
VALENCE_COLOURS = {"gap": "danger", "strength": "ok", "context": "accent"}


@dataclass(frozen=True)
class TimeStrip:
    """Where the strip is and which stretch of sim time it spans: converts between x and t."""

    rect: pygame.Rect
    end_t: float

    def x_of(self, t: float) -> int:
        span = max(self.end_t, 1.0)
        return self.rect.x + round(min(max(t, 0.0), span) / span * (self.rect.width - 1))

    def t_of(self, x: float) -> float:
        span = max(self.end_t, 1.0)
        return min(max((x - self.rect.x) / max(1, self.rect.width - 1), 0.0), 1.0) * span


def draw_timeline(p: Painter, rect: pygame.Rect, debrief: Debrief, cursor_t: float, selected: str | None,
                  select: Callable[[str], None]) -> tuple[TimeStrip, list[Button]]:  # fmt: skip
    """Draw the strip into ``rect``; returns its time scale and the moment markers as buttons."""
    pad = p.px("padding")
    p.panel(rect)
    label_h = p.px("small") + pad
    plot = pygame.Rect(rect.x + pad, rect.y + label_h + pad, rect.width - 2 * pad, rect.height - 2 * label_h - 2 * pad)
    strip = TimeStrip(plot, debrief.session.duration_s or (debrief.vitals.samples[-1].t if debrief.vitals.samples else 1.0))
    for i, phase in enumerate(debrief.phases):  # phase bands, alternating shades, titled when they fit
        band = pygame.Rect(strip.x_of(phase.start_t), plot.y, max(1, strip.x_of(phase.end_t) - strip.x_of(phase.start_t)), plot.height)
        pygame.draw.rect(p.surface, (34, 40, 52) if i % 2 == 0 else (26, 30, 40), band)
        if band.width > p.px("small") * 4:
            p.text(p.fit(phase.title, band.width - pad, size="small"), (band.x + pad // 2, rect.y + pad // 2), size="small",
                   colour="muted")  # fmt: skip
    for vital, _, colour, top in TRACES:
        points = [(strip.x_of(t), plot.bottom - round(min(max(v, 0.0), top) / top * plot.height))
                  for t, v in debrief.vitals.series(vital)]  # fmt: skip
        if len(points) >= 2:
            pygame.draw.lines(p.surface, colour, False, points, max(1, pad // 3))
    x = plot.x
    for _, label, colour, top in TRACES:  # the legend, in the traces' colours, with each one's full scale
        x = p.text(f"{label} 0–{top:.0f}", (x, plot.bottom + pad // 2), size="small", colour=colour).right + 2 * pad
    markers: list[Button] = []
    size = max(8, p.px("button"))
    for moment in debrief.moments:
        mx = strip.x_of(moment.t)
        marker = pygame.Rect(mx - size // 2, plot.y, size, size)
        colour = p.theme.colour(VALENCE_COLOURS.get(moment.valence, "accent"))
        pygame.draw.line(p.surface, colour, (mx, plot.y), (mx, plot.bottom), 1)
        pygame.draw.polygon(p.surface, colour, [marker.topleft, marker.topright, marker.midbottom])
        if moment.id == selected:
            pygame.draw.rect(p.surface, p.theme.colour("text"), marker.inflate(6, 6), 2)
        markers.append(Button(f"moment {moment.id}", marker.inflate(size // 2, size // 2), lambda m=moment.id: select(m)))
    cx = strip.x_of(cursor_t)
    pygame.draw.line(p.surface, p.theme.colour("text"), (cx, plot.y), (cx, plot.bottom), 3)
    stamp = p.font("small", "bold").render(clock_text(cursor_t), True, p.theme.colour("text"))
    p.surface.blit(stamp, stamp.get_rect(midbottom=(min(max(cx, plot.x + stamp.get_width() // 2), plot.right - stamp.get_width() // 2), plot.y)))
    return strip, markers
