"""The payload of a ``VitalsSampled`` record, kept compact: the nine vitals in slots instead of a dict.

A session keeps every record it wrote, and the 1 Hz vital-sign samples are most of them: an eight-hour session
holds 28,800. A slotted mapping costs about a third of a dict of the same nine keys, and reads, compares and
serialises exactly like one (the log's canonical JSON sorts keys, so the bytes do not change).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

#: The keys of a ``VitalsSampled`` payload (see ``crmsim.core.records``).
VITAL_KEYS = ("hr", "sbp", "dbp", "map", "spo2", "rr", "etco2", "temp", "rhythm")
_KEYS = frozenset(VITAL_KEYS)


class SampledVitals(Mapping[str, Any]):
    """One second's vitals, read-only, as a mapping with exactly the keys in :data:`VITAL_KEYS`."""

    __slots__ = VITAL_KEYS

    def __init__(self, values: Mapping[str, Any]) -> None:
        for key in VITAL_KEYS:
            object.__setattr__(self, key, values[key])

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("sampled vitals are read-only")

    def __getitem__(self, key: str) -> Any:
        if key not in _KEYS:
            raise KeyError(key)
        return object.__getattribute__(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, or ``default`` (no exception raised and caught on a miss: readers probe often)."""
        return object.__getattribute__(self, key) if key in _KEYS else default

    def __contains__(self, key: object) -> bool:
        return key in _KEYS

    def __iter__(self) -> Iterator[str]:
        return iter(VITAL_KEYS)

    def __len__(self) -> int:
        return len(VITAL_KEYS)

    def __or__(self, other: Mapping[str, Any]) -> dict[str, Any]:
        """``vitals | {...}`` gives a new dict, as it would for a dict payload."""
        return {**self, **other}

    def __ror__(self, other: Mapping[str, Any]) -> dict[str, Any]:
        return {**other, **self}

    def copy(self) -> dict[str, Any]:
        """A plain dict of the vitals."""
        return dict(self)

    def __repr__(self) -> str:
        return f"SampledVitals({dict(self)!r})"


def compact(values: Mapping[str, Any]) -> Mapping[str, Any]:
    """``values`` as :class:`SampledVitals` when it has exactly the vital keys, else unchanged."""
    return SampledVitals(values) if values.keys() == _KEYS else values
