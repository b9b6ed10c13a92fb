"""Semantic lint, part two: the phase graph can be walked and ended; vitals, doses, units and times are sane."""

from __future__ import annotations

from collections.abc import Iterator

from crmsim.schema.base import VITAL_LIMITS
from crmsim.schema.conditions import ActionAtom, VitalAtom
from crmsim.schema.lint import Context, Finding, Loc, condition_locs, selectors_and_conditions
from crmsim.schema.units import Quantity

_UNIT_DIMENSION = {"mcg": "mass", "mg": "mass", "g": "mass", "ml": "volume", "units": "amount", "mmol": "substance"}


def check_graph(ctx: Context) -> Iterator[Finding]:
    """Every phase is reachable from the first, every reachable phase can reach an end, none is a dead end."""
    s = ctx.scenario
    edges: dict[str, set[str]] = {p.id: set() for p in s.phases}
    for phase in s.phases:
        edges[phase.id] |= {t.to for t in phase.transitions if t.to in edges}
        if phase.timeout is not None and phase.timeout.to in edges:
            edges[phase.id].add(phase.timeout.to)
    index = {p.id: i for i, p in enumerate(s.phases)}
    targets = [t.to for p in s.phases for t in p.transitions] + [p.timeout.to for p in s.phases if p.timeout]
    if any(t not in edges for t in targets):
        return  # an unknown target is reported already; reachability would only repeat it
    reachable = _closure({s.phases[0].id}, edges)
    for phase in s.phases:
        if phase.id not in reachable:
            yield Finding(("phases", index[phase.id], "id"), f"phase '{phase.id}' cannot be reached from '{s.phases[0].id}'")
    ends = {p.id for p in s.phases if p.end is not None}
    if not ends:
        yield Finding(("phases",), "no phase has an 'end'; the scenario needs at least one end state")
        return
    reverse: dict[str, set[str]] = {p: set() for p in edges}
    for src, dsts in edges.items():
        for dst in dsts:
            reverse[dst].add(src)
    can_end = _closure(ends, reverse)
    for phase in s.phases:
        i = index[phase.id]
        if phase.end is None and not phase.transitions and phase.timeout is None:
            yield Finding(("phases", i, "id"), f"phase '{phase.id}' has no transitions, no timeout and no end")
        elif phase.id in reachable and phase.id not in can_end:
            yield Finding(("phases", i, "id"), f"from phase '{phase.id}' no path leads to an end phase")
    if not any(p.end is not None and p.end.outcome == "resolved" for p in s.phases if p.id in reachable):
        yield Finding(("phases",), "no reachable phase ends with 'outcome: resolved'", severity="warning")


def _closure(start: set[str], edges: dict[str, set[str]]) -> set[str]:
    seen, todo = set(start), list(start)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def check_vitals(ctx: Context) -> Iterator[Finding]:
    """Baseline vitals, trends and vital thresholds are within what a body can show."""
    s = ctx.scenario
    vitals = s.patient.baseline.vitals
    for name in ("hr", "sbp", "dbp", "spo2", "rr", "etco2", "temp"):
        yield from _in_limits(name, getattr(vitals, name), ("patient", "baseline", "vitals", name))
    if vitals.dbp >= vitals.sbp:
        yield Finding(("patient", "baseline", "vitals", "dbp"), f"diastolic {vitals.dbp:g} is not below systolic {vitals.sbp:g}")
    for group, items in (("phases", s.phases), ("injects", s.injects)):
        for i, item in enumerate(items):
            for j, trend in enumerate(item.trends):
                yield from _in_limits(trend.vital, trend.to, (group, i, "trends", j, "to"))
    for condition, loc in selectors_and_conditions(s):
        for atom, atom_loc in condition_locs(condition, loc):
            if isinstance(atom, VitalAtom):
                key = "below" if atom.vital.below is not None else "above"
                value = atom.vital.below if atom.vital.below is not None else atom.vital.above
                yield from _in_limits(atom.vital.name, float(value or 0), (*atom_loc, "vital", key))


def _in_limits(name: str, value: float, loc: Loc) -> Iterator[Finding]:
    low, high = VITAL_LIMITS[name]
    if not low <= value <= high:
        yield Finding(loc, f"{name} {value:g} is outside the possible range {low:g}–{high:g}")


