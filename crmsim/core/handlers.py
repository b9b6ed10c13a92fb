"""What each team command does to the session: the records it writes and the state it changes.

A handler returns None when the command was carried out, or the reason it could not be, which the session
logs as ``CommandRejected``. Facilitator commands are handled by the session itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crmsim.core import actions
from crmsim.core.orders import OPEN_STATES, OrderState
from crmsim.schema import commands as c
from crmsim.schema.units import Quantity

if TYPE_CHECKING:
    from crmsim.core.session import Session

_SBAR_PARTS = ("situation", "background", "assessment", "request")


def handle(session: Session, who: str, role: str, cmd: Any, label: str | None) -> str | None:
    """Carry out one team command by a participant; return the reason when it cannot be carried out."""
    handler = _HANDLERS.get(type(cmd))
    if handler is None:
        return f"'{cmd.do}' is not a team command"
    return handler(session, who, role, cmd, label)


def _perform(session: Session, who: str, role: str, cmd: c.Perform, label: str | None) -> str | None:
    if cmd.action in session.loaded.formulary.interventions and \
            session.loaded.formulary.interventions[cmd.action].kind == "cognitive_aid":  # fmt: skip
        return _open_aid(session, who, role, c.OpenAid(do="open_aid", aid=cmd.action), label)
    held = next((o for o in session.orders.open_for(role) if o.action == cmd.action and o.holder == who
                 and o.state in ("acknowledged", "clarified")), None)  # fmt: skip
    planned = actions.plan(session, who, cmd.action, dose=cmd.dose, route=cmd.route, rate=cmd.rate,
                           order=held.id if held else None)  # fmt: skip
    if isinstance(planned, str):
        return planned
    if held is not None:
        held.state = "in_progress"
    actions.start(session, planned)
    return None


def _order(session: Session, who: str, role: str, cmd: c.Order, label: str | None) -> str | None:
    if cmd.to is not None and cmd.to not in session.team.roles:
        return f"unknown role '{cmd.to}'"
    if not session.loaded.formulary.has(cmd.action) or cmd.action not in session.team.permissions:
        return f"'{cmd.action}' is not available in this scenario"
    order = OrderState(session.orders.next_order_id(), who, cmd.to, cmd.action, cmd.dose, cmd.route, cmd.rate,
                       session.now)  # fmt: skip
    session.orders.new_order(order, label)
    data: dict[str, Any] = {"order": order.id, "role": role, "to": cmd.to, "action": cmd.action,
                            "directed": cmd.to is not None}  # fmt: skip
    for key in ("dose", "rate"):
        if getattr(cmd, key) is not None:
            data[key] = str(getattr(cmd, key))
    if cmd.route is not None:
        data["route"] = cmd.route
    session.emit("OrderGiven", who, data)
    return None


def _find_order(session: Session, ref: str, role: str, *, take: bool) -> OrderState | str:
    order = session.orders.orders.get(session.orders.resolve(ref))
    if order is None:
        return f"no order '{ref}'"
    if order.state not in OPEN_STATES:
        return f"order {order.id} is already {order.state}"
    if order.to is not None and order.to != role:
        return f"order {order.id} is for {order.to}, not {role}"
    return order


def _acknowledge(session: Session, who: str, role: str, cmd: c.Acknowledge, label: str | None) -> str | None:
    order = _find_order(session, cmd.order, role, take=True)
    if isinstance(order, str):
        return order
    order.holder, order.read_back = who, cmd.read_back
    if order.state == "given":
        order.state = "acknowledged"
    data: dict[str, Any] = {"order": order.id, "role": role, "read_back": cmd.read_back, "action": order.action}
    if cmd.read_back and order.dose is not None:
        data["dose"] = str(order.dose)
    session.emit("OrderAcknowledged", who, data)
    if cmd.read_back and order.dose is not None:
        # a read-back catches an error only when it corrects it: the same drug, aloud, at another dose
        _check_error_caught(session, who, "clarify", order.action, corrects=order.dose)
    return None


def _clarify(session: Session, who: str, role: str, cmd: c.Clarify, label: str | None) -> str | None:
    order = _find_order(session, cmd.order, role, take=False)
    if isinstance(order, str):
        return order
    order.state = "clarified" if order.state == "given" else order.state
    session.emit("OrderClarified", who, {"order": order.id, "role": role, "question": cmd.question, "action": order.action})
    _check_error_caught(session, who, "clarify", order.action)
    return None


def _decline(session: Session, who: str, role: str, cmd: c.Decline, label: str | None) -> str | None:
    order = _find_order(session, cmd.order, role, take=False)
    if isinstance(order, str):
        return order
    order.state = "declined"
    session.emit("OrderDeclined", who, {"order": order.id, "role": role, "reason": cmd.reason, "action": order.action})
    _check_error_caught(session, who, "decline", order.action)
    return None


def _report_done(session: Session, who: str, role: str, cmd: c.ReportDone, label: str | None) -> str | None:
    order = _find_order(session, cmd.order, role, take=True)
    if isinstance(order, str):
        return order
    order.holder = order.holder or who
    order.reported = True
    if order.state == "carried_out":
        session.orders.close(session, order)
        return None
    if order.state == "in_progress":
        return None
    planned = actions.plan(session, who, order.action, dose=order.dose, route=order.route, rate=order.rate, order=order.id)
    if isinstance(planned, str):
        order.reported = False
        return planned
    order.state = "in_progress"
    actions.start(session, planned)
    return None


def _call_out(session: Session, who: str, role: str, cmd: c.CallOut, label: str | None) -> str | None:
    data: dict[str, Any] = {"finding": cmd.finding, "role": role}
    value = session.last_vitals.get(cmd.finding)
    if value is not None:
        data["value"] = value
    if cmd.text:
        data["text"] = cmd.text
    session.emit("FindingCalledOut", who, data)
    return None


def _declare(session: Session, who: str, role: str, cmd: c.Declare, label: str | None) -> str | None:
    if cmd.diagnosis is None:
        session.emit("EmergencyDeclared", who, {"role": role})
        return None
    known = {d.id: d.name for d in session.loaded.scenario.diagnoses}
    if cmd.diagnosis not in known:
        return f"unknown diagnosis '{cmd.diagnosis}'"
    session.emit("DiagnosisDeclared", who, {"role": role, "diagnosis": cmd.diagnosis, "name": known[cmd.diagnosis]})
    return None


def _call_help(session: Session, who: str, role: str, cmd: c.CallHelp, label: str | None) -> str | None:
    unknown = [r for r in cmd.roles if r not in session.team.roles]
    if unknown:
        return f"unknown role '{unknown[0]}'"
    called = list(cmd.roles) or session.team.absent_roles()
    sbar = {k: v for k in _SBAR_PARTS if (v := getattr(cmd.sbar, k)) is not None}
    coming = []
    for role_id in called:
        state = session.team.roles[role_id]
        if not state.present and state.arriving_at is None and state.arrives_after is not None:
            state.arriving_at = session.now + state.arrives_after
            session.schedule(state.arrives_after, "arrive", {"role": role_id})
            coming.append(role_id)
    session.emit("HelpCalled", who, {"role": role, "roles": called, "coming": coming, "sbar": sbar,
                                     "sbar_parts": len(sbar)})  # fmt: skip
    return None


def _assign(session: Session, who: str, role: str, cmd: c.Assign, label: str | None) -> str | None:
    if cmd.to not in session.team.roles:
        return f"unknown role '{cmd.to}'"
    session.emit("TaskAssigned", who, {"role": role, "to": cmd.to, "task": cmd.task})
    return None


def _summarise(session: Session, who: str, role: str, cmd: c.Summarise, label: str | None) -> str | None:
    session.emit("SummaryGiven", who, {"role": role, "plan": cmd.plan, "pause": cmd.pause})
    return None


def _raise_concern(session: Session, who: str, role: str, cmd: c.RaiseConcern, label: str | None) -> str | None:
    concern_id = session.orders.next_concern_id()
    data: dict[str, Any] = {"concern": concern_id, "role": role, "to": cmd.to, "level": cmd.level,
                            "words": cmd.words, "about": cmd.about}  # fmt: skip
    session.orders.new_concern(concern_id, dict(data), label)
    session.emit("ConcernRaised", who, data)
    _check_error_caught(session, who, "raise_concern", None)
    return None


def _respond_concern(session: Session, who: str, role: str, cmd: c.RespondConcern, label: str | None) -> str | None:
    concern_id = session.orders.resolve(cmd.concern)
    concern = session.orders.concerns.get(concern_id)
    if concern is None:
        return f"no concern '{cmd.concern}'"
    if concern.get("answered"):
        return f"concern {concern_id} has already been answered"
    concern["answered"] = cmd.response
    session.emit("ConcernAnswered", who, {"concern": concern_id, "role": role, "response": cmd.response,
                                          "raised_by": concern["role"]})  # fmt: skip
    return None


def _cross_check(session: Session, who: str, role: str, cmd: c.CrossCheck, label: str | None) -> str | None:
    if cmd.with_ not in session.team.roles:
        return f"unknown role '{cmd.with_}'"
    data: dict[str, Any] = {"role": role, "with": cmd.with_, "action": cmd.action}
    if cmd.dose is not None:
        data["dose"] = str(cmd.dose)
    if cmd.order is not None:
        data["order"] = session.orders.resolve(cmd.order)
    session.emit("DoseCrossChecked", who, data)
    _check_error_caught(session, who, "cross_check", cmd.action)
    return None


def _open_aid(session: Session, who: str, role: str, cmd: c.OpenAid, label: str | None) -> str | None:
    intervention = session.loaded.formulary.interventions.get(cmd.aid)
    if intervention is None or intervention.kind != "cognitive_aid" or cmd.aid not in session.team.permissions:
        return f"no cognitive aid '{cmd.aid}' in this scenario"
    session.emit("AidOpened", who, {"aid": cmd.aid, "role": role, "title": intervention.name,
                                    "steps": list(intervention.steps)})  # fmt: skip
    return None


def _check_error_caught(session: Session, who: str, how: str, action: str | None,
                        corrects: Quantity | None = None) -> None:
    """A pending confederate error is caught by a way its inject allows: speaking up catches any error; a cross-check,
    a question about an order, declining one or a correcting read-back only one about the error's own action; a
    read-back (``corrects``: the dose read back) only when it states a different dose from the erroneous one."""
    for inject_id, pending in list(session.pending_errors.items()):
        error = pending["error"]
        if how not in error.caught_by or (action is not None and action != error.action):
            continue
        if corrects is not None and (error.dose is None or _same_dose(session, corrects, error.dose)):
            continue
        del session.pending_errors[inject_id]
        session.emit("ErrorCaught", who, {"inject": inject_id, "how": how, "role": session.team.role_of(who)})


def _same_dose(session: Session, a: Quantity, b: Quantity) -> bool:
    """Whether two doses are the same amount for this patient (per-kg doses at the patient's weight)."""
    weight = session.loaded.scenario.patient.weight_kg
    x, y = a.for_weight(weight), b.for_weight(weight)
    return x.dimension == y.dimension and abs(x.value - y.value) <= 1e-6 * max(abs(x.value), abs(y.value), 1e-12)


_HANDLERS: dict[type, Any] = {
    c.Perform: _perform, c.Order: _order, c.Acknowledge: _acknowledge, c.Clarify: _clarify, c.Decline: _decline,
    c.ReportDone: _report_done, c.CallOut: _call_out, c.Declare: _declare, c.CallHelp: _call_help,
    c.Assign: _assign, c.Summarise: _summarise, c.RaiseConcern: _raise_concern,
    c.RespondConcern: _respond_concern, c.CrossCheck: _cross_check, c.OpenAid: _open_aid,
}  # fmt: skip
