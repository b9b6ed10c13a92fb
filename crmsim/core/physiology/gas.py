"""Gas exchange in the stand-in model: alveolar oxygen, saturation and carbon dioxide.

Oxygen: the alveolar PO2 moves toward ``FiO2·713 − use·τ/ventilation`` with wash-in time τ = 36 s at normal
ventilation, and falls by ``use`` (100 mmHg/min at rest) in apnoea; haemoglobin's store slows it where the
dissociation curve is steep, so a preoxygenated patient keeps 100 % for minutes and then falls fast, as in
Benumof's curves. A gas-exchange factor fitted at start makes room air give the patient's baseline SpO2.
Saturation follows the Severinghaus curve less 0.25 × shunt (oxygen does not fix shunt).

Carbon dioxide: ``dC/dt = k·(production·baseline − ventilation·C)`` with k = 0.15/min, so apnoea adds about
6 mmHg a minute and malignant hyperthermia's production outruns a fixed ventilator.
"""

from __future__ import annotations

import math
from typing import Any

_ATMOSPHERIC = 713.0  # inspired O2 partial pressure per unit FiO2, mmHg (saturated, sea level)
_USE = 100.0 / 60.0  # alveolar PO2 consumed at rest, mmHg/s
_TAU = 36.0  # alveolar wash-in at normal ventilation, s
_BLOOD_O2 = 285.0  # oxygen held by haemoglobin per unit saturation, in mmHg of alveolar PO2
_K_CO2 = 0.15 / 60.0  # CO2 rise, fraction of baseline per s in apnoea


def saturation(po2: float) -> float:
    """Haemoglobin saturation (0–1) at ``po2`` mmHg (Severinghaus)."""
    return 1.0 / (23400.0 / (po2 * po2 * po2 + 150.0 * po2 + 1e-9) + 1.0)


def po2_for(sat: float) -> float:
    """The PO2 at which haemoglobin is ``sat`` saturated (inverse of :func:`saturation`)."""
    lo, hi = 1.0, 700.0
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if saturation(mid) < sat else (lo, mid)
    return 0.5 * (lo + hi)


def _slope(po2: float) -> float:
    """dS/dP of the Severinghaus curve."""
    g = po2 * po2 * po2 + 150.0 * po2
    d = g + 23400.0
    return 23400.0 * (3.0 * po2 * po2 + 150.0) / (d * d)


class Gas:
    """Alveolar PO2, arterial saturation and CO2."""

    def __init__(self, baseline_spo2: float, start_spo2: float, baseline_etco2: float) -> None:
        room = 0.21 * _ATMOSPHERIC
        po2 = min(po2_for(min(max(baseline_spo2, 50.0), 99.0) / 100.0), room - 20.0)
        self.exchange = _USE * _TAU / (room - po2)
        self.spo2_bias = baseline_spo2 - 100.0 * saturation(po2)
        self.pao2 = po2 if start_spo2 == baseline_spo2 else po2_for(min(max(start_spo2, 5.0), 99.0) / 100.0)
        self.sat = saturation(self.pao2)
        self.baseline_co2 = baseline_etco2
        self.co2 = baseline_etco2

    def advance(
        self, dt: float, ventilation: float, uptake: float, fio2: float, metabolism: float, shunt: float,
        red_cells: float,
    ) -> float:
        """Move ``dt`` seconds on; returns the saturation (0–1).

        ``ventilation`` is minute ventilation as a multiple of normal, ``uptake`` scales oxygen reaching the blood
        (low without a circulation), ``red_cells`` is the red-cell mass as a fraction of normal.
        """
        vo = ventilation * self.exchange * uptake
        use = _USE * metabolism
        store = 1.0 + _BLOOD_O2 * red_cells * _slope(self.pao2)
        if vo > 1e-6:
            target = fio2 * _ATMOSPHERIC - use * _TAU / vo
            pao2 = target + (self.pao2 - target) * math.exp(-vo * dt / (_TAU * store))
        else:
            pao2 = self.pao2 - use * dt / store
        self.pao2 = pao2 = 8.0 if pao2 < 8.0 else pao2
        sat = saturation(pao2) - 0.25 * shunt
        self.sat = sat = 0.0 if sat < 0.0 else sat
        made = metabolism * self.baseline_co2
        if ventilation > 0.01:
            co2 = self.co2 + (made / ventilation - self.co2) * (1.0 - math.exp(-_K_CO2 * ventilation * dt))
        else:
            co2 = self.co2 + _K_CO2 * made * dt
        self.co2 = co2 if co2 < 250.0 else 250.0
        return sat

    def labs(self, pulseless: bool) -> dict[str, float]:
        """Arterial PO2 and PCO2, mmHg."""
        return {
            "pao2": max(15.0, (self.pao2 - 10.0) * (0.75 if pulseless else 1.0)),
            "paco2": self.co2 + 4.0,
        }

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {"alveolar_po2": self.pao2, "saturation": self.sat, "co2": self.co2, "exchange": self.exchange}
