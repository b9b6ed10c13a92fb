"""The record kinds of the event log and the payload each one carries: the contract every log reader relies on.

Each kind maps to its payload fields as ``name: type`` with the types ``str``, ``num`` (int or float), ``int``,
``bool``, ``list`` and ``dict`` (``a/b`` for either); a trailing ``?`` allows null, and fields after ``|`` are optional (present only
when they apply). :func:`payload_problems` checks a record against this table; the test suite runs it over the logs
of every bundled scenario, and ``docs/log-format.md`` lists the same table for people.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

#: kind -> "required fields | optional fields"; the kinds are past-tense records of what happened.
KINDS: dict[str, str] = {
    # the session
    "SessionStarted": "scenario:str seed:int",
    "SessionEnded": "outcome:str summary:str? phase:str",
    "CommandIssued": "by:str command:dict | label:str",
    "CommandRejected": "command:str reason:str",
    # the facilitator
    "Paused": "",
    "Resumed": "",
    "SpeedChanged": "factor:num",
    "Annotated": "tag:str note:str?",
    # the scenario runtime
    "PhaseEntered": "phase:str title:str narration:str? reason:str",
    "InsultStarted": "insult:str severity:num ramp:num",
    "InsultStopped": "insult:str ramp:num",
    "InjectFired": "inject:str title:str kind:str narration:str? reason:str",
    "LineSpoken": "by:str name:str say:str",
    "EquipmentFailed": "action:str for:num",
    "EquipmentRestored": "action:str",
    "ErrorOffered": "inject:str by:str description:str action:str window:num",
    "ErrorCaught": "inject:str how:str role:str?",
    "ErrorMissed": "inject:str by:str action:str",
    "RoleArrived": "role:str name:str participant:str?",
    # the patient and the monitor
    "VitalsSampled": "hr:num sbp:num dbp:num map:num spo2:num rr:num etco2:num temp:num rhythm:str",
    "AlarmRaised": "alarm:str vital:str value:num/str? priority:str",
    "AlarmCleared": "alarm:str",
    "LabResulted": "test:str values:dict",
    # actions
    "ActionStarted": "action:str role:str duration:num | order:str route:str dose:num dose_text:str "
                     "rate_per_min:num error_of:str",
    "DrugGiven": "action:str role:str route:str dose:num dose_text:str unit:str | order:str error_of:str",
    "InfusionStarted": "action:str role:str route:str rate_per_min:num dose_text:str unit:str | order:str error_of:str",
    "InterventionPerformed": "action:str role:str kind:str succeeded:bool ongoing:bool | order:str",
    "InterventionEnded": "action:str role:str | order:str",
    # communication
    "OrderGiven": "order:str role:str to:str? action:str directed:bool | dose:str route:str rate:str",
    "OrderAcknowledged": "order:str role:str read_back:bool action:str | dose:str",
    "OrderClarified": "order:str role:str question:str action:str",
    "OrderDeclined": "order:str role:str reason:str action:str",
    "OrderDone": "order:str action:str role:str?",
    "FindingCalledOut": "finding:str role:str | text:str value:num/str",
    "EmergencyDeclared": "role:str",
    "DiagnosisDeclared": "role:str diagnosis:str name:str",
    "HelpCalled": "role:str roles:list coming:list sbar:dict? sbar_parts:int",
    "TaskAssigned": "role:str to:str task:str",
    "SummaryGiven": "role:str plan:str pause:bool",
    "ConcernRaised": "concern:str role:str to:str? level:str words:str? about:str",
    "ConcernAnswered": "concern:str role:str response:str raised_by:str",
    "DoseCrossChecked": "role:str with:str action:str | dose:str order:str",
    "AidOpened": "aid:str role:str title:str steps:list",
}

#: Kinds that are the team speaking to each other (what the comms panel and the communication scores read).
COMMUNICATION_KINDS = frozenset({
    "OrderGiven", "OrderAcknowledged", "OrderClarified", "OrderDeclined", "OrderDone", "FindingCalledOut",
    "EmergencyDeclared", "DiagnosisDeclared", "HelpCalled", "TaskAssigned", "SummaryGiven", "ConcernRaised",
    "ConcernAnswered", "DoseCrossChecked",
})  # fmt: skip

_CHECKS: dict[str, Any] = {
    "str": lambda v: isinstance(v, str),
    "num": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "bool": lambda v: isinstance(v, bool),
    "list": lambda v: isinstance(v, list | tuple) and all(isinstance(x, str | int | float | bool) for x in v),
    "dict": lambda v: isinstance(v, Mapping),
}


@functools.cache
def fields(kind: str) -> tuple[dict[str, str], dict[str, str]]:
    """The required and optional payload fields of a kind, each ``name -> type``."""
    required, _, optional = KINDS[kind].partition("|")

    def parse(text: str) -> dict[str, str]:
        return dict(item.split(":", 1) for item in text.split())

    return parse(required), parse(optional)


def _type_ok(spec: str, value: Any) -> bool:
    nullable = spec.endswith("?")
    if value is None:
        return nullable
    return any(_CHECKS[name](value) for name in spec.rstrip("?").split("/"))


def payload_problems(kind: str, data: Mapping[str, Any]) -> list[str]:
    """What is wrong with a record's payload against :data:`KINDS` (an empty list when nothing is)."""
    if kind not in KINDS:
        return [f"unknown record kind '{kind}'"]
    required, optional = fields(kind)
    problems = [f"{kind}: missing field '{name}'" for name in required if name not in data]
    for name, value in data.items():
        spec = required.get(name) or optional.get(name)
        if spec is None:
            problems.append(f"{kind}: unexpected field '{name}'")
        elif not _type_ok(spec, value):
            problems.append(f"{kind}: field '{name}' should be {spec}, found {type(value).__name__}")
    return problems


