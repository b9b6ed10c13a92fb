"""The append-only JSONL event log: canonical records, a flushing writer and a strict reader.

Line 1 is a header object (``format``, ``format_version`` and whatever the session puts there); every further
line is one ``Record``.  The writer flushes each line and fsyncs on ``sync()``/``close()``; the reader drops a torn
(cut-off, unparsable) last line and raises ``LogError("PATH:LINE: message")`` for anything else that is wrong.
"""

from __future__ import annotations

import errno
import functools
import io
import json
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

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


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), type(value).__name__)


def _is_int(value: object) -> bool:
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
            if not _is_int(value) or value < 0:
                raise TypeError(f"field {name!r} must be a non-negative integer, found {_type_name(value)} {value!r}")
        if not isinstance(self.t, (int, float)) or isinstance(self.t, bool) or not 0 <= self.t < math.inf:
            raise TypeError(f"field 't' must be a finite non-negative number, found {_type_name(self.t)}")
        object.__setattr__(self, "t", float(self.t))
        if not isinstance(self.kind, str) or not _KIND.fullmatch(self.kind):
            raise TypeError(f"field 'kind' must be a CamelCase name such as 'OrderGiven', found {self.kind!r:.60}")
        if not isinstance(self.source, str) or not self.source:
            raise TypeError(f"field 'source' must be a non-empty string, found {self.source!r:.60}")
        if not isinstance(self.data, Mapping):
            raise TypeError(f"field 'data' must be an object, found {_type_name(self.data)}")

    def to_json(self) -> str:
        return dumps({name: getattr(self, name) for name in FIELDS})

    @classmethod
    def from_obj(cls, obj: Mapping[str, Any], where: str) -> Record:
        """Build a record from a parsed JSON object, raising ``LogError(f"{where}: ...")`` on any fault."""
        if not isinstance(obj, Mapping):
            raise LogError(f"{where}: a record must be a JSON object, found {_type_name(obj)}")
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


def _order_fault(previous: Record | None, record: Record) -> str | None:
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


