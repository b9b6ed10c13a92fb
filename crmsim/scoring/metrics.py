"""Communication and leadership metrics over the log, each a small pure function of a :class:`Timeline`.

Every function takes the timeline and, optionally, ``who`` (a participant id): with ``who`` it measures that
participant's own part (their call-outs, the orders they gave or received, their concerns) and returns an
unobserved :class:`Measure` when they had no part in it. Thresholds marked *judgement* are crmsim's own choices,
not published standards (see ``docs/scoring.md``).
"""

from __future__ import annotations

from collections import Counter

from crmsim.scoring.events import Event, Order, Timeline
from crmsim.scoring.measure import Measure, linear, seconds, unobserved

#: Recognition (first call-out or declaration after onset): good within 30 s, poor from 2 min (judgement).
RECOGNITION_GOOD_S, RECOGNITION_POOR_S = 30.0, 120.0
#: Declaring the emergency or a diagnosis to the team: good within 1 min, poor from 4 min (judgement; DAS 2015
#: asks for "recognition and declaration of difficulty" without a time).
DECLARE_GOOD_S, DECLARE_POOR_S = 60.0, 240.0
#: Call for help: good within 1 min, poor from 4 min of onset (judgement: no published standard was found).
HELP_GOOD_S, HELP_POOR_S = 60.0, 240.0
#: Role or task allocation (a task assigned or a directed order): good within 1 min, poor from 3 min (judgement).
ALLOCATION_GOOD_S, ALLOCATION_POOR_S = 60.0, 180.0
#: The first summary of the situation and plan: good within 4 min of onset, poor from 10 min (judgement).
SUMMARY_GOOD_S, SUMMARY_POOR_S = 240.0, 600.0


def _mine(events: tuple[Event, ...], who: str | None) -> tuple[Event, ...]:
    return events if who is None else tuple(e for e in events if e.source == who)


def recognition(tl: Timeline, who: str | None = None) -> Measure:
    """Time from the crisis onset to the first call-out or declaration (the cue recognised aloud)."""
    said = [e for e in _mine(tl.team("FindingCalledOut", "EmergencyDeclared", "DiagnosisDeclared"), who)
            if e.t >= tl.start_for(who) - 1e-9]  # fmt: skip
    if not said:
        if who is not None:
            return unobserved("recognition", "made no call-out or declaration")
        waited = tl.end_t - tl.start_for(who)
        if waited < RECOGNITION_GOOD_S:
            return unobserved("recognition", "the session ended before a call-out was due")
        return Measure("recognition", None, linear(waited, RECOGNITION_GOOD_S, RECOGNITION_POOR_S) * 0.5, (),
                       "no finding was called out and no emergency declared")  # fmt: skip
    delay = said[0].t - tl.start_for(who)
    return Measure("recognition", delay, linear(delay, RECOGNITION_GOOD_S, RECOGNITION_POOR_S), (said[0].seq,),
                   f"the first call-out or declaration came {seconds(delay)} after onset")  # fmt: skip


def declaration(tl: Timeline, who: str | None = None) -> Measure:
    """Time from onset to declaring the emergency or a working diagnosis to the whole team."""
    said = [e for e in _mine(tl.team("EmergencyDeclared", "DiagnosisDeclared"), who) if e.t >= tl.start_for(who) - 1e-9]
    if not said:
        if who is not None:
            return unobserved("declaration", "declared nothing")
        waited = tl.end_t - tl.start_for(who)
        if waited < DECLARE_GOOD_S:
            return unobserved("declaration", "the session ended before a declaration was due")
        return Measure("declaration", None, 0.0, (), "neither an emergency nor a diagnosis was declared")
    delay = said[0].t - tl.start_for(who)
    what = said[0].data.get("name") or "an emergency"
    return Measure("declaration", delay, linear(delay, DECLARE_GOOD_S, DECLARE_POOR_S), (said[0].seq,),
                   f"{what} was declared {seconds(delay)} after onset")  # fmt: skip


