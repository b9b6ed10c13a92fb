"""The title screen: pick a bundled or user scenario, resume a session that was cut short, or debrief a past one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from crmsim.store import StoredSession
from crmsim.ui.past import recent_sessions
from crmsim.ui.scene import Scene
from crmsim.ui.sessions import ScenarioEntry, Unfinished, list_scenarios, unfinished_sessions
from crmsim.ui.widgets.draw import Button, Painter, grid

if TYPE_CHECKING:
    from crmsim.ui.app import App


class TitleScene(Scene):
    """Scenario picker with a resume offer for unfinished sessions."""

    name = "title"

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.entries: list[ScenarioEntry] = list_scenarios(app.context.scenario_dirs)
        self.unfinished: list[Unfinished] = unfinished_sessions(app.context.sessions_dir)[:3]
        self.past: list[StoredSession] = recent_sessions(app.context.sessions_dir.parent)

    def choose(self, entry: ScenarioEntry) -> None:
        from crmsim.ui.scenes.errors import ErrorScene
        from crmsim.ui.scenes.team import TeamScene

        if entry.loaded is None:
            self.app.show(ErrorScene(self.app, str(entry.path), entry.problems, back=lambda: TitleScene(self.app)))
        else:
            self.app.show(TeamScene(self.app, entry.loaded))

    def resume(self, unfinished: Unfinished) -> None:
        from crmsim.ui.scenes.errors import MessageScene
        from crmsim.ui.scenes.play import PlayScene
        from crmsim.ui.sessions import LogError, ReplayError, resume_session

        try:
            session = resume_session(unfinished.path)
        except (LogError, ReplayError) as exc:
            self.app.show(MessageScene(self.app, "This session cannot be resumed", str(exc), back=lambda: TitleScene(self.app)))
            return
        self.app.show(PlayScene(self.app, session))

    def debrief(self, stored: StoredSession) -> None:
        """Open the debrief of a stored session."""
        from crmsim.ui.past import PastSessionError, open_past
        from crmsim.ui.scenes.debrief import DebriefScene
        from crmsim.ui.scenes.errors import MessageScene

        try:
            past = open_past(self.app.context.sessions_dir.parent, stored.id)
        except PastSessionError as exc:
            self.app.show(MessageScene(self.app, "This session's debrief cannot be opened", str(exc),
                                       back=lambda: TitleScene(self.app)))  # fmt: skip
            return
        self.app.show(DebriefScene(self.app, past.debrief, past.log, past.loaded))

    def key(self, event: pygame.event.Event) -> None:
        if event.key == pygame.K_ESCAPE:
            self.app.quit()
        elif pygame.K_1 <= event.key <= pygame.K_9 and event.key - pygame.K_1 < len(self.entries):
            self.choose(self.entries[event.key - pygame.K_1])

    def draw(self, p: Painter) -> None:
        w, h = p.surface.get_size()
        pad = p.px("padding") * 3
        p.text("crmsim", (pad, pad), size="title", face="bold", colour="accent")
        p.text("Crew resource management for healthcare teams — for education and simulation only, not clinical use.",
               (pad, pad + p.px("title") + pad // 2), colour="muted", width=w - 2 * pad)  # fmt: skip
        top = pad * 2 + p.px("title") + p.px("body") * 3
        p.text("Choose a scenario", (pad, top), size="heading", face="bold")
        area = pygame.Rect(pad, top + p.px("heading") * 2, w - 2 * pad, h)
        row = p.px("button") * 3
        cells = grid(area, len(self.entries), 2 if w > 1000 else 1, row, pad // 2)
        for i, (entry, rect) in enumerate(zip(self.entries, cells, strict=True)):
            label = f"{i + 1}. {entry.title}" + ("" if entry.loaded else "  (has problems)")
            self.buttons.append(p.button(Button(label, rect, lambda e=entry: self.choose(e),
                                                style="button" if entry.loaded else "danger")))  # fmt: skip
        y = (cells[-1].bottom if cells else area.y) + pad * 2
        if self.unfinished:
            p.text("Resume a session that was cut short", (pad, y), size="heading", face="bold", colour="warning")
            cells = grid(pygame.Rect(pad, y + p.px("heading") * 2, w - 2 * pad, h), len(self.unfinished), 1, row, pad // 2)
            for item, rect in zip(self.unfinished, cells, strict=True):
                label = f"Resume {item.scenario_title} at {int(item.t) // 60}:{int(item.t) % 60:02d} ({item.path.parent.name})"
                self.buttons.append(p.button(Button(label, rect, lambda u=item: self.resume(u), style="primary")))
        if self.past:  # along the bottom, left of Quit
            y = h - pad - row - p.px("heading") * 2
            p.text("Debrief a past session", (pad, y), size="heading", face="bold")
            width = (w - 2 * pad - row * 3 - pad) // len(self.past) - pad // 2
            for i, stored in enumerate(self.past):
                rect = pygame.Rect(pad + i * (width + pad // 2), h - pad - row, width, row)
                when = f"{stored.started_at[5:10]} {stored.started_at[11:16]}"  # MM-DD HH:MM of the ISO start
                label = f"{stored.scenario_id}: {(stored.outcome or '').replace('_', ' ')} {when}"
                self.buttons.append(p.button(Button(label, rect, lambda s=stored: self.debrief(s))))
        quit_rect = pygame.Rect(w - pad - row * 3, h - pad - row, row * 3, row)
        self.buttons.append(p.button(Button("Quit", quit_rect, self.app.quit)))
