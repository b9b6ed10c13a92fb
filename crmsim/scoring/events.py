"""A typed, read-only view of a session's log: who was there, what was ordered and how the loop went, what was done.

Everything here is built once from the log's records by :func:`build_timeline`; nothing reads the running
simulation. Times are simulated seconds (``t``); every item keeps the ``seq`` of the record(s) it came from, so
that a rating can show its evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal, NamedTuple

from crmsim.core.log import Log, Record
from crmsim.core.matching import ACTION_KINDS

#: An order given this close to the end of the session with no done report is still open, not missed (seconds).
PENDING_GRACE_S = 60.0

#: Kinds that are the team re-assessing the patient aloud (call-outs, summaries, declared diagnoses).
REASSESSMENT_KINDS = frozenset({"FindingCalledOut", "SummaryGiven", "DiagnosisDeclared"})

Loop = Literal["complete", "incomplete", "missed", "pending"]


class Event(NamedTuple):
    """One record as the scorer uses it: where it is (``seq``, ``t``), what it is, who did it (``role``).

    A named tuple, not a dataclass: a timeline makes one per record, and this is five times faster to make.
    """

    seq: int
    t: float
    kind: str
    source: str
    role: str | None
    data: Mapping[str, Any]


def _seq_of(event: Event) -> int:
    return event.seq


@dataclass(frozen=True)
class Order:
    """An order and every record of its loop, linked by the order id."""

    id: str
    given: Event
    response: Event | None = None
    """The first OrderAcknowledged, OrderClarified or OrderDeclined."""
    done: Event | None = None
    actions: tuple[Event, ...] = ()

    @property
    def directed(self) -> bool:
        return bool(self.given.data.get("directed"))

    @property
    def read_back(self) -> bool:
        return self.response is not None and self.response.kind == "OrderAcknowledged" \
            and bool(self.response.data.get("read_back"))  # fmt: skip

    def loop(self, end_t: float) -> Loop:
        """Closed-loop state: complete (read back and reported done, or declined with a reason), incomplete (part
        of the loop), missed (no response and never done) or pending (still open when the session ended)."""
        declined = self.response is not None and self.response.kind == "OrderDeclined"
        if declined or (self.read_back and self.done is not None):
            return "complete"
        if self.done is None and end_t - self.given.t < PENDING_GRACE_S:
            return "pending"
        if self.response is None and self.done is None:
            return "missed"
        return "incomplete"

    def evidence(self) -> tuple[int, ...]:
        items = [self.given, self.response, self.done]
        return tuple(e.seq for e in items if e is not None)


@dataclass(frozen=True)
class Concern:
    """A concern raised (speaking up) and the answer it got, if any."""

    id: str
    raised: Event
    answer: Event | None = None


@dataclass(frozen=True)
class Timeline:
    """The session as the scorer sees it."""

    participants: Mapping[str, str]
    """participant id -> role"""
    records: tuple[Record, ...]
    """the log's records, which ``events`` presents (made on first use: most of them are vital-sign samples)"""
    orders: tuple[Order, ...]
    concerns: tuple[Concern, ...]
    onset_t: float
    end_t: float
    outcome: str | None = None
    happenings: tuple[Event, ...] = ()
    """every event except the 1 Hz vital-sign samples (what selectors other than vitals look through)"""

    @cached_property
    def events(self) -> tuple[Event, ...]:
        """Every record as an event, in log order."""
        vitals = iter(self.of("VitalsSampled"))
        happenings = iter(self.happenings)
        return tuple([next(vitals) if r.kind == "VitalsSampled" else next(happenings) for r in self.records])

    @cached_property
    def by_seq(self) -> Mapping[int, Event]:
        """Each event by its record's seq (built on first use)."""
        return {e.seq: e for e in self.events}

    @cached_property
    def _by_kind(self) -> dict[str, tuple[Event, ...]]:
        """Each kind's happenings in log order (built on first use: metrics ask for kinds many times)."""
        found: dict[str, list[Event]] = {}
        for e in self.happenings:
            at = found.get(e.kind)
            if at is None:
                found[e.kind] = [e]
            else:
                at.append(e)
        return {kind: tuple(at) for kind, at in found.items()}

    @cached_property
    def _vitals(self) -> tuple[Event, ...]:
        """The vital-sign samples as events (made only when asked for)."""
        role_of, make = self.participants.get, tuple.__new__
        return tuple([make(Event, (r.seq, r.t, r.kind, r.source, role_of(r.source), r.data))
                      for r in self.records if r.kind == "VitalsSampled"])  # fmt: skip

    @cached_property
    def _of_kinds(self) -> dict[tuple[str, ...], tuple[Event, ...]]:
        """Answers of ``of`` so far (the timeline never changes, and metrics ask the same question many times)."""
        return {}

    def of(self, *kinds: str) -> tuple[Event, ...]:
        """The events of these kinds, in log order."""
        found = self._of_kinds.get(kinds)
        if found is None:
            index = self._by_kind
            if len(kinds) == 1:
                found = self._vitals if kinds[0] == "VitalsSampled" else index.get(kinds[0], ())
            else:
                found = tuple(sorted((e for k in set(kinds) for e in (self._vitals if k == "VitalsSampled" else
                                                                      index.get(k, ()))), key=_seq_of))  # fmt: skip
            self._of_kinds[kinds] = found
        return found

    @cached_property
    def _by_action(self) -> dict[str, tuple[Event, ...]]:
        found: dict[str, list[Event]] = {}
        for e in self.of(*ACTION_KINDS):
            found.setdefault(str(e.data.get("action")), []).append(e)
        return {action: tuple(at) for action, at in found.items()}

    def of_action(self, action_id: str) -> tuple[Event, ...]:
        """The action records (drugs given, infusions started, interventions performed) of this action id, by
        anyone, in log order."""
        return self._by_action.get(action_id, ())

    def first(self, *kinds: str, after: float = 0.0) -> Event | None:
        """The first event of these kinds at or after ``after``."""
        return next((e for e in self.of(*kinds) if e.t >= after - 1e-9), None)

    def actions(self) -> tuple[Event, ...]:
        """Actions done by the team (drugs given, infusions started, interventions performed), not confederates'."""
        return self.team(*ACTION_KINDS)

    @cached_property
    def _team_of_kinds(self) -> dict[tuple[str, ...], tuple[Event, ...]]:
        """Answers of ``team`` so far."""
        return {}

    def team(self, *kinds: str) -> tuple[Event, ...]:
        """Events of these kinds made by a team member (not a confederate, the scenario or the system)."""
        found = self._team_of_kinds.get(kinds)
        if found is None:
            found = self._team_of_kinds[kinds] = tuple([e for e in self.of(*kinds) if e.source in self.participants])
        return found

    @cached_property
    def _starts(self) -> dict[str | None, float]:
        """Answers of ``start_for`` so far."""
        return {None: self.onset_t}

    def start_for(self, who: str | None) -> float:
        """When the crisis began for ``who``: the onset, or their arrival if they came later (the team: the onset)."""
        found = self._starts.get(who)
        if found is None:
            arrived = next((e.t for e in self.of("RoleArrived") if e.data.get("participant") == who), 0.0)
            found = self._starts[who] = max(self.onset_t, arrived)
        return found

    def leader_from(self, leader_roles: frozenset[str]) -> float:
        """When a leader was first there to lead: the onset, or a leader's arrival if none was there at the start."""
        arrivals = {str(e.data.get("role")): e.t for e in self.of("RoleArrived")}
        present = [arrivals.get(role, 0.0) for role in leader_roles if role in self.participants.values()]
        return max(self.onset_t, min(present)) if present else self.onset_t

    def time_of(self, seq: int) -> float | None:
        event = self.by_seq.get(seq)
        return event.t if event is not None else None


