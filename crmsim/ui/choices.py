"""What a role's panel offers at each step: menus of choices that end in one core command.

A panel is a path through menus — ``()`` is the root, ``("act", "adrenaline")`` chooses who gives it, and so on.
Each :class:`Choice` either opens a deeper menu or carries the command it submits. This module holds no pygame, so
the rules (a read-back in at most two taps, a directed order in at most three) are tested without a screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crmsim.core.view import SessionView
from crmsim.schema.load import LoadedScenario

Path = tuple[str, ...]

CUS = {"probe": None, "alert": "concerned", "challenge": "uncomfortable", "emergency": "safety_issue"}
TALK = (("call_out", "Call out"), ("declare", "Declare emergency"), ("diagnosis", "Diagnosis"), ("help", "Call for help"),
        ("assign", "Assign task"), ("summary", "Summary"), ("concern", "Speak up"), ("cross_check", "Cross-check"),
        ("aid", "Cognitive aid"))  # fmt: skip


@dataclass(frozen=True)
class Choice:
    """One button of a menu: a label, and either the path it opens or the command it submits."""

    label: str
    path: Path | None = None
    command: dict[str, Any] | None = None
    style: str = "button"


@dataclass(frozen=True)
class PanelContext:
    """What a role's menus depend on: the scenario, the role, and the session's view now."""

    loaded: LoadedScenario
    role: str
    view: SessionView

    @property
    def leader(self) -> str:
        roles = self.loaded.scenario.team.roles
        return next((r.id for r in roles if r.leader), roles[0].id)

    def role_name(self, who: str) -> str:
        """A role's name from its id or from the id of the participant playing it."""
        role_id = next((r.id for r in self.view.roles if r.participant == who), who)
        role = self.loaded.scenario.role(role_id)
        return role.name if role else who

    def present(self) -> list[str]:
        return [r.id for r in self.view.roles if r.present]

    def own_actions(self) -> tuple[str, ...]:
        """What this role may do itself."""
        return next(r for r in self.view.roles if r.id == self.role).actions

    def actions(self) -> tuple[str, ...]:
        """What this role may do or order: its own actions first, then those only others may do (aids aside)."""
        aids = {a for a, i in self.loaded.formulary.interventions.items() if i.kind == "cognitive_aid"}
        own = [a for a in self.own_actions() if a not in aids]
        others = [p.action for p in self.loaded.scenario.actions if p.action not in aids and p.action not in own]
        return tuple(own + others)

    def action_name(self, action: str) -> str:
        formulary = self.loaded.formulary
        item = formulary.drugs.get(action) or formulary.interventions.get(action)
        return item.name.split(" (")[0] if item else action


def card_choices(ctx: PanelContext) -> list[tuple[str, list[Choice]]]:
    """The cards on a role's panel: open orders addressed to it and concerns raised to it, each with its buttons."""
    cards: list[tuple[str, list[Choice]]] = []
    for order in ctx.view.orders:
        if order.to not in (ctx.role, None) or order.by == ctx.role:
            continue
        what = " ".join(x for x in (ctx.action_name(order.action), order.dose, order.route, order.rate) if x)
        title = f"{ctx.role_name(order.by)}: {what}"
        if order.state in ("given", "clarified"):
            buttons = [Choice("Read back", command={"do": "acknowledge", "order": order.id, "read_back": True}, style="primary"),
                       Choice("Clarify", command={"do": "clarify", "order": order.id, "question": f"Please confirm {what}."}),
                       Choice("Decline", command={"do": "decline", "order": order.id, "reason": "Not now - I'm unable to."})]  # fmt: skip
        elif order.state == "acknowledged":
            buttons = [Choice("Do it", command={"do": "report_done", "order": order.id}, style="primary")]
        else:
            buttons = []
        cards.append((f"{title} [{order.state.replace('_', ' ')}]", buttons))
    for concern in ctx.view.open_concerns:
        if concern.to == ctx.role:
            cards.append((f"{ctx.role_name(concern.by)} ({concern.level}): {concern.about}", [
                Choice(label, command={"do": "respond_concern", "concern": concern.id, "response": response}, style=style)
                for label, response, style in (("Acknowledge", "acknowledged", "button"), ("Act on it", "acted", "primary"),
                                               ("Dismiss", "dismissed", "button"))]))  # fmt: skip
    return cards


def choices(ctx: PanelContext, path: Path) -> list[Choice]:
    """The menu at ``path`` for this role."""
    if not path:
        own = set(ctx.own_actions())
        return [Choice(ctx.action_name(a) if a in own else f"→ {ctx.action_name(a)}", path=("act", a))
                for a in ctx.actions()]  # fmt: skip
    head, rest = path[0], path[1:]
    if head == "act":
        return _act(ctx, rest[0])
    if head == "talk":
        return [Choice(label, path=("talk", key)) for key, label in TALK] if not rest else _talk(ctx, rest)
    return []


def _dose_text(ctx: PanelContext, action: str) -> tuple[str | None, str | None]:
    drug = ctx.loaded.formulary.drugs.get(action)
    if drug is None:
        return None, None
    route = next((r for r in drug.doses if r != "infusion"), drug.routes[0])
    guide = drug.doses.get(route)
    return (guide.usual.text if guide else None), route


def _act(ctx: PanelContext, action: str) -> list[Choice]:
    dose, route = _dose_text(ctx, action)
    extra = {k: v for k, v in (("dose", dose), ("route", route)) if v}
    what = " ".join(x for x in (ctx.action_name(action), dose, route) if x)
    out = []
    if action in ctx.own_actions():
        out.append(Choice(f"Do it: {what}", command={"do": "perform", "action": action, **extra}, style="primary"))
    permitted = next((p for p in ctx.loaded.scenario.actions if p.action == action), None)
    for role in ctx.present():
        if role != ctx.role and permitted is not None and role in permitted.by:
            out.append(Choice(f"Order {ctx.role_name(role)}", command={"do": "order", "to": role, "action": action, **extra}))
    out.append(Choice("Order anyone", command={"do": "order", "action": action, **extra}))
    return out


