"""Tests for crmsim.core.log: the canonical, append-only JSONL event log and its strict, torn-tail-tolerant reader."""

from __future__ import annotations

import io
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmsim.core import log as log_module
from crmsim.core.log import FORMAT, FORMAT_VERSION, Log, LogError, LogWriter, Record, dumps, parse_log, read_log

HEADER: dict[str, Any] = {"crmsim_version": "0.1.0", "scenario": {"id": "anaphylaxis", "version": 2}, "seed": 7,
                          "tick": 0.1, "participants": [{"id": "p1", "role": "leader"}]}


def make_records(n: int = 5) -> list[Record]:
    kinds = ["PhaseEntered", "VitalsSampled", "OrderGiven", "OrderAcknowledged", "DrugGiven"]
    return [Record(seq=i, tick=i * 10, t=i * 1.0 + 0.1, kind=kinds[i % len(kinds)], source="p1" if i % 2 else "system",
                   data={"i": i, "note": "adrénaline 0.5 mg", "vals": [0.1, 1e-7, None, True]}) for i in range(n)]


def write_log(path: Path, records: list[Record] | None = None) -> bytes:
    with LogWriter.open(path) as writer:
        writer.write_header(HEADER)
        for record in make_records() if records is None else records:
            writer.append(record)
    return path.read_bytes()


def test_dumps_is_canonical() -> None:
    """dumps sorts keys, uses no spaces, keeps non-ASCII text and writes floats as Python's shortest repr."""
    assert dumps({"b": 0.1, "a": [1, 2.5e-10], "é": "ü"}) == '{"a":[1,2.5e-10],"b":0.1,"é":"ü"}'
    assert dumps({"x": {"z": 1, "y": 3.0}}) == '{"x":{"y":3.0,"z":1}}'


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, [1.0, math.nan], {"deep": {"er": math.inf}}])
def test_dumps_rejects_nan_and_infinity(bad: Any) -> None:
    """NaN and infinities have no JSON form, so dumps (and therefore every record) refuses them."""
    with pytest.raises(ValueError):
        dumps({"v": bad})
    with pytest.raises(ValueError):
        Record(0, 0, 0.0, "VitalsSampled", "physiology", {"v": bad}).to_json()


def test_dumps_rejects_what_would_not_read_back() -> None:
    """Non-string keys, foreign objects and lone surrogates are refused rather than silently mangled."""
    for bad in ({1: "a"}, {"o": object()}, {"s": "\ud800"}):
        with pytest.raises((TypeError, ValueError)):
            dumps(bad)


def test_round_trip(tmp_path: Path) -> None:
    """A header and records written by LogWriter read back equal, with the format keys added to the header."""
    path = tmp_path / "deep" / "dir" / "session.jsonl"
    write_log(path)
    log = read_log(path)
    assert log.header == {**HEADER, "format": FORMAT, "format_version": FORMAT_VERSION}
    assert log.records == tuple(make_records())
    assert (log.torn, log.path) == (False, str(path))
    assert parse_log(path.read_text(encoding="utf-8")).records == log.records


def test_identical_input_gives_identical_bytes(tmp_path: Path) -> None:
    """The same header and records always serialise to byte-identical logs, on disk or in memory."""
    first, second = write_log(tmp_path / "a.jsonl"), write_log(tmp_path / "b.jsonl")
    assert first == second
    stream = io.StringIO()
    writer = LogWriter(stream)
    writer.write_header(dict(reversed(list(HEADER.items()))))
    for record in make_records():
        writer.append(record)
    assert stream.getvalue().encode("utf-8") == first
    assert writer.count == 5


def test_torn_last_line_is_dropped_at_every_offset(tmp_path: Path) -> None:
    """Cutting the file anywhere inside its last line loses only that record (torn=True) and never raises."""
    full = write_log(tmp_path / "full.jsonl")
    start = full.rstrip(b"\n").rfind(b"\n") + 1
    records = tuple(make_records())
    for cut in range(start, len(full) + 1):
        path = tmp_path / f"cut{cut}.jsonl"
        path.write_bytes(full[:cut])
        log = read_log(path)
        if cut >= len(full) - 1:  # nothing cut, or only the final "\n": the record is whole
            assert (log.records, log.torn) == (records, False)
        elif cut == start:  # the file ends cleanly after the previous record
            assert (log.records, log.torn) == (records[:-1], False)
        else:
            assert (log.records, log.torn) == (records[:-1], True), cut