def _happenings(log: Log, participants: Mapping[str, str]) -> tuple[Event, ...]:
    """Every record but the vital-sign samples, as events.

    The hot loop of scoring: events are made with ``tuple.__new__``, which skips the named tuple's Python-level
    constructor."""
    role_of, make = participants.get, tuple.__new__
    happenings: list[Event] = []
    for r in log.records:
        if r.kind != "VitalsSampled":
            role = r.data.get("role")
            happenings.append(make(Event, (r.seq, r.t, r.kind, r.source, role if isinstance(role, str)
                                           else role_of(r.source), r.data)))  # fmt: skip
    return tuple(happenings)


def _onset(events: Iterable[Event]) -> float:
    """When the crisis starts: the first insult, else the first alarm, else the start."""
    events = tuple(events)
    for kinds in (("InsultStarted",), ("AlarmRaised",)):
        first = next((e for e in events if e.kind in kinds), None)
        if first is not None:
            return first.t
    return 0.0


def build_timeline(log: Log) -> Timeline:
    """Read a log's header and records into a :class:`Timeline`."""
    participants = {str(p["id"]): str(p["role"]) for p in log.header.get("participants", []) if "id" in p}
    happenings = _happenings(log, participants)
    given: dict[str, Event] = {}
    responses: dict[str, Event] = {}
    done: dict[str, Event] = {}
    acted: dict[str, list[Event]] = {}
    raised: dict[str, Event] = {}
    answers: dict[str, Event] = {}
    for e in happenings:
        order = e.data.get("order")
        if e.kind == "OrderGiven":
            given.setdefault(str(order), e)
        elif e.kind in ("OrderAcknowledged", "OrderClarified", "OrderDeclined"):
            responses.setdefault(str(order), e)
        elif e.kind == "OrderDone":
            done.setdefault(str(order), e)
        elif e.kind in ACTION_KINDS and isinstance(order, str):
            acted.setdefault(order, []).append(e)
        elif e.kind == "ConcernRaised":
            raised.setdefault(str(e.data.get("concern")), e)
        elif e.kind == "ConcernAnswered":
            answers.setdefault(str(e.data.get("concern")), e)
    orders = tuple(Order(oid, g, responses.get(oid), done.get(oid), tuple(acted.get(oid, ())))
                   for oid, g in given.items())  # fmt: skip
    concerns = tuple(Concern(cid, r, answers.get(cid)) for cid, r in raised.items())
    ended = next((e for e in reversed(happenings) if e.kind == "SessionEnded"), None)
    end_t = ended.t if ended else (log.records[-1].t if log.records else 0.0)
    return Timeline(
        participants=participants, records=tuple(log.records), orders=orders, concerns=concerns,
        onset_t=_onset(happenings), end_t=end_t, outcome=str(ended.data.get("outcome")) if ended else None,
        happenings=happenings,
    )  # fmt: skip
