"""What has happened so far in a session, kept up to date from its records, and conditions evaluated on it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmsim.core.matching import (ACTION_KINDS, action_matches, amount_in_range, communication_matches, total_dose,
                                  vital_beyond)  # fmt: skip
from crmsim.schema.conditions import (
    ActionAtom,
    AllOf,
    AnyOf,
    CommunicationAtom,
    FlagAtom,
    InjectAtom,
    NotOf,
    PhaseAtom,
    RhythmAtom,
    ScenarioTimeAtom,
    StartAtom,
    SustainedAtom,
    TimeInPhaseAtom,
    VitalAtom,
)

VitalKey = tuple[str, float | None, float | None]


def vital_key(atom: VitalAtom) -> VitalKey:
    """The identity of a vital threshold, shared by every condition that uses it."""
    return (atom.vital.name, atom.vital.below, atom.vital.above)


class History:
    """Phases entered, injects fired, flags, actions and communications, and how long each vital threshold has held."""

    def __init__(self, weight_kg: float) -> None:
        self.weight_kg = weight_kg
        self.phases: set[str] = set()
        self.injects: set[str] = set()
        self.flags: set[str] = set()
        self.actions: list[tuple[str, Mapping[str, Any]]] = []
        self.communications: list[tuple[str, Mapping[str, Any]]] = []
        self.beyond_since: dict[VitalKey, float | None] = {}
        self.sustained: list[SustainedAtom] = []  # inner ones first
        self.held_since: dict[int, float | None] = {}
        self.vitals: Mapping[str, Any] = {}
        self.phase_started = 0.0
        self.now = 0.0

    def track(self, atom: VitalAtom) -> None:
        """Start following a vital threshold."""
        self.beyond_since.setdefault(vital_key(atom), None)

    def track_sustained(self, atom: SustainedAtom) -> None:
        """Start following a ``sustained`` condition (track inner ones first)."""
        if id(atom) not in self.held_since:
            self.held_since[id(atom)] = None
            self.sustained.append(atom)

    def refresh_sustained(self) -> None:
        """Note, for each followed ``sustained`` condition, since when its inner condition has held (now or never)."""
        for atom in self.sustained:
            key = id(atom)
            if not self.holds(atom.sustained.when):
                self.held_since[key] = None
            elif self.held_since[key] is None:
                self.held_since[key] = self.now

    def observe(self, kind: str, data: Mapping[str, Any]) -> None:
        """Take in one record."""
        if kind == "PhaseEntered":
            self.phases.add(data["phase"])
        elif kind == "InjectFired":
            self.injects.add(data["inject"])
        elif kind in ACTION_KINDS:
            self.actions.append((kind, data))
        elif kind.endswith(("Given", "Acknowledged", "Clarified", "Declined", "Done", "CalledOut", "Declared",
                            "Called", "Assigned", "Raised", "Answered", "CrossChecked", "Opened")):  # fmt: skip
            self.communications.append((kind, data))

    def sample(self, t: float, vitals: Mapping[str, Any]) -> None:
        """Take in a vitals sample: update how long each tracked threshold has been crossed."""
        self.vitals = vitals
        for key in self.beyond_since:
            name, below, above = key
            value = vitals.get(name)
            beyond = isinstance(value, int | float) and (
                (below is not None and value < below) or (above is not None and value > above)
            )
            if not beyond:
                self.beyond_since[key] = None
            elif self.beyond_since[key] is None:
                self.beyond_since[key] = t

    def holds(self, condition: Any) -> bool:
        """Whether a condition holds now."""
        if isinstance(condition, AllOf):
            return all(self.holds(c) for c in condition.all)
        if isinstance(condition, AnyOf):
            return any(self.holds(c) for c in condition.any)
        if isinstance(condition, NotOf):
            return not self.holds(condition.not_)
        if isinstance(condition, PhaseAtom):
            return condition.phase in self.phases
        if isinstance(condition, InjectAtom):
            return condition.inject in self.injects
        if isinstance(condition, FlagAtom):
            return condition.flag in self.flags
        if isinstance(condition, StartAtom):
            return True
        if isinstance(condition, TimeInPhaseAtom):
            return self.now - self.phase_started >= condition.time_in_phase - 1e-9
        if isinstance(condition, ScenarioTimeAtom):
            return self.now >= condition.scenario_time - 1e-9
        if isinstance(condition, ActionAtom):
            match = condition.action
            done = [data for kind, data in self.actions if action_matches(match, kind, data, self.weight_kg)]
            if len(done) < match.count:
                return False
            return match.total is None or amount_in_range(match.total, sum(map(total_dose, done)), self.weight_kg)
        if isinstance(condition, CommunicationAtom):
            return any(communication_matches(condition.communication, k, d) for k, d in self.communications)
        if isinstance(condition, RhythmAtom):
            return self.vitals.get("rhythm") in condition.rhythm
        if isinstance(condition, SustainedAtom):
            held = self.held_since.get(id(condition))
            if held is None:
                return False
            return self.now - max(held, self.phase_started) >= condition.sustained.for_ - 1e-9
        if isinstance(condition, VitalAtom):
            since = self.beyond_since.get(vital_key(condition))
            if since is None:
                return vital_beyond(condition, self.vitals) and condition.vital.for_ <= 0
            return self.now - since >= condition.vital.for_ - 1e-9
        raise TypeError(f"not a condition: {condition!r}")
