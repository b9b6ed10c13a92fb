"""Gas exchange: the oxygen and carbon-dioxide stores of the lungs and the blood, and what the monitor reads of them.

Oxygen (after Farmery & Roe, Br J Anaesth 1996;76:284-91, lumped): the lungs hold ``FRC × FAO2`` ml of oxygen,
refilled by alveolar ventilation (and, in apnoea with an open airway, by the mass flow that replaces the oxygen
taken up) and emptied by uptake ``Q·(1−shunt)·(Cc' − Cv)``; the venous blood (and tissues) hold ``Vv × Cv`` ml,
refilled by the arterial supply and emptied by consumption. Consumption falls once venous saturation is below 30 %:
the shortfall is anaerobic (lactate). Saturation follows Severinghaus' curve (BMJ 1979;2:1108 form,
J Appl Physiol 1979;46:599) with its temperature, pH and PCO2 correction.

Carbon dioxide: the body store (``capacity`` ml/mmHg) fills at the production rate and empties through the lungs,
whose perfused units equilibrate between mixed-venous blood (conductance ``λ·Q``) and alveolar ventilation. At low
flow only a fraction ``φ`` of alveoli is perfused: the rest is dead space, so the end-tidal CO2 falls with cardiac
output (Weil 1985; the basis of capnography during CPR).
"""

from __future__ import annotations

import math
from typing import Any

ATMOSPHERIC_DRY = 713.0  # mmHg: barometric minus water vapour at 37 °C
HB_O2 = 1.34  # ml O2 per g haemoglobin (Hüfner, as used clinically)
DISSOLVED_O2 = 0.03  # ml O2 per L blood per mmHg
CO2_SLOPE = 6.5  # ml CO2 per L blood per mmHg: gives the 6 mmHg venous-arterial difference at rest (estimate)
ANAEROBIC_SVO2 = 0.30  # below this venous saturation tissues can no longer extract all they need (estimate)
_MIN_FA = 0.007  # alveolar O2 fraction floor (PAO2 5 mmHg)


def saturation(po2: float, shift: float = 1.0) -> float:
    """Haemoglobin saturation (0-1) at ``po2`` mmHg; ``shift`` multiplies PO2 for temperature, pH and PCO2."""
    p = po2 * shift
    if p <= 0.0:
        return 0.0
    return 1.0 / (23400.0 / (p * p * p + 150.0 * p) + 1.0)


def po2_for(sat: float, shift: float = 1.0) -> float:
    """The PO2 (mmHg) at which haemoglobin is ``sat`` saturated (the inverse of :func:`saturation`)."""
    lo, hi = 0.1, 2000.0
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if saturation(mid, shift) < sat else (lo, mid)
    return 0.5 * (lo + hi)


def curve_shift(temp_c: float, ph: float, pco2: float) -> float:
    """Severinghaus' virtual-PO2 factor: warmer, more acid, more CO2 move the curve right (factor below 1)."""
    pco2 = min(max(pco2, 5.0), 200.0)
    return 10.0 ** (0.024 * (37.0 - temp_c) + 0.40 * (ph - 7.40) + 0.06 * math.log10(40.0 / pco2))


def content(sat: float, po2: float, hb_g_l: float) -> float:
    """Oxygen content, ml per litre of blood."""
    return HB_O2 * hb_g_l * sat + DISSOLVED_O2 * po2


def arterial_po2(ca: float, hb_g_l: float, shift: float) -> float:
    """The arterial PO2 (mmHg) that holds ``ca`` ml/L of oxygen (bisection; for the blood gas only)."""
    lo, hi = 1.0, 750.0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if content(saturation(mid, shift), mid, hb_g_l) < ca else (lo, mid)
    return 0.5 * (lo + hi)


