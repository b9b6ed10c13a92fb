"""Drawing helpers: wrapped text, panels and buttons, all sized from the theme and the window height.

Widgets are immediate-mode: a scene lays its buttons out while drawing and hit-tests the ones drawn last frame,
so what is clickable is always exactly what is on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pygame

from crmsim.ui.assets import Fonts
from crmsim.ui.theme import Colour, Theme


@dataclass
class Button:
    """A labelled target: where it is, what it does, and whether it can be pressed now."""

    label: str
    rect: pygame.Rect
    action: Callable[[], None]
    enabled: bool = True
    style: str = "button"
    group: str = ""

    def hit(self, pos: tuple[float, float]) -> bool:
        """Whether a press at ``pos`` lands on this button."""
        return self.enabled and self.rect.collidepoint(pos)


@dataclass
class Painter:
    """Draws text, panels and buttons on one surface with one theme."""

    surface: pygame.Surface
    theme: Theme
    fonts: Fonts

    @property
    def height(self) -> int:
        return self.surface.get_height()

    def px(self, name: str) -> int:
        """A theme size in pixels for this window."""
        return self.theme.px(name, self.height)

    def font(self, size: str = "body", face: str = "regular") -> pygame.font.Font:
        return self.fonts.get(self.px(size), face)

    def text(self, text: str, pos: tuple[int, int], *, size: str = "body", colour: str | Colour = "text",
             face: str = "regular", width: int | None = None, align: str = "left") -> pygame.Rect:  # fmt: skip
        """Draw ``text`` (wrapped to ``width`` when given) with its top-left (or top-centre) at ``pos``."""
        image = self.image(text, size=size, colour=colour, face=face, width=width)
        rect = image.get_rect(topleft=pos) if align == "left" else image.get_rect(midtop=pos)
        self.surface.blit(image, rect)
        return rect

    def image(self, text: str, *, size: str = "body", colour: str | Colour = "text", face: str = "regular",
              width: int | None = None) -> pygame.Surface:  # fmt: skip
        """``text`` rendered (wrapped to ``width`` when given); the same text is rendered once and reused."""
        rgb = self.theme.colour(colour) if isinstance(colour, str) else colour
        px = self.px(size)
        font = self.fonts.get(px, face)
        return self.fonts.remembered(
            ("text", text, px, face, rgb, width or 0),
            lambda: font.render(text, True, rgb, wraplength=width) if width else font.render(text, True, rgb))

    def fit(self, text: str, width: int, *, size: str = "body", face: str = "regular") -> str:
        """``text`` shortened with an ellipsis to fit ``width`` pixels on one line."""
        px = self.px(size)
        return self.fonts.remembered(("fit", text, width, px, face), lambda: _fit(self.fonts.get(px, face), text, width))

    def panel(self, rect: pygame.Rect, *, colour: str = "panel", edge: str | None = "panel_edge", width: int = 2) -> None:
        """A filled rounded panel with an optional edge."""
        radius = max(2, self.px("padding"))
        pygame.draw.rect(self.surface, self.theme.colour(colour), rect, border_radius=radius)
        if edge:
            pygame.draw.rect(self.surface, self.theme.colour(edge), rect, width, border_radius=radius)

    def button(self, button: Button, *, hovered: bool = False, focused: bool = False) -> Button:
        """Draw a button; disabled buttons are dimmed, the focused one outlined (keyboard and gamepad focus)."""
        fill = "button_hover" if hovered and button.enabled else ("danger" if button.style == "danger" else
                                                                 "accent" if button.style == "primary" else "button")  # fmt: skip
        self.panel(button.rect, colour=fill, edge="text" if focused else "panel_edge", width=3 if focused else 1)
        colour = "button_text" if button.enabled else "muted"
        label = self.fit(button.label, button.rect.width - 2 * self.px("padding"), size="button")
        image = self.image(label, size="button", colour=colour, face="bold")
        self.surface.blit(image, image.get_rect(center=button.rect.center))
        return button


def _fit(font: pygame.font.Font, text: str, width: int) -> str:
    if font.size(text)[0] <= width:
        return text
    while text and font.size(text + "…")[0] > width:
        text = text[:-1]
    return text + "…"


def grid(area: pygame.Rect, count: int, columns: int, row_height: int, gap: int) -> list[pygame.Rect]:
    """``count`` cells laid out left to right, top to bottom, in ``columns`` columns inside ``area``."""
    columns = max(1, columns)
    width = (area.width - gap * (columns - 1)) // columns
    return [pygame.Rect(area.x + (i % columns) * (width + gap), area.y + (i // columns) * (row_height + gap),
                        width, row_height) for i in range(count)]  # fmt: skip


def clock_text(seconds: float) -> str:
    """Sim time as m:ss."""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
