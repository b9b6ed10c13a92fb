"""The play screen: the monitor, the comms, a panel per role, narration, results, aids and the facilitator console.

Real time drives the session through the fixed-step driver; every press becomes a core command for the pressing
role's participant (or the facilitator), so everything done on screen is in the log.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

import pygame

from crmsim.core.session import Issued, Session
from crmsim.core.team import FACILITATOR
from crmsim.ui.choices import PanelContext
from crmsim.ui.driver import FixedStepDriver
from crmsim.ui.monitor import AlarmSound, Monitor, MonitorTheme
from crmsim.ui.scene import Scene
from crmsim.ui.widgets.comms import draw_banner, draw_comms, draw_results
from crmsim.ui.widgets.draw import Button, Painter, clock_text
from crmsim.ui.widgets.facilitator import draw_aid, draw_console
from crmsim.ui.widgets.role_panel import RolePanel

if TYPE_CHECKING:
    from crmsim.ui.app import App


class PlayScene(Scene):
    """A running session on the shared screen."""

    name = "play"

    def __init__(self, app: App, session: Session) -> None:
        super().__init__(app)
        self.session = session
        self.driver = FixedStepDriver(session)
        self.monitor = Monitor(MonitorTheme(show_clock=False), fonts=app.context.fonts, seed=session.seed,
                               sound=AlarmSound(app.context.started.audio))  # fmt: skip
        self.panels = {role.id: RolePanel(role.id) for role in session.loaded.scenario.team.roles}
        self.active = 0
        self.console = False
        self.aid: tuple[int, str, list[str]] | None = None
        self.aid_seen = -1
        self.seen = len(session.records)
        self.pads: dict[int, str] = {}
        self.view = session.view()
        gc.collect()
        gc.freeze()  # what is loaded now lives as long as the session: full collections skip it (20 ms pauses before)

    # --- commands -------------------------------------------------------------------------------------------
    def submit(self, role: str, command: dict[str, Any]) -> None:
        """A role's press: queue the command for the participant playing that role."""
        participant = self.session.team.participant_for(role) or role
        self.driver.queue(Issued.from_data({"by": participant, "command": command}))

    def facilitate(self, command: dict[str, Any]) -> None:
        """A facilitator's press."""
        self.driver.queue(Issued.from_data({"by": FACILITATOR, "command": command}))

    # --- input ----------------------------------------------------------------------------------------------
    def present_roles(self) -> list[str]:
        return [r.id for r in self.view.roles if r.present]

    def focused_panel(self) -> RolePanel | None:
        roles = self.present_roles()
        return self.panels[roles[self.active % len(roles)]] if roles else None

    def key(self, event: pygame.event.Event) -> None:
        k = event.key
        panel = self.focused_panel()
        if k in (pygame.K_F1, pygame.K_f):
            self.console = not self.console and not self.app.console_window
        elif k == pygame.K_SPACE:
            self.facilitate({"do": "resume" if self.view.paused else "pause"})
        elif pygame.K_1 <= k <= pygame.K_6:
            self.active = k - pygame.K_1
        elif k == pygame.K_m:
            self.monitor.toggle_mute()
        elif k == pygame.K_s:
            self.monitor.silence()
        elif panel is not None and k in (pygame.K_RIGHT, pygame.K_DOWN, pygame.K_TAB):
            panel.move_focus(1)
        elif panel is not None and k in (pygame.K_LEFT, pygame.K_UP):
            panel.move_focus(-1)
        elif panel is not None and k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            panel.activate_focus()
        elif panel is not None and k in (pygame.K_BACKSPACE, pygame.K_ESCAPE):
            panel.back()

    def pad(self, event: pygame.event.Event) -> None:
        """A gamepad per role, in the order they are first used: A presses, B goes back, LB/RB move focus."""
        roles = self.present_roles()
        if event.instance_id not in self.pads:
            taken = set(self.pads.values())
            free = [r for r in roles if r not in taken]
            if not free:
                return
            self.pads[event.instance_id] = free[0]
        panel = self.panels[self.pads[event.instance_id]]
        {0: panel.activate_focus, 1: panel.back, 4: lambda: panel.move_focus(-1), 5: lambda: panel.move_focus(1)}.get(
            event.button, lambda: None)()

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.JOYHATMOTION and event.instance_id in self.pads:
            x, y = event.value
            self.panels[self.pads[event.instance_id]].move_focus(x - y if (x or y) else 0)
            return
        super().handle(event)

    # --- time -----------------------------------------------------------------------------------------------
    def update(self, real_dt: float) -> None:
        self.driver.advance(real_dt)
        for record in self.session.records[self.seen:]:
            if record.kind == "ActionStarted" and record.data["action"] == "nibp_cycle":
                self.monitor.request_nibp()
            elif record.kind == "AidOpened":
                self.aid = (record.seq, str(record.data["title"]), list(record.data["steps"]))
        self.seen = len(self.session.records)
        self.view = self.session.view()
        self.monitor.update(self.view, ahead=self.driver.alpha * self.session.clock.tick_s)
        if self.session.ended:
            from crmsim.ui.scenes.ended import EndScene

            self.session.close_log()
            gc.unfreeze()
            self.app.show(EndScene(self.app, self.session))

    # --- drawing --------------------------------------------------------------------------------------------
    def draw(self, p: Painter) -> None:
        w, h = p.surface.get_size()
        pad = p.px("padding")
        view, loaded = self.view, self.session.loaded
        top = p.px("heading") + 2 * pad
        state = "PAUSED" if view.paused else f"×{view.speed}" if view.speed != 1 else ""
        p.text(p.fit(f"{loaded.scenario.title} — {view.phase_title}", w // 2 - 4 * pad, size="heading", face="bold"), (pad, pad),
               size="heading", face="bold")  # fmt: skip
        p.text(f"{clock_text(view.t)} {state}", (w // 2 + pad, pad), size="heading", face="bold",
               colour="warning" if view.paused else "text")  # fmt: skip
        if not self.app.console_window:  # with a second display the console is in the facilitator's own window
            self.buttons.append(p.button(Button("Facilitator", pygame.Rect(w - pad - top * 4, pad // 2, top * 4, top - pad),
                                                lambda: setattr(self, "console", not self.console))))  # fmt: skip
        for i, (label, action) in enumerate((("Silence", self.monitor.silence), ("Mute" if not self.monitor.muted else "Unmute", self.monitor.toggle_mute))):
            rect = pygame.Rect(w - pad - top * 4 * (i + 2) - pad * (i + 1), pad // 2, top * 4, top - pad)
            self.buttons.append(p.button(Button(label, rect, action)))
        monitor_rect = pygame.Rect(pad, top, int(w * 0.6), int(h * 0.5))
        self.monitor.draw(p.surface, monitor_rect)
        side = pygame.Rect(monitor_rect.right + pad, top, w - monitor_rect.right - 2 * pad, monitor_rect.height)
        banner = pygame.Rect(side.x, side.y, side.width, p.px("body") * 4)
        draw_banner(p, banner, view)
        below = pygame.Rect(side.x, banner.bottom + pad, side.width, side.bottom - banner.bottom - pad)
        if self.aid is not None and self.aid[0] > self.aid_seen:
            seq = self.aid[0]  # the aid sits beside the monitor, so the team can read it and keep working
            self.buttons.extend(draw_aid(p, below, self.aid[1], self.aid[2], lambda: setattr(self, "aid_seen", seq)))
        else:
            results_h = p.px("small") * 5 if any(m.kind == "LabResulted" for m in view.messages) else 0
            draw_comms(p, pygame.Rect(below.x, below.y, below.width, below.height - results_h), view)
            if results_h:
                draw_results(p, pygame.Rect(below.x, below.bottom - results_h + pad, below.width, results_h - pad), view)
        roles = self.session.loaded.scenario.team.roles
        strip = pygame.Rect(pad, monitor_rect.bottom + pad, w - 2 * pad, h - monitor_rect.bottom - 2 * pad)
        width = (strip.width - pad * (len(roles) - 1)) // max(1, len(roles))
        present = self.present_roles()
        for i, role in enumerate(roles):
            rect = pygame.Rect(strip.x + i * (width + pad), strip.y, width, strip.height)
            ctx = PanelContext(loaded, role.id, view)
            active = bool(present) and present[self.active % len(present)] == role.id
            self.buttons.extend(self.panels[role.id].draw(p, rect, ctx, self.submit, active))
        self._draw_overlays(p, pygame.Rect(w // 8, top, w * 3 // 4, h - top - pad))

    def draw_second(self, p: Painter) -> list[Button]:
        """The facilitator's own window: the scenario's clock and phase, then the whole console."""
        w, h = p.surface.get_size()
        pad = p.px("padding")
        view = self.view
        state = "PAUSED" if view.paused else f"×{view.speed}"
        line = p.text(p.fit(f"{clock_text(view.t)} {state} — {view.phase_title}", w - 4 * pad, size="heading", face="bold"),
                      (2 * pad, pad), size="heading", face="bold", colour="warning" if view.paused else "text")  # fmt: skip
        rect = pygame.Rect(pad, line.bottom + pad, w - 2 * pad, h - line.bottom - 2 * pad)
        return draw_console(p, rect, view, self.session.loaded, self.facilitate, None)

    def _draw_overlays(self, p: Painter, rect: pygame.Rect) -> None:
        """The facilitator console covers the panels: while it is open only its buttons can be pressed."""
        if self.console and not self.app.console_window:
            overlay = draw_console(p, rect, self.view, self.session.loaded, self.facilitate,
                                   lambda: setattr(self, "console", False))  # fmt: skip
            self.buttons = [b for b in self.buttons if b.label == "Facilitator"] + overlay
