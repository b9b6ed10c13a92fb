"""Breathing: the airway, who moves the gas (the patient or the team), how much reaches the alveoli, and the lungs'
shunt.

* **Airway.** Upper-airway obstruction, a failed intubation (a hard-to-ventilate airway) and laryngospasm close
  the airway to both breathing and mask ventilation; a device in place bypasses what it reaches (a supraglottic
  airway not laryngospasm; a tube or front-of-neck access everything). Neuromuscular block and deep sedation
  break laryngospasm.
* **Spontaneous breathing** follows a lagged chemical drive (PaCO2, hypoxaemia below 60 mmHg, lactic acidosis),
  the sympathetic drive of shock and the push of insults, times the drugs' effect on drive; neuromuscular block,
  seizures and a pulseless circulation (no brainstem flow) stop it. Shock makes breathing faster and shallower
  (rate up to 1.5 times for the same ventilation). Anaesthesia halves the chemical drive, and an anaesthetised
  patient on a ventilator does not breathe over it.
* **Controlled ventilation** (bag, ventilator, or through a newly placed airway) gives a set multiple of normal
  alveolar ventilation, cut by bronchospasm (pressure-limited breaths) and a tension pneumothorax.
* **Shunt** adds bronchospasm's and sepsis's ventilation-perfusion mismatch, a tension pneumothorax's collapsed
  lung and pulmonary oedema to the patient's own.
* **Pulmonary oedema** builds when the left heart fails against a crisis of pressure (as after an adrenaline
  overdose) or the circulation is grossly overfilled, and clears over about half an hour (estimates).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from crmsim.core.physiology.baseline import Baseline
from crmsim.core.physiology.interventions import ROOM_AIR, InForce

_DRIVE_LAG_MIN = 0.3
_OEDEMA_CLEAR_MIN = 30.0


@dataclass
class Airflow:
    """What breathing gives this step."""

    va_ml: float  # alveolar ventilation, ml/min
    fio2: float
    open_fio2: float | None  # the O2 fraction an apnoeic patient draws in through an open airway, else None
    rr: float
    shunt: float
    trapping: float  # 0-1 gas trapping from bronchospasm under positive pressure (impedes venous return)
    obstruction: float  # 0-1 upper-airway obstruction left after devices


def neuromuscular_block(act: dict[str, float]) -> float:
    """0-1: the block left after any reversal."""
    block = act.get("neuromuscular_block", 0.0)
    if block <= 0.0:
        return 0.0
    return min(max(block - max(act.get("neuromuscular_reversal", 0.0), 0.0), 0.0), 1.0)


class Respiration:
    """The lagged spontaneous drive and the pulmonary oedema; the rest is worked out afresh each step."""

    def __init__(self, base: Baseline) -> None:
        self.base = base
        self.drive = 1.0
        self.oedema = 0.0
        self.flow = Airflow(base.va, base.fio2, None, base.rr, base.shunt, 0.0, 0.0)

    def advance(self, dt: float, force: InForce, sev: dict[str, float], act: dict[str, float],
                chem: tuple[float, float, float], sympathetic: float, pulseless: bool, seizing: float,
                crisis: float, overfill: float) -> Airflow:  # fmt: skip
        """Move ``dt`` minutes on. ``chem`` is (PaCO2 above the patient's own, PaO2 below 60 mmHg or the patient's
        own if lower, lactate) from the last step; ``crisis`` 0-1 the left heart failing against pressure;
        ``overfill`` blood volume over normal (fraction)."""
        b = self.base
        get = sev.get
        nmb = neuromuscular_block(act)
        sedation = min(max(act.get("sedation", 0.0), 0.0), 1.0)
        bronchodilation = act.get("bronchodilation", 0.0)
        spasm = min(1.0, get("bronchospasm", 0.0) + 0.6 * get("anaphylaxis", 0.0))
        spasm = min(max(spasm * (1.0 - 0.7 * min(max(bronchodilation, 0.0), 1.0)) - 0.5 * min(bronchodilation, 0.0),
                        0.0), 1.0)  # fmt: skip
        ptx = get("tension_pneumothorax", 0.0)
        # airway
        lar = get("laryngospasm", 0.0) * (1.0 - nmb) * (1.0 - 0.6 * sedation)
        closed = 0.0
        for kind, level in (("airway_obstruction", get("airway_obstruction", 0.0)),
                            ("failed_intubation", get("failed_intubation", 0.0)), ("laryngospasm", lar)):
            if level > 0.0:
                closed = max(closed, level * (1.0 - force.bypass(kind)))
        patency = 1.0 - closed
        # spontaneous drive
        co2_excess, hypoxia, lactate = chem
        gain = 0.5 if b.anaesthetised else 1.0  # anaesthetics blunt the chemical drive
        target = (1.0 + gain * (0.10 * co2_excess + 0.03 * hypoxia + 0.12 * max(lactate - 2.0, 0.0))
                  + 0.4 * max(sympathetic, 0.0) + 0.3 * get("anaphylaxis", 0.0) + 0.4 * get("sepsis", 0.0)
                  + 0.3 * get("last", 0.0) + 0.3 * spasm + 0.3 * ptx)  # fmt: skip
        if co2_excess > 50.0:  # CO2 narcosis
            target *= max(0.2, 1.0 - (co2_excess - 50.0) / 60.0)
        target = min(max(target * (1.0 + act.get("ventilatory_drive", 0.0)), 0.0), 4.0)
        self.drive += (target - self.drive) * (1.0 - math.exp(-dt / _DRIVE_LAG_MIN))
        effort = 0.0 if pulseless else self.drive * (1.0 - nmb) * (1.0 - 0.7 * seizing)
        va_spont = b.va * effort * patency * (1.0 - 0.5 * spasm) * (1.0 - 0.4 * ptx)
        # controlled ventilation
        multiple = force.controlled()
        va_ctrl = b.va * multiple * patency * (1.0 - 0.6 * spasm) * (1.0 - 0.5 * ptx)
        if multiple > 0.0 and b.anaesthetised:
            va_spont = 0.0  # an anaesthetised patient does not breathe over the ventilator
        va = max(va_spont, va_ctrl)
        if multiple > 0.0 and va_ctrl >= va_spont:
            rate = (b.rr if b.ventilated else 12.0) * math.sqrt(multiple) if va > 0.1 * b.va else 0.0
        else:
            rate = b.rr * effort**0.7 * (1.0 + 0.5 * max(sympathetic, 0.0)) if effort > 0.05 else 0.0
        # pulmonary oedema and shunt
        build = 0.3 * crisis + 0.2 * max(overfill - 0.3, 0.0)
        if build > 0.0:
            self.oedema = min(1.0, self.oedema + build * dt)
        else:
            self.oedema *= math.exp(-dt / _OEDEMA_CLEAR_MIN)
        shunt = min(0.7, b.shunt + 0.15 * spasm + 0.3 * ptx + 0.12 * get("sepsis", 0.0) + 0.35 * self.oedema)
        fio2 = force.fio2()
        at_mouth = fio2 if force.oxygen or force.airway else ROOM_AIR
        self.flow = Airflow(
            va_ml=va, fio2=fio2, open_fio2=at_mouth if patency > 0.5 else None,
            rr=min(rate, 70.0), shunt=shunt, trapping=spasm if multiple > 0.0 else 0.0, obstruction=closed,
        )  # fmt: skip
        return self.flow

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe state."""
        f = self.flow
        return {"drive": self.drive, "pulmonary_oedema": self.oedema, "alveolar_ventilation_ml_min": f.va_ml,
                "fio2": f.fio2, "shunt": f.shunt, "airway_obstruction": f.obstruction}  # fmt: skip
