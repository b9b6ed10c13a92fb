"""One role's panel on the shared screen: who, what they are busy with, their order cards, and their menus.

Every role present gets a panel, side by side, so several people can press at once (touch, mouse, a keyboard
focus per panel, a gamepad per role). A press ends in a command submitted for that role's participant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pygame

from crmsim.ui.choices import Choice, PanelContext, card_choices, choices
from crmsim.ui.widgets.draw import Button, Painter, clock_text, grid

Submit = Callable[[str, dict[str, Any]], None]
#: One thing a panel paints, as plain data: ("panel", rect, colour, edge, width), ("bar", rect) or
#: ("text", text, pos, size, colour, face, width).
Mark = tuple[Any, ...]


def _text(p: Painter, marks: list[Mark], text: str, pos: tuple[int, int], *, size: str = "body",
          colour: str = "text", face: str = "regular", width: int | None = None) -> pygame.Rect:  # fmt: skip
    """Mark ``text`` to be painted at ``pos``; returns where it will be (its image is rendered once and kept)."""
    marks.append(("text", text, tuple(pos), size, colour, face, width))
    return p.image(text, size=size, colour=colour, face=face, width=width).get_rect(topleft=pos)


def _paint(p: Painter, mark: Mark) -> None:
    """Paint one mark."""
    if mark[0] == "panel":
        p.panel(pygame.Rect(mark[1]), colour=mark[2], edge=mark[3], width=mark[4])
    elif mark[0] == "bar":
        pygame.draw.rect(p.surface, p.theme.colour("button"), pygame.Rect(mark[1]))
    else:
        _, text, pos, size, colour, face, width = mark
        p.text(text, pos, size=size, colour=colour, face=face, width=width)


@dataclass
class RolePanel:
    """The menu state of one role's panel: where in the menus it is, which page, which button has focus."""

    role: str
    path: tuple[str, ...] = ()
    page: int = 0
    focus: int = 0
    buttons: list[Button] = field(default_factory=list)
    _key: object = field(default=None, init=False, repr=False, compare=False)
    _image: pygame.Surface | None = field(default=None, init=False, repr=False, compare=False)

    def go(self, path: tuple[str, ...]) -> None:
        """Open a menu (the root is the action list, ``("talk",)`` the communication list)."""
        self.path, self.page, self.focus = path, 0, 0

    def choose(self, choice: Choice, submit: Submit) -> None:
        """Carry out a choice: open its menu, or submit its command and go back to the root."""
        if choice.path is not None:
            self.go(choice.path)
        elif choice.command is not None:
            submit(self.role, choice.command)
            self.go(("talk",) if self.path[:1] == ("talk",) else ())

    def back(self) -> None:
        """One menu up: to the communication list from inside it, else to the action list."""
        if self.path[:1] == ("talk",) and len(self.path) > 2:
            self.go(self.path[:-1])
        else:
            self.go(("talk",) if self.path[:1] == ("talk",) else ())

    def move_focus(self, by: int) -> None:
        """Keyboard or gamepad focus moves through this panel's buttons."""
        if self.buttons:
            self.focus = (self.focus + by) % len(self.buttons)

    def activate_focus(self) -> None:
        """Press the focused button."""
        if self.buttons:
            self.buttons[min(self.focus, len(self.buttons) - 1)].action()

    def draw(self, p: Painter, rect: pygame.Rect, ctx: PanelContext, submit: Submit, active: bool) -> list[Button]:
        """Draw the panel into ``rect``; returns its buttons (also kept for focus).

        The panel is laid out every frame (its buttons are what can be pressed), but painted only when what it shows
        has changed: otherwise last frame's image of it is blitted, which is most frames.
        """
        marks: list[Mark] = []
        buttons = self._layout(p, rect, ctx, submit, active, marks)
        focus = self.focus if active else -1
        key = (tuple(rect), p.theme, p.fonts, p.height, focus, tuple(marks),
               tuple((b.label, tuple(b.rect), b.style, b.enabled) for b in buttons))  # fmt: skip
        if key == self._key and self._image is not None:
            p.surface.blit(self._image, rect)
        else:
            for mark in marks:
                _paint(p, mark)
            for i, button in enumerate(buttons):
                p.button(button, focused=i == focus)
            clipped = rect.clip(p.surface.get_rect())
            self._image = p.surface.subsurface(clipped).copy() if clipped == rect else None
            self._key = key
        self.buttons = buttons
        return buttons

    def _layout(self, p: Painter, rect: pygame.Rect, ctx: PanelContext, submit: Submit, active: bool,
                marks: list[Mark]) -> list[Button]:  # fmt: skip
        """Lay the panel out: what to paint goes to ``marks``, the buttons are returned."""
        pad = p.px("padding")
        me = next(r for r in ctx.view.roles if r.id == self.role)
        marks.append(("panel", tuple(rect), "panel", "accent" if active else "panel_edge", 3 if active else 1))
        inner = rect.inflate(-2 * pad, -2 * pad)
        who = f" — {me.participant}" if me.participant else ""
        y = _text(p, marks, p.fit(f"{me.name}{who}", inner.width, size="body", face="bold"), inner.topleft,
                  face="bold").bottom  # fmt: skip
        buttons: list[Button] = []
        if not me.present:
            status = f"arriving in {clock_text(me.arriving_in)}" if me.arriving_in is not None else "not in the room — call for help"
            _text(p, marks, status, (inner.x, y + pad), colour="warning", width=inner.width)
            return buttons
        if me.busy_with:
            bar = pygame.Rect(inner.x, y + pad // 2, inner.width, max(4, pad))
            marks.append(("bar", tuple(bar)))
            _text(p, marks, p.fit(f"busy: {ctx.action_name(me.busy_with)} ({me.busy_for:.0f} s)", inner.width, size="small"),
                  (inner.x, bar.bottom + 2), size="small", colour="warning")  # fmt: skip
            y = bar.bottom + p.px("small") + pad
        else:
            y += pad
        row = p.px("button") * 2 + pad
        for title, card_buttons in card_choices(ctx)[:2]:
            card = pygame.Rect(inner.x, y, inner.width, p.px("small") * 2 + row + pad * 2)
            marks.append(("panel", tuple(card), "card", "card_edge", 2))
            _text(p, marks, p.fit(title, inner.width - 2 * pad, size="small", face="bold"), (card.x + pad, card.y + pad),
                  size="small", face="bold")  # fmt: skip
            cells = grid(pygame.Rect(card.x + pad, card.y + pad + p.px("small") * 2, card.width - 2 * pad, row),
                         len(card_buttons), max(1, len(card_buttons)), row, pad)  # fmt: skip
            for choice, cell in zip(card_buttons, cells, strict=True):
                buttons.append(Button(choice.label, cell, lambda c=choice: self.choose(c, submit), style=choice.style))
            y = card.bottom + pad
        tabs = [("Act", ()), ("Talk", ("talk",))]
        tab_cells = grid(pygame.Rect(inner.x, y, inner.width, row), 3, 3, row, pad)
        for (label, path), cell in zip(tabs, tab_cells, strict=False):
            selected = self.path[:1] == path[:1]
            buttons.append(Button(label, cell, lambda pa=path: self.go(pa), style="primary" if selected else "button"))
        if len(self.path) > 1:
            buttons.append(Button("Back", tab_cells[2], self.back))
        y += row + pad
        menu = choices(ctx, self.path)
        area = pygame.Rect(inner.x, y, inner.width, inner.bottom - y - row - pad)
        columns = 2 if inner.width > p.px("button") * 14 else 1
        per_page = max(columns, (area.height // (row + pad)) * columns)
        pages = max(1, -(-len(menu) // per_page))
        self.page = min(self.page, pages - 1)
        shown = menu[self.page * per_page:(self.page + 1) * per_page]
        for choice, cell in zip(shown, grid(area, len(shown), columns, row, pad), strict=True):
            buttons.append(Button(choice.label, cell, lambda c=choice: self.choose(c, submit), style=choice.style))
        if pages > 1:
            nav = grid(pygame.Rect(inner.x, inner.bottom - row, inner.width, row), 2, 2, row, pad)
            buttons.append(Button(f"◀ {self.page + 1}/{pages}", nav[0], lambda: self._turn(-1, pages)))
            buttons.append(Button("▶", nav[1], lambda: self._turn(1, pages)))
        return buttons

    def _turn(self, by: int, pages: int) -> None:
        self.page = (self.page + by) % pages
