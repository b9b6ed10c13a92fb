"""The session facade: ``Session(loaded, seed)``, ``submit(command)``, ``step()``, ``view()`` and the log.

One ``step()`` advances exactly one tick. Commands submitted before a step are applied at its start, logged as
issued (``CommandIssued``) so the log can be re-run, followed by their outcome. The same scenario, seed and
command stream always give a byte-identical log.
"""

from __future__ import annotations

import copy
import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import TypeAdapter

from crmsim import __version__
from crmsim.core import actions, handlers
from crmsim.core.alarms import AlarmMonitor
from crmsim.core.clock import TICK_S, SimClock
from crmsim.core.history import History
from crmsim.core.log import FORMAT, FORMAT_VERSION, LogWriter, Record
from crmsim.core.orders import OrderBook
from crmsim.core.physiology import PatientModel
from crmsim.core.runtime import ScenarioRuntime
from crmsim.core.sampled import compact
from crmsim.core.team import FACILITATOR, Participant, Team, default_participants
from crmsim.core.view import SessionView, display_names, snapshot
from crmsim.schema import commands as c
from crmsim.schema.load import LoadedScenario

COMMAND = TypeAdapter(c.Command)
#: At most this many distinct sampled values are shared (vitals are rounded to 0.1, so a session needs a few thousand).
MAX_SHARED_NUMBERS = 20_000


_SCALARS = (str, int, float, bool, type(None))


def _copied(value: Any) -> Any:
    """A deep copy of record data (JSON-like: dicts, lists, scalars), about fifty times faster than
    ``copy.deepcopy`` for the flat dicts most records carry; anything unusual still goes through ``deepcopy``."""
    if type(value) is dict:
        if all(type(item) in _SCALARS for item in value.values()):
            return value.copy()
        return {key: _copied(item) for key, item in value.items()}
    if type(value) is list:
        return [_copied(item) for item in value]
    if type(value) in _SCALARS:
        return value
    return copy.deepcopy(value)


@dataclass(frozen=True)
class Issued:
    """A command as someone issued it: who (a participant id or ``facilitator``), what, and an optional label."""

    by: str
    command: Any
    label: str | None = None

    def as_data(self) -> dict[str, Any]:
        """The command as logged in ``CommandIssued``."""
        data: dict[str, Any] = {"by": self.by, "command": COMMAND.dump_python(self.command, mode="json", by_alias=True,
                                                                             exclude_none=True)}  # fmt: skip
        if self.label:
            data["label"] = self.label
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Issued:
        """A command back from its ``CommandIssued`` record."""
        return cls(data["by"], COMMAND.validate_python(data["command"]), data.get("label"))


