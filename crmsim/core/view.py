"""The read-only snapshot of a session that a screen draws: vitals, alarms, phase, roles, open orders, messages.

``snapshot(session)`` copies what it needs into frozen dataclasses, so a screen can hold a view across frames
without ever changing the session. ``describe(record)`` turns a communication or scenario record into the one line
the comms panel shows.
"""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from crmsim.core.log import Record
from crmsim.core.orders import OPEN_STATES

if TYPE_CHECKING:
    from crmsim.core.session import Session
    from crmsim.schema.load import LoadedScenario

#: How many of the latest messages a view carries.
MESSAGES_SHOWN = 30

#: Record kinds that can have a comms-panel line (see :func:`describe`).
MESSAGE_KINDS = frozenset({
    "OrderGiven", "OrderAcknowledged", "OrderClarified", "OrderDeclined", "OrderDone", "FindingCalledOut",
    "EmergencyDeclared", "DiagnosisDeclared", "HelpCalled", "TaskAssigned", "SummaryGiven", "ConcernRaised",
    "ConcernAnswered", "DoseCrossChecked", "AidOpened", "LineSpoken", "RoleArrived", "CommandRejected",
    "PhaseEntered", "InjectFired", "LabResulted",
})  # fmt: skip

_CONCERN_LEVELS = {"probe": "asks", "alert": "alerts", "challenge": "challenges", "emergency": "STOPS"}


@dataclass(frozen=True)
class AlarmView:
    """An active monitor alarm."""

    id: str
    vital: str
    value: float | str | None
    priority: str


@dataclass(frozen=True)
class RoleView:
    """One role: in the room or on the way, and what it is busy with."""

    id: str
    name: str
    participant: str | None
    present: bool
    arriving_in: float | None
    busy_with: str | None
    busy_for: float
    actions: tuple[str, ...]


@dataclass(frozen=True)
class OrderView:
    """An order still open (given, acknowledged, clarified, being carried out)."""

    id: str
    by: str
    to: str | None
    action: str
    dose: str | None
    route: str | None
    rate: str | None
    state: str
    read_back: bool | None
    given_at: float


@dataclass(frozen=True)
class ConcernView:
    """A concern raised and not yet answered."""

    id: str
    by: str
    to: str | None
    level: str
    about: str


@dataclass(frozen=True)
class Message:
    """One line of the comms panel."""

    seq: int
    t: float
    kind: str
    speaker: str
    text: str


@dataclass(frozen=True)
class SessionView:
    """Everything the shared screen shows at one instant."""

    t: float
    tick: int
    paused: bool
    speed: int
    ended: bool
    outcome: str | None
    phase: str
    phase_title: str
    vitals: Mapping[str, float | str]
    alarms: tuple[AlarmView, ...]
    roles: tuple[RoleView, ...]
    orders: tuple[OrderView, ...]
    open_concerns: tuple[ConcernView, ...]
    failed_equipment: tuple[str, ...]
    messages: tuple[Message, ...]
    #: Whether someone is giving chest compressions now (the monitor draws their artefact and pulses).
    compressions: bool = False

    def as_data(self) -> dict[str, Any]:
        """The view as plain JSON-safe data (for ``crmsim replay --until``)."""
        data = dataclasses.asdict(dataclasses.replace(self, vitals={}))
        data["vitals"] = dict(self.vitals)
        return data


def snapshot(session: Session) -> SessionView:
    """A frozen copy of what the screen needs from ``session`` now."""
    now, team = session.now, session.team
    roles = tuple(
        RoleView(
            id=r.id, name=r.name, participant=team.participant_for(r.id), present=r.present,
            arriving_in=None if r.arriving_at is None else max(0.0, r.arriving_at - now),
            busy_with=r.busy_with if r.busy_until > now + 1e-9 else None,
            busy_for=max(0.0, r.busy_until - now) if r.busy_with else 0.0,
            actions=tuple(a for a, p in team.permissions.items() if r.id in p.by),
        )
        for r in team.roles.values()
    )  # fmt: skip
    orders = tuple(
        OrderView(o.id, o.by, o.to, o.action, str(o.dose) if o.dose else None, o.route,
                  str(o.rate) if o.rate else None, o.state, o.read_back, o.given_at)
        for o in session.orders.orders.values() if o.state in OPEN_STATES
    )  # fmt: skip
    alarms = tuple(AlarmView(a, d["vital"], d["value"], d["priority"]) for a, d in session.alarms.active.items())
    phase = session.runtime.phase
    return SessionView(
        t=now, tick=session.tick, paused=session.paused, speed=session.speed, ended=session.ended,
        outcome=session.outcome, phase=phase.id, phase_title=phase.title,
        vitals=MappingProxyType(dict(session.last_vitals)), alarms=alarms, roles=roles, orders=orders,
        open_concerns=tuple(ConcernView(c, d["role"], d.get("to"), d["level"], d["about"])
                            for c, d in session.orders.concerns.items() if not d.get("answered")),
        failed_equipment=tuple(a for a, until in session.failures.items() if until > now),
        messages=latest_messages(session.records, session.names),
        compressions=not session.compression_actions.isdisjoint(r.busy_with for r in roles),
    )  # fmt: skip