def help_call(tl: Timeline, absent_roles: frozenset[str], who: str | None = None) -> Measure:
    """Call-for-help latency from onset; unobserved when no one was there to call."""
    calls = _mine(tl.team("HelpCalled"), who)
    if not calls:
        if who is not None or not absent_roles:
            return unobserved("help_call", "had no one to call" if not absent_roles else "did not call for help")
        waited = tl.end_t - tl.start_for(who)
        if waited < HELP_GOOD_S:
            return unobserved("help_call", "the session ended before help was due")
        return Measure("help_call", None, 0.0, (), "help was never called")
    delay = max(0.0, calls[0].t - tl.start_for(who))
    return Measure("help_call", delay, linear(delay, HELP_GOOD_S, HELP_POOR_S), (calls[0].seq,),
                   f"help was called {seconds(delay)} after onset")  # fmt: skip


def sbar(tl: Timeline, who: str | None = None) -> Measure:
    """SBAR completeness of the first call for help: the parts given out of situation, background, assessment,
    request (AHRQ TeamSTEPPS); quality is the fraction given."""
    calls = _mine(tl.team("HelpCalled"), who)
    if not calls:
        return unobserved("sbar", "no call for help to judge")
    parts = min(max(int(calls[0].data.get("sbar_parts", 0)), 0), 4)  # a damaged log may hold any count
    return Measure("sbar", float(parts), parts / 4, (calls[0].seq,), f"the call for help gave {parts} of 4 SBAR parts")


def _involved(order: Order, who: str | None) -> bool:
    if who is None:
        return True
    return order.given.source == who or any(e is not None and e.source == who for e in (order.response, order.done))


def closed_loop(tl: Timeline, who: str | None = None) -> Measure:
    """Closed-loop completion of orders: complete (read back and reported done), incomplete, missed; open orders at
    the end are left out. Quality: (complete + half the incomplete) / all judged (the AutoCLC classes)."""
    orders = [o for o in tl.orders if _involved(o, who)]
    states = Counter(o.loop(tl.end_t) for o in orders)
    judged = states["complete"] + states["incomplete"] + states["missed"]
    evidence = tuple(s for o in orders for s in o.evidence())
    if judged == 0:
        return unobserved("closed_loop", "no order to judge", evidence)
    quality = (states["complete"] + 0.5 * states["incomplete"]) / judged
    reason = (f"{states['complete']} of {judged} orders closed the loop"
              + (f", {states['incomplete']} incompletely" if states["incomplete"] else "")
              + (f", {states['missed']} missed" if states["missed"] else ""))  # fmt: skip
    return Measure("closed_loop", states["complete"] / judged, quality, evidence, reason, dict(states))


def directed_orders(tl: Timeline, who: str | None = None) -> Measure:
    """Directed orders (to a named role) as a fraction of all orders given (Ottawa GRS: 'uses directed
    communication'); the quality is that fraction."""
    orders = [o for o in tl.orders if who is None or o.given.source == who]
    if not orders:
        return unobserved("directed_orders", "gave no orders")
    directed = sum(o.directed for o in orders)
    return Measure("directed_orders", directed / len(orders), directed / len(orders),
                   tuple(o.given.seq for o in orders),
                   f"{directed} of {len(orders)} orders named who was to do them")  # fmt: skip


def summaries(tl: Timeline, who: str | None = None) -> Measure:
    """Summaries of the situation and plan, and '10 seconds for 10 minutes' pauses: good when the first comes
    early, best with a pause; none at all is poor once the crisis has run past the poor time."""
    said = [e for e in _mine(tl.team("SummaryGiven"), who) if e.t >= tl.start_for(who) - 1e-9]
    if not said:
        if who is not None:
            return unobserved("summaries", "gave no summary")
        waited = tl.end_t - tl.start_for(who)
        if waited < SUMMARY_GOOD_S:
            return unobserved("summaries", "the session ended before a summary was due")
        return Measure("summaries", 0.0, linear(waited, SUMMARY_GOOD_S, SUMMARY_POOR_S) * 0.5, (),
                       "no one summarised the situation and plan")  # fmt: skip
    first = said[0].t - tl.start_for(who)
    paused = any(bool(e.data.get("pause")) for e in said)
    quality = linear(first, SUMMARY_GOOD_S, SUMMARY_POOR_S) * (1.0 if paused else 0.85)
    pauses = " with a 10-for-10 pause" if paused else " without a 10-for-10 pause"
    return Measure("summaries", float(len(said)), quality, tuple(e.seq for e in said),
                   f"{len(said)} summar{'y' if len(said) == 1 else 'ies'} of the plan, the first {seconds(first)} "
                   f"after onset{pauses}")  # fmt: skip


