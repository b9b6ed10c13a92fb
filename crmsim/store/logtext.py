"""What the store reads from a log's text: its facts (scenario, seed, team, outcome), and the text made name-free.

A log kept in the store never holds a participant's name: names found in a header (logs written before the store
kept names apart) are taken out of the text and returned to be stored in their own table.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from crmsim.core.log import Log, LogError, dumps, parse_log
from crmsim.store.base import StoreError


@dataclass(frozen=True)
class LogFacts:
    """The facts the store indexes about one log, and its name-free text."""

    text: str
    header_sha256: str
    log_sha256: str
    scenario_id: str
    scenario_version: str
    scenario_sha256: str
    seed: int
    started_at: str
    outcome: str | None
    duration_s: float | None
    roles: tuple[tuple[str, str], ...]
    names: dict[str, str]


def sha256_text(text: str) -> str:
    """The hex SHA-256 of ``text`` as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _without_names(header: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The header with every participant's name blanked, and the names that were there by participant id."""
    names: dict[str, str] = {}
    participants = []
    for p in header.get("participants", []) or []:
        if isinstance(p, dict):
            if str(p.get("name") or "").strip():
                names[str(p.get("id"))] = str(p["name"]).strip()
            p = {**p, "name": ""}
        participants.append(p)
    return {**header, "participants": participants}, names


def read_facts(text: str, where: str = "<log>") -> LogFacts:
    """Parse a log's text (a torn last line is dropped) into the facts the store keeps; ``StoreError`` if it is
    not a crmsim log."""
    try:
        log = parse_log(text, where)
    except LogError as exc:
        raise StoreError(str(exc)) from None
    if log.torn:
        text = text[: text.rfind("\n") + 1]
    first, _, rest = text.partition("\n")
    header, names = _without_names(dict(log.header))
    if names:
        first = dumps(header)
        text = first + "\n" + rest
    found = header.get("scenario")
    scenario: dict[str, Any] = found if isinstance(found, dict) else {}
    roles = tuple((str(p.get("id")), str(p.get("role"))) for p in header["participants"] if isinstance(p, dict))
    return LogFacts(
        text=text, header_sha256=sha256_text(first), log_sha256=sha256_text(text),
        scenario_id=str(scenario.get("id", "")), scenario_version=str(scenario.get("version", "")),
        scenario_sha256=str(scenario.get("sha256", "")), seed=_int(header.get("seed")),
        started_at=str(header.get("started_at") or ""), outcome=outcome_of(log),
        duration_s=log.records[-1].t if log.records else None, roles=roles, names=names,
    )  # fmt: skip


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def outcome_of(log: Log) -> str | None:
    """The outcome of the log's ``SessionEnded`` record, or ``None`` if the session has not ended."""
    ended = next((r for r in reversed(log.records) if r.kind == "SessionEnded"), None)
    return None if ended is None else str(ended.data.get("outcome"))


#: What a forgotten name is replaced by outside the forgotten participant's own session.
FORGOTTEN = "[name removed]"


def _name_pattern(name: str) -> re.Pattern[str] | None:
    """A whole-word, any-case pattern for ``name``; ``None`` for names under two characters (too ambiguous)."""
    name = name.strip()
    return re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE) if len(name) >= 2 else None


def scrub_text(text: str, name: str, replacement: str = FORGOTTEN) -> str:
    """Free text with every whole-word occurrence of ``name`` replaced."""
    pattern = _name_pattern(name)
    return text if pattern is None else pattern.sub(replacement, text)


def _scrub(value: Any, pattern: re.Pattern[str], replacement: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_scrub(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, pattern, replacement) for k, v in value.items()}
    return value


def scrub_name(text: str, name: str, replacement: str) -> str:
    """The log text with every whole-word occurrence of ``name`` in a string value replaced by ``replacement``.

    Lines without the name are kept byte for byte; a changed line is written back as canonical JSON. Names
    shorter than two characters are too ambiguous to search for and leave the text unchanged.
    """
    pattern = _name_pattern(name)
    if pattern is None:
        return text
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line and pattern.search(line):
            lines[i] = dumps(_scrub(json.loads(line), pattern, replacement))
    return "\n".join(lines)
