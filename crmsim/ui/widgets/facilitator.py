"""The facilitator's console: pause and resume, speed, injects, jump to a phase, annotate the moment, end.

It is an overlay the facilitator toggles (F1 or the Facilitator button), or fills the facilitator's own window on a
second display; every press is a facilitator command, so it is in the log with everything else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pygame

from crmsim.core.view import SessionView
from crmsim.schema.load import LoadedScenario
from crmsim.ui.widgets.draw import Button, Painter, grid

#: Tags the facilitator can put on the moment, for the debrief.
TAGS = (("good_practice", "Good practice"), ("missed_cue", "Missed cue"), ("teaching_point", "Teaching point"),
        ("speak_up", "Speaking up"))  # fmt: skip


def draw_console(p: Painter, rect: pygame.Rect, view: SessionView, loaded: LoadedScenario,
                 command: Callable[[dict[str, Any]], None], close: Callable[[], None] | None) -> list[Button]:  # fmt: skip
    """Draw the console into ``rect``; returns its buttons (no Close button when ``close`` is None)."""
    pad = p.px("padding")
    p.panel(rect, edge="warning", width=3)
    inner = rect.inflate(-4 * pad, -4 * pad)
    row = p.px("button") * 2 + pad
    buttons: list[Button] = []
    y = p.text("Facilitator", inner.topleft, size="heading", face="bold", colour="warning").bottom + pad

    def section(title: str, items: list[tuple[str, dict[str, Any] | None, str]], columns: int = 4) -> None:
        nonlocal y
        y = p.text(title, (inner.x, y), size="small", face="bold", colour="muted").bottom + pad // 2
        cells = grid(pygame.Rect(inner.x, y, inner.width, row), len(items), columns, row, pad)
        for (label, cmd, style), cell in zip(items, cells, strict=True):
            action = (close or (lambda: None)) if cmd is None else (lambda c=cmd: command(c))
            buttons.append(Button(label, cell, action, style=style))
        y = (cells[-1].bottom if cells else y) + pad * 2

    section("Session", [("Resume" if view.paused else "Pause", {"do": "resume" if view.paused else "pause"}, "primary"),
                        *[(f"×{f}", {"do": "speed", "factor": f}, "primary" if view.speed == f else "button") for f in (1, 2, 4)],
                        ("End", {"do": "end"}, "danger"), *([("Close", None, "button")] if close else [])], columns=6)  # fmt: skip
    section("Trigger an inject", [(i.title, {"do": "trigger_inject", "inject": i.id}, "button")
                                  for i in loaded.scenario.injects], columns=2)  # fmt: skip
    section("Jump to a phase", [(ph.title, {"do": "jump", "phase": ph.id}, "primary" if ph.id == view.phase else "button")
                                for ph in loaded.scenario.phases], columns=3)  # fmt: skip
    section("Annotate this moment", [(label, {"do": "annotate", "tag": tag}, "button") for tag, label in TAGS])
    for button in buttons:
        p.button(button)
    return buttons


def draw_aid(p: Painter, rect: pygame.Rect, title: str, steps: list[str], close: Callable[[], None]) -> list[Button]:
    """A cognitive aid opened on request: its title and numbered steps, with a Close button."""
    pad = p.px("padding")
    p.panel(rect, edge="ok", width=3)
    inner = rect.inflate(-4 * pad, -4 * pad)
    y = p.text(title, inner.topleft, size="body", face="bold", colour="ok", width=inner.width).bottom + pad
    row = p.px("button") * 2 + pad
    button = Button("Close aid", pygame.Rect(inner.right - row * 4, inner.bottom - row, row * 4, row), close, style="primary")
    clip = p.surface.get_clip()
    p.surface.set_clip(pygame.Rect(inner.x, y, inner.width, max(0, button.rect.top - pad - y)).clip(clip))
    for i, step in enumerate(steps, 1):  # steps that do not fit above the button are cut, never drawn under it
        y = p.text(f"{i}. {step}", (inner.x, y), size="small", width=inner.width).bottom + pad // 2
    p.surface.set_clip(clip)
    p.button(button)
    return [button]