class Session:
    """One run of a scenario by a team."""

    def __init__(self, loaded: LoadedScenario, seed: int, participants: Sequence[Participant] | None = None, *,
                 started_at: str = "", log: LogWriter | None = None, tick_s: float = TICK_S) -> None:  # fmt: skip
        self.loaded, self.seed, self.clock = loaded, seed, SimClock(tick_s)
        self.started_at = started_at
        self.participants = tuple(participants or default_participants(loaded.scenario))
        streams = np.random.SeedSequence(seed).spawn(2)
        self.rng_physiology = np.random.default_rng(streams[0])
        self.rng_actions = np.random.default_rng(streams[1])
        self.team = Team(loaded.scenario, self.participants)
        #: What the screen calls each action, role, confederate and participant (fixed for the session).
        self.names = display_names(loaded, {p.id: p.role for p in self.participants})
        #: The scenario's chest-compression actions (formulary kind ``cpr``): the view tells the monitor when one runs.
        self.compression_actions = frozenset(a for a, i in loaded.formulary.interventions.items() if i.kind == "cpr")
        self.physiology = PatientModel(loaded.scenario.patient, self.rng_physiology)
        self.history = History(loaded.scenario.patient.weight_kg)
        self.orders = OrderBook()
        self.alarms = AlarmMonitor()
        self.tick, self.now = 0, 0.0
        self.records: list[Record] = []
        self.queue: list[Issued] = []
        self.events: list[tuple[int, int, str, dict[str, Any]]] = []
        self.event_seq = 0
        self.failures: dict[str, float] = {}
        self.pending_errors: dict[str, dict[str, Any]] = {}
        self.action_counts: dict[str, int] = {}
        self.last_vitals: dict[str, Any] = {}
        self._numbers: dict[float, float] = {}
        self.paused, self.speed, self.ended, self.outcome = False, 1, False, None
        self._log, self._skip = log, 0
        self.log_path: str | None = log.path if log is not None else None
        if log is not None:
            log.write_header(self.header())
        self.runtime = ScenarioRuntime(self)
        self.emit("SessionStarted", "system", {"scenario": loaded.scenario.id, "seed": seed})
        self._sample()
        self.runtime.enter(loaded.scenario.phases[0].id, "start")

    def header(self) -> dict[str, Any]:
        """The log's first line."""
        s = self.loaded.scenario
        return {
            "format": FORMAT, "format_version": FORMAT_VERSION, "crmsim_version": __version__,
            "scenario": {"id": s.id, "version": s.version, "sha256": self.loaded.sha256, "path": self.loaded.path},
            "seed": self.seed, "tick_s": self.clock.tick_s,
            "participants": [p.as_dict() for p in self.participants], "started_at": self.started_at,
        }  # fmt: skip

    def attach_log(self, log: LogWriter, skip: int) -> None:
        """Write records from now on to ``log``, which already holds the first ``skip`` of them."""
        self._log, self._skip = log, skip
        self.log_path = log.path
        for record in self.records[skip:]:
            log.append(record)

    def emit(self, kind: str, source: str, data: dict[str, Any]) -> Record:
        """Append one record to the log and let the history see it (the record keeps its own copy of ``data``)."""
        payload = _copied(data)
        if kind == "VitalsSampled":
            payload = compact(payload)  # most records are these: a third of a dict's memory
        record = Record(len(self.records), self.tick, self.now, kind, source, payload)
        self.records.append(record)
        if self._log is not None and record.seq >= self._skip:
            self._log.append(record)
        self.history.observe(kind, record.data)  # the record's copy: the history keeps it, so keep one, not two
        self._dirty = True
        return record

    def sync_log(self) -> None:
        """Force the log to disk (at phase changes and at the end)."""
        if self._log is not None:
            self._log.sync()

    def close_log(self) -> None:
        """Sync and close the log file, if the session writes one."""
        if self._log is not None:
            self._log.close()
            self._log = None

    def schedule(self, delay: float, kind: str, payload: dict[str, Any]) -> None:
        """Do something ``delay`` seconds from now (ties keep their scheduling order)."""
        self.event_seq += 1
        heapq.heappush(self.events, (self.tick + self.clock.ticks(delay), self.event_seq, kind, payload))

    def submit(self, issued: Issued) -> None:
        """Queue a command; it is applied at the start of the next step."""
        self.queue.append(issued)

    def view(self) -> SessionView:
        """A read-only snapshot of the session for the screen."""
        return snapshot(self)

    def step(self) -> None:
        """Advance one tick (while paused, only apply queued commands)."""
        if self.ended:
            self.queue.clear()
            return
        self._dirty = False
        was_paused = self.paused
        if not was_paused:
            self.tick += 1
            self.now = self.clock.seconds(self.tick)
        self._apply_commands()
        if was_paused or self.paused or self.ended:
            return
        while self.events and self.events[0][0] <= self.tick and not self.ended:
            _, _, kind, payload = heapq.heappop(self.events)
            self._run_event(kind, payload)
        self.physiology.step(self.clock.tick_s)
        sampled = self.tick % self.clock.per_second == 0
        if sampled:
            self._sample()
        if not self.ended and (sampled or self._dirty):
            self.runtime.evaluate()
        if not self.ended and self.now >= self.loaded.scenario.duration_limit - 1e-9:
            self.finish("time_limit", "The scenario's time limit was reached.", self.runtime.phase.id)

    def _sample(self) -> None:
        vitals = {k: self._shared_number(v) for k, v in self.physiology.vitals().as_dict().items()}
        self.last_vitals = vitals
        self.emit("VitalsSampled", "physiology", vitals)
        self.history.sample(self.now, vitals)
        for kind, data in self.alarms.update(self.now, vitals):
            self.emit(kind, "physiology", data)

    def _shared_number(self, value: Any) -> Any:
        """One float object per sampled value (the 1 Hz samples repeat values: an 8-hour session keeps 28,800 of
        them, and sharing saves about a fifth of its memory). Zero is left alone, so -0.0 stays -0.0."""
        if type(value) is not float or value == 0.0:
            return value
        shared = self._numbers.get(value)
        if shared is None:
            shared = value
            if len(self._numbers) < MAX_SHARED_NUMBERS:
                self._numbers[value] = value
        return shared

    def _apply_commands(self) -> None:
        queued, self.queue = self.queue, []
        for issued in queued:
            self.emit("CommandIssued", issued.by, issued.as_data())
            reason = self._carry_out(issued)
            if reason is not None:
                self.emit("CommandRejected", issued.by, {"command": issued.command.do, "reason": reason})

    def _carry_out(self, issued: Issued) -> str | None:
        cmd = issued.command
        facilitating = isinstance(cmd, c.FacilitatorCommand.__args__)  # type: ignore[attr-defined]
        if facilitating and issued.by != FACILITATOR:
            return "only the facilitator can do that"
        if self.ended:
            return "the session has ended"
        if facilitating:
            return self._facilitate(cmd)
        role = self.team.role_of(issued.by)
        if role is None:
            return f"unknown participant '{issued.by}'"
        if not self.team.roles[role].present:
            return f"{self.team.roles[role].name} is not in the room yet"
        if self.paused:
            return "the session is paused"
        return handlers.handle(self, issued.by, role, cmd, issued.label)

    def _facilitate(self, cmd: Any) -> str | None:
        if isinstance(cmd, c.Pause):
            if self.paused:
                return "already paused"
            self.paused = True
            self.emit("Paused", FACILITATOR, {})
        elif isinstance(cmd, c.Resume):
            if not self.paused:
                return "not paused"
            self.paused = False
            self.emit("Resumed", FACILITATOR, {})
        elif isinstance(cmd, c.SetSpeed):
            self.speed = cmd.factor
            self.emit("SpeedChanged", FACILITATOR, {"factor": cmd.factor})
        elif isinstance(cmd, c.TriggerInject):
            inject = self.runtime.injects.get(cmd.inject)
            if inject is None:
                return f"no inject '{cmd.inject}'"
            if inject.id in self.runtime.fired:
                return f"inject '{cmd.inject}' has already happened"
            self.runtime.fire(inject, "facilitator")
        elif isinstance(cmd, c.JumpToPhase):
            if cmd.phase not in self.runtime.phases:
                return f"no phase '{cmd.phase}'"
            self.runtime.enter(cmd.phase, "facilitator")
        elif isinstance(cmd, c.Annotate):
            self.emit("Annotated", FACILITATOR, {"tag": cmd.tag, "note": cmd.note})
        elif isinstance(cmd, c.EndSession):
            self.finish("ended", "The facilitator ended the session.", self.runtime.phase.id)
        return None

    def _run_event(self, kind: str, payload: dict[str, Any]) -> None:
        if kind == "complete":
            actions.complete(self, payload["planned"])
        elif kind == "arrive":
            role = self.team.roles[payload["role"]]
            role.present, role.arriving_at = True, None
            self.emit("RoleArrived", "system", {"role": role.id, "name": role.name,
                                                "participant": self.team.participant_for(role.id)})  # fmt: skip
        elif kind == "line":
            self.runtime.line(payload["by"], payload["say"], payload["generation"])
        elif kind == "lab":
            values = self.physiology.lab_results(payload["reports"])
            self.emit("LabResulted", "physiology", {"test": payload["test"], "values": values})
        elif kind == "restore":
            if self.failures.get(payload["action"], 0) <= self.now + 1e-9:
                self.failures.pop(payload["action"], None)
                self.emit("EquipmentRestored", "scenario", {"action": payload["action"]})
        elif kind == "error_offer":
            self.runtime.offer_error(payload["inject"])
        elif kind == "error_window":
            self.runtime.error_window_closed(payload["inject"])

    def finish(self, outcome: str, summary: str | None, phase: str) -> None:
        """End the session with an outcome."""
        if self.ended:
            return
        self.ended, self.outcome = True, outcome
        self.emit("SessionEnded", "system", {"outcome": outcome, "summary": summary, "phase": phase})
        self.sync_log()
