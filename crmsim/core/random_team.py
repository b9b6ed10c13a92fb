"""A seeded random team: every few sim seconds someone in the room does something the scenario allows.

It drives a session the way a busy, unpredictable team would — drugs at their usual doses, orders directed and
undirected, read-backs, clarifications and refusals of the open orders, call-outs, diagnoses, calls for help,
summaries, concerns and their answers, cross-checks, cognitive aids — with the facilitator now and then pausing,
changing speed, annotating or triggering an inject. Every command is valid in form (the core may still reject it,
as it would a person's). One seed gives one stream of commands, so a soak or a rehearsal run can be repeated.
It never jumps to an end phase nor ends the session: the scenario's own course (or its time limit) ends it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from crmsim.core.session import COMMAND, Issued, Session
from crmsim.core.team import FACILITATOR
from crmsim.core.view import SessionView

#: How often each kind of move is chosen, relative to the others.
MOVES: dict[str, float] = {
    "perform": 5, "order": 4, "answer_order": 6, "call_out": 3, "declare": 1, "call_help": 0.5, "assign": 1,
    "summarise": 1, "raise_concern": 1, "respond_concern": 2, "cross_check": 1, "open_aid": 0.5, "facilitate": 1,
}  # fmt: skip
VITALS = ("hr", "sbp", "spo2", "etco2", "rr", "temp", "rhythm")
WORDS = ("concerned", "uncomfortable", "safety_issue")


class RandomTeam:
    """Submits one random command every ``gap`` sim seconds (drawn uniformly between its bounds)."""

    def __init__(self, session: Session, seed: int, gap: tuple[float, float] = (2.0, 6.0)) -> None:
        self.session, self.gap = session, gap
        self.rng = np.random.default_rng(seed)
        self.next_at = self._draw_gap()
        self.submitted = 0
        self._paused_at: float | None = None
        scenario = session.loaded.scenario
        self._end_phases = {p.id for p in scenario.phases if p.end is not None}
        self._moves = list(MOVES)
        weights = np.array([MOVES[m] for m in self._moves])
        self._weights = weights / weights.sum()

    def _draw_gap(self) -> float:
        return float(self.rng.uniform(*self.gap))

    def _pick(self, items: list[Any] | tuple[Any, ...]) -> Any:
        return items[int(self.rng.integers(len(items)))]

    def feed(self, session: Session) -> None:
        """Submit the next command when its time has come (call before each ``step()``)."""
        if session.paused and self._paused_at is not None and session.now >= self._paused_at:
            session.submit(Issued(FACILITATOR, _command({"do": "resume"})))  # a pause lasts one step
            self._paused_at = None
            return
        if session.now + 1e-9 < self.next_at or session.ended:
            return
        self.next_at = session.now + self._draw_gap()
        view = session.view()
        move = str(self.rng.choice(self._moves, p=self._weights))
        made = getattr(self, f"_{move}")(view)
        if made is None:
            return
        by, data = made
        session.submit(Issued(by, _command(data)))
        self.submitted += 1

    def run(self, session: Session, *, until: float | None = None, on_step: Callable[[Session], None] | None = None,
            ) -> Session:  # fmt: skip
        """Drive ``session`` until it ends (or sim time ``until``), calling ``on_step`` after every step."""
        while not session.ended and (until is None or session.now < until - 1e-9):
            self.feed(session)
            session.step()
            if on_step is not None:
                on_step(session)
        return session

    # --- who and what -------------------------------------------------------------------------------------
    def _someone(self, view: SessionView, allowed: tuple[str, ...] | None = None) -> tuple[str, str] | None:
        """A present role (among ``allowed``) and the participant playing it."""
        roles = [r for r in view.roles if r.present and r.participant and (allowed is None or r.id in allowed)]
        if not roles:
            return None
        role = self._pick(roles)
        return role.id, role.participant

    def _action(self) -> tuple[str, dict[str, Any], tuple[str, ...]]:
        """A permitted action with a usual dose and route for a drug, and the roles that may do it."""
        loaded = self.session.loaded
        permission = self._pick(loaded.scenario.actions)
        drug = loaded.formulary.drugs.get(permission.action)
        extra: dict[str, Any] = {}
        if drug is not None:
            routes = [r for r in drug.doses if r != "infusion"]
            if routes:
                route = self._pick(routes)
                extra = {"route": route, "dose": str(drug.doses[route].usual)}
        return permission.action, extra, tuple(permission.by)

    # --- moves: each returns (by, command data) or None when it does not apply now -------------------------
    def _perform(self, view: SessionView) -> tuple[str, dict[str, Any]] | None:
        action, extra, roles = self._action()
        who = self._someone(view, roles)
        return None if who is None else (who[1], {"do": "perform", "action": action, **extra})

    def _order(self, view: SessionView) -> tuple[str, dict[str, Any]] | None:
        action, extra, roles = self._action()
        who = self._someone(view)
        if who is None:
            return None
        to = [r.id for r in view.roles if r.present and r.id in roles and r.id != who[0]]
        target = {"to": self._pick(to)} if to and self.rng.random() < 0.7 else {}
        return who[1], {"do": "order", "action": action, **target, **extra}

    def _answer_order(self, view: SessionView) -> tuple[str, dict[str, Any]] | None:
        if not view.orders:
            return None
        order = self._pick(view.orders)
        who = self._someone(view, (order.to,) if order.to else None)
        if who is None:
            return None
        answer = self._pick(("acknowledge", "acknowledge", "report_done", "report_done", "clarify", "decline"))
        data: dict[str, Any] = {"do": answer, "order": order.id}
        if answer == "acknowledge":
            data["read_back"] = bool(self.rng.random() < 0.7)
        elif answer == "clarify":
            data["question"] = "Which dose did you say?"
        elif answer == "decline":
            data["reason"] = "My hands are full."
        return who[1], data

    def _call_out(self, view: SessionView) -> tuple[str, dict[str, Any]] | None:
        who = self._someone(view)
        findings = [f.id for f in self.session.loaded.scenario.findings] + list(VITALS)
        finding = self._pick(findings)
        return None if who is None else (who[1], {"do": "call_out", "finding": finding,
                                                   "text": f"{finding} is {view.vitals.get(finding, 'abnormal')}"})

    def _declare(self, view: SessionView) -> tuple[str, dict[str, Any]] | None:
        who = self._someone(view)
        diagnoses = [d.id for d in self.session.loaded.scenario.diagnoses]
        data: dict[str, Any] = {"do": "declare"}
        if diagnoses and self.rng.random() < 0.7:
            data["diagnosis"] = self._pick(diagnoses)
        return None if who is None else (who[1], data)

    def _call_help(self, view: SessionView) -> tuple[str, dict[str, Any]] | None:
        who = self._someone(view)
        sbar = {"situation": "The patient is getting worse.", "request": "Please come now."}
        return None if who is None else (who[1], {"do": "call_help", "sbar": sbar})

    def _assign(self, view: SessionView) -> tuple[str, dict[str, Any]] | None:
        who = self._someone(view)
        others = [r.id for r in view.roles if who is not None and r.id != who[0]]
        if who is None or not others:
            return None
        return who[1], {"do": "assign", "to": self._pick(others), "task": "Keep the time and write it down."}

    def _summarise(self, view: SessionView) -> tuple[str, dict[str, Any]] | None:
        who = self._someone(view)
        plan = f"At {view.t:.0f} s in {view.phase}: keep going with the plan."
        return None if who is None else (who[1], {"do": "summarise", "plan": plan, "pause": bool(self.rng.random() < 0.3)})

    def _raise_concern(self, view: SessionView) -> tuple[str, dict[str, Any]] | None:
        who = self._someone(view)
        if who is None:
            return None
        others = [r.id for r in view.roles if r.present and r.id != who[0]]
        data: dict[str, Any] = {"do": "raise_concern", "level": self._pick(("probe", "alert", "challenge", "emergency")),
                                "about": "I am not sure about that dose."}  # fmt: skip
        if others:
            data["to"] = self._pick(others)
        if self.rng.random() < 0.5:
            data["words"] = self._pick(WORDS)
        return who[1], data

    def _respond_concern(self, view: SessionView) -> tuple[str, dict[str, Any]] | None:
        if not view.open_concerns:
            return None
        concern = self._pick(view.open_concerns)
        who = self._someone(view, (concern.to,) if concern.to else None)
        response = self._pick(("acknowledged", "acted", "dismissed"))
        return None if who is None else (who[1], {"do": "respond_concern", "concern": concern.id, "response": response})

    def _cross_check(self, view: SessionView) -> tuple[str, dict[str, Any]] | None:
        action, extra, _ = self._action()
        who = self._someone(view)
        others = [r.id for r in view.roles if r.present and who is not None and r.id != who[0]]
        if who is None or not others:
            return None
        dose = {"dose": extra["dose"]} if "dose" in extra else {}
        return who[1], {"do": "cross_check", "with": self._pick(others), "action": action, **dose}

    def _open_aid(self, view: SessionView) -> tuple[str, dict[str, Any]] | None:
        loaded = self.session.loaded
        aids = [p for p in loaded.scenario.actions
                if (item := loaded.formulary.interventions.get(p.action)) is not None and item.kind == "cognitive_aid"]
        if not aids:
            return None
        permission = self._pick(aids)
        who = self._someone(view, tuple(permission.by))
        return None if who is None else (who[1], {"do": "open_aid", "aid": permission.action})

    def _facilitate(self, view: SessionView) -> tuple[str, dict[str, Any]] | None:
        scenario = self.session.loaded.scenario
        choice = self._pick(("annotate", "speed", "pause", "inject", "jump"))
        if choice == "pause" and not view.paused:
            self._paused_at = view.t
            return FACILITATOR, {"do": "pause"}
        if choice == "speed":
            return FACILITATOR, {"do": "speed", "factor": int(self._pick((1, 2, 4)))}
        if choice == "inject" and scenario.injects:
            return FACILITATOR, {"do": "trigger_inject", "inject": self._pick(scenario.injects).id}
        phases = [p.id for p in scenario.phases if p.id not in self._end_phases]
        if choice == "jump" and phases:
            return FACILITATOR, {"do": "jump", "phase": self._pick(phases)}
        return FACILITATOR, {"do": "annotate", "tag": "moment", "note": f"at {view.t:.0f} s"}


def _command(data: dict[str, Any]) -> Any:
    """A command model from its data (the vocabulary scripts and the game use)."""
    return COMMAND.validate_python(data)