#: Display names of the log's non-person sources.
SOURCE_NAMES = {"facilitator": "Facilitator", "scenario": "Scenario", "system": "crmsim", "physiology": "Monitor"}


def display_names(loaded: LoadedScenario, participants: Mapping[str, str]) -> dict[str, str]:
    """Display names by action id, role id, confederate id and participant id (``participants``: id → role)."""
    formulary, team = loaded.formulary, loaded.scenario.team
    names = {a: i.name.split(" (")[0] for a, i in (formulary.drugs | formulary.interventions).items()}
    names |= {r.id: r.name for r in team.roles} | {c.id: c.name for c in team.confederates}
    for pid, role in participants.items():
        names[pid] = names.get(role, role)
    return names | SOURCE_NAMES


def latest_messages(records: list[Record], names: Mapping[str, str], count: int = MESSAGES_SHOWN) -> tuple[Message, ...]:
    """The last ``count`` records that have a line in the comms panel, oldest first."""
    found: list[Message] = []
    for record in reversed(records):
        if record.kind not in MESSAGE_KINDS:  # most records are vitals: skip them before building any text
            continue
        text = describe(record, names)
        if text is not None:
            found.append(Message(record.seq, record.t, record.kind, names.get(record.source, record.source), text))
            if len(found) == count:
                break
    return tuple(reversed(found))


def describe(record: Record, names: Mapping[str, str]) -> str | None:  # noqa: PLR0911 - one line per kind
    """The comms-panel line for a record, or None for records the panel does not show."""
    d: Mapping[str, Any] = record.data
    name = lambda key: names.get(str(d.get(key)), str(d.get(key)))  # noqa: E731
    action = names.get(str(d.get("action")), str(d.get("action")))
    dose = " ".join(str(d[k]) for k in ("dose", "route", "rate") if d.get(k))
    kind = record.kind
    if kind == "OrderGiven":
        to = name("to") if d.get("to") else "anyone"
        return f"{to}: {action}{' ' + dose if dose else ''} [{d['order']}]"
    if kind == "OrderAcknowledged":
        return f"{'reads back' if d['read_back'] else 'acknowledges'} {action}{' ' + dose if dose else ''} [{d['order']}]"
    if kind == "OrderClarified":
        return f"asks about {action}: {d['question']} [{d['order']}]"
    if kind == "OrderDeclined":
        return f"declines {action}: {d['reason']} [{d['order']}]"
    if kind == "OrderDone":
        return f"{action} done [{d['order']}]"
    if kind == "FindingCalledOut":
        return d.get("text") or f"calls out {d['finding']}"
    if kind == "EmergencyDeclared":
        return "declares an emergency"
    if kind == "DiagnosisDeclared":
        return f"working diagnosis: {d['name']}"
    if kind == "HelpCalled":
        sbar = d.get("sbar") or {}
        return f"calls for help ({', '.join(names.get(r, r) for r in d['roles']) or 'anyone'})" + (
            f": {sbar['request']}" if sbar.get("request") else "")
    if kind == "TaskAssigned":
        return f"{name('to')}: {d['task']}"
    if kind == "SummaryGiven":
        return f"{'10-for-10: ' if d['pause'] else 'summary: '}{d['plan']}"
    if kind == "ConcernRaised":
        return f"{_CONCERN_LEVELS.get(d['level'], d['level'])}: {d['about']}"
    if kind == "ConcernAnswered":
        return f"answers the concern [{d['concern']}]: {d['response']}"
    if kind == "DoseCrossChecked":
        return f"cross-checks {action}{' ' + d['dose'] if d.get('dose') else ''} with {name('with')}"
    if kind == "AidOpened":
        return f"opens {d['title']}"
    if kind == "LineSpoken":
        return str(d["say"])
    if kind == "RoleArrived":
        return f"{d['name']} arrives"
    if kind == "CommandRejected":
        return f"could not {d['command']}: {d['reason']}"
    if kind in ("PhaseEntered", "InjectFired") and d.get("narration"):
        return str(d["narration"])
    if kind == "LabResulted":
        return f"{d['test']} result: " + ", ".join(f"{k} {v}" for k, v in d["values"].items())
    return None
