"""What the simulation core asks of a patient model: vital signs out; insults, drugs and interventions in.

The session owns one object implementing :class:`Physiology` and drives it with a fixed ``step(dt)``. Every
input arrives as an already-validated scenario-language model (``InsultStart``, ``Drug``, ``Intervention``) plus
plain numbers in canonical units, so a model never parses text or looks anything up. A model is deterministic:
it reads no clock and draws randomness only from the ``numpy.random.Generator`` it was given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from crmsim.schema.formulary import Drug, Intervention
from crmsim.schema.phases import InsultStart

#: Units in which :meth:`Physiology.lab_results` reports each value.
LAB_UNITS: dict[str, str] = {
    "ph": "",
    "pao2": "mmHg",
    "paco2": "mmHg",
    "base_excess": "mmol/L",
    "lactate": "mmol/L",
    "k": "mmol/L",
    "na": "mmol/L",
    "ica": "mmol/L",
    "hb": "g/L",
    "glucose": "mmol/L",
    "platelets": "10^9/L",
    "fibrinogen": "g/L",
    "inr": "",
    "tryptase": "mcg/L",
    "ck": "U/L",
}


@dataclass(frozen=True)
class VitalSigns:
    """What the monitor shows at one instant.

    ``hr`` /min, ``sbp`` ``dbp`` ``map`` mmHg, ``spo2`` %, ``rr`` /min, ``etco2`` mmHg, ``temp`` °C and the ECG
    ``rhythm`` (one of ``crmsim.schema.base.RHYTHMS``); ``st`` is the ST-segment deviation in mm (negative:
    depression, as in myocardial ischaemia), for drawing the ECG; it is not part of the logged vital signs.
    """

    hr: float
    sbp: float
    dbp: float
    map: float
    spo2: float
    rr: float
    etco2: float
    temp: float
    rhythm: str
    st: float = 0.0

    def as_dict(self) -> dict[str, float | str]:
        """The vitals for a log record: numbers rounded to 0.1 (temperature to 0.01), plus the rhythm (not ``st``)."""
        return {
            "hr": round(self.hr, 1),
            "sbp": round(self.sbp, 1),
            "dbp": round(self.dbp, 1),
            "map": round(self.map, 1),
            "spo2": round(self.spo2, 1),
            "rr": round(self.rr, 1),
            "etco2": round(self.etco2, 1),
            "temp": round(self.temp, 2),
            "rhythm": self.rhythm,
        }


@runtime_checkable
class Physiology(Protocol):
    """A patient model the session can drive. Implementations never raise for well-typed input."""

    def step(self, dt: float) -> None:
        """Advance the model by ``dt`` simulated seconds."""

    def vitals(self) -> VitalSigns:
        """The vital signs now (pure: calling it twice gives the same answer)."""

    def start_insult(self, insult: InsultStart) -> None:
        """Start or re-target an insult: its severity ramps from where it is to ``insult.severity`` over
        ``insult.ramp`` seconds."""

    def stop_insult(self, kind: str, ramp: float) -> None:
        """Let an insult's severity fall to 0 over ``ramp`` seconds."""

    def give_drug(self, drug_id: str, drug: Drug, amount: float, route: str) -> None:
        """A dose of ``amount`` in the drug's canonical unit (mcg for mass, ml, units, mmol), already multiplied
        by the patient's weight when it was prescribed per kg."""

    def set_infusion(self, drug_id: str, drug: Drug, rate_per_min: float) -> None:
        """Run (or change) an infusion at ``rate_per_min`` canonical units per minute; 0 stops it."""

    def perform(self, intervention_id: str, intervention: Intervention, succeeded: bool) -> None:
        """An intervention was carried out; ``succeeded`` is the outcome the session already decided."""

    def stop(self, intervention_id: str) -> None:
        """End a continuing intervention (chest compressions, oxygen, ventilation, a fluid running in)."""

    def set_trend(self, vital: str, to: float, over: float) -> None:
        """Move ``vital`` to ``to`` over ``over`` seconds, as an offset on top of the physiology."""

    def lab_results(self, reports: Sequence[str]) -> dict[str, float]:
        """Current values of the named lab tests (units in :data:`LAB_UNITS`); unknown names are left out."""

    def snapshot(self) -> dict[str, Any]:
        """The hidden state as JSON-safe data, for debugging and ``replay --until``."""