def test_torn_header_is_an_error() -> None:
    """A log cut off inside its header has no usable content, so the reader says so at line 1."""
    with pytest.raises(LogError, match=r"^x\.jsonl:1: the header is incomplete"):
        parse_log('{"format":"crmsim-log","form', "x.jsonl")


def test_corrupt_middle_line_names_its_line(tmp_path: Path) -> None:
    """A malformed line that is not the last is an error naming the file and its 1-based line number."""
    lines = write_log(tmp_path / "ok.jsonl").split(b"\n")
    lines[3] = lines[3][:-5]
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(LogError, match=rf"^{re.escape(str(path))}:4: bad JSON: ") as info:
        read_log(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("line", "message"), [
    ("[1,2]", "a record must be a JSON object, found array"),
    ('{"seq":1,"tick":0,"t":0.0,"kind":"X","source":"s"}', "the record has no 'data' field"),
    ('{"seq":1,"tick":0,"t":0.0,"kind":"X","source":"s","data":{},"more":1}', "unexpected field 'more'"),
    ('{"seq":true,"tick":0,"t":0.0,"kind":"X","source":"s","data":{}}', "field 'seq' must be a non-negative integer"),
    ('{"seq":1,"tick":"0","t":0.0,"kind":"X","source":"s","data":{}}', "field 'tick' must be a non-negative"),
    ('{"seq":1,"tick":0,"t":null,"kind":"X","source":"s","data":{}}', "field 't' must be a finite"),
    ('{"seq":1,"tick":0,"t":0.0,"kind":"order given","source":"s","data":{}}', "field 'kind' must be a CamelCase"),
    ('{"seq":1,"tick":0,"t":0.0,"kind":"X","source":"","data":{}}', "field 'source' must be a non-empty string"),
    ('{"seq":1,"tick":0,"t":0.0,"kind":"X","source":"s","data":[]}', "field 'data' must be an object, found array"),
    ('{"seq":1,"tick":0,"t":1e400,"kind":"X","source":"s","data":{}}', "bad JSON: number 1e400 is not finite"),
    ('{"seq":1,"tick":0,"t":0.0,"kind":"X","source":"s","data":{"v":NaN}}', "bad JSON: number NaN is not finite"),
    ('{"seq":1,"tick":0,"t":0.0,"kind":"X","source":"s","data":{},"seq":1}', "bad JSON: duplicate key 'seq'"),
    ('{"seq":2,"tick":0,"t":0.0,"kind":"X","source":"s","data":{}}', "seq 2 is out of order (expected 1)"),
    ('{"seq":1,"tick":0,"t":0.5,"kind":"X","source":"s","data":{}}', "t 0.5 goes back from the previous record's t"),
    ("", "blank line"),
])
def test_bad_record_lines_are_rejected(line: str, message: str) -> None:
    """Each wrongly shaped or typed record, or a seq gap or time going back, is a LogError at its exact line."""
    header = dumps({"format": FORMAT, "format_version": 1})
    first = '{"data":{},"kind":"A","seq":0,"source":"s","t":1.0,"tick":0}'
    for text in (f"{header}\n{first}\n{line}\n", f"{header}\n{first}\n{line}\n{first}\n"):
        with pytest.raises(LogError) as info:
            parse_log(text, "s.jsonl")
        assert str(info.value).startswith(f"s.jsonl:3: {message}")


