"""CSV export in long form: one row per session × participant × element, safe to open in a spreadsheet.

Every text cell that a spreadsheet could read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) gets a leading apostrophe. The file is UTF-8 with a byte-order mark and CRLF line ends, which Excel
and LibreOffice both open with accents intact; Python reads it back with ``encoding="utf-8-sig"``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from crmsim.debrief.exports.model import ElementRow, ExportSession, element_rows

#: The CSV columns, in order. ``participant`` is ``team`` for the team's own rating; ``name`` is empty unless the
#: educator chose to include names.
COLUMNS: tuple[str, ...] = (
    "session", "scenario", "scenario_version", "started_at", "outcome", "duration_s", "framework", "participant",
    "role", "name", "category_id", "category", "element_id", "element", "score", "scale_min", "scale_max",
    "auto_score", "rater", "comment", "evidence_seqs", "evidence_times_s", "reason",
)  # fmt: skip

#: A cell starting with one of these could be run as a formula by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: object) -> object:
    """A text cell made inert for spreadsheets (a leading apostrophe if it could start a formula); numbers pass."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _blank(value: object) -> object:
    return "" if value is None else value


def row_cells(session: ExportSession, row: ElementRow) -> list[object]:
    """One long-form row's cells in ``COLUMNS`` order (before neutralising)."""
    return [
        session.id, session.scenario_id, session.scenario_version, session.started_at or session.recorded_at,
        _blank(session.outcome), _blank(session.duration_s), row.framework, row.participant, row.role, row.name,
        row.category_id, row.category, row.element_id, row.element, _blank(row.score), row.scale_min, row.scale_max,
        _blank(row.auto_score), row.rater, row.comment, " ".join(map(str, row.evidence)),
        " ".join(f"{t:g}" for t in row.evidence_t), row.reason,
    ]  # fmt: skip


def to_csv_text(sessions: Sequence[ExportSession], frameworks: Sequence[str]) -> str:
    """The sessions' ratings in ``frameworks`` as CSV text (header row first; no byte-order mark)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for session in sessions:
        for row in element_rows(session, frameworks):
            writer.writerow([neutralise(cell) for cell in row_cells(session, row)])
    return out.getvalue()


def to_csv_bytes(sessions: Sequence[ExportSession], frameworks: Sequence[str]) -> bytes:
    """The CSV as a spreadsheet-ready file: UTF-8 with a byte-order mark."""
    return to_csv_text(sessions, frameworks).encode("utf-8-sig")
