"""The scenario runtime: phases and their transitions, timeouts, lines, injects, confederate errors, the end."""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmsim.core import actions
from crmsim.schema.conditions import VitalAtom, sustained_in
from crmsim.schema.lint import condition_locs, selectors_and_conditions
from crmsim.schema.phases import Inject, Phase

if TYPE_CHECKING:
    from crmsim.core.session import Session


class ScenarioRuntime:
    """Moves a session through its scenario's state machine."""

    def __init__(self, session: Session) -> None:
        self.session = session
        scenario = session.loaded.scenario
        self.phases = {p.id: p for p in scenario.phases}
        self.injects = {i.id: i for i in scenario.injects}
        self.phase: Phase = scenario.phases[0]
        self.generation = 0
        self.fired: set[str] = set()
        for condition, _ in selectors_and_conditions(scenario):
            for atom, _loc in condition_locs(condition, ()):
                if isinstance(atom, VitalAtom):
                    session.history.track(atom)
            for sustained in sustained_in(condition):
                session.history.track_sustained(sustained)

    def enter(self, phase_id: str, reason: str) -> None:
        """Enter a phase: narration, insults, trends, flags, lines; an end phase ends the session."""
        s = self.session
        phase = self.phases[phase_id]
        self.phase, self.generation = phase, self.generation + 1
        s.history.phase_started = s.now
        s.emit("PhaseEntered", "scenario", {"phase": phase.id, "title": phase.title, "narration": phase.narration,
                                            "reason": reason})  # fmt: skip
        self.change_patient(phase)
        s.history.flags |= set(phase.set_flags)
        s.history.flags -= set(phase.clear_flags)
        for line in phase.lines:
            s.schedule(line.at, "line", {"by": line.by, "say": line.say, "generation": self.generation})
        if phase.end is not None:
            s.finish(phase.end.outcome, phase.end.summary, phase.id)
        s.sync_log()

    def change_patient(self, change: Phase | Inject) -> None:
        """Start and stop the insults and set the trends a phase (on entry) or an inject (when it happens) names."""
        s = self.session
        for insult in change.start_insults:
            s.physiology.start_insult(insult)
            s.emit("InsultStarted", "scenario", {"insult": insult.insult, "severity": insult.severity, "ramp": insult.ramp})
        for stop in change.stop_insults:
            s.physiology.stop_insult(stop.insult, stop.ramp)
            s.emit("InsultStopped", "scenario", {"insult": stop.insult, "ramp": stop.ramp})
        for trend in change.trends:
            s.physiology.set_trend(trend.vital, trend.to, trend.over)

    def fire(self, inject: Inject, reason: str) -> None:
        """An inject happens: narration, lines, equipment failures, a confederate's error, a change in the
        patient."""
        s = self.session
        self.fired.add(inject.id)
        s.history.flags |= set(inject.set_flags)
        s.emit("InjectFired", "facilitator" if reason == "facilitator" else "scenario",
               {"inject": inject.id, "title": inject.title, "kind": inject.kind, "narration": inject.narration,
                "reason": reason})  # fmt: skip
        self.change_patient(inject)
        for line in inject.lines:
            s.schedule(line.at, "line", {"by": line.by, "say": line.say, "generation": None})
        for failure in inject.failures:
            s.failures[failure.action] = s.now + failure.for_
            s.emit("EquipmentFailed", "scenario", {"action": failure.action, "for": failure.for_})
            s.schedule(failure.for_, "restore", {"action": failure.action})
        if inject.error is not None:
            # The error is offered when its confederate's last line is spoken (at once if it has none).
            offered = max((line.at for line in inject.lines if line.by == inject.error.by), default=0.0)
            s.schedule(offered, "error_offer", {"inject": inject.id})

    def offer_error(self, inject_id: str) -> None:
        """A confederate's error is now in front of the team: it can be caught until its window closes."""
        s = self.session
        error = self.injects[inject_id].error
        assert error is not None
        s.pending_errors[inject_id] = {"error": error, "deadline": s.now + error.window}
        s.emit("ErrorOffered", error.by, {"inject": inject_id, "by": error.by, "description": error.description,
                                          "action": error.action, "window": error.window})  # fmt: skip
        s.schedule(error.window, "error_window", {"inject": inject_id})

    def error_window_closed(self, inject_id: str) -> None:
        """An error nobody caught in time is carried out by the confederate."""
        s = self.session
        pending = s.pending_errors.pop(inject_id, None)
        if pending is None:
            return
        error = pending["error"]
        s.emit("ErrorMissed", "scenario", {"inject": inject_id, "by": error.by, "action": error.action})
        if error.action in s.loaded.formulary.drugs:
            planned = actions.plan_drug(s, error.by, error.by, error.action, s.loaded.formulary.drugs[error.action],
                                        error.dose, error.route, None, None)  # fmt: skip
            if not isinstance(planned, str):
                planned = actions.PlannedAction(**{**planned.__dict__, "error_of": inject_id})
                actions.give(s, planned, source=error.by)

    def line(self, by: str, say: str, generation: int | None) -> None:
        """A scheduled line is spoken, unless its phase has already been left."""
        if generation is not None and generation != self.generation:
            return
        s = self.session
        name = s.team.confederates.get(by) or (s.team.roles[by].name if by in s.team.roles else by)
        s.emit("LineSpoken", by, {"by": by, "name": name, "say": say})

    def evaluate(self) -> None:
        """Fire injects whose time or condition has come, then take the first transition that holds."""
        s = self.session
        history = s.history
        history.now = s.now
        if history.sustained:
            history.refresh_sustained()
        for inject in self.injects.values():
            if inject.id in self.fired:
                continue
            if (inject.at is not None and s.now >= inject.at - 1e-9) or (inject.when is not None and history.holds(inject.when)):
                self.fire(inject, "scheduled" if inject.at is not None else "condition")
        if s.ended:
            return
        for transition in self.phase.transitions:
            if history.holds(transition.when):
                self.enter(transition.to, "transition")
                return
        timeout = self.phase.timeout
        if timeout is not None and s.now - history.phase_started >= timeout.after - 1e-9:
            self.enter(timeout.to, "timeout")