def check_doses(ctx: Context) -> Iterator[Finding]:
    """Doses are in the drug's units, by one of its routes, within its limits; rates are per time."""
    weight = ctx.scenario.patient.weight_kg
    for name, (script, file) in ctx.scripts.items():
        base: Loc = ("steps",) if file else ("scripts", name, "steps")
        for i, step in enumerate(script.steps):
            cmd = step.command
            action = getattr(cmd, "action", None)
            loc = (*base, i)
            for key in ("dose", "rate"):
                qty = getattr(cmd, key, None)
                if action is not None and qty is not None:
                    for f in _dose_findings(ctx, action, qty, key, weight, (*loc, key), getattr(cmd, "route", None)):
                        yield Finding(f.loc, f.message, f.severity, file=file)
            route = getattr(cmd, "route", None)
            if action in ctx.formulary.drugs and route is not None and route not in ctx.formulary.drugs[action].routes:
                yield Finding((*loc, "route"), f"'{action}' is not given by route '{route}'", file=file)
    for condition, loc in selectors_and_conditions(ctx.scenario):
        for atom, atom_loc in condition_locs(condition, loc):
            if not isinstance(atom, ActionAtom):
                continue
            for field in ("dose", "total"):  # a total is checked like a dose, except against single-dose limits
                bounds = getattr(atom.action, field)
                for key in ("min", "max") if bounds is not None else ():
                    qty = getattr(bounds, key)
                    if qty is not None:
                        yield from _dose_findings(
                            ctx, atom.action.id, qty, field, weight, (*atom_loc, "action", field, key), atom.action.route
                        )
    for i, inject in enumerate(ctx.scenario.injects):
        if inject.error is not None and inject.error.dose is not None:
            yield from _dose_findings(
                ctx, inject.error.action, inject.error.dose, "dose", weight, ("injects", i, "error", "dose"), inject.error.route
            )


def _dose_findings(
    ctx: Context, action: str, qty: Quantity, key: str, weight: float, loc: Loc, route: str | None = None
) -> Iterator[Finding]:
    drug = ctx.formulary.drugs.get(action)
    if drug is None:
        if action in ctx.formulary.interventions:
            yield Finding(loc, f"'{action}' is an intervention, not a drug; it takes no {key}")
        return
    expected = _UNIT_DIMENSION[drug.unit]
    if qty.dimension != expected:
        yield Finding(loc, f"{key} '{qty}' is a {qty.dimension}, but '{action}' is dosed as a {expected} ({drug.unit})")
        return
    if key == "rate" and qty.per_time is None:
        yield Finding(loc, f"rate '{qty}' needs a time, e.g. '{qty.text or qty.value} /h'")
        return
    if key in ("dose", "total") and qty.per_time is not None:
        yield Finding(loc, f"{key} '{qty}' is a rate; give an infusion as 'rate', a bolus as 'dose'")
        return
    if key != "dose":
        return
    amount = qty.for_weight(weight).value
    limits = [
        (r, guide)
        for r, guide in drug.doses.items()
        if (route is None or r == route) and guide.usual.per_time is None and (guide.limit or guide.max_single)
    ]
    if not limits:
        return
    hard = max((g.limit.for_weight(weight).value for _, g in limits if g.limit is not None and g.limit.dimension == expected and g.limit.per_time is None), default=None)
    soft = max((g.max_single.for_weight(weight).value for _, g in limits if g.max_single is not None and g.max_single.dimension == expected and g.max_single.per_time is None), default=None)
    if hard is not None and amount > hard:
        yield Finding(loc, f"{key} '{qty}' of '{action}' is beyond any plausible dose (limit {hard:g} {_canon(expected)})")
    elif soft is not None and amount > soft:
        yield Finding(loc, f"{key} '{qty}' of '{action}' is above its usual maximum single dose ({soft:g} {_canon(expected)})", severity="warning")


def _canon(dimension: str) -> str:
    return {"mass": "mcg", "volume": "ml", "amount": "units", "substance": "mmol"}[dimension]


def check_times(ctx: Context) -> Iterator[Finding]:
    """Scheduled times fall within the scenario's duration limit."""
    limit = ctx.scenario.duration_limit
    for i, inject in enumerate(ctx.scenario.injects):
        if inject.at is not None and inject.at > limit:
            yield Finding(("injects", i, "at"), f"inject at {inject.at:g} s comes after the duration limit ({limit:g} s)")
    for name, (script, file) in ctx.scripts.items():
        base: Loc = ("steps",) if file else ("scripts", name, "steps")
        for i, step in enumerate(script.steps):
            if step.at > limit:
                yield Finding((*base, i, "at"), f"step at {step.at:g} s comes after the duration limit ({limit:g} s)", "warning", file=file)
