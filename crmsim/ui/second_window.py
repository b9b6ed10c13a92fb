"""The facilitator's own window on a second display: the console lives there, out of the team's reach.

With two displays (a projector for the team, a laptop for the facilitator) the game opens a second
``pygame.Window`` on the other display and draws the facilitator console into it every frame; presses in it are
routed to its buttons, never to the team's screen. With one display the console stays an overlay the facilitator
toggles (F1). Closing the second window falls back to the overlay.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame

from crmsim.ui.scene import press_position
from crmsim.ui.theme import Theme
from crmsim.ui.assets import Fonts
from crmsim.ui.widgets.draw import Button, Painter

#: SDL's "centred on display N" window position (SDL_WINDOWPOS_CENTERED_DISPLAY).
_CENTRED_ON = 0x2FFF0000


def wanted(choice: str, displays: int) -> bool:
    """Whether to open the second window: ``on``, ``off``, or ``auto`` (when there are two displays or more)."""
    return choice == "on" or (choice == "auto" and displays >= 2)


class SecondWindow:
    """A window of its own for the facilitator, with the buttons drawn into it last frame."""

    def __init__(self, window: pygame.Window) -> None:
        self.window = window
        self.buttons: list[Button] = []
        self.closed = False

    @classmethod
    def open(cls, size: tuple[int, int], display: int = 1) -> SecondWindow:
        """Open the window centred on ``display`` (the second display by default; SDL picks if it is missing)."""
        count = max(1, pygame.display.get_num_displays())
        where = _CENTRED_ON | min(display, count - 1)
        window = pygame.Window("crmsim — facilitator", size, position=(where, where), resizable=True)
        return cls(window)

    @property
    def size(self) -> tuple[int, int]:
        return self.window.size

    def owns(self, event: pygame.event.Event) -> bool:
        """Whether ``event`` happened in this window."""
        window = getattr(event, "window", None)
        return not self.closed and window is not None and window.id == self.window.id

    def handle(self, event: pygame.event.Event) -> None:
        """A press in this window reaches its buttons; closing it hands the console back to the overlay."""
        if event.type == pygame.WINDOWCLOSE:
            self.close()
            return
        pos = press_position(event, self.size)
        if pos is None:
            return
        for button in reversed(self.buttons):
            if button.hit(pos):
                button.action()
                return

    def draw(self, theme: Theme, fonts: Fonts, content: Callable[[Painter], list[Button]]) -> None:
        """Clear the window and draw ``content`` into it."""
        if self.closed:
            return
        surface = self.window.get_surface()
        surface.fill(theme.colour("background"))
        self.buttons = content(Painter(surface, theme, fonts))

    def present(self) -> None:
        """Show what was drawn (the main window is flipped by the app)."""
        if not self.closed:
            self.window.flip()

    def surface(self) -> pygame.Surface:
        """What the window shows (for screenshots)."""
        return self.window.get_surface()

    def close(self) -> None:
        """Close the window for good."""
        if not self.closed:
            self.closed = True
            self.buttons = []
            self.window.destroy()
