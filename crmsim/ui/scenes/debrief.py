"""The debrief on the shared screen: scrub the session's timeline, jump to a key moment and replay that stretch of
the monitor from the log, read the ratings per skill with their evidence, and the facilitator's prompts by PEARLS
phase — single-loop corrections kept apart from double-loop questions.

Everything shown comes from the debrief model (:mod:`crmsim.debrief`) and the log; nothing is re-simulated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from crmsim.debrief.model import Debrief, KeyMoment
from crmsim.core.log import Log
from crmsim.schema.load import LoadedScenario
from crmsim.ui.monitor import Monitor, MonitorTheme
from crmsim.ui.playback import LogPlayback
from crmsim.ui.scene import Scene, press_position
from crmsim.ui.widgets.debrief_chart import TimeStrip, draw_timeline
from crmsim.ui.widgets.debrief_text import draw_moment, draw_pearls, draw_ratings
from crmsim.ui.widgets.draw import Button, Painter, clock_text

if TYPE_CHECKING:
    from crmsim.ui.app import App

#: Seconds of monitor replayed before a key moment, so the team sees what led to it.
LEAD_IN_S = 15.0
TABS = (("moments", "Key moments"), ("ratings", "Ratings"), ("pearls", "PEARLS prompts"))


class DebriefScene(Scene):
    """A finished session's debrief."""

    name = "debrief"

    def __init__(self, app: App, debrief: Debrief, log: Log, loaded: LoadedScenario) -> None:
        super().__init__(app)
        self.debrief = debrief
        self.playback = LogPlayback(log, loaded)
        self.monitor = Monitor(MonitorTheme(show_clock=False), fonts=app.context.fonts, seed=0)
        self.cursor = 0.0
        self.playing = False
        self.speed = 1
        self.stop_at: float | None = None
        self.tab = "moments"
        self.selected: str | None = debrief.moments[0].id if debrief.moments else None
        self.scroll = 0
        self.strip: TimeStrip | None = None
        self.dragging = False
        self.monitor.update(self.playback.view_at(self.cursor))

    # --- commands ---------------------------------------------------------------------------------------------
    def seek(self, t: float) -> None:
        """Move the cursor (the monitor shows that moment of the session)."""
        self.cursor = min(max(0.0, t), self.playback.end_t)
        self.stop_at = None

    def select(self, moment_id: str) -> None:
        """Show a key moment and replay the stretch that led to it (an empty id lists every moment instead)."""
        moment = self.debrief.moment(moment_id)
        if moment is None:
            self.selected = None
            return
        self.selected = moment_id
        self.show_tab("moments")
        self.seek(moment.t - LEAD_IN_S)
        self.stop_at = (moment.until_t or moment.t) + 5.0
        self.playing = True

    def step_moment(self, delta: int) -> None:
        ids = [m.id for m in self.debrief.moments]
        if ids:
            index = ids.index(self.selected) if self.selected in ids else -delta
            self.select(ids[(index + delta) % len(ids)])

    def toggle_play(self) -> None:
        self.playing = not self.playing
        self.stop_at = None if self.playing else self.stop_at
        if self.playing and self.cursor >= self.playback.end_t:
            self.cursor = 0.0

    def back(self) -> None:
        from crmsim.ui.scenes.title import TitleScene

        self.app.show(TitleScene(self.app))

    # --- input ------------------------------------------------------------------------------------------------
    def handle(self, event: pygame.event.Event) -> None:
        """Presses go to buttons; a press or drag on the timeline strip scrubs."""
        pos = press_position(event, self.app.size)
        strip = self.strip
        if pos is not None and strip is not None and strip.rect.collidepoint(pos):
            if not any(b.hit(pos) for b in self.buttons if b.label.startswith("moment ")):
                self.dragging = True
                self.playing = False
                self.seek(strip.t_of(pos[0]))
                return
        if event.type == pygame.MOUSEWHEEL:
            self.scroll_by(-event.y)
            return
        if event.type in (pygame.MOUSEBUTTONUP, pygame.FINGERUP):
            self.dragging = False
        elif self.dragging and strip is not None and event.type in (pygame.MOUSEMOTION, pygame.FINGERMOTION):
            x = event.pos[0] if event.type == pygame.MOUSEMOTION else event.x * self.app.size[0]
            self.seek(strip.t_of(x))
            return
        super().handle(event)

    def key(self, event: pygame.event.Event) -> None:
        k = event.key
        if k == pygame.K_SPACE:
            self.toggle_play()
        elif k in (pygame.K_RIGHT, pygame.K_n):
            self.step_moment(1)
        elif k in (pygame.K_LEFT, pygame.K_p):
            self.step_moment(-1)
        elif k == pygame.K_TAB:
            ids = [t for t, _ in TABS]
            self.show_tab(ids[(ids.index(self.tab) + 1) % len(ids)])
        elif k in (pygame.K_DOWN, pygame.K_PAGEDOWN):
            self.scroll_by(4)
        elif k in (pygame.K_UP, pygame.K_PAGEUP):
            self.scroll_by(-4)
        elif k == pygame.K_ESCAPE:
            self.back()

    # --- time -------------------------------------------------------------------------------------------------
    def update(self, real_dt: float) -> None:
        if self.playing:
            self.cursor = min(self.cursor + real_dt * self.speed, self.playback.end_t)
            if self.cursor >= self.playback.end_t or (self.stop_at is not None and self.cursor >= self.stop_at):
                self.playing, self.stop_at = False, None
        self.monitor.update(self.playback.view_at(self.cursor))

    # --- drawing ----------------------------------------------------------------------------------------------
    def draw(self, p: Painter) -> None:
        w, h = p.surface.get_size()
        pad = p.px("padding")
        row = p.px("button") * 2 + pad
        info = self.debrief.session
        p.text(p.fit(f"Debrief — {info.scenario_title}", w // 2, size="heading", face="bold"), (pad, pad), size="heading",
               face="bold")  # fmt: skip
        p.text(f"{info.outcome.replace('_', ' ')} at {clock_text(info.duration_s)}", (pad, pad + p.px("heading") + pad),
               size="small", colour="muted")  # fmt: skip
        x = w - pad
        for label, action, style in (("Done", self.back, "button"),
                                     *[(title, lambda t=tab: self.show_tab(t), "primary" if self.tab == tab else "button")
                                       for tab, title in reversed(TABS)]):  # fmt: skip
            width = p.font("button", "bold").size(label)[0] + 4 * pad
            x -= width
            self.buttons.append(p.button(Button(label, pygame.Rect(x, pad, width, row), action, style=style)))
            x -= pad
        top = pad * 2 + row
        strip_h = int(h * 0.26)
        monitor_rect = pygame.Rect(pad, top, int(w * 0.46), h - top - strip_h - row - 4 * pad)
        self.monitor.draw(p.surface, monitor_rect)
        self._draw_controls(p, pygame.Rect(pad, monitor_rect.bottom + pad, monitor_rect.width, row))
        detail = pygame.Rect(monitor_rect.right + pad, top, w - monitor_rect.right - 2 * pad, monitor_rect.height + row + pad)
        self.buttons.extend(self._draw_detail(p, detail))
        self.strip, markers = draw_timeline(p, pygame.Rect(pad, h - strip_h - pad, w - 2 * pad, strip_h), self.debrief,
                                            self.cursor, self.selected, self.select)  # fmt: skip
        self.buttons.extend(markers)

    def _draw_controls(self, p: Painter, rect: pygame.Rect) -> None:
        items = (("−30 s", lambda: self.seek(self.cursor - 30.0)), ("Pause" if self.playing else "Play", self.toggle_play),
                 ("+30 s", lambda: self.seek(self.cursor + 30.0)),
                 (f"×{4 if self.speed == 1 else 1}", lambda: setattr(self, "speed", 4 if self.speed == 1 else 1)))  # fmt: skip
        pad = p.px("padding")
        width = (rect.width - pad * (len(items) - 1)) // len(items)
        for i, (label, action) in enumerate(items):
            cell = pygame.Rect(rect.x + i * (width + pad), rect.y, width, rect.height)
            self.buttons.append(p.button(Button(label, cell, action, style="primary" if label in ("Play", "Pause") else "button")))

    def show_tab(self, tab: str) -> None:
        self.tab, self.scroll = tab, 0

    def scroll_by(self, rows: int) -> None:
        """Scroll the reading panel by ``rows`` lines of text (ratings and prompts are longer than the panel)."""
        self.scroll = max(0, self.scroll + rows * self.app.context.theme.px("body", self.app.size[1]) * 2)

    def _draw_detail(self, p: Painter, rect: pygame.Rect) -> list[Button]:
        if self.tab in ("ratings", "pearls"):
            found = (draw_ratings(p, rect, self.debrief, self.seek, self.scroll) if self.tab == "ratings"
                     else draw_pearls(p, rect, self.debrief, self.scroll))  # fmt: skip
            pad, size = p.px("padding"), p.px("button") * 2
            for i, (label, rows) in enumerate((("▲", -4), ("▼", 4))):
                cell = pygame.Rect(rect.right - (2 - i) * (size + pad), rect.bottom - size - pad, size, size)
                found.append(p.button(Button(label, cell, lambda r=rows: self.scroll_by(r))))
            return found
        moment: KeyMoment | None = self.debrief.moment(self.selected) if self.selected else None
        return draw_moment(p, rect, self.debrief, moment, self.select, self.step_moment)