def role_allocation(tl: Timeline, who: str | None = None, leader_roles: frozenset[str] = frozenset()) -> Measure:
    """Time from onset (or from the leader's arrival, if the leader came later) to the first task assigned or
    directed order (ANTS: 'confirms roles and responsibilities')."""
    start = tl.start_for(who) if who is not None else tl.leader_from(leader_roles)
    allocations = [e for e in _mine(tl.team("TaskAssigned"), who)]
    allocations += [o.given for o in tl.orders if o.directed and (who is None or o.given.source == who)]
    allocations = sorted((e for e in allocations if e.t >= start - 1e-9), key=lambda e: e.seq)
    if not allocations:
        if who is not None:
            return unobserved("role_allocation", "allocated no tasks")
        waited = tl.end_t - start
        if waited < ALLOCATION_GOOD_S:
            return unobserved("role_allocation", "the session ended before tasks were due")
        return Measure("role_allocation", None, 0.0, (), "no one was given a task by name")
    delay = allocations[0].t - start
    since = "onset" if start == tl.onset_t else "the leader arrived"
    return Measure("role_allocation", delay, linear(delay, ALLOCATION_GOOD_S, ALLOCATION_POOR_S),
                   tuple(e.seq for e in allocations[:3]),
                   f"the first task was allocated by name {seconds(delay)} after {since}")  # fmt: skip


def speaking_up(tl: Timeline, who: str | None = None) -> Measure:
    """Speaking up: concerns raised, and errors offered by a confederate caught or missed. Quality 1 when every
    offered error was caught; 0 when one was missed and no one spoke up."""
    raised = [c.raised for c in tl.concerns if who is None or c.raised.source == who]
    caught = [e for e in tl.of("ErrorCaught") if who is None or e.source == who]
    missed = list(tl.of("ErrorMissed")) if who is None else []
    offered = tl.of("ErrorOffered")
    evidence = tuple(e.seq for e in (*offered, *caught, *missed, *raised))
    if not raised and not offered:
        return unobserved("speaking_up", "no moment called for speaking up")
    if who is not None and not raised and not caught:
        return unobserved("speaking_up", "did not speak up")
    if missed and not caught:
        quality = 0.0 if not raised else 0.3
        return Measure("speaking_up", float(len(raised)), quality, evidence,
                       f"an offered error was not caught ({len(raised)} concern(s) raised)")  # fmt: skip
    quality = 1.0 if (caught or raised) else 0.5
    what = f"{len(caught)} error(s) caught" if caught else ""
    what += (", " if what and raised else "") + (f"{len(raised)} concern(s) raised" if raised else "")
    return Measure("speaking_up", float(len(raised)), quality, evidence, what or "nothing to speak up about")


#: How well each response to a concern serves the team (judgement, after the two-challenge rule of TeamSTEPPS).
RESPONSE_QUALITY = {"acted": 1.0, "acknowledged": 0.75, "dismissed": 0.1}


def concern_response(tl: Timeline, who: str | None = None) -> Measure:
    """The response to concerns raised: acted on, acknowledged, dismissed or never answered (the leader's
    response to speaking up); with ``who``, the concerns that participant answered or should have answered.
    A concern put to no team member (to a confederate, or to the room) and never answered is not judged here."""
    roles = set(tl.participants.values())
    asked = [c for c in tl.concerns if c.answer is not None or c.raised.data.get("to") in roles]
    concerns = [c for c in asked
                if who is None or (c.answer is not None and c.answer.source == who)
                or (c.answer is None and tl.participants.get(who) == c.raised.data.get("to"))]  # fmt: skip
    if not concerns:
        return unobserved("concern_response", "no concern to respond to")
    qualities = [RESPONSE_QUALITY.get(str(c.answer.data.get("response")), 0.5) if c.answer else 0.0 for c in concerns]
    evidence = tuple(s for c in concerns for s in (c.raised.seq, *((c.answer.seq,) if c.answer else ())))
    answered = Counter(str(c.answer.data.get("response")) if c.answer else "unanswered" for c in concerns)
    reason = "concerns were " + ", ".join(f"{state} ({n})" for state, n in sorted(answered.items()))
    mean = sum(qualities) / len(qualities)
    return Measure("concern_response", mean, mean, evidence, reason)
