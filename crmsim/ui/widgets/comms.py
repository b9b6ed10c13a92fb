"""The comms panel (the latest communications, newest at the bottom), the narration banner and the results panel."""

from __future__ import annotations

import pygame

from crmsim.core.view import SessionView
from crmsim.ui.widgets.draw import Painter, clock_text

#: Record kinds drawn in the narration colour (the scenario speaking) and the confederate colour.
NARRATION_KINDS = frozenset({"PhaseEntered", "InjectFired"})
CONFEDERATE_KINDS = frozenset({"LineSpoken"})


def draw_comms(p: Painter, rect: pygame.Rect, view: SessionView) -> None:
    """The latest messages that fit, newest at the bottom; who spoke, when, and what."""
    pad = p.px("padding")
    p.panel(rect)
    p.text("Communication", (rect.x + pad, rect.y + pad), size="small", face="bold", colour="muted")
    line = p.px("small") + pad // 2
    bottom = rect.bottom - pad
    top = rect.y + pad + line * 2
    width = rect.width - 2 * pad
    for message in reversed(view.messages):
        colour = ("narration" if message.kind in NARRATION_KINDS else "confederate" if message.kind in CONFEDERATE_KINDS
                  else "danger" if message.kind in ("ConcernRaised", "CommandRejected") else "text")  # fmt: skip
        image = p.image(f"{clock_text(message.t)}  {message.speaker}: {message.text}", size="small", colour=colour,
                        width=width)  # fmt: skip
        bottom -= image.get_height() + pad // 2
        if bottom < top:
            break
        p.surface.blit(image, (rect.x + pad, bottom))


def draw_banner(p: Painter, rect: pygame.Rect, view: SessionView) -> None:
    """The latest narration or confederate line, large, so it stands out from the rest of the screen."""
    latest = next((m for m in reversed(view.messages) if m.kind in NARRATION_KINDS | CONFEDERATE_KINDS), None)
    if latest is None:
        return
    confederate = latest.kind in CONFEDERATE_KINDS
    p.panel(rect, colour="panel", edge="confederate" if confederate else "narration", width=3)
    pad = p.px("padding")
    who = f"{latest.speaker}: " if confederate else ""
    text = f"{who}“{latest.text}”" if confederate else latest.text
    p.text(text, (rect.x + pad * 2, rect.y + pad), colour="confederate" if confederate else "narration",
           width=rect.width - 4 * pad)  # fmt: skip


def draw_results(p: Painter, rect: pygame.Rect, view: SessionView) -> None:
    """Lab results as they come back."""
    results = [m for m in view.messages if m.kind == "LabResulted"][-3:]
    if not results:
        return
    pad = p.px("padding")
    p.panel(rect, edge="ok")
    y = p.text("Results", (rect.x + pad, rect.y + pad), size="small", face="bold", colour="ok").bottom
    for message in results:
        y = p.text(f"{clock_text(message.t)} {message.text}", (rect.x + pad, y), size="small",
                   width=rect.width - 2 * pad).bottom  # fmt: skip
