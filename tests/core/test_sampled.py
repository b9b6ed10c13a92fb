"""A VitalsSampled payload behaves like the dict it replaces: reads, misses, equality, union and the log's bytes."""

from __future__ import annotations

import pytest

from crmsim.core.log import dumps
from crmsim.core.records import fields
from crmsim.core.sampled import VITAL_KEYS, SampledVitals, compact

VITALS = {"hr": 80.0, "sbp": 120.0, "dbp": 70.0, "map": 87.0, "spo2": 98.0, "rr": 12.0, "etco2": 38.0,
          "temp": 36.8, "rhythm": "sinus"}  # fmt: skip


def test_reads_like_the_dict() -> None:
    """Same items, same equality both ways, same JSON bytes; a missing key is a KeyError or the default."""
    v = SampledVitals(VITALS)
    assert dict(v) == VITALS and v == VITALS and VITALS == v and len(v) == len(VITAL_KEYS)
    assert dumps(v) == dumps(VITALS)
    assert v.get("role") is None and v.get("role", 1) == 1 and "role" not in v and "hr" in v
    with pytest.raises(KeyError):
        v["role"]
    assert v | {"t": 1.0} == {**VITALS, "t": 1.0} and {"t": 1.0} | v == {"t": 1.0, **VITALS}


def test_is_read_only_and_only_for_exactly_the_vital_keys() -> None:
    """It cannot be changed; a payload with other keys stays a plain dict."""
    v = SampledVitals(VITALS)
    with pytest.raises(AttributeError):
        v.hr = 1.0  # type: ignore[misc]
    assert set(VITAL_KEYS) == set(fields("VitalsSampled")[0])  # the log format's own list of the payload's keys
    other = {**VITALS, "st": -1.0}
    assert compact(other) is other and isinstance(compact(VITALS), SampledVitals)
