"""Tests for crmsim.core.log_reader's two paths: a canonical line read fast accepts and refuses exactly what the strict
standard-library parse accepts and refuses, duplicate keys included."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmsim.core.log import FORMAT, LogError, Record, dumps, parse_log

HEADER = dumps({"format": FORMAT, "format_version": 1})


def _strict(line: str) -> Record | None:
    """The record the standard library makes of a line with every check, or None if it refuses the line."""

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        if len({k for k, _ in pairs}) != len(pairs):
            raise ValueError("duplicate key")
        return dict(pairs)

    def finite(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise ValueError("not finite")
        return value

    def sized(text: str) -> int:
        float(int(text))  # OverflowError (an ArithmeticError) beyond a float's range
        return int(text)

    try:
        obj = json.loads(line, object_pairs_hook=unique, parse_float=finite, parse_constant=finite, parse_int=sized)
        return Record.from_obj(obj, "x")
    except (ValueError, LogError, RecursionError, OverflowError):
        return None


def _read(line: str) -> Record | None:
    try:
        log = parse_log(f"{HEADER}\n{line}\n", "t.jsonl")
    except LogError:
        return None
    return log.records[0]


@pytest.mark.parametrize("line", [
    '{"data":{"a":1,"a":2},"kind":"A","seq":0,"source":"s","t":0.0,"tick":0}',
    '{"data":{"a":1,"\\u0061":2},"kind":"A","seq":0,"source":"s","t":0.0,"tick":0}',
    '{"data":{"a" :1,"a":2,"note":"x"},"kind":"A","seq":0,"source":"s","t":0.0,"tick":0}',
    '{"data":{"v":[{"b":1,"b":1}]},"kind":"A","seq":0,"source":"s","t":0.0,"tick":0}',
    '{"data":{"w":{"c":{"d":1,"d":1}}},"kind":"A","seq":0,"source":"s","t":0.0,"tick":0}',
    '{"data":{},"kind":"A","seq":0,"source":"s","t":0.0,"tick":0,"tick":0}',
    '{"data":{"a":"x:y","a":2},"kind":"A","seq":0,"source":"s","t":0.0,"tick":0}',
])
def test_duplicate_keys_are_refused_at_any_depth(line: str) -> None:
    """A duplicate key is an error wherever it is — in the data, nested, escaped, spaced before its colon."""
    with pytest.raises(LogError, match=r"^t\.jsonl:2: bad JSON: duplicate key"):
        parse_log(f"{HEADER}\n{line}\n", "t.jsonl")


def test_a_colon_inside_text_still_reads() -> None:
    """Text holding colons and quoted keys (which the fast path cannot vouch for) reads the same as any line."""
    data = {"note": 'he said "a": 1: stop', "t:": {"x": [1, {"y:": "z"}]}}
    line = Record(0, 0, 0.0, "FindingCalledOut", "p1", data).to_json()
    record = _read(line)
    assert record is not None and record.data == data


@pytest.mark.parametrize("number", ["9" * 309, "-" + "1" * 320, "2" * 4000])
@pytest.mark.parametrize("where", ["data", "t", "seq"])
def test_an_integer_beyond_a_float_is_refused(number: str, where: str) -> None:
    """An integer beyond the range of a float (which nothing reading a log could compute with) is an error with
    the line's number, in the data or a record's own fields, on either path."""
    fields = {"data": '{"hr":1}', "t": "0.0", "seq": "0"}
    fields[where] = '{"hr":%s}' % number if where == "data" else number
    line = '{"data":%s,"kind":"VitalsSampled","seq":%s,"source":"s","t":%s,"tick":0}' % (
        fields["data"], fields["seq"], fields["t"])
    with pytest.raises(LogError, match=r"^t\.jsonl:2: bad JSON: "):
        parse_log(f"{HEADER}\n{line}\n", "t.jsonl")


JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                         st.integers(-(10**320), 10**320),
                         st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)), max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(data=st.dictionaries(st.text(max_size=5), JSON_VALUES, max_size=5), source=st.text(min_size=1, max_size=6),
       t=st.floats(0, 1e6), cut=st.integers(0, 400), insert=st.sampled_from(['"a":1,', ' ', ':', '"', '{', 'NaN,',
                                                                                 '1e999', '\\u0000', '"data":{},',
                                                                                 '"b":' + "9" * 320 + ',']))
def test_fast_and_strict_paths_agree(data: dict[str, Any], source: str, t: float, cut: int, insert: str) -> None:
    """Any record line, and that line with something spliced in, reads to what the strict parse makes of it: the
    same record, or an error where the strict parse refuses it."""
    line = Record(0, 3, t, "VitalsSampled", source, data).to_json()
    at = min(cut, len(line))
    for text in (line, line[:at] + insert + line[at:]):
        expected = _strict(text)
        got = _read(text)
        assert got == expected, text
        if got is not None:
            assert dumps(dict(got.data)) == dumps(dict(expected.data))  # type: ignore[union-attr]
