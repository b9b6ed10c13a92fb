"""The strict log reader: bytes to a :class:`Log`, every fault a one-line ``LogError("PATH:LINE: message")``.

A torn (cut-off, unparsable) last line is dropped and reported as ``torn``; anything else wrong — bad UTF-8, bad
JSON, a duplicate key, a number that is not finite (or an integer beyond the range of a float, which no reader of
a log could do arithmetic with), a missing or extra field, a record out of order — is an error.
Canonical lines, which is every line crmsim writes, take a fast path (msgspec, plus a key count that proves there
were no duplicate keys); any other line is parsed by the standard library with the checks done as it parses, so
both paths accept and refuse exactly the same lines.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import msgspec

from crmsim.core.log_format import (FIELDS, FORMAT, FORMAT_VERSION, Log, LogError, Record, is_int, order_fault,
                                    type_name)  # fmt: skip


def _finite_float(text: str) -> float:
    """Parse a JSON number (or NaN/Infinity constant), refusing anything that is not finite."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text:.40} is not finite")
    return value


def _sized_int(text: str) -> int:
    """Parse a JSON integer, refusing one beyond the range of a float (about 1.8e308)."""
    value = int(text)
    try:
        float(value)
    except OverflowError:
        raise ValueError(f"number {text:.40}… is too large") from None
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        key = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise ValueError(f"duplicate key {key!r:.60}")
    return obj


def _decoder() -> json.JSONDecoder:
    """The JSON decoder of log lines: numbers must be finite, keys unique (make one per read, not per line)."""
    return json.JSONDecoder(parse_constant=_finite_float, parse_float=_finite_float, parse_int=_sized_int,
                            object_pairs_hook=_unique_keys)  # fmt: skip


