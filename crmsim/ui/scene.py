"""The scene protocol and the pointer/keyboard/gamepad plumbing every scene shares.

A scene draws itself (laying out its buttons as it goes), turns presses on those buttons into actions, and may
ask the app to switch to another scene. Mouse, touch (finger events) and gamepads all end up as presses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from crmsim.ui.widgets.draw import Button, Painter

if TYPE_CHECKING:
    from crmsim.ui.app import App


def press_position(event: pygame.event.Event, size: tuple[int, int]) -> tuple[float, float] | None:
    """Where a mouse click or a finger touch landed, in window pixels (None for other events).

    Mouse events that SDL synthesises from touches are ignored, so one tap is one press.
    """
    if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and not getattr(event, "touch", False):
        return event.pos
    if event.type == pygame.FINGERDOWN:
        return event.x * size[0], event.y * size[1]
    return None


class Scene:
    """A screen of the game: title, team set-up, briefing, play, errors, end."""

    name = "scene"

    def __init__(self, app: App) -> None:
        self.app = app
        self.buttons: list[Button] = []

    def handle(self, event: pygame.event.Event) -> None:
        """React to one event: presses on this frame's buttons, then the scene's own keys."""
        pos = press_position(event, self.app.size)
        if pos is not None:
            self.press(pos)
        elif event.type == pygame.KEYDOWN:
            self.key(event)
        elif event.type == pygame.JOYBUTTONDOWN:
            self.pad(event)

    def press(self, pos: tuple[float, float]) -> None:
        """Carry out the topmost enabled button under ``pos`` (the last drawn is on top)."""
        for button in reversed(self.buttons):
            if button.hit(pos):
                button.action()
                return

    def key(self, event: pygame.event.Event) -> None:
        """Keyboard shortcuts (none by default)."""

    def pad(self, event: pygame.event.Event) -> None:
        """Gamepad buttons (none by default)."""

    def update(self, real_dt: float) -> None:
        """Advance with real time (most scenes are static)."""

    def draw(self, painter: Painter) -> None:
        """Draw the scene and lay out ``self.buttons``."""

    def draw_second(self, painter: Painter) -> list[Button]:
        """The facilitator's second window while this scene is in front; returns its buttons.

        Scenes with nothing to steer show what the facilitator waits for.
        """
        pad = painter.px("padding")
        painter.text("crmsim — facilitator", (2 * pad, 2 * pad), size="heading", face="bold", colour="warning")
        painter.text("The console opens here when the team starts a scenario.", (2 * pad, 2 * pad + painter.px("heading") * 2),
                     colour="muted")  # fmt: skip
        return []

    def find(self, label: str) -> Button:
        """The button drawn last frame with this label (tests and scripted input press it)."""
        for button in self.buttons:
            if button.label == label:
                return button
        raise LookupError(f"no button '{label}' on the {self.name} screen; there are: "
                          + ", ".join(b.label for b in self.buttons))  # fmt: skip
