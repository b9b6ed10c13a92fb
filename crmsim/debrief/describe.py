"""Words for the debrief: times as ``mm:ss``, vitals as the monitor labels them, and one line per log record.

Communication and scenario records read exactly as the shared screen's comms panel showed them
(:func:`crmsim.core.view.describe`); actions, alarms and errors get their own line here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmsim.core.log import Record
from crmsim.core.view import SOURCE_NAMES, display_names
from crmsim.core.view import describe as screen_line
from crmsim.schema.conditions import ActionAtom, CommunicationAtom, InjectAtom, PhaseAtom, StartAtom, VitalAtom
from crmsim.schema.load import LoadedScenario

#: How the monitor labels each vital, and its unit as printed.
VITAL_LABELS: Mapping[str, tuple[str, str]] = {
    "hr": ("HR", "/min"), "sbp": ("SBP", "mmHg"), "dbp": ("DBP", "mmHg"), "map": ("MAP", "mmHg"),
    "spo2": ("SpO2", "%"), "rr": ("RR", "/min"), "etco2": ("EtCO2", "mmHg"), "temp": ("Temp", "°C"),
    "rhythm": ("Rhythm", ""),
}  # fmt: skip

_ORDINALS = ("zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth")


def clock(t: float) -> str:
    """Simulated seconds as the debrief prints them: ``04:12``, or ``1:02:05`` past an hour."""
    whole = int(round(t))
    hours, rest = divmod(whole, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes:02d}:{seconds:02d}"


def span(seconds: float) -> str:
    """A duration in words: ``40 s``, ``2 min``, ``3 min 5 s``."""
    whole = int(round(seconds))
    if whole < 120:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    return f"{minutes} min" + (f" {rest} s" if rest else "")


def ordinal(n: int) -> str:
    """``fourth`` for 4 (``12th`` past ten)."""
    if 0 <= n < len(_ORDINALS):
        return _ORDINALS[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def displayed(vital: str, value: float | str) -> float | str:
    """A value rounded as the monitor shows it (temperature to 0.1, the rest to whole numbers)."""
    if isinstance(value, str):
        return value
    return round(value, 1) if vital == "temp" else float(round(value))


def shown(vital: str, value: float | str) -> str:
    """``SpO2 82 %`` style text of a displayed value."""
    label, unit = VITAL_LABELS.get(vital, (vital, ""))
    number = displayed(vital, value)
    text = f"{number:g}" if isinstance(number, float) else str(number).upper()
    return f"{label} {text}" + (f" {unit}" if unit else "")


def names_for(loaded: LoadedScenario, participants: Mapping[str, str]) -> dict[str, str]:
    """Display names by action id, role id, confederate id and participant id (as the game shows them), and the
    scenario's diagnoses and findings."""
    scenario = loaded.scenario
    names = display_names(loaded, {}) | {d.id: d.name for d in (*scenario.diagnoses, *scenario.findings)}
    for pid, role in participants.items():
        names[pid] = names.get(role, role)
    return names | SOURCE_NAMES


def _dose(data: Mapping[str, Any]) -> str:
    parts = [str(data[k]) for k in ("dose_text", "route") if data.get(k)]
    return (" " + " ".join(parts)) if parts else ""


def action_line(record: Record, names: Mapping[str, str]) -> str | None:
    """A line for an action, alarm, error or facilitator record; None for other kinds."""
    d = record.data
    action = names.get(str(d.get("action")), str(d.get("action")))
    kind = record.kind
    if kind == "DrugGiven":
        wrong = " (the error offered)" if d.get("error_of") else ""
        return f"gives {action}{_dose(d)}{wrong}"
    if kind == "InfusionStarted":
        return f"starts {action} infusion {d.get('dose_text', '')}".rstrip()
    if kind == "InterventionPerformed":
        return f"{action}" + ("" if d.get("succeeded", True) else " (failed)") + (" (ongoing)" if d.get("ongoing") else "")
    if kind == "InterventionEnded":
        return f"stops {action}"
    if kind == "ActionStarted":
        return f"starts {action}{_dose(d)}"
    if kind == "AlarmRaised":
        value = d.get("value")
        what = shown(str(d.get("vital")), value) if isinstance(value, int | float | str) else str(d.get("vital"))
        return f"{d.get('priority')} alarm: {what}"
    if kind == "AlarmCleared":
        return f"alarm cleared: {d.get('alarm')}"
    if kind == "ErrorOffered":
        return f"offers an error: {d.get('description')}"
    if kind == "ErrorCaught":
        who = names.get(str(d.get("role")), "the team") if d.get("role") else "the team"
        return f"{who} caught the error ({d.get('how')})"
    if kind == "ErrorMissed":
        return f"the error was not caught: {action} by {names.get(str(d.get('by')), str(d.get('by')))}"
    if kind == "Annotated":
        return f"note [{d.get('tag')}]" + (f": {d['note']}" if d.get("note") else "")
    if kind in ("InsultStarted", "InsultStopped"):
        return f"{'starts' if kind == 'InsultStarted' else 'stops'}: {d.get('insult')}"
    if kind in ("EquipmentFailed", "EquipmentRestored"):
        return f"{action} {'fails' if kind == 'EquipmentFailed' else 'works again'}"
    if kind in ("Paused", "Resumed"):
        return kind.lower()
    if kind == "SpeedChanged":
        return f"speed ×{d.get('factor')}"
    if kind == "SessionEnded":
        return f"session ends: {d.get('outcome')}" + (f" — {d['summary']}" if d.get("summary") else "")
    if kind == "SessionStarted":
        return "session starts"
    return None


