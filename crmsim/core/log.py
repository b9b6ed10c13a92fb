"""The append-only JSONL event log: the writer, and the one place the rest of crmsim imports the log's names from.

Line 1 is a header object (``format``, ``format_version`` and whatever the session puts there); every further
line is one ``Record`` (its format: :mod:`crmsim.core.log_format`). The writer flushes each line and fsyncs on
``sync()``/``close()``; the reader (:mod:`crmsim.core.log_reader`) drops a torn (cut-off, unparsable) last line and
raises ``LogError("PATH:LINE: message")`` for anything else that is wrong.
"""

from __future__ import annotations

import errno
import io
import os
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from crmsim.core.log_format import FIELDS, FORMAT, FORMAT_VERSION, Log, LogError, Record, dumps, order_fault
from crmsim.core.log_reader import parse_log, parse_log_bytes, read_log

__all__ = ["FIELDS", "FORMAT", "FORMAT_VERSION", "Log", "LogError", "LogWriter", "Record", "dumps", "parse_log",
           "read_log"]


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
        log = parse_log_bytes(data, str(path)) if complete else None
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
        fault = order_fault(self._last, record)
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

