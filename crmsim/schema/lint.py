"""Semantic lint, after the schema: references resolve, ids are unique, scripts are coherent.

Each check yields :class:`Finding` objects positioned by their location in the scenario file; the loader turns
them into ``FILE:LINE:COL`` problems. Graph and range checks live in :mod:`crmsim.schema.lint_ranges`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from crmsim.schema.assessment import CountOf, Never, Occurs, TimeToDetector
from crmsim.schema.base import VITALS
from crmsim.schema.commands import FACILITATOR_COMMANDS, REFERS_BACK, CallHelp, CallOut, Declare, OpenAid, ScriptStep
from crmsim.schema.conditions import (
    ActionAtom,
    CommunicationAtom,
    FlagAtom,
    InjectAtom,
    PhaseAtom,
    walk_condition,
)
from crmsim.schema.formulary import Formulary
from crmsim.schema.messages import suggest
from crmsim.schema.scenario import Scenario, Script

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """One lint result at a location in the scenario (or in a script file, when ``file`` is set)."""

    loc: Loc
    message: str
    severity: str = "error"
    at_key: bool = False
    file: str | None = None


@dataclass
class Context:
    """What the checks need to know about the scenario, computed once."""

    scenario: Scenario
    formulary: Formulary
    element_refs: frozenset[str]
    scripts: dict[str, tuple[Script, str | None]]
    roles: set[str] = field(default_factory=set)
    confederates: set[str] = field(default_factory=set)
    phases: set[str] = field(default_factory=set)
    injects: set[str] = field(default_factory=set)
    permitted: set[str] = field(default_factory=set)
    aids: set[str] = field(default_factory=set)
    flags: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        s = self.scenario
        self.roles = {r.id for r in s.team.roles}
        self.confederates = {c.id for c in s.team.confederates}
        self.phases = {p.id for p in s.phases}
        self.injects = {i.id for i in s.injects}
        self.permitted = {p.action for p in s.actions}
        self.aids = {a for a in self.permitted if a in self.formulary.interventions
                     and self.formulary.interventions[a].kind == "cognitive_aid"}  # fmt: skip
        self.flags = {f for p in s.phases for f in p.set_flags} | {f for i in s.injects for f in i.set_flags}

    def abouts(self) -> set[str]:
        """Everything a communication can be about."""
        s = self.scenario
        return ({d.id for d in s.diagnoses} | {f.id for f in s.findings} | set(VITALS) | {"rhythm"}
                | self.aids | self.permitted | self.roles)  # fmt: skip


def can_fail(ctx: Context, action: str) -> bool:
    """Whether an attempt at an action can fail: an intervention with a success chance below 1."""
    item = ctx.formulary.interventions.get(action)
    return item is not None and item.success_chance is not None and item.success_chance < 1


def not_permitted(ctx: Context, action: str) -> str:
    """The message for an action that is not in the scenario's ``actions`` list."""
    if ctx.formulary.has(action):
        return f"action '{action}' is not in this scenario's 'actions' list"
    return unknown("action", action, ctx.permitted | set(ctx.formulary.ids()))


def unknown(kind: str, name: str, known: Iterable[str]) -> str:
    """``unknown role 'x' (did you mean 'y'?)``."""
    return f"unknown {kind} '{name}'{suggest(name, known)}"


def check_unique(ctx: Context) -> Iterator[Finding]:
    """Ids are unique within their kind; roles and confederates share one namespace."""
    s = ctx.scenario
    groups: list[tuple[str, Sequence[Any], Loc]] = [
        ("phase", s.phases, ("phases",)),
        ("inject", s.injects, ("injects",)),
        ("marker", s.markers, ("markers",)),
        ("diagnosis", s.diagnoses, ("diagnoses",)),
        ("finding", s.findings, ("findings",)),
        ("learning objective", s.learning_objectives, ("learning_objectives",)),
        ("decision point", s.debrief.decision_points, ("debrief", "decision_points")),
    ]
    for kind, items, loc in groups:
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                yield Finding((*loc, i, "id"), f"duplicate {kind} id '{item.id}'")
            seen.add(item.id)
    people: set[str] = set()
    for group, items in (("roles", s.team.roles), ("confederates", s.team.confederates)):
        for i, item in enumerate(items):
            if item.id in people:
                yield Finding(("team", group, i, "id"), f"duplicate id '{item.id}' among roles and confederates")
            people.add(item.id)
    seen_actions: set[str] = set()
    for i, perm in enumerate(s.actions):
        if perm.action in seen_actions:
            yield Finding(("actions", i, "action"), f"action '{perm.action}' is listed twice")
        seen_actions.add(perm.action)