def record_line(record: Record, names: Mapping[str, str]) -> str | None:
    """The debrief's line for a record: the comms panel's wording where it has one, else :func:`action_line`."""
    if record.kind == "PhaseEntered":
        return f"phase: {record.data.get('title')}"
    if record.kind == "InjectFired":
        return f"{record.data.get('title')}"
    return screen_line(record, names) or action_line(record, names)


def lower_first(text: str) -> str:
    """``Adrenaline`` → ``adrenaline``, leaving acronyms (``CPR``, ``ECG``) alone."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def who_of(source: str, role: str | None, names: Mapping[str, str]) -> str:
    """``the anaesthetist``: the person behind a record, by role (or confederate) name."""
    name = names.get(role or "", "") or names.get(source, source)
    return "the " + lower_first(name) if name and source not in ("scenario", "system", "physiology") else name


def past_line(kind: str, data: Mapping[str, Any], names: Mapping[str, str]) -> str:  # noqa: PLR0911 - one per kind
    """What a team member did, in the past tense, for a key moment: ``gave adrenaline 50 mcg iv``."""
    action = lower_first(names.get(str(data.get("action")), str(data.get("action"))))
    if kind == "DrugGiven":
        return f"gave {action}{_dose(data)}"
    if kind == "InfusionStarted":
        return f"started {action} as an infusion"
    if kind == "InterventionPerformed":
        return f"{'started' if data.get('ongoing') else 'performed'} {action}"
    if kind == "ActionStarted":
        return f"began {action}{_dose(data)}"
    if kind == "HelpCalled":
        return "called for help"
    if kind == "DiagnosisDeclared":
        return f"declared {lower_first(str(data.get('name')))}"
    if kind == "EmergencyDeclared":
        return "declared an emergency"
    if kind == "FindingCalledOut":
        return f"called out '{data.get('text')}'" if data.get("text") else f"called out {data.get('finding')}"
    if kind == "SummaryGiven":
        return "summarised the situation and plan"
    if kind == "TaskAssigned":
        return f"gave the {lower_first(names.get(str(data.get('to')), str(data.get('to'))))} a task"
    if kind == "ConcernRaised":
        return f"raised a concern: '{data.get('about')}'"
    if kind == "AidOpened":
        return f"opened {data.get('title')}"
    if kind == "DoseCrossChecked":
        return f"cross-checked {action}"
    if kind == "OrderGiven":
        return f"asked for {action}"
    return kind


def cue_text(selector: Any, loaded: LoadedScenario, names: Mapping[str, str]) -> str:
    """A scenario selector (a marker's or decision point's cue) in words: ``the start``, ``SBP below 50 mmHg``."""
    if isinstance(selector, StartAtom):
        return "the start"
    if isinstance(selector, VitalAtom):
        v = selector.vital
        label, unit = VITAL_LABELS.get(v.name, (v.name, ""))
        side, limit = ("below", v.below) if v.below is not None else ("above", v.above)
        return f"{label} {side} {limit:g} {unit}".rstrip()
    if isinstance(selector, PhaseAtom):
        phase = loaded.scenario.phase(selector.phase)
        return f"'{phase.title if phase else selector.phase}'"
    if isinstance(selector, InjectAtom):
        inject = next((i for i in loaded.scenario.injects if i.id == selector.inject), None)
        return f"'{getattr(inject, 'title', None) or selector.inject}'"
    if isinstance(selector, ActionAtom):
        match = selector.action
        text = names.get(match.id, match.id)
        if match.outcome == "failed":
            text = f"a failed {text}" if match.count == 1 else f"{match.count} failed {text}"
        if match.total is not None and match.total.min is not None:
            text += f" reaching {match.total.min.text or match.total.min} in all"
        return text
    if isinstance(selector, CommunicationAtom):
        about = selector.communication.about
        return selector.communication.kind.replace("_", " ") + (f" {names.get(about, about)}" if about else "")
    return "the cue"
