"""The end of a session: the outcome, what happened in numbers, where the log is, and the way to the debrief."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pygame

from crmsim.core.records import COMMUNICATION_KINDS
from crmsim.core.session import Session
from crmsim.ui.scene import Scene
from crmsim.ui.widgets.draw import Button, Painter, clock_text

if TYPE_CHECKING:
    from crmsim.ui.app import App

OUTCOME_COLOURS = {"resolved": "ok", "death": "danger", "time_limit": "warning", "ended": "muted"}


class EndScene(Scene):
    """The outcome and the session's log, handed on to the debrief."""

    name = "ended"

    def __init__(self, app: App, session: Session) -> None:
        super().__init__(app)
        self.session = session
        self.kinds = Counter(r.kind for r in session.records)
        self.log_path = session.log_path

    def key(self, event: pygame.event.Event) -> None:
        if event.key == pygame.K_RETURN:
            self.debrief()
        elif event.key == pygame.K_ESCAPE:
            self.title()

    def debrief(self) -> None:
        """Open the session's debrief: rated in ANTS, its key moments and prompts, its monitor replayable."""
        from crmsim.core.log import Log
        from crmsim.debrief.build import debrief_log
        from crmsim.ui.scenes.debrief import DebriefScene

        s = self.session
        log = Log(header=s.header(), records=tuple(s.records), torn=False, path=str(self.log_path or "<session>"))
        debrief = debrief_log(log, s.loaded, "ants")
        self.app.show(DebriefScene(self.app, debrief, log, s.loaded))

    def title(self) -> None:
        from crmsim.ui.scenes.title import TitleScene

        self.app.show(TitleScene(self.app))

    def draw(self, p: Painter) -> None:
        w, h = p.surface.get_size()
        pad = p.px("padding") * 3
        s = self.session
        end = next((r for r in reversed(s.records) if r.kind == "SessionEnded"), None)
        outcome = s.outcome or "ended"
        p.text(f"Session ended: {outcome.replace('_', ' ')}", (pad, pad), size="title", face="bold",
               colour=OUTCOME_COLOURS.get(outcome, "text"))  # fmt: skip
        y = pad + p.px("title") * 2
        if end is not None and end.data.get("summary"):
            y = p.text(str(end.data["summary"]), (pad, y), width=w - 2 * pad).bottom + pad
        k = self.kinds
        facts = [
            f"Simulated time: {clock_text(s.now)}",
            f"Communications: {sum(k[x] for x in COMMUNICATION_KINDS)} (orders {k['OrderGiven']}, read-backs "
            f"{k['OrderAcknowledged']}, done reports {k['OrderDone']}, concerns raised {k['ConcernRaised']})",
            f"Drugs given: {k['DrugGiven'] + k['InfusionStarted']}; alarms raised: {k['AlarmRaised']}; "
            f"commands not carried out: {k['CommandRejected']}",
            f"Errors caught: {k['ErrorCaught']}; missed: {k['ErrorMissed']}",
        ]  # fmt: skip
        if self.log_path:
            facts.append(f"The log is in {self.log_path}")
        for fact in facts:
            y = p.text(fact, (pad, y), width=w - 2 * pad).bottom + pad // 2
        row = p.px("button") * 3
        self.buttons.append(p.button(Button("Debrief", pygame.Rect(pad, h - pad - row, row * 5, row), self.debrief,
                                            style="primary")))  # fmt: skip
        self.buttons.append(p.button(Button("Back to scenarios", pygame.Rect(pad * 2 + row * 5, h - pad - row, row * 5, row),
                                            self.title)))  # fmt: skip
        self.buttons.append(p.button(Button("Quit", pygame.Rect(w - pad - row * 3, h - pad - row, row * 3, row),
                                            self.app.quit)))  # fmt: skip