def check_team(ctx: Context) -> Iterator[Finding]:
    """Someone is present at the start, at most one role leads, and permissions name real roles and actions."""
    s = ctx.scenario
    if not any(r.present for r in s.team.roles):
        yield Finding(("team", "roles"), "no role is present at the start")
    if sum(r.leader for r in s.team.roles) > 1:
        yield Finding(("team", "roles"), "more than one role is marked 'leader: true'")
    for i, perm in enumerate(s.actions):
        if not ctx.formulary.has(perm.action):
            yield Finding(("actions", i, "action"), unknown("action", perm.action, ctx.formulary.ids()))
        for j, role in enumerate(perm.by):
            if role not in ctx.roles:
                yield Finding(("actions", i, "by", j), unknown("role", role, ctx.roles))
    for i, phase in enumerate(s.phases):
        for j, line in enumerate(phase.lines):
            if line.by not in ctx.roles | ctx.confederates:
                yield Finding(("phases", i, "lines", j, "by"), unknown("speaker", line.by, ctx.roles | ctx.confederates))


def check_frameworks(ctx: Context) -> Iterator[Finding]:
    """Learning objectives and markers name real framework elements."""
    s = ctx.scenario
    for i, obj in enumerate(s.learning_objectives):
        for j, ref in enumerate(obj.elements):
            if ref not in ctx.element_refs:
                yield Finding(("learning_objectives", i, "elements", j), unknown("framework element", ref, ctx.element_refs))
    for i, marker in enumerate(s.markers):
        for j, ref in enumerate(marker.evidences):
            if ref not in ctx.element_refs:
                yield Finding(("markers", i, "evidences", j), unknown("framework element", ref, ctx.element_refs))


def _atom_findings(ctx: Context, atom: Any, loc: Loc) -> Iterator[Finding]:
    if isinstance(atom, PhaseAtom) and atom.phase not in ctx.phases:
        yield Finding((*loc, "phase"), unknown("phase", atom.phase, ctx.phases))
    elif isinstance(atom, InjectAtom) and atom.inject not in ctx.injects:
        yield Finding((*loc, "inject"), unknown("inject", atom.inject, ctx.injects))
    elif isinstance(atom, FlagAtom) and atom.flag not in ctx.flags:
        yield Finding((*loc, "flag"), unknown("flag", atom.flag, ctx.flags) + "; no phase or inject sets it")
    elif isinstance(atom, ActionAtom):
        if atom.action.id not in ctx.permitted:
            yield Finding((*loc, "action", "id"), not_permitted(ctx, atom.action.id))
        elif atom.action.outcome == "failed" and not can_fail(ctx, atom.action.id):
            yield Finding((*loc, "action", "outcome"),
                          f"'{atom.action.id}' never fails (only an intervention with a success_chance below 1 "
                          "can), so this never matches")  # fmt: skip
        for j, role in enumerate(atom.action.by):
            if role not in ctx.roles:
                yield Finding((*loc, "action", "by", j), unknown("role", role, ctx.roles))
    elif isinstance(atom, CommunicationAtom):
        about = atom.communication.about
        if about is not None and about not in ctx.abouts():
            yield Finding((*loc, "communication", "about"), unknown("subject", about, ctx.abouts()))
        for j, role in enumerate(atom.communication.by):
            if role not in ctx.roles:
                yield Finding((*loc, "communication", "by", j), unknown("role", role, ctx.roles))


def condition_locs(condition: Any, loc: Loc) -> Iterator[tuple[Any, Loc]]:
    """Each atom of a condition with its location (``all``/``any`` lists, ``not`` and ``sustained`` walked)."""
    from crmsim.schema.conditions import AllOf, AnyOf, NotOf, SustainedAtom

    if isinstance(condition, SustainedAtom):
        yield from condition_locs(condition.sustained.when, (*loc, "sustained", "when"))
    elif isinstance(condition, AllOf):
        for i, child in enumerate(condition.all):
            yield from condition_locs(child, (*loc, "all", i))
    elif isinstance(condition, AnyOf):
        for i, child in enumerate(condition.any):
            yield from condition_locs(child, (*loc, "any", i))
    elif isinstance(condition, NotOf):
        yield from condition_locs(condition.not_, (*loc, "not"))
    else:
        yield condition, loc


def selectors_and_conditions(s: Scenario) -> Iterator[tuple[Any, Loc]]:
    """Every condition and selector in the scenario, each with its location."""
    for i, phase in enumerate(s.phases):
        for j, tr in enumerate(phase.transitions):
            yield tr.when, ("phases", i, "transitions", j, "when")
    for i, inject in enumerate(s.injects):
        if inject.when is not None:
            yield inject.when, ("injects", i, "when")
    for i, marker in enumerate(s.markers):
        d, loc = marker.detect, ("markers", i, "detect")
        if isinstance(d, TimeToDetector):
            yield d.time_to.from_, (*loc, "time_to", "from")
            yield d.time_to.to, (*loc, "time_to", "to")
        elif isinstance(d, Occurs):
            yield d.occurs, (*loc, "occurs")
        elif isinstance(d, Never):
            yield d.never, (*loc, "never")
        elif isinstance(d, CountOf):
            yield d.count, (*loc, "count")
    for i, point in enumerate(s.debrief.decision_points):
        yield point.cue, ("debrief", "decision_points", i, "cue")
    for i, step in enumerate(s.debrief.expected_timeline):
        yield step.event, ("debrief", "expected_timeline", i, "event")
        if step.from_ is not None:
            yield step.from_, ("debrief", "expected_timeline", i, "from")