_PLAIN_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "num": (int, float), "int": (int,), "bool": (bool,)}


@functools.cache
def _plain_spec(kind: str) -> tuple[frozenset[str], dict[str, frozenset[type]]] | None:
    """For a kind whose fields are all plain (str, num, int, bool, nullable or not): its required names and the exact
    types each field may have; None for a kind with list or dict fields (checked the long way)."""
    if kind not in KINDS:
        return None
    required, optional = fields(kind)
    allowed: dict[str, frozenset[type]] = {}
    for name, spec in {**required, **optional}.items():
        parts = spec.rstrip("?").split("/")
        if not all(part in _PLAIN_TYPES for part in parts):
            return None
        allowed[name] = frozenset(t for part in parts for t in _PLAIN_TYPES[part]) | (
            {type(None)} if spec.endswith("?") else set())
    return frozenset(required), allowed


Shape = tuple[str, tuple[str, ...], tuple[type, ...]]


def first_payload_problem(records: Iterable[Any], passed: set[Shape] | None = None) -> str | None:
    """``LINE: problem`` for the first record (``seq``, ``kind``, ``data``) whose payload breaks :data:`KINDS`, with
    its line in the log file (the header is line 1), or None. What a reader of a log from elsewhere checks first;
    kinds with plain fields (most records: the vitals) are checked by exact type, once per shape (kind, keys and
    value types: a log's samples share a few; ``passed`` may carry the shapes already checked in other logs), the
    rest by ``payload_problems``."""
    passed = set() if passed is None else passed  # plain shapes seen to be right (kept by the caller across logs)
    for record in records:
        data = record.data
        shape = (record.kind, tuple(data), tuple(map(type, data.values())))
        if shape in passed:
            continue
        plain = _plain_spec(record.kind)
        if plain is not None and plain[0] <= data.keys():
            allowed = plain[1]
            if all(type(value) in allowed.get(name, ()) for name, value in data.items()):
                passed.add(shape)
                continue
        problems = payload_problems(record.kind, data)
        if problems:
            return f"{record.seq + 2}: {problems[0]}"
    return None
