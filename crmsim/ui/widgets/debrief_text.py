"""The debrief's reading panel on the shared screen: a key moment (result → action → frame and its prompt), the
ratings per skill with their evidence, and the PEARLS prompts with single-loop corrections apart from double-loop
questions. Text wraps to the panel and is cut at its edge, never drawn over its neighbours."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pygame

from crmsim.debrief.model import Debrief, KeyMoment
from crmsim.ui.widgets.debrief_chart import VALENCE_COLOURS
from crmsim.ui.widgets.draw import Button, Painter, clock_text


@contextmanager
def _clipped(p: Painter, rect: pygame.Rect) -> Iterator[None]:
    previous = p.surface.get_clip()
    p.surface.set_clip(rect.clip(previous))
    try:
        yield
    finally:
        p.surface.set_clip(previous)


def _lines(p: Painter, x: int, y: int, width: int, items: list[tuple[str, str, str, str]]) -> int:
    """Draw (label, text, colour, size) paragraphs from ``y``; returns the y below them."""
    pad = p.px("padding")
    for label, text, colour, size in items:
        if not text:
            continue
        if label:
            y = p.text(label, (x, y), size="small", face="bold", colour="muted").bottom
        y = p.text(text, (x, y), size=size, colour=colour, width=width).bottom + pad
    return y


def draw_moment(p: Painter, rect: pygame.Rect, debrief: Debrief, moment: KeyMoment | None,
                select: Callable[[str], None], step: Callable[[int], None]) -> list[Button]:  # fmt: skip
    """One key moment, or the list of moments when none is chosen; returns the buttons."""
    pad = p.px("padding")
    p.panel(rect)
    inner = rect.inflate(-4 * pad, -4 * pad)
    row = p.px("button") * 2 + pad
    buttons: list[Button] = []
    body = pygame.Rect(inner.x, inner.y, inner.width, inner.height - row - pad)
    with _clipped(p, body):
        if moment is None:
            y = p.text("No key moments were found in this session." if not debrief.moments else "Key moments",
                       body.topleft, size="body", face="bold").bottom + pad  # fmt: skip
            for m in debrief.moments:
                cell = pygame.Rect(body.x, y, body.width, row)
                buttons.append(p.button(Button(f"{m.time} {m.title}", cell, lambda i=m.id: select(i))))
                y += row + pad // 2
        else:
            colour = VALENCE_COLOURS.get(moment.valence, "accent")
            y = p.text(f"{moment.time}  {moment.title}", body.topleft, size="body", face="bold", colour=colour,
                       width=body.width).bottom + pad  # fmt: skip
            corrections = [c for c in debrief.single_loop if c.moment_id == moment.id]
            questions = [q for q in debrief.double_loop if q.moment_id == moment.id]
            _lines(p, body.x, y, body.width, [
                ("Result", moment.result, "text", "small"), ("Action", moment.action, "text", "small"),
                ("Frame to explore", moment.frame, "text", "small"),
                ("Ask (advocacy-inquiry)", f"“{moment.prompt.text}”", "confederate", "body"),
                *[("Double-loop question", q.text, "narration", "small") for q in questions],
                *[("Single-loop correction", f"{c.text} ({c.source})", "ok", "small") for c in corrections],
            ])  # fmt: skip
    nav = (("◀ Previous", lambda: step(-1)), ("All moments", lambda: select("")), ("Next ▶", lambda: step(1)))
    width = (inner.width - 2 * pad) // 3
    for i, (label, action) in enumerate(nav):
        cell = pygame.Rect(inner.x + i * (width + pad), inner.bottom - row, width, row)
        buttons.append(p.button(Button(label, cell, action, enabled=bool(debrief.moments) and (label != "All moments" or moment is not None))))
    return buttons


def draw_ratings(p: Painter, rect: pygame.Rect, debrief: Debrief, seek: Callable[[float], None],
                 offset: int = 0) -> list[Button]:  # fmt: skip
    """The team's rating per category and element, each with its reason; tapping an evidence time seeks there.

    ``offset`` scrolls the text up by that many pixels.
    """
    pad = p.px("padding")
    p.panel(rect)
    inner = rect.inflate(-4 * pad, -4 * pad)
    ratings = debrief.ratings
    buttons: list[Button] = []
    with _clipped(p, inner):
        y = p.text(ratings.name, (inner.x, inner.y - offset), size="body", face="bold").bottom + pad
        chip = p.font("button", "bold").size("00:00")[0] + 2 * pad
        for category in ratings.categories:
            score = "not observed" if category.score is None else f"{category.score:.1f}"
            y = p.text(f"{category.name}: {score}", (inner.x, y), size="body", face="bold", colour="accent").bottom
            for element in category.elements:
                low, high = element.scale
                mark = "n/o" if element.score is None else f"{element.score}/{high}"
                rater = "" if element.rater == "auto" else f" (rated by {element.rater})"
                line = p.text(f"{mark}  {element.name}{rater}", (inner.x + pad, y), size="small", face="bold").bottom
                y = p.text(element.reason, (inner.x + 3 * pad, line), size="small", colour="muted",
                           width=inner.width - 3 * pad).bottom  # fmt: skip
                x = inner.x + 3 * pad
                for t in element.evidence_t[:6]:
                    cell = pygame.Rect(x, y + pad // 2, chip, p.px("small") + pad)
                    if inner.top <= cell.top and cell.bottom <= inner.bottom:
                        buttons.append(p.button(Button(clock_text(t), cell, lambda t=t: seek(t))))
                    x += chip + pad // 2
                y += (p.px("small") + 2 * pad) if element.evidence_t else pad // 2
            y += pad
    return buttons


def draw_pearls(p: Painter, rect: pygame.Rect, debrief: Debrief, offset: int = 0) -> list[Button]:
    """The facilitator's prompts by PEARLS phase: openers, then double-loop questions apart from single-loop fixes."""
    pad = p.px("padding")
    p.panel(rect)
    inner = rect.inflate(-4 * pad, -4 * pad)
    with _clipped(p, inner):
        y = inner.y - offset
        for section in debrief.pearls:
            y = p.text(section.title, (inner.x, y), size="body", face="bold", colour="accent").bottom
            y = _lines(p, inner.x, y, inner.width, [
                ("", section.objective, "muted", "small"),
                *[("", f"“{line}”", "confederate", "small") for line in section.openers],
                *[("Double-loop", q.text, "narration", "small") for q in section.questions],
                *[("Single-loop", f"{c.text} ({c.source})", "ok", "small") for c in section.corrections],
            ])  # fmt: skip
    return []
