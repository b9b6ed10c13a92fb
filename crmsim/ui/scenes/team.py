"""Team set-up (who plays which role, names optional) and the briefing read before the scenario starts."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import pygame

from crmsim.schema.load import LoadedScenario
from crmsim.ui.scene import Scene
from crmsim.ui.widgets.draw import Button, Painter

if TYPE_CHECKING:
    from crmsim.ui.app import App

NAME_LIMIT = 24


class TeamScene(Scene):
    """One row per role; a name is optional, so a team can start in seconds."""

    name = "team"

    def __init__(self, app: App, loaded: LoadedScenario, seed: int | None = None) -> None:
        super().__init__(app)
        self.loaded = loaded
        self.names = ["" for _ in loaded.scenario.team.roles]
        self.editing: int | None = None
        self.seed = seed if seed is not None else secrets.randbelow(2**31)

    def key(self, event: pygame.event.Event) -> None:
        if self.editing is not None:
            if event.key in (pygame.K_RETURN, pygame.K_TAB, pygame.K_ESCAPE):
                self.editing = None if event.key != pygame.K_TAB else (self.editing + 1) % len(self.names)
            elif event.key == pygame.K_BACKSPACE:
                self.names[self.editing] = self.names[self.editing][:-1]
        elif event.key == pygame.K_RETURN:
            self.brief()
        elif event.key == pygame.K_ESCAPE:
            self.back()

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.TEXTINPUT and self.editing is not None:
            self.names[self.editing] = (self.names[self.editing] + event.text)[:NAME_LIMIT]
            return
        super().handle(event)

    def back(self) -> None:
        from crmsim.ui.scenes.title import TitleScene

        self.app.show(TitleScene(self.app))

    def brief(self) -> None:
        self.app.show(BriefingScene(self.app, self.loaded, self.names, self.seed))

    def draw(self, p: Painter) -> None:
        w, h = p.surface.get_size()
        pad = p.px("padding") * 3
        s = self.loaded.scenario
        p.text(s.title, (pad, pad), size="heading", face="bold", colour="accent")
        p.text("Who is playing? Names are optional; the log keeps only p1, p2, … unless you type one.",
               (pad, pad + p.px("heading") * 2), colour="muted", width=w - 2 * pad)  # fmt: skip
        row = p.px("button") * 3
        y = pad + p.px("heading") * 2 + p.px("body") * 3
        for i, role in enumerate(s.team.roles):
            arrives = "" if role.present else f"  (arrives {int(role.arrives_after or 0)} s after a call for help)"
            p.text(f"p{i + 1}  {role.name}{' — leader' if role.leader else ''}{arrives}", (pad, y + row // 4), face="bold")
            field = pygame.Rect(w // 2, y, w // 2 - pad, row)
            label = self.names[i] + ("|" if self.editing == i else "") or "tap to add a name"
            self.buttons.append(p.button(Button(label, field, lambda i=i: self.edit(i),
                                                style="primary" if self.editing == i else "button")))  # fmt: skip
            y += row + pad // 2
        back = pygame.Rect(pad, h - pad - row, row * 3, row)
        start = pygame.Rect(w - pad - row * 4, h - pad - row, row * 4, row)
        self.buttons.append(p.button(Button("Back", back, self.back)))
        self.buttons.append(p.button(Button("Briefing", start, self.brief, style="primary")))

    def edit(self, index: int) -> None:
        self.editing = index
        pygame.key.start_text_input()


class BriefingScene(Scene):
    """The patient, the setting and each role's responsibilities; Start opens the session."""

    name = "briefing"

    def __init__(self, app: App, loaded: LoadedScenario, names: list[str], seed: int) -> None:
        super().__init__(app)
        self.loaded, self.names, self.seed = loaded, names, seed

    def key(self, event: pygame.event.Event) -> None:
        if event.key == pygame.K_RETURN:
            self.start()
        elif event.key == pygame.K_ESCAPE:
            self.app.show(TeamScene(self.app, self.loaded, self.seed))

    def start(self) -> None:
        from crmsim.ui.scenes.play import PlayScene
        from crmsim.ui.sessions import start_session

        session = start_session(self.loaded, self.names, self.app.context.sessions_dir, self.seed)
        self.app.show(PlayScene(self.app, session))

    def draw(self, p: Painter) -> None:
        w, h = p.surface.get_size()
        pad = p.px("padding") * 3
        s = self.loaded.scenario
        patient = s.patient
        p.text(f"Briefing — {s.title}", (pad, pad), size="heading", face="bold", colour="accent")
        y = pad + p.px("heading") * 2
        facts = [f"{patient.age_years}-year-old {patient.sex}, {patient.weight_kg:g} kg. {patient.presenting}"]
        if patient.history:
            facts.append("History: " + "; ".join(patient.history))
        if patient.allergies:
            facts.append("Allergies: " + "; ".join(patient.allergies))
        facts.append(f"Setting: {s.setting.replace('_', ' ')}.")
        for fact in facts:
            y = p.text(fact, (pad, y), width=w - 2 * pad).bottom + p.px("padding")
        y += p.px("padding") * 2
        column = (w - 3 * pad) // 2
        row_bottom = y
        for i, role in enumerate(s.team.roles):
            x = pad + (i % 2) * (column + pad)
            if i % 2 == 0:
                y = row_bottom + p.px("padding") * 2
            who = f" ({self.names[i]})" if i < len(self.names) and self.names[i] else ""
            top = p.text(f"{role.name}{who}", (x, y), face="bold", colour="warning" if role.leader else "text").bottom
            bottom = p.text("; ".join(role.responsibilities), (x, top), size="small", colour="muted", width=column).bottom
            row_bottom = max(row_bottom, bottom)
        row = p.px("button") * 3
        self.buttons.append(p.button(Button("Back", pygame.Rect(pad, h - pad - row, row * 3, row),
                                            lambda: self.app.show(TeamScene(self.app, self.loaded, self.seed)))))  # fmt: skip
        self.buttons.append(p.button(Button("Start", pygame.Rect(w - pad - row * 4, h - pad - row, row * 4, row),
                                            self.start, style="primary")))  # fmt: skip
