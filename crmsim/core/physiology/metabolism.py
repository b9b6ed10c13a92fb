"""Metabolism: oxygen demand, heat and temperature, lactate and acid-base, potassium, glucose and the markers a
laboratory reports.

* **Oxygen demand** is Brody's basal rate times a Q10-like 7 % per °C, malignant hyperthermia (up to three times),
  sepsis (+25 %) and seizures (doubled); CO2 production is 0.8 of it, plus the CO2 that hypermetabolic muscle and
  the buffering of its acid add in malignant hyperthermia.
* **Temperature** from a heat balance: the body's heat capacity (3.47 kJ/kg/°C) against metabolic heat (20.1 J per
  ml of O2), extra heat from malignant hyperthermia (about 1 °C every 5 minutes at full severity: Rosenberg et al.,
  Orphanet J Rare Dis 2015;10:93), heat lost to the surroundings (balanced at the baseline), cold fluids,
  active cooling and warming, and a fever set point in sepsis.
* **Lactate** rises with the oxygen the tissues could not get (0.8 mmol/L/min with none at all), with low flow
  (up to 0.2 mmol/L/min, from 80 % of normal output down: regional hypoperfusion) and with hypermetabolism, and is
  cleared by a perfused liver (half-life about 20 minutes, estimate).
* **Acid-base** from Henderson-Hasselbalch: the patient's own bicarbonate (which makes their baseline pH 7.40)
  less the lactate gained, against the PaCO2.
* **Potassium** shifts with acidosis (0.3 mmol/L per 0.1 pH), rises with malignant hyperthermia (up to 2 mmol/L
  from rhabdomyolysis) and cellular hypoxia (up to 3), over about 5 minutes, and moves with drugs (beta-2 agonists,
  insulin); all estimates.
"""

from __future__ import annotations

import math
from typing import Any

HEAT_CAPACITY = 3470.0  # J/kg/°C
O2_HEAT = 20.1  # J per ml O2
MH_HEAT_W = 800.0  # extra heat at full malignant hyperthermia, per 70 kg (1 °C per 5 min; estimate)
COOLING_W = 250.0  # active cooling, per 70 kg (about 0.06 °C/min; estimate)
WARMING_W = 60.0  # forced-air warming, per 70 kg (estimate)
LACTATE_CLEAR_MIN = 30.0  # 1/e time of lactate clearance at normal flow (half-life about 20 min)


class Metabolism:
    """Temperature, lactate, the slow potassium load and the peaks the laboratory sees."""

    def __init__(self, weight_kg: float, temp: float, vo2: float, bicarbonate: float) -> None:
        self.weight = weight_kg
        self.bicarbonate = bicarbonate  # the patient's own, which makes their baseline pH 7.40
        self.temp = temp
        self.temp0 = temp
        self.capacity = HEAT_CAPACITY * weight_kg
        self.basal_w = vo2 * O2_HEAT / 60.0
        self.loss_w_per_c = self.basal_w / 10.0  # heat loss rises 10 % of basal per °C above the baseline
        self.lactate = 1.0
        self.k_load = 0.0  # mmol/L from rhabdomyolysis and cellular hypoxia
        self.ck = 150.0

    def demand_factor(self, mh: float, sepsis: float, seizing: float) -> float:
        """Oxygen demand as a multiple of basal."""
        temperature = max(1.0 + 0.07 * (self.temp - self.temp0), 0.3)
        return temperature * (1.0 + 2.0 * mh) * (1.0 + 0.25 * sepsis) * (1.0 + seizing)

    def advance(self, dt: float, vo2: float, demand: float, fluid_heat_j: float, mh: float, fever: float,
                cooling: bool, warming: bool, flow: float, seizing: float) -> None:  # fmt: skip
        """Move ``dt`` minutes on. ``vo2`` is the oxygen consumed and ``demand`` what was needed (ml/min)."""
        scale = self.weight / 70.0
        aerobic = min(vo2 / demand, 1.0) if demand > 0.0 else 1.0
        made = vo2 * O2_HEAT / 60.0 + MH_HEAT_W * mh * scale * (0.3 + 0.7 * aerobic)
        lost = self.basal_w + self.loss_w_per_c * (self.temp - self.temp0)
        regulate = 5.0 * self.loss_w_per_c * (1.5 * fever) if fever > 0.0 else 0.0
        watts = made - lost + regulate
        watts += (WARMING_W * scale if warming else 0.0) - (COOLING_W * scale if cooling else 0.0)
        joules = watts * dt * 60.0 - fluid_heat_j
        self.temp = min(max(self.temp + joules / self.capacity, 20.0), 46.0)
        anaerobic = min(max(1.0 - vo2 / demand, 0.0), 1.0) if demand > 0.0 else 0.0
        shock = min(max((0.8 - flow) / 0.5, 0.0), 1.0)  # regional hypoperfusion before the venous store runs out
        made_lac = 0.8 * anaerobic + 0.2 * shock + 0.3 * mh + 0.1 * fever + 0.15 * seizing
        clear = (self.lactate - 1.0) * (1.0 - math.exp(-dt * min(max(flow, 0.1), 1.2) / LACTATE_CLEAR_MIN))
        self.lactate = min(max(self.lactate + made_lac * dt - clear, 0.3), 30.0)
        k_target = 2.0 * mh + 3.0 * anaerobic
        self.k_load += (k_target - self.k_load) * (1.0 - math.exp(-dt / 5.0))
        self.ck += (150.0 + 8000.0 * mh - self.ck) * (1.0 - math.exp(-dt / 30.0)) if mh > 0.0 else 0.0

    def base_excess(self) -> float:
        """Base excess, mmol/L."""
        return -(self.lactate - 1.0)

    def ph(self, paco2: float) -> float:
        """Arterial pH (Henderson-Hasselbalch)."""
        bicarbonate = max(self.bicarbonate + self.base_excess(), 2.0)
        return min(max(6.1 + math.log10(bicarbonate / (0.03 * max(paco2, 5.0))), 6.5), 7.9)

    def potassium(self, ph: float, shift: float) -> float:
        """Plasma potassium, mmol/L."""
        return min(max(4.0 * (1.0 + shift) + 3.0 * (7.40 - ph) + self.k_load, 1.5), 9.5)

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {"temp": self.temp, "lactate": self.lactate, "potassium_load": self.k_load, "ck": self.ck}
