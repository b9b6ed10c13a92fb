"""What the shared screen showed at any moment of a finished session, rebuilt from its log alone.

The on-screen debrief replays a stretch of the monitor from the log: :class:`LogPlayback` indexes the records once
and answers :meth:`LogPlayback.view_at` with a :class:`~crmsim.core.view.SessionView` — the vitals sampled last
(1 Hz, as the monitor had them), the alarms sounding, the phase, whether compressions were going on, and the comms
lines so far. Nothing is re-simulated, so playback is a pure function of the log and costs a bisection per frame.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from crmsim.core.log import Log
from crmsim.core.view import MESSAGE_KINDS, AlarmView, Message, SessionView, describe, display_names
from crmsim.schema.load import LoadedScenario

#: Comms lines a playback view carries (as many as the live screen shows).
MESSAGES_SHOWN = 30


@dataclass(frozen=True)
class _Change:
    """Something that holds from ``t`` on: a vitals sample, the alarm set, a phase, compressions on or off."""

    t: float
    value: Any


class LogPlayback:
    """Views of a logged session at any sim time."""

    def __init__(self, log: Log, loaded: LoadedScenario) -> None:
        self.log, self.loaded = log, loaded
        records = log.records
        self.end_t = records[-1].t if records else 0.0
        tick_s = log.header.get("tick_s")
        self.tick_s = float(tick_s) if isinstance(tick_s, int | float) and tick_s > 0 else 0.1
        self.outcome = next((str(r.data.get("outcome")) for r in reversed(records) if r.kind == "SessionEnded"), None)
        titles = {p.id: p.title for p in loaded.scenario.phases}
        cpr = {a for a, i in loaded.formulary.interventions.items() if i.kind == "cpr"}
        self._vitals: list[_Change] = []
        self._alarms: list[_Change] = []
        self._phases: list[_Change] = []
        self._compressions: list[_Change] = []
        alarms: dict[str, AlarmView] = {}
        compressing: set[str] = set()
        for r in records:
            if r.kind == "VitalsSampled":
                self._vitals.append(_Change(r.t, MappingProxyType(dict(r.data))))
            elif r.kind in ("AlarmRaised", "AlarmCleared"):
                if r.kind == "AlarmRaised":
                    d = r.data
                    alarms[str(d.get("alarm"))] = AlarmView(str(d.get("alarm")), str(d.get("vital")), d.get("value"),
                                                            str(d.get("priority")))  # fmt: skip
                else:
                    alarms.pop(str(r.data.get("alarm")), None)
                self._alarms.append(_Change(r.t, tuple(alarms.values())))
            elif r.kind == "PhaseEntered":
                phase = str(r.data.get("phase"))
                self._phases.append(_Change(r.t, (phase, titles.get(phase, phase))))
            elif r.kind in ("ActionStarted", "InterventionEnded") and r.data.get("action") in cpr:
                role = str(r.data.get("role"))
                compressing.add(role) if r.kind == "ActionStarted" else compressing.discard(role)
                self._compressions.append(_Change(r.t, bool(compressing)))
        people = [p for p in log.header.get("participants", []) or [] if isinstance(p, Mapping) and "id" in p]
        names = display_names(loaded, {str(p["id"]): str(p.get("role")) for p in people})
        self._messages = [Message(r.seq, r.t, r.kind, r.source, text) for r in records
                          if r.kind in MESSAGE_KINDS and (text := describe(r, names)) is not None]  # fmt: skip
        self._message_ts = [m.t for m in self._messages]

    @staticmethod
    def _at(changes: list[_Change], t: float, default: Any) -> Any:
        index = bisect.bisect_right(changes, t + 1e-9, key=lambda c: c.t)
        return changes[index - 1].value if index else default

    def view_at(self, t: float) -> SessionView:
        """The screen's view at sim time ``t`` (clamped to the session), paused as a replay is."""
        t = min(max(0.0, t), self.end_t)
        phase, title = self._at(self._phases, t, ("", ""))
        shown = bisect.bisect_right(self._message_ts, t + 1e-9)
        return SessionView(
            t=t, tick=round(t / self.tick_s),
            paused=False, speed=1, ended=t >= self.end_t and self.outcome is not None,
            outcome=self.outcome if t >= self.end_t else None, phase=phase, phase_title=title,
            vitals=self._at(self._vitals, t, MappingProxyType({})), alarms=self._at(self._alarms, t, ()), roles=(),
            orders=(), open_concerns=(), failed_equipment=(),
            messages=tuple(self._messages[max(0, shown - MESSAGES_SHOWN):shown]),
            compressions=self._at(self._compressions, t, False),
        )  # fmt: skip
