"""Carrying out actions: check who may, resolve the dose and route, keep the performer busy, apply the effect.

An action starts (``ActionStarted``), keeps its performer busy for its duration, and completes with
``DrugGiven``, ``InfusionStarted`` or ``InterventionPerformed``; its effect reaches the patient on completion,
except chest compressions, which perfuse while they run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crmsim.schema.formulary import Drug
from crmsim.schema.units import Quantity

if TYPE_CHECKING:
    from crmsim.core.session import Session

_DIMENSION = {"mcg": "mass", "mg": "mass", "g": "mass", "ml": "volume", "units": "amount", "mmol": "substance"}

#: Intervention kinds whose effect runs for the action's duration rather than arriving at its end.
ONGOING_KINDS = frozenset({"cpr"})


@dataclass(frozen=True)
class PlannedAction:
    """An action checked and ready to start."""

    action: str
    role: str
    participant: str
    duration: float
    route: str | None = None
    dose: float | None = None
    dose_text: str | None = None
    rate_per_min: float | None = None
    order: str | None = None
    error_of: str | None = None

    def data(self) -> dict[str, Any]:
        """The action as it appears in log records."""
        out: dict[str, Any] = {"action": self.action, "role": self.role}
        for key in ("route", "dose", "dose_text", "rate_per_min", "order", "error_of"):
            value = getattr(self, key)
            if value is not None:
                out[key] = round(value, 6) if isinstance(value, float) else value
        return out


def _usual_route(drug: Drug) -> str:
    return next(iter(drug.doses), drug.routes[0])


def plan_drug(session: Session, participant: str, role: str, action: str, drug: Drug,
              dose: Quantity | None, route: str | None, rate: Quantity | None, order: str | None) -> PlannedAction | str:
    """Check and resolve a drug action, or say why it cannot be done."""
    weight = session.loaded.scenario.patient.weight_kg
    route = route or ("infusion" if rate is not None and "infusion" in drug.routes else _usual_route(drug))
    if route not in drug.routes:
        return f"'{action}' cannot be given by route '{route}'"
    expected = _DIMENSION[drug.unit]
    duration = _duration(session, action, drug.duration)
    if rate is not None:
        if rate.dimension != expected or rate.per_time is None:
            return f"rate '{rate}' does not fit '{action}', which is dosed in {drug.unit}"
        per_min = rate.for_weight(weight).per_minute()
        return PlannedAction(action, role, participant, duration, route, rate_per_min=per_min, dose_text=str(rate), order=order)
    if dose is None:
        guide = drug.doses.get(route)
        if guide is None:
            return f"give a dose for '{action}' by route '{route}'"
        dose = guide.usual
    if dose.dimension != expected or dose.per_time is not None:
        return f"dose '{dose}' does not fit '{action}', which is dosed in {drug.unit}"
    amount = dose.for_weight(weight).value
    return PlannedAction(action, role, participant, duration, route, dose=amount, dose_text=str(dose), order=order)


def _duration(session: Session, action: str, default: float) -> float:
    permission = session.team.permissions.get(action)
    if permission is not None and permission.duration is not None:
        return permission.duration
    return default


def plan(session: Session, participant: str, action: str, *, dose: Quantity | None = None, route: str | None = None,
         rate: Quantity | None = None, order: str | None = None) -> PlannedAction | str:
    """Check that the participant's role may start the action now and resolve it, or say why not."""
    role = session.team.role_of(participant)
    if role is None:
        return f"unknown participant '{participant}'"
    reason = session.team.why_not(role, action, session.now)
    if reason is not None:
        return reason
    until = session.failures.get(action)
    if until is not None and until > session.now:
        return f"'{action}' is not working (equipment failure) for {until - session.now:.0f} s more"
    permission = session.team.permissions[action]
    if permission.max_count is not None and session.action_counts.get(action, 0) >= permission.max_count:
        return f"'{action}' can be done at most {permission.max_count} time(s)"
    formulary = session.loaded.formulary
    if action in formulary.drugs:
        return plan_drug(session, participant, role, action, formulary.drugs[action], dose, route, rate, order)
    if dose is not None or rate is not None:
        return f"'{action}' is not a drug; it takes no dose"
    intervention = formulary.interventions[action]
    return PlannedAction(action, role, participant, _duration(session, action, intervention.duration), order=order)


def start(session: Session, planned: PlannedAction) -> None:
    """Start a planned action: log it, occupy the performer, schedule its completion."""
    session.team.occupy(planned.role, planned.action, session.now, planned.duration)
    session.action_counts[planned.action] = session.action_counts.get(planned.action, 0) + 1
    session.emit("ActionStarted", planned.participant, {**planned.data(), "duration": planned.duration})
    intervention = session.loaded.formulary.interventions.get(planned.action)
    if intervention is not None and intervention.kind in ONGOING_KINDS:
        _perform(session, planned, ongoing=True)
    session.schedule(planned.duration, "complete", {"planned": planned})


def complete(session: Session, planned: PlannedAction) -> None:
    """Finish an action: its effect reaches the patient, the performer is free, an order it answers is done."""
    session.team.release(planned.role)
    formulary = session.loaded.formulary
    if planned.action in formulary.drugs:
        give(session, planned)
    else:
        intervention = formulary.interventions[planned.action]
        if intervention.kind in ONGOING_KINDS:
            session.physiology.stop(planned.action)
            session.emit("InterventionEnded", planned.participant, planned.data())
        else:
            _perform(session, planned, ongoing=False)
    if planned.order is not None:
        session.orders.carried_out(session, planned.order)


def give(session: Session, planned: PlannedAction, source: str | None = None) -> None:
    """A drug reaches the patient (also used for a confederate's uncaught error)."""
    drug = session.loaded.formulary.drugs[planned.action]
    if planned.rate_per_min is not None:
        session.physiology.set_infusion(planned.action, drug, planned.rate_per_min)
        session.emit("InfusionStarted", source or planned.participant,
                     {**planned.data(), "unit": f"{_canonical(drug.unit)}/min"})
    else:
        session.physiology.give_drug(planned.action, drug, planned.dose or 0.0, planned.route or "iv")
        session.emit("DrugGiven", source or planned.participant, {**planned.data(), "unit": _canonical(drug.unit)})


def _canonical(unit: str) -> str:
    return {"mg": "mcg", "g": "mcg"}.get(unit, unit)


def _perform(session: Session, planned: PlannedAction, *, ongoing: bool) -> None:
    intervention = session.loaded.formulary.interventions[planned.action]
    permission = session.team.permissions.get(planned.action)
    chance = permission.success_chance if permission and permission.success_chance is not None else intervention.success_chance
    succeeded = True if chance is None else bool(session.rng_actions.random() < chance)
    session.physiology.perform(planned.action, intervention, succeeded)
    session.emit("InterventionPerformed", planned.participant, {**planned.data(), "kind": intervention.kind,
                                                              "succeeded": succeeded, "ongoing": ongoing})
    if intervention.kind == "lab" and succeeded:
        session.schedule(intervention.result_delay or 0.0, "lab", {"test": planned.action, "reports": intervention.reports})
    if intervention.kind == "cognitive_aid":
        session.emit("AidOpened", planned.participant, {"aid": planned.action, "role": planned.role,
                                                       "title": intervention.name, "steps": list(intervention.steps)})