def _load_line(raw: bytes, where: str, decoder: json.JSONDecoder | None = None) -> Any:
    """Decode and parse one line, raising ``LogError`` if it is not UTF-8 JSON."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LogError(f"{where}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})") from None
    if not text.strip():
        raise LogError(f"{where}: blank line")
    try:
        return (decoder or _decoder()).decode(text)
    except (ValueError, RecursionError) as exc:
        raise LogError(f"{where}: bad JSON: {exc}") from None


def _check_header(obj: Any, where: str) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise LogError(f"{where}: the first line must be the log header (an object), found {type_name(obj)}")
    if obj.get("format") != FORMAT:
        raise LogError(f"{where}: not a crmsim log (the header's format is {obj.get('format')!r:.60}, "
                       f"expected {FORMAT!r})")
    version = obj.get("format_version")
    if not is_int(version) or version < 1:
        raise LogError(f"{where}: the header's format_version must be a positive integer, found {version!r:.60}")
    if version > FORMAT_VERSION:
        raise LogError(f"{where}: written by a newer crmsim (format {version}); upgrade crmsim")
    fault = _session_fault(obj)
    if fault:
        raise LogError(f"{where}: the header's {fault}")
    return obj


def _session_fault(header: Mapping[str, Any]) -> str | None:
    """What is wrong with the session fields a header has (each may be absent; present, it must be well formed)."""
    seed, tick_s = header.get("seed", 0), header.get("tick_s", 0.1)
    if not is_int(seed) or seed < 0:
        return f"seed must be a non-negative integer, found {seed!r:.60}"
    if not isinstance(tick_s, (int, float)) or isinstance(tick_s, bool) or not 0.001 <= tick_s <= 1:
        return f"tick_s must be a number of seconds from 0.001 to 1, found {tick_s!r:.60}"
    scenario = header.get("scenario", {})
    if not isinstance(scenario, dict):
        return f"scenario must be an object (id, version, sha256, path), found {scenario!r:.60}"
    participants = header.get("participants", [])
    if not isinstance(participants, list):
        return f"participants must be a list, found {type_name(participants)}"
    for i, person in enumerate(participants):
        if not (isinstance(person, dict) and isinstance(person.get("id"), str) and isinstance(person.get("role"), str)
                and isinstance(person.get("name", ""), str)):  # fmt: skip
            return f"participant {i + 1} must be an object with a text id, role and name, found {person!r:.60}"
    for key in ("crmsim_version", "started_at"):
        if not isinstance(header.get(key, ""), str):
            return f"{key} must be text, found {header[key]!r:.60}"
    return None


_FIELD_COUNT = len(FIELDS)
#: A run of digits as long as the shortest integer beyond a float's range: a line with one takes the strict path.
_LONG_DIGITS = re.compile(rb"[0-9]{309}")
#: The fast path's decoder (msgspec's C JSON parser, about four times the standard library's speed).
_FAST = msgspec.json.Decoder()


def _keys_in(value: Any) -> int:
    """How many keys the objects in a parsed JSON value have, all levels counted."""
    if type(value) is dict:
        return len(value) + sum(_keys_in(v) for v in value.values() if type(v) is dict or type(v) is list)
    if type(value) is list:
        return sum(_keys_in(v) for v in value if type(v) is dict or type(v) is list)
    return 0


def _fast_record(raw: bytes) -> Record | None:
    """The record on a line by the fast path, or None when the line must take the strict one (not an error).

    msgspec refuses what the strict path refuses (bad UTF-8, NaN, infinite numbers, lone surrogates) but reads
    integers of any size, so a line long enough to hold one beyond a float's range goes the strict path; and it
    silently collapses duplicate keys. Every key is followed by its own colon and any other colon is inside a
    string, so a line holds at least as many colons as keys; when it holds exactly as many as the keys parsed, no
    key was collapsed. A line this cannot prove (a colon in a text, say) goes the strict path, which gives the
    error if there is one.
    """
    if len(raw) > 309 and _LONG_DIGITS.search(raw):
        return None
    try:
        obj = _FAST.decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        return None
    if type(obj) is not dict or len(obj) != _FIELD_COUNT:
        return None
    data = obj.get("data")
    if type(data) is not dict:
        return None
    if raw.count(b"{") == 2:  # the record and its data, nothing nested (the usual case)
        keys = _FIELD_COUNT + len(data)
    else:
        try:
            keys = _FIELD_COUNT + _keys_in(data)
        except RecursionError:
            return None
    if raw.count(b":") != keys:
        return None
    get = obj.get  # a missing field gives None, which of_exact refuses
    return Record.of_exact(get("seq"), get("tick"), get("t"), get("kind"), get("source"), data)


def parse_log_bytes(data: bytes, path: str) -> Log:
    """Parse a whole log held in bytes; ``path`` names it in error messages."""
    if not data:
        raise LogError(f"{path}: the log is empty")
    lines = data.split(b"\n")
    tail = lines.pop()
    if tail:
        lines.append(tail)
    header_where = f"{path}:1"
    try:
        header = _check_header(_load_line(lines[0], header_where), header_where)
    except LogError:
        if len(lines) == 1 and tail:
            raise LogError(f"{header_where}: the header is incomplete (the log was cut off while it was written)")
        raise
    records: list[Record] = []
    decoder = _decoder()
    previous: Record | None = None
    for number, raw in enumerate(lines[1:], start=2):
        record = _fast_record(raw)
        if record is None:
            where = f"{path}:{number}"
            try:
                obj = _load_line(raw, where, decoder)
            except LogError:
                if tail and number == len(lines):
                    return Log(header, tuple(records), True, path)
                raise
            record = Record.from_obj(obj, where)
        if previous is None or record.seq != previous.seq + 1 or record.tick < previous.tick \
                or record.t < previous.t:  # fmt: skip
            fault = order_fault(previous, record)
            if fault:
                raise LogError(f"{path}:{number}: {fault}")
        records.append(record)
        previous = record
    return Log(header, tuple(records), False, path)


def parse_log(text: str, path: str = "<string>") -> Log:
    """Parse a whole log held in a string; ``path`` only names it in error messages."""
    return parse_log_bytes(text.encode("utf-8", "surrogatepass"), path)


def read_log(path: Path | str) -> Log:
    """Read a log file; every fault, including an unreadable file, is a ``LogError``."""
    try:
        data = Path(path).read_bytes()
    except (OSError, ValueError) as exc:
        raise LogError(f"{path}: cannot read: {exc}") from None
    return parse_log_bytes(data, str(path))