def test_seq_gap_and_tick_going_back_are_rejected() -> None:
    """Records must be numbered 0, 1, 2, … and their ticks must never decrease."""
    header = dumps({"format": FORMAT, "format_version": 1})
    recs = [Record(0, 5, 0.5, "A", "s", {}), Record(2, 6, 0.6, "A", "s", {}), Record(1, 4, 0.6, "A", "s", {})]
    with pytest.raises(LogError, match=r"^<string>:3: seq 2 is out of order \(expected 1\)$"):
        parse_log(f"{header}\n{recs[0].to_json()}\n{recs[1].to_json()}\n")
    with pytest.raises(LogError, match=r"^<string>:3: tick 4 goes back from the previous record's tick 5$"):
        parse_log(f"{header}\n{recs[0].to_json()}\n{recs[2].to_json()}\n")
    with pytest.raises(LogError, match=r"^<string>:2: seq 2 is out of order \(expected 0\)$"):
        parse_log(f"{header}\n{recs[1].to_json()}\n")


@pytest.mark.parametrize(("text", "message"), [
    ("", "f.jsonl: the log is empty"),
    ("\n", "f.jsonl:1: blank line"),
    ('{"format":"crmsim-log","format_version":2}\n', "f.jsonl:1: written by a newer crmsim (format 2); upgrade crmsim"),
    ('{"format":"crmsim-log","format_version":"1"}\n', "f.jsonl:1: the header's format_version must be a positive"),
    ('{"format":"other"}\n', "f.jsonl:1: not a crmsim log (the header's format is 'other', expected 'crmsim-log')"),
    ("[]\n", "f.jsonl:1: the first line must be the log header (an object), found array"),
])
def test_bad_headers_are_rejected(text: str, message: str) -> None:
    """The first line must be a crmsim-log header of a format version this crmsim understands."""
    with pytest.raises(LogError) as info:
        parse_log(text, "f.jsonl")
    assert str(info.value).startswith(message)