def _talk(ctx: PanelContext, rest: Path) -> list[Choice]:  # noqa: PLR0911 - one branch per kind of talk
    s = ctx.loaded.scenario
    kind = rest[0]
    if kind == "call_out":
        vitals = [("sbp", "Systolic"), ("hr", "Heart rate"), ("spo2", "SpO2"), ("etco2", "EtCO2"), ("rhythm", "Rhythm")]
        out = [Choice(f"{label} {ctx.view.vitals.get(key, '')}", command={"do": "call_out", "finding": key,
               "text": f"{label} {ctx.view.vitals.get(key, '')}"}) for key, label in vitals]  # fmt: skip
        return out + [Choice(f.name, command={"do": "call_out", "finding": f.id, "text": f.name}) for f in s.findings]
    if kind == "declare":
        return [Choice("Declare an emergency now", command={"do": "declare"}, style="danger")]
    if kind == "diagnosis":
        return [Choice(d.name, command={"do": "declare", "diagnosis": d.id}) for d in s.diagnoses]
    if kind == "help":
        return _help(ctx, rest[1:])
    if kind == "assign":
        if len(rest) == 1:
            return [Choice(ctx.role_name(r), path=("talk", "assign", r)) for r in ctx.present() if r != ctx.role]
        role = s.role(rest[1])
        return [Choice(task, command={"do": "assign", "to": rest[1], "task": task}) for task in (role.responsibilities if role else ())]
    if kind == "summary":
        plan = summary_plan(ctx)
        return [Choice("Summarise the plan", command={"do": "summarise", "plan": plan}),
                Choice("10 seconds for 10 minutes", command={"do": "summarise", "plan": plan, "pause": True})]  # fmt: skip
    if kind == "concern":
        if len(rest) == 1:
            return [Choice(level.capitalize(), path=("talk", "concern", level)) for level in CUS]
        level = rest[1]
        return [Choice(about, command={"do": "raise_concern", "to": ctx.leader, "level": level, "about": about,
                                       **({"words": CUS[level]} if CUS[level] else {})}) for about in concern_subjects(ctx)]  # fmt: skip
    if kind == "cross_check":
        drugs = [a for a in ctx.loaded.scenario.actions if a.action in ctx.loaded.formulary.drugs]
        out = []
        for permission in drugs:
            dose, _ = _dose_text(ctx, permission.action)
            out.append(Choice(f"{ctx.action_name(permission.action)} {dose or ''}".strip(),
                              command={"do": "cross_check", "with": ctx.leader if ctx.role != ctx.leader else _second(ctx),
                                       "action": permission.action, **({"dose": dose} if dose else {})}))  # fmt: skip
        return out
    if kind == "aid":
        aids = [a for a, i in ctx.loaded.formulary.interventions.items() if i.kind == "cognitive_aid"
                and any(p.action == a and ctx.role in p.by for p in s.actions)]  # fmt: skip
        return [Choice(ctx.action_name(a), command={"do": "open_aid", "aid": a}) for a in aids]
    return []


def _second(ctx: PanelContext) -> str:
    return next((r for r in ctx.present() if r != ctx.role), ctx.role)


def _help(ctx: PanelContext, parts: Path) -> list[Choice]:
    """Build an SBAR call part by part: each tap adds a part; Call sends what was chosen."""
    s = ctx.loaded.scenario
    diagnosis = next((m.text for m in reversed(ctx.view.messages) if m.kind == "DiagnosisDeclared"), None)
    texts = {
        "situation": f"{s.patient.presenting}",
        "background": "; ".join(s.patient.history) or f"{s.patient.age_years}-year-old {s.patient.sex}",
        "assessment": diagnosis.replace("working diagnosis: ", "I think this is ") if diagnosis else "I don't know what this is",
        "request": "Please come now.",
    }  # fmt: skip
    out = [Choice(("✓ " if part in parts else "+ ") + part.capitalize(), path=("talk", "help", *sorted(set(parts) ^ {part})))
           for part in texts]  # fmt: skip
    sbar = {part: texts[part] for part in parts if part in texts}
    out.append(Choice("Call now", command={"do": "call_help", "sbar": sbar}, style="danger"))
    return out


def concern_subjects(ctx: PanelContext) -> list[str]:
    """What a concern can be about: the latest offers and orders heard, and the patient."""
    subjects = []
    for message in reversed(ctx.view.messages):
        if message.kind in ("LineSpoken", "OrderGiven") and len(subjects) < 3:
            subjects.append(f"About '{message.text[:80]}' - I'm not sure that's right.")
    return subjects + ["The patient is getting worse - we need to change the plan.", "We should call for more help."]


def summary_plan(ctx: PanelContext) -> str:
    """A summary built from what the log shows: the diagnosis, what is done, what is still open."""
    diagnosis = next((m.text for m in reversed(ctx.view.messages) if m.kind == "DiagnosisDeclared"), "no working diagnosis yet")
    done = [m.text.split(" [")[0] for m in ctx.view.messages if m.kind == "OrderDone"][-4:]
    open_orders = [ctx.action_name(o.action) for o in ctx.view.orders]
    return (f"{diagnosis.capitalize()}. Done: {', '.join(done) or 'nothing yet'}. "
            f"Still open: {', '.join(open_orders) or 'nothing'}.")  # fmt: skip
