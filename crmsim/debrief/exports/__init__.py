"""Exports of stored sessions and their ratings: CSV in long form, JSON, and xAPI 1.0.3 statements (and sending
them to a Learning Record Store). Pure functions of ``ExportSession`` values, except ``lrs``, which posts."""

from __future__ import annotations

from crmsim.debrief.exports.jsondoc import to_json, to_json_text
from crmsim.debrief.exports.model import TEAM, ElementRow, ExportSession, Member, Rerating, element_rows
from crmsim.debrief.exports.tabular import COLUMNS, neutralise, to_csv_bytes, to_csv_text
from crmsim.debrief.exports.xapi import to_statements

__all__ = ["COLUMNS", "TEAM", "ElementRow", "ExportSession", "Member", "Rerating", "element_rows", "neutralise",
           "to_csv_bytes", "to_csv_text", "to_json", "to_json_text", "to_statements"]  # fmt: skip