def _finite_float(text: str) -> float:
    """Parse a JSON number (or NaN/Infinity constant), refusing anything that is not finite."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text:.40} is not finite")
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
    return json.JSONDecoder(parse_constant=_finite_float, parse_float=_finite_float, object_pairs_hook=_unique_keys)


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
        raise LogError(f"{where}: the first line must be the log header (an object), found {_type_name(obj)}")
    if obj.get("format") != FORMAT:
        raise LogError(f"{where}: not a crmsim log (the header's format is {obj.get('format')!r:.60}, "
                       f"expected {FORMAT!r})")
    version = obj.get("format_version")
    if not _is_int(version) or version < 1:
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
    if not _is_int(seed) or seed < 0:
        return f"seed must be a non-negative integer, found {seed!r:.60}"
    if not isinstance(tick_s, (int, float)) or isinstance(tick_s, bool) or not 0.001 <= tick_s <= 1:
        return f"tick_s must be a number of seconds from 0.001 to 1, found {tick_s!r:.60}"
    scenario = header.get("scenario", {})
    if not isinstance(scenario, dict):
        return f"scenario must be an object (id, version, sha256, path), found {scenario!r:.60}"
    participants = header.get("participants", [])
    if not isinstance(participants, list):
        return f"participants must be a list, found {_type_name(participants)}"
    for i, person in enumerate(participants):
        if not (isinstance(person, dict) and isinstance(person.get("id"), str) and isinstance(person.get("role"), str)
                and isinstance(person.get("name", ""), str)):  # fmt: skip
            return f"participant {i + 1} must be an object with a text id, role and name, found {person!r:.60}"
    for key in ("crmsim_version", "started_at"):
        if not isinstance(header.get(key, ""), str):
            return f"{key} must be text, found {header[key]!r:.60}"
    return None


def _parse(data: bytes, path: str) -> Log:
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
    for number, raw in enumerate(lines[1:], start=2):
        where = f"{path}:{number}"
        try:
            obj = _load_line(raw, where, decoder)
        except LogError:
            if tail and number == len(lines):
                return Log(header, tuple(records), True, path)
            raise
        record = Record.from_obj(obj, where)
        fault = _order_fault(records[-1] if records else None, record)
        if fault:
            raise LogError(f"{where}: {fault}")
        records.append(record)
    return Log(header, tuple(records), False, path)


def parse_log(text: str, path: str = "<string>") -> Log:
    """Parse a whole log held in a string; ``path`` only names it in error messages."""
    return _parse(text.encode("utf-8", "surrogatepass"), path)


def read_log(path: Path | str) -> Log:
    """Read a log file; every fault, including an unreadable file, is a ``LogError``."""
    try:
        data = Path(path).read_bytes()
    except (OSError, ValueError) as exc:
        raise LogError(f"{path}: cannot read: {exc}") from None
    return _parse(data, str(path))


class LogWriter:
    """Writes the header then one record per line; flushes every line; fsync on sync() and close()."""

    def __init__(self, stream: TextIO, *, fsync: bool = True) -> None:
        self._stream = stream
        self._fsync = fsync
        self._header_written = False
        self._last: Record | None = None
        self._count = 0
        self._closed = False

    @classmethod
    def open(cls, path: Path, *, resume: bool = False) -> LogWriter:
        """Create a new log file (never overwriting one), or with ``resume`` continue an existing one.

        Resuming drops a torn last line; an unterminated last line that is a whole valid record is kept and
        terminated.  A corrupt log raises ``LogError``.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not resume or not path.exists():
            return cls(open(path, "x", encoding="utf-8", newline=""))
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise LogError(f"{path}: cannot read: {exc}") from None
        complete = data.rfind(b"\n") + 1
        log = _parse(data, str(path)) if complete else None
        if log is None or log.torn:
            with open(path, "r+b") as raw:
                raw.truncate(complete)
        writer = cls(open(path, "a", encoding="utf-8", newline=""))
        if log is not None:
            if not log.torn and complete < len(data):
                writer._stream.write("\n")
            writer._header_written = True
            writer._last = log.records[-1] if log.records else None
            writer._count = len(log.records)
        return writer

    @property
    def path(self) -> str | None:
        """The file this writer appends to (None for a stream that is not a file)."""
        name = getattr(self._stream, "name", None)
        return name if isinstance(name, str) else None

    @property
    def count(self) -> int:
        """How many records the log holds (including any present before a resume)."""
        return self._count

    def _write_line(self, line: str) -> None:
        if self._closed:
            raise ValueError("the log is closed")
        self._stream.write(line + "\n")
        self._stream.flush()

    def write_header(self, header: Mapping[str, Any]) -> None:
        """Write the header line; it must come first, exactly once."""
        if self._header_written:
            raise ValueError("the log header has already been written")
        for key, value in (("format", FORMAT), ("format_version", FORMAT_VERSION)):
            if header.get(key, value) != value:
                raise ValueError(f"header {key!r} must be {value!r}, not {header[key]!r}")
        self._write_line(dumps({**header, "format": FORMAT, "format_version": FORMAT_VERSION}))
        self._header_written = True

    def append(self, record: Record) -> None:
        """Append one record; it must continue the sequence, with tick and t never going back."""
        if not isinstance(record, Record):
            raise TypeError(f"expected a Record, got {type(record).__name__}")
        if not self._header_written:
            raise ValueError("write the log header before any record")
        fault = _order_fault(self._last, record)
        if fault:
            raise ValueError(fault)
        self._write_line(record.to_json())
        self._last = record
        self._count += 1

    def sync(self) -> None:
        """Flush, then fsync when the stream is a real file and fsync is on."""
        if self._closed:
            return
        self._stream.flush()
        if not self._fsync:
            return
        try:
            os.fsync(self._stream.fileno())
        except io.UnsupportedOperation:
            pass
        except OSError as exc:  # pipes and some special files cannot be fsynced
            if exc.errno != errno.EINVAL:
                raise

    def close(self) -> None:
        """Sync and close the stream; closing twice does nothing."""
        if self._closed:
            return
        try:
            self.sync()
        finally:
            self._closed = True
            self._stream.close()

    def __enter__(self) -> LogWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
