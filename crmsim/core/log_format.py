"""The log's record format: the canonical JSON of a line, the ``Record`` and the ``Log`` as read, the order rule.

A log line is one JSON object with exactly the fields of :data:`FIELDS`, its keys sorted, no spaces, floats as
Python's shortest repr (:func:`dumps`). ``seq`` counts up from 0 by one; ``tick`` and ``t`` never go back.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


FORMAT = "crmsim-log"
FORMAT_VERSION = 1

FIELDS: tuple[str, ...] = ("seq", "tick", "t", "kind", "source", "data")
_KIND = re.compile(r"[A-Z][A-Za-z0-9]*")
_JSON_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "array"), (dict, "object"))


class LogError(Exception):
    """A log that cannot be read; the message is one line, ``PATH:LINE: message`` (or ``PATH: message``)."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.splitlines()))


_FIELD_SET = frozenset(FIELDS)


@functools.lru_cache(maxsize=512)
def _is_kind(kind: str) -> bool:
    """Whether ``kind`` is a CamelCase record kind (a log has a few dozen kinds, so the answers are kept)."""
    return _KIND.fullmatch(kind) is not None


def type_name(value: object) -> str:
    if value is None:
        return "null"
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), type(value).__name__)


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_json(value: object, where: str) -> None:
    """Raise ``TypeError``/``ValueError`` unless ``value`` serialises to JSON that reads back equal."""
    if value is None or isinstance(value, (bool, int, str)):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where} is {value!r}; NaN and infinities are not allowed in the log")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} has a key of type {type(key).__name__}; keys must be strings")
            _check_json(item, f"{where}[{key!r}]")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _check_json(item, f"{where}[{index}]")
    else:
        raise TypeError(f"{where} is a {type(value).__name__}, which the log cannot hold")


def _as_dict(value: object) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(obj: Mapping[str, Any]) -> str:
    """Canonical one-line JSON: sorted keys, no spaces, UTF-8 kept, floats as Python's shortest repr."""
    _check_json(obj, "value")
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False,
                      default=_as_dict)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"text that is not valid Unicode ({exc.reason})") from None
    return text


@dataclass(frozen=True, slots=True)
class Record:
    """One event: ``seq`` (0-based, consecutive), ``tick``, sim time ``t``, past-tense ``kind``, ``source``, ``data``."""

    seq: int
    tick: int
    t: float
    kind: str
    source: str
    data: Mapping[str, Any]

    def __post_init__(self) -> None:
        seq, tick, t, kind, source = self.seq, self.tick, self.t, self.kind, self.source
        if (type(seq) is int and type(tick) is int and type(t) is float and type(kind) is str  # noqa: E721
                and type(source) is str and seq >= 0 and tick >= 0 and 0.0 <= t < math.inf and source  # noqa: E721
                and _is_kind(kind) and (type(self.data) is dict or isinstance(self.data, Mapping))):  # fmt: skip
            return  # the usual case, checked in one go; anything else gets the field-by-field checks below
        self._check_fields()

    def _check_fields(self) -> None:
        for name in ("seq", "tick"):
            value = getattr(self, name)
            if not is_int(value) or value < 0:
                raise TypeError(f"field {name!r} must be a non-negative integer, found {type_name(value)} {value!r}")
        if not isinstance(self.t, (int, float)) or isinstance(self.t, bool) or not 0 <= self.t < math.inf:
            raise TypeError(f"field 't' must be a finite non-negative number, found {type_name(self.t)}")
        object.__setattr__(self, "t", float(self.t))
        if not isinstance(self.kind, str) or not _KIND.fullmatch(self.kind):
            raise TypeError(f"field 'kind' must be a CamelCase name such as 'OrderGiven', found {self.kind!r:.60}")
        if not isinstance(self.source, str) or not self.source:
            raise TypeError(f"field 'source' must be a non-empty string, found {self.source!r:.60}")
        if not isinstance(self.data, Mapping):
            raise TypeError(f"field 'data' must be an object, found {type_name(self.data)}")

    def to_json(self) -> str:
        return dumps({name: getattr(self, name) for name in FIELDS})

    @classmethod
    def of_exact(cls, seq: Any, tick: Any, t: Any, kind: Any, source: Any, data: Any) -> Record | None:
        """The record of these values if each already has exactly its field's type and a valid value, else None
        (then ``Record(...)`` says what is wrong, or converts an integer ``t``).

        The log reader's fast path: it checks what ``__post_init__`` checks and sets the slots directly, skipping
        the frozen dataclass constructor's six ``object.__setattr__`` calls (a log is thousands of records)."""
        if not (type(seq) is int and type(tick) is int and type(t) is float and type(kind) is str  # noqa: E721
                and type(source) is str and type(data) is dict and seq >= 0 and tick >= 0  # noqa: E721
                and 0.0 <= t < math.inf and source and _is_kind(kind)):  # fmt: skip
            return None
        record = object.__new__(cls)
        set_seq, set_tick, set_t, set_kind, set_source, set_data = _slot_setters()
        set_seq(record, seq)
        set_tick(record, tick)
        set_t(record, t)
        set_kind(record, kind)
        set_source(record, source)
        set_data(record, data)
        return record

    @classmethod
    def from_obj(cls, obj: Mapping[str, Any], where: str) -> Record:
        """Build a record from a parsed JSON object, raising ``LogError(f"{where}: ...")`` on any fault."""
        if not isinstance(obj, Mapping):
            raise LogError(f"{where}: a record must be a JSON object, found {type_name(obj)}")
        if obj.keys() != _FIELD_SET:
            missing = [name for name in FIELDS if name not in obj]
            extra = sorted(str(key) for key in obj if key not in FIELDS)
            if missing:
                raise LogError(f"{where}: the record has no {', '.join(map(repr, missing))} field")
            raise LogError(f"{where}: unexpected field {extra[0]!r:.60} in the record")
        try:
            return cls(obj["seq"], obj["tick"], obj["t"], obj["kind"], obj["source"], obj["data"])
        except (TypeError, ValueError) as exc:
            raise LogError(f"{where}: {exc}") from None


@functools.cache
def _slot_setters() -> tuple[Callable[[Record, Any], None], ...]:
    """The setters of Record's slots, in field order."""
    return tuple(getattr(Record, name).__set__ for name in FIELDS)


def order_fault(previous: Record | None, record: Record) -> str | None:
    """Why ``record`` may not follow ``previous`` (``None`` for the first record), or ``None`` if it may."""
    expected = 0 if previous is None else previous.seq + 1
    if record.seq != expected:
        return f"seq {record.seq} is out of order (expected {expected})"
    if previous is not None and record.tick < previous.tick:
        return f"tick {record.tick} goes back from the previous record's tick {previous.tick}"
    if previous is not None and record.t < previous.t:
        return f"t {record.t!r} goes back from the previous record's t {previous.t!r}"
    return None


@dataclass(frozen=True)
class Log:
    """A log as read: the header, the records and whether a torn last line was dropped."""

    header: Mapping[str, Any]
    records: tuple[Record, ...]
    torn: bool
    path: str