def check_conditions(ctx: Context) -> Iterator[Finding]:
    """Conditions, selectors and phase targets name real phases, injects, flags, actions and roles."""
    s = ctx.scenario
    for condition, loc in selectors_and_conditions(s):
        for atom, atom_loc in condition_locs(condition, loc):
            yield from _atom_findings(ctx, atom, atom_loc)
    for i, phase in enumerate(s.phases):
        for j, tr in enumerate(phase.transitions):
            if tr.to not in ctx.phases:
                yield Finding(("phases", i, "transitions", j, "to"), unknown("phase", tr.to, ctx.phases))
        if phase.timeout is not None and phase.timeout.to not in ctx.phases:
            yield Finding(("phases", i, "timeout", "to"), unknown("phase", phase.timeout.to, ctx.phases))
    for i, inject in enumerate(s.injects):
        for j, failure in enumerate(inject.failures):
            if failure.action not in ctx.permitted:
                yield Finding(("injects", i, "failures", j, "action"), not_permitted(ctx, failure.action))
        for j, line in enumerate(inject.lines):
            if line.by not in ctx.roles | ctx.confederates:
                yield Finding(("injects", i, "lines", j, "by"), unknown("speaker", line.by, ctx.roles | ctx.confederates))
        if inject.error is not None:
            if inject.error.by not in ctx.roles | ctx.confederates:
                yield Finding(("injects", i, "error", "by"), unknown("speaker", inject.error.by, ctx.roles | ctx.confederates))
            if inject.error.action not in ctx.permitted:
                yield Finding(("injects", i, "error", "action"), not_permitted(ctx, inject.error.action))


def check_scripts(ctx: Context) -> Iterator[Finding]:
    """There is a reference and a novice script, and every step names real roles, actions and earlier labels."""
    names = set(ctx.scenario.scripts)
    if "reference" not in names:
        yield Finding(("scripts",), "a 'reference' script (the expert team's path) is required")
    if not any(n.startswith("novice") for n in names):
        yield Finding(("scripts",), "at least one 'novice' script is required")
    for name, (script, file) in ctx.scripts.items():
        base: Loc = ("steps",) if file else ("scripts", name, "steps")
        labels: set[str] = set()
        for i, step in enumerate(script.steps):
            for finding in _step_findings(ctx, step, labels, (*base, i)):
                yield Finding(finding.loc, finding.message, finding.severity, finding.at_key, file)
            if step.label is not None:
                if step.label in labels:
                    yield Finding((*base, i, "label"), f"label '{step.label}' is used twice", file=file)
                labels.add(step.label)


def _step_findings(ctx: Context, step: ScriptStep, labels: set[str], loc: Loc) -> Iterator[Finding]:
    cmd = step.command
    if step.by != "facilitator" and step.by not in ctx.roles:
        yield Finding((*loc, "by"), unknown("role", step.by, ctx.roles | {"facilitator"}))
    elif (step.by == "facilitator") != (cmd.do in FACILITATOR_COMMANDS):
        if cmd.do in FACILITATOR_COMMANDS:
            yield Finding((*loc, "by"), f"'{cmd.do}' is a facilitator command; write 'by: facilitator'")
        else:
            yield Finding((*loc, "by"), f"'{cmd.do}' is a team command; the facilitator cannot do it")
    action = getattr(cmd, "action", None)
    if action is not None and action not in ctx.permitted:
        yield Finding((*loc, "action"), not_permitted(ctx, action))
    for key in ("to", "with_"):
        target = getattr(cmd, key, None)
        if target is not None and target not in ctx.roles:
            yield Finding((*loc, key.rstrip("_")), unknown("role", target, ctx.roles))
    ref_field = REFERS_BACK.get(cmd.do)
    ref = getattr(cmd, ref_field, None) if ref_field else None
    if ref is not None and ref not in labels:
        yield Finding((*loc, ref_field or ""), unknown("label", ref, labels) + " (labels must come earlier)")
    if isinstance(cmd, CallOut) and cmd.finding not in ctx.abouts():
        yield Finding((*loc, "finding"), unknown("finding", cmd.finding, ctx.abouts()))
    if isinstance(cmd, Declare) and cmd.diagnosis is not None:
        known = {d.id for d in ctx.scenario.diagnoses}
        if cmd.diagnosis not in known:
            yield Finding((*loc, "diagnosis"), unknown("diagnosis", cmd.diagnosis, known))
    if isinstance(cmd, OpenAid) and cmd.aid not in ctx.aids:
        yield Finding((*loc, "aid"), unknown("cognitive aid", cmd.aid, ctx.aids))
    if isinstance(cmd, CallHelp):
        for j, role in enumerate(cmd.roles):
            if role not in ctx.roles:
                yield Finding((*loc, "roles", j), unknown("role", role, ctx.roles))
    for key, known_set, kind in (("inject", ctx.injects, "inject"), ("phase", ctx.phases, "phase")):
        value = getattr(cmd, key, None)
        if cmd.do in ("trigger_inject", "jump") and isinstance(value, str) and value not in known_set:
            yield Finding((*loc, key), unknown(kind, value, known_set))
