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

    def run(self, session: Session, *, skip: int = 0, max_ticks: int | None = None) -> Session:
        """Drive the session to its end; the first ``skip`` steps were already issued (a resumed session)."""
        order = self.steps()[skip:]
        limit = max_ticks or session.clock.ticks(session.loaded.scenario.duration_limit) + 10
        i = 0
        while not session.ended and session.tick <= limit:
            upcoming = session.tick if session.paused else session.tick + 1
            while i < len(order) and (session.clock.ticks(order[i][0]) <= upcoming or session.paused):
                issued = self.issued(session, order[i][1])
                session.submit(issued)
                i += 1
                if issued.command.do == "pause":
                    break
            if session.paused and not session.queue and i >= len(order):
                break
            session.step()
        return session


def scripted_commands(script: Script) -> Sequence[str]:
    """The ``do`` of every step, in time order (for summaries)."""
    return [script.steps[i].command.do for _, i in ScriptRunner(script).steps()]
