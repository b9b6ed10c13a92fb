"""Headless runs: a scripted team drives a session as fast as the machine allows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crmsim.core.session import Issued, Session
from crmsim.core.team import FACILITATOR
from crmsim.schema.scenario import Script


@dataclass(frozen=True)
class ScriptRunner:
    """Feeds a script's steps to a session at their times, by the participant playing each step's role."""

    script: Script

    def steps(self) -> list[tuple[float, int]]:
        """Step indexes in time order (ties keep file order)."""
        return sorted((step.at, i) for i, step in enumerate(self.script.steps))

    def issued(self, session: Session, index: int) -> Issued:
        """A script step as a command issued by a participant (or the facilitator)."""
        step = self.script.steps[index]
        by = FACILITATOR if step.by == FACILITATOR else session.team.participant_for(step.by) or step.by
        return Issued(by, step.command, step.label)

    def feeder(self, skip: int = 0) -> ScriptFeeder:
        """A feeder that submits this script's steps to a session as their times come."""
        return ScriptFeeder(self, self.steps()[skip:])

    def run(self, session: Session, *, skip: int = 0, max_ticks: int | None = None) -> Session:
        """Drive the session to its end; the first ``skip`` steps were already issued (a resumed session)."""
        feeder = self.feeder(skip)
        limit = max_ticks or session.clock.ticks(session.loaded.scenario.duration_limit) + 10
        while not session.ended and session.tick <= limit:
            feeder.feed(session)
            if session.paused and not session.queue and feeder.done:
                break
            session.step()
        return session


class ScriptFeeder:
    """Submits the steps due before a session's next step; used by headless runs and the game's scripted mode."""

    def __init__(self, runner: ScriptRunner, order: list[tuple[float, int]]) -> None:
        self.runner, self.order, self.next = runner, order, 0

    @property
    def done(self) -> bool:
        """Every step has been submitted."""
        return self.next >= len(self.order)

    def feed(self, session: Session) -> None:
        """Submit every step whose time falls on or before the tick the next ``step()`` applies."""
        upcoming = session.tick if session.paused else session.tick + 1
        while not self.done and (session.clock.ticks(self.order[self.next][0]) <= upcoming or session.paused):
            issued = self.runner.issued(session, self.order[self.next][1])
            session.submit(issued)
            self.next += 1
            if issued.command.do == "pause":
                break


def scripted_commands(script: Script) -> Sequence[str]:
    """The ``do`` of every step, in time order (for summaries)."""
    return [script.steps[i].command.do for _, i in ScriptRunner(script).steps()]