def test_non_utf8_bytes_name_their_line(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 in a middle line are reported with that line's number."""
    lines = write_log(tmp_path / "ok.jsonl").split(b"\n")
    lines[2] = lines[2][:10] + b"\xff\xfe" + lines[2][10:]
    path = tmp_path / "bin.jsonl"
    path.write_bytes(b"\n".join(lines))
    with pytest.raises(LogError, match=r":3: not UTF-8 text \(byte 0xff at column 11\)$"):
        read_log(path)


def test_unreadable_path_is_a_log_error(tmp_path: Path) -> None:
    """A missing file or a directory is reported as LogError 'PATH: cannot read: ...', not OSError."""
    for path in (tmp_path / "missing.jsonl", tmp_path):
        with pytest.raises(LogError, match=rf"^{re.escape(str(path))}: cannot read: "):
            read_log(path)


def test_writer_refuses_out_of_order_records() -> None:
    """LogWriter refuses a record before the header, a seq that does not follow, and tick or t going back."""
    writer = LogWriter(io.StringIO())
    with pytest.raises(ValueError, match="header"):
        writer.append(Record(0, 0, 0.0, "A", "s", {}))
    writer.write_header({})
    with pytest.raises(ValueError, match="already"):
        writer.write_header({})
    with pytest.raises(ValueError, match=r"seq 1 is out of order \(expected 0\)"):
        writer.append(Record(1, 0, 0.0, "A", "s", {}))
    writer.append(Record(0, 3, 0.3, "A", "s", {}))
    for bad in (Record(0, 3, 0.3, "A", "s", {}), Record(2, 3, 0.3, "A", "s", {}), Record(1, 2, 0.3, "A", "s", {}),
                Record(1, 3, 0.2, "A", "s", {})):
        with pytest.raises(ValueError):
            writer.append(bad)
    writer.append(Record(1, 3, 0.3, "A", "s", {}))
    assert writer.count == 2


def test_writer_refuses_a_conflicting_format_and_clobbering(tmp_path: Path) -> None:
    """A header cannot claim another format, and LogWriter.open never overwrites an existing log."""
    with pytest.raises(ValueError, match="format"):
        LogWriter(io.StringIO()).write_header({"format": "csv"})
    path = tmp_path / "a.jsonl"
    write_log(path)
    with pytest.raises(FileExistsError):
        LogWriter.open(path)


def test_resume_truncates_torn_tail_then_appends(tmp_path: Path) -> None:
    """resume=True drops a torn last line and continues the sequence so the result reads back whole."""
    full = write_log(tmp_path / "full.jsonl")
    path = tmp_path / "r.jsonl"
    path.write_bytes(full[:-9])
    with LogWriter.open(path, resume=True) as writer:
        assert writer.count == 4
        with pytest.raises(ValueError):
            writer.write_header(HEADER)
        writer.append(make_records()[4])
    assert path.read_bytes() == full


def test_resume_keeps_an_unterminated_whole_record(tmp_path: Path) -> None:
    """resume=True keeps a last record that only lacks its newline, as the reader does, and terminates it."""
    full = write_log(tmp_path / "full.jsonl")
    path = tmp_path / "r.jsonl"
    path.write_bytes(full[:-1])
    with LogWriter.open(path, resume=True) as writer:
        assert writer.count == 5
        writer.append(Record(5, 100, 9.0, "SessionEnded", "system", {}))
    assert read_log(path).records == (*make_records(), Record(5, 100, 9.0, "SessionEnded", "system", {}))


def test_resume_of_missing_or_torn_header_file_starts_fresh(tmp_path: Path) -> None:
    """Resuming a missing file, or one cut off inside its header, starts a new log needing a header."""
    for path, content in ((tmp_path / "new.jsonl", None), (tmp_path / "h.jsonl", b'{"format":"crm')):
        if content is not None:
            path.write_bytes(content)
        with LogWriter.open(path, resume=True) as writer:
            writer.write_header(HEADER)
            writer.append(make_records()[0])
        assert read_log(path).records == (make_records()[0],)


def test_sync_and_close_fsync_and_close_is_idempotent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sync() and close() fsync a real file (close only once), and an in-memory stream is simply flushed."""
    calls: list[int] = []
    monkeypatch.setattr(log_module.os, "fsync", calls.append)
    writer = LogWriter.open(tmp_path / "s.jsonl")
    writer.write_header(HEADER)
    writer.sync()
    writer.close()
    writer.close()
    assert len(calls) == 2
    with pytest.raises(ValueError, match="closed"):
        writer.append(make_records()[0])
    memory = LogWriter(io.StringIO())
    memory.sync()
    memory.close()
    unsynced = LogWriter(open(tmp_path / "n.jsonl", "w", encoding="utf-8"), fsync=False)
    unsynced.close()
    assert len(calls) == 2


def test_records_are_validated_on_construction() -> None:
    """A Record cannot be built with wrong types; an int t is stored as a float so it serialises the same."""
    with pytest.raises(TypeError):
        Record(True, 0, 0.0, "A", "s", {})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Record(0, 0, math.nan, "A", "s", {})
    assert Record(0, 0, 2, "A", "s", {}).to_json() == '{"data":{},"kind":"A","seq":0,"source":"s","t":2.0,"tick":0}'
    with pytest.raises(LogError, match=r"^here: a record must be a JSON object, found string$"):
        Record.from_obj("x", "here")  # type: ignore[arg-type]


def _mutations() -> st.SearchStrategy[bytes]:
    stream = io.StringIO()
    writer = LogWriter(stream)
    writer.write_header(HEADER)
    for record in make_records():
        writer.append(record)
    valid = stream.getvalue().encode("utf-8")
    edits = st.tuples(st.integers(0, len(valid)), st.integers(0, 8), st.binary(max_size=8))
    return st.lists(edits, max_size=4).map(lambda es: _apply(valid, es))


def _apply(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    for at, drop, insert in edits:
        data = data[:at] + insert + data[at + drop:]
    return data


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(st.binary(max_size=300), _mutations()))
def test_arbitrary_bytes_raise_only_log_error(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    """Whatever bytes a log file holds, reading it returns a Log or raises LogError with a one-line message."""
    path = tmp_path_factory.mktemp("fuzz") / "f.jsonl"
    path.write_bytes(data)
    for read in (lambda: read_log(path), lambda: parse_log(data.decode("utf-8", "surrogateescape"))):
        try:
            assert isinstance(read(), Log)
        except LogError as exc:
            assert "\n" not in str(exc)