class GasExchange:
    """The oxygen and CO2 stores. Units: ml, ml/min, L/min, mmHg."""

    __slots__ = ("frc_ml", "capacity_co2", "fa", "cv", "pa_co2", "pv_co2", "sat", "sat_end", "ca", "vo2", "exhaled_co2")

    def __init__(self, frc_ml: float, capacity_co2: float, fa: float, cv: float, pa_co2: float, pv_co2: float) -> None:
        self.frc_ml = frc_ml
        self.capacity_co2 = capacity_co2
        self.fa = fa  # alveolar O2 fraction (dry gas)
        self.cv = cv  # mixed venous O2 content, ml/L
        self.pa_co2 = pa_co2  # alveolar PCO2 of the perfused units
        self.pv_co2 = pv_co2  # mixed venous PCO2 (the body store)
        self.sat = self.sat_end = 1.0  # arterial and end-capillary saturation
        self.ca = cv  # arterial O2 content, ml/L
        self.vo2 = 0.0  # oxygen actually consumed, ml/min
        self.exhaled_co2 = 0.0  # ml/min

    @property
    def pao2_alveolar(self) -> float:
        """Alveolar PO2, mmHg."""
        return self.fa * ATMOSPHERIC_DRY

    def advance(
        self, dt_min: float, va_ml: float, fio2: float, open_fio2: float | None, q: float, phi: float, shunt: float,
        hb: float, venous_l: float, vo2_demand: float, vco2: float, shift: float,
    ) -> None:
        """Move ``dt_min`` minutes on.

        ``va_ml`` alveolar ventilation (ml/min) at ``fio2``; ``open_fio2`` the oxygen fraction at an open airway (it
        is drawn in by mass flow during apnoea), None when the airway is closed; ``q`` pulmonary blood flow (L/min),
        ``phi`` the perfused fraction of the lungs, ``shunt`` the fraction of flow that bypasses gas exchange.
        """
        # --- oxygen: end-capillary blood leaves in equilibrium with the alveoli
        fa, cv = self.fa, self.cv
        p_alv = fa * ATMOSPHERIC_DRY
        sat_c = saturation(p_alv, shift)
        cc = content(sat_c, p_alv, hb)
        cap = HB_O2 * hb
        sat_v = cv / cap if cap > 0.0 else 0.0
        self.sat_end = sat_c
        self.sat = (1.0 - shunt) * sat_c + shunt * min(sat_v, 1.0)
        self.ca = ca = (1.0 - shunt) * cc + shunt * cv
        uptake = q * (1.0 - shunt) * (cc - cv)
        inflow = 0.0
        if open_fio2 is not None and uptake > 0.0 and va_ml < uptake:
            inflow = (uptake - va_ml) * open_fio2  # aventilatory mass flow (apnoeic oxygenation)
        volume = self.frc_ml
        if va_ml > 1.0:
            target = fio2 + (inflow - uptake) / va_ml
            fa = target + (fa - target) * math.exp(-va_ml / volume * dt_min)
        else:
            fa += (inflow - uptake) / volume * dt_min
        self.fa = min(max(fa, _MIN_FA), 1.0)
        # --- venous store: consumption slows once tissues cannot extract more
        limit = min(1.0, max(0.0, sat_v / ANAEROBIC_SVO2))
        self.vo2 = vo2 = vo2_demand * limit
        cv += (q * (ca - cv) - vo2) / max(venous_l, 0.3) * dt_min
        self.cv = min(max(cv, 0.0), cap)
        # --- carbon dioxide: perfused alveoli between venous blood and ventilation
        g = CO2_SLOPE * q  # ml/min/mmHg
        gv = va_ml / ATMOSPHERIC_DRY
        pv = self.pv_co2
        phi = min(max(phi, 0.01), 1.0)
        gp = g / phi
        if gp + gv > 1e-9:
            target = gp * pv / (gp + gv)
            rate = (gp + gv) / (volume / ATMOSPHERIC_DRY)
            pa = target + (self.pa_co2 - target) * math.exp(-rate * dt_min)
        else:
            pa = self.pa_co2
        self.pa_co2 = pa
        self.exhaled_co2 = phi * gv * pa
        pv += (vco2 - g * (pv - pa)) / self.capacity_co2 * dt_min
        self.pv_co2 = min(max(pv, 5.0), 250.0)

    def arterial_co2(self, shunt: float, flow: float = 1.0) -> float:
        """Arterial PCO2, mmHg: perfused alveoli mixed with shunted venous blood; with almost no flow (``flow``, a
        fraction of normal, below 0.1) the blood no longer passes the lungs and arterial becomes venous."""
        w = min(max(flow / 0.1, 0.0), 1.0)
        return (1.0 - shunt) * (w * self.pa_co2 + (1.0 - w) * self.pv_co2) + shunt * self.pv_co2

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "alveolar_po2": self.fa * ATMOSPHERIC_DRY, "venous_o2_content": self.cv, "arterial_saturation": self.sat,
            "alveolar_pco2": self.pa_co2, "venous_pco2": self.pv_co2, "vo2": self.vo2, "exhaled_co2": self.exhaled_co2,
        }  # fmt: skip
