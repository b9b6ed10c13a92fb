"""Does a log record match a scenario selector? The one definition shared by the runtime and the scorer.

The runtime evaluates transitions and injects against the records it has just written; the scorer evaluates
markers against a log read from disk. Both use these functions, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmsim.schema.conditions import (
    ActionAtom,
    ActionMatch,
    CommunicationAtom,
    CommunicationMatch,
    DoseRange,
    InjectAtom,
    PhaseAtom,
    StartAtom,
    VitalAtom,
)
from crmsim.schema.units import Quantity

#: Record kinds that mean an action was done.
ACTION_KINDS = frozenset({"DrugGiven", "InterventionPerformed", "InfusionStarted"})

#: Communication kind (as scenarios name it) → the record kinds that carry it.
COMMUNICATION_RECORDS: Mapping[str, frozenset[str]] = {
    "order": frozenset({"OrderGiven"}),
    "acknowledge": frozenset({"OrderAcknowledged"}),
    "clarify": frozenset({"OrderClarified"}),
    "decline": frozenset({"OrderDeclined"}),
    "report_done": frozenset({"OrderDone"}),
    "call_out": frozenset({"FindingCalledOut"}),
    "declare": frozenset({"EmergencyDeclared", "DiagnosisDeclared"}),
    "call_help": frozenset({"HelpCalled"}),
    "assign": frozenset({"TaskAssigned"}),
    "summarise": frozenset({"SummaryGiven"}),
    "raise_concern": frozenset({"ConcernRaised"}),
    "respond_concern": frozenset({"ConcernAnswered"}),
    "cross_check": frozenset({"DoseCrossChecked"}),
    "open_aid": frozenset({"AidOpened"}),
}

#: Keys of a communication record's data that say what it was about.
_ABOUT_KEYS = ("diagnosis", "finding", "aid", "action")


def dose_in_range(match: ActionMatch, dose: float | None, weight_kg: float) -> bool:
    """Whether an absolute dose (canonical units) lies in the match's range (per-kg bounds use the weight)."""
    return amount_in_range(match.dose, dose, weight_kg)


def amount_in_range(bounds: DoseRange | None, dose: float | None, weight_kg: float) -> bool:
    """Whether an absolute amount (canonical units) lies in a dose range; any amount does when there is none."""
    if bounds is None:
        return True
    if dose is None:
        return False
    low: Quantity | None = bounds.min
    high: Quantity | None = bounds.max
    if low is not None and dose < low.for_weight(weight_kg).value - 1e-9:
        return False
    return not (high is not None and dose > high.for_weight(weight_kg).value + 1e-9)


def action_matches(match: ActionMatch, kind: str, data: Mapping[str, Any], weight_kg: float) -> bool:
    """Whether one record is an action the match describes (count is not considered here): by default one that
    succeeded — a failed attempt counts only for ``outcome: failed`` or ``any``."""
    if kind not in ACTION_KINDS or data.get("action") != match.id:
        return False
    if match.by and data.get("role") not in match.by:
        return False
    if match.route is not None and data.get("route") != match.route:
        return False
    succeeded = kind != "InterventionPerformed" or data.get("succeeded") is not False  # drugs always "succeed"
    if match.outcome != "any" and succeeded != (match.outcome == "succeeded"):
        return False
    return dose_in_range(match, data.get("dose"), weight_kg)


def total_dose(data: Mapping[str, Any]) -> float:
    """What one matching action adds to a ``total``: its bolus dose (canonical units), nothing for the rest."""
    dose = data.get("dose")
    return float(dose) if isinstance(dose, int | float) and not isinstance(dose, bool) else 0.0


def communication_matches(match: CommunicationMatch, kind: str, data: Mapping[str, Any]) -> bool:
    """Whether one record is a communication the match describes."""
    if kind not in COMMUNICATION_RECORDS[match.kind]:
        return False
    if match.by and data.get("role") not in match.by:
        return False
    if match.about is not None and not any(data.get(k) == match.about for k in _ABOUT_KEYS):
        return False
    return True


def record_matches(selector: Any, kind: str, data: Mapping[str, Any], weight_kg: float) -> bool:
    """Whether one record is the event a selector names (vital selectors never match a single record)."""
    if isinstance(selector, PhaseAtom):
        return kind == "PhaseEntered" and data.get("phase") == selector.phase
    if isinstance(selector, InjectAtom):
        return kind == "InjectFired" and data.get("inject") == selector.inject
    if isinstance(selector, ActionAtom):
        return action_matches(selector.action, kind, data, weight_kg)
    if isinstance(selector, CommunicationAtom):
        return communication_matches(selector.communication, kind, data)
    if isinstance(selector, StartAtom):
        return kind == "SessionStarted"
    return False


def record_kinds(selector: Any) -> frozenset[str] | None:
    """The only record kinds ``record_matches`` can accept for this selector (None: no single record narrows it).

    Lets a reader of a whole log look at those records alone instead of every record.
    """
    if isinstance(selector, PhaseAtom):
        return frozenset({"PhaseEntered"})
    if isinstance(selector, InjectAtom):
        return frozenset({"InjectFired"})
    if isinstance(selector, ActionAtom):
        return ACTION_KINDS
    if isinstance(selector, CommunicationAtom):
        return COMMUNICATION_RECORDS[selector.communication.kind]
    if isinstance(selector, StartAtom):
        return frozenset({"SessionStarted"})
    return None


def vital_beyond(selector: VitalAtom, vitals: Mapping[str, Any]) -> bool:
    """Whether a sampled vital is beyond the selector's threshold (ignoring its duration)."""
    value = vitals.get(selector.vital.name)
    if not isinstance(value, int | float):
        return False
    if selector.vital.below is not None:
        return value < selector.vital.below
    return value > (selector.vital.above if selector.vital.above is not None else float("inf"))
