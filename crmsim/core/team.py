"""The team: participants and their roles, who is in the room, who is busy, and who may do what."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crmsim.schema.scenario import Permission, Scenario

FACILITATOR = "facilitator"


@dataclass(frozen=True)
class Participant:
    """A person playing a role, known in the log by a pseudonymous id."""

    id: str
    role: str
    name: str = ""

    def as_dict(self) -> dict[str, str]:
        """The participant as it appears in the log header."""
        return {"id": self.id, "role": self.role, "name": self.name}


def default_participants(scenario: Scenario, names: Sequence[str] = ()) -> tuple[Participant, ...]:
    """One participant per role, ``p1``, ``p2``, … in the scenario's role order, named if names are given."""
    return tuple(
        Participant(id=f"p{i + 1}", role=role.id, name=names[i] if i < len(names) else "")
        for i, role in enumerate(scenario.team.roles)
    )


@dataclass
class RoleState:
    """One role in the session: whether it is in the room, when it arrives, and what it is busy with."""

    id: str
    name: str
    present: bool
    arrives_after: float | None
    arriving_at: float | None = None
    busy_until: float = 0.0
    busy_with: str | None = None
    busy_from: float = 0.0
    open_actions: int = 0  # actions started and not yet finished (two overlap when one starts as another ends)


class Team:
    """Roles, participants and permissions for one session."""

    def __init__(self, scenario: Scenario, participants: Sequence[Participant]) -> None:
        self.roles: dict[str, RoleState] = {
            r.id: RoleState(r.id, r.name, r.present, r.arrives_after) for r in scenario.team.roles
        }
        self.confederates = {c.id: c.name for c in scenario.team.confederates}
        self.participants: dict[str, Participant] = {p.id: p for p in participants}
        self.permissions: dict[str, Permission] = {p.action: p for p in scenario.actions}
        unknown = [p.role for p in participants if p.role not in self.roles]
        if unknown:
            raise ValueError(f"participant role '{unknown[0]}' is not a role of this scenario")
        if len(self.participants) != len(participants):
            raise ValueError("participant ids must be unique")

    def role_of(self, participant_id: str) -> str | None:
        """The role a participant plays (None for an unknown id)."""
        participant = self.participants.get(participant_id)
        return participant.role if participant else None

    def participant_for(self, role_id: str) -> str | None:
        """The first participant playing a role."""
        return next((p.id for p in self.participants.values() if p.role == role_id), None)

    def absent_roles(self) -> list[str]:
        """Roles not yet in the room, in scenario order."""
        return [r.id for r in self.roles.values() if not r.present]

    def why_not(self, role_id: str, action: str, now: float) -> str | None:
        """Why a role cannot start an action now, or None when it can."""
        role = self.roles[role_id]
        if not role.present:
            return f"{role.name} is not in the room yet"
        permission = self.permissions.get(action)
        if permission is None:
            return f"'{action}' is not available in this scenario"
        if role_id not in permission.by:
            return f"{role.name} may not perform '{action}'"
        if role.busy_until > now + 1e-9:
            return f"{role.name} is busy with '{role.busy_with}' for {role.busy_until - now:.0f} s more"
        return None

    def occupy(self, role_id: str, action: str, now: float, duration: float) -> None:
        """Keep a role busy with an action for its duration."""
        role = self.roles[role_id]
        role.busy_with, role.busy_from, role.busy_until = action, now, now + duration
        role.open_actions += 1

    def release(self, role_id: str) -> None:
        """An action of the role has finished; the role is free once its last action has (an action that ends in the
        tick another starts does not clear the new one)."""
        role = self.roles[role_id]
        role.open_actions = max(role.open_actions - 1, 0)
        if role.open_actions == 0:
            role.busy_with = None
