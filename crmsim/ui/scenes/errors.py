"""Screens that explain a problem: a scenario's errors (file, line, column) or a one-paragraph message."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import pygame

from crmsim.schema.problems import Problem
from crmsim.ui.scene import Scene
from crmsim.ui.widgets.draw import Button, Painter

if TYPE_CHECKING:
    from crmsim.ui.app import App


class ErrorScene(Scene):
    """Every problem of a scenario file, as ``FILE:LINE:COL: message`` with its line, scrollable."""

    name = "errors"

    def __init__(self, app: App, path: str, problems: Sequence[Problem], back: Callable[[], Scene]) -> None:
        super().__init__(app)
        self.path, self.problems, self.back, self.first = path, list(problems), back, 0

    def scroll(self, by: int) -> None:
        self.first = min(max(0, self.first + by), max(0, len(self.problems) - 1))

    def key(self, event: pygame.event.Event) -> None:
        if event.key in (pygame.K_ESCAPE, pygame.K_BACKSPACE):
            self.app.show(self.back())
        elif event.key == pygame.K_DOWN:
            self.scroll(1)
        elif event.key == pygame.K_UP:
            self.scroll(-1)

    def draw(self, p: Painter) -> None:
        w, h = p.surface.get_size()
        pad = p.px("padding") * 3
        p.text("This scenario has problems", (pad, pad), size="heading", face="bold", colour="danger")
        p.text(f"{self.path} — fix them in the file and choose it again ({len(self.problems)} found).",
               (pad, pad + p.px("heading") * 2), colour="muted", width=w - 2 * pad)  # fmt: skip
        y = pad + p.px("heading") * 2 + p.px("body") * 3
        row = p.px("button") * 3
        for problem in self.problems[self.first:]:
            if y > h - row * 2:
                break
            lines = problem.format().splitlines()
            y = p.text(lines[0], (pad, y), face="bold", width=w - 2 * pad).bottom + 4
            for line in lines[1:]:
                y = p.text(line, (pad * 2, y), size="small", face="mono", colour="muted").bottom
            y += p.px("padding") * 2
        buttons = [("Back", lambda: self.app.show(self.back())), ("Up", lambda: self.scroll(-1)),
                   ("Down", lambda: self.scroll(1))]  # fmt: skip
        for i, (label, action) in enumerate(buttons):
            rect = pygame.Rect(pad + i * (row * 3 + pad), h - pad - row, row * 3, row)
            self.buttons.append(p.button(Button(label, rect, action, style="primary" if i == 0 else "button")))


class MessageScene(Scene):
    """A title, a message and a way back."""

    name = "message"

    def __init__(self, app: App, title: str, message: str, back: Callable[[], Scene]) -> None:
        super().__init__(app)
        self.title, self.message, self.back = title, message, back

    def key(self, event: pygame.event.Event) -> None:
        if event.key in (pygame.K_ESCAPE, pygame.K_RETURN):
            self.app.show(self.back())

    def draw(self, p: Painter) -> None:
        w, h = p.surface.get_size()
        pad = p.px("padding") * 3
        p.text(self.title, (pad, pad), size="heading", face="bold", colour="warning")
        p.text(self.message, (pad, pad + p.px("heading") * 2), width=w - 2 * pad)
        row = p.px("button") * 3
        self.buttons.append(p.button(Button("Back", pygame.Rect(pad, h - pad - row, row * 3, row),
                                            lambda: self.app.show(self.back()), style="primary")))  # fmt: skip
