"""The fixed-step driver: turns real frame time into whole core ticks, at the facilitator's speed.

The core advances exactly one tick per ``step()``; this driver decides how many steps a frame gets. A lag spike is
clamped (``MAX_FRAME``) and catch-up is capped (``MAX_STEPS``) so a slow frame never snowballs. Pause and speed
live in the session (they are facilitator commands, so they are in the log); the driver only reads them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crmsim.core.session import Session

MAX_FRAME = 0.25
MAX_STEPS = 40


class FixedStepDriver:
    """Feeds queued commands to a session and steps it in fixed ticks as real time passes."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.accumulator = 0.0
        self.queued: list[Any] = []

    @property
    def alpha(self) -> float:
        """How far real time has got into the next tick (0–1), for smooth drawing."""
        return self.accumulator / self.session.clock.tick_s

    def queue(self, issued: Any) -> None:
        """A command from the screen, applied at the start of the next step."""
        self.queued.append(issued)

    def _flush(self) -> None:
        for issued in self.queued:
            self.session.submit(issued)
        self.queued.clear()

    def advance(self, real_dt: float) -> int:
        """Step the session for ``real_dt`` seconds of real time; returns the number of steps taken."""
        session = self.session
        if session.ended:
            self.queued.clear()
            return 0
        if session.paused:
            self.accumulator = 0.0
            if self.queued:  # resume and other facilitator commands still apply while paused
                self._flush()
                session.step()
                return 1
            return 0
        self.accumulator += min(max(real_dt, 0.0), MAX_FRAME) * session.speed
        dt = session.clock.tick_s
        steps = 0
        while self.accumulator >= dt - 1e-12 and steps < MAX_STEPS and not session.ended:
            self._flush()
            session.step()
            self.accumulator -= dt
            steps += 1
        if steps == MAX_STEPS:
            self.accumulator = min(self.accumulator, dt)
        return steps
