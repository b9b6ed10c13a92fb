"""Interventions: what each one does to the patient, and the ones in force until stopped.

An intervention's parameters come from the formulary (``fio2``, ``minute_ventilation``, ``airway_device``,
``product``, ``infuse_over``, ``relieves``, ``halts``); for an entry that leaves one out (a scenario's own
intervention, say) :func:`params` infers it from keywords in the id and name, so a ``needle_decompression``
procedure still relieves a tension pneumothorax (an entry that writes ``relieves: {}`` or ``halts: []`` means none).
Oxygen, ventilation, an airway, chest compressions, cooling, warming and positioning last until stopped; the rest act
once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crmsim.schema.formulary import Intervention

ROOM_AIR = 0.21
RUN_ML_MIN = 100.0  # fluids and blood under a pressure bag through a large cannula (estimate)
#: Obstructions each device bypasses, as the fraction of the obstruction removed.
BYPASS: dict[str, dict[str, float]] = {
    "supraglottic": {"airway_obstruction": 0.8, "failed_intubation": 1.0, "laryngospasm": 0.0},
    "tracheal": {"airway_obstruction": 1.0, "failed_intubation": 1.0, "laryngospasm": 1.0},
    "front_of_neck": {"airway_obstruction": 1.0, "failed_intubation": 1.0, "laryngospasm": 1.0},
}
_DEVICE_WORDS = (
    (("front_of_neck", "front-of-neck", "cricothyro", "fona", "scalpel", "surgical airway"), "front_of_neck"),
    (("supraglottic", "laryngeal mask", "lma", "i-gel", "igel"), "supraglottic"),
)
_PRODUCT_WORDS = (
    (("pack", "massive", "major"), "mixed"), (("cryo",), "cryoprecipitate"), (("platelet",), "platelets"),
    (("plasma", "ffp"), "plasma"), (("whole",), "whole_blood"),
    (("colloid", "albumin", "gelofusine", "starch"), "colloid"),
)  # fmt: skip
_RELIEF_WORDS: tuple[tuple[tuple[str, ...], str, float], ...] = (
    (("decompress", "thoracostomy", "chest drain", "chest_drain", "chest tube"), "tension_pneumothorax", 0.95),
    (("bimanual", "packing", "tamponade", "balloon", "tourniquet", "clamp", "suture", "ligat", "hysterectomy",
      "emboli", "b-lynch", "haemosta", "hemosta"), "haemorrhage", 0.6),
    (("massage",), "haemorrhage", 0.3),
)  # fmt: skip
_HALT_WORDS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("volatile", "vapori", "tiva"), ("malignant_hyperthermia",)),
    (("trigger", "stop_local", "stop the local", "stop_infusion"), ("anaphylaxis", "last")),
)


@dataclass(frozen=True)
class Params:
    """An intervention's effect on the patient, with every default filled in."""

    kind: str
    fio2: float
    minute_ventilation: float
    device: str
    volume: float
    product: str
    run_ml_min: float
    relieves: tuple[tuple[str, float], ...]
    halts: tuple[str, ...]
    energy_j: float


def _pick(text: str, table: tuple[tuple[tuple[str, ...], str], ...], default: str) -> str:
    return next((value for words, value in table if any(word in text for word in words)), default)


def params(intervention_id: str, intervention: Intervention) -> Params:
    """The intervention's parameters, inferred from keywords where the formulary leaves them out."""
    i = intervention
    text = f"{intervention_id} {i.name}".lower()
    volume = float(i.volume or 0.0)
    if i.kind in ("fluid", "blood"):
        product = i.product or _pick(text, _PRODUCT_WORDS, "crystalloid" if i.kind == "fluid" else "red_cells")
    else:
        product = ""
    run = volume / max(i.infuse_over / 60.0, 1e-3) if i.infuse_over else RUN_ML_MIN
    relieves = tuple(i.relieves.items())
    if "relieves" not in i.model_fields_set and i.kind == "procedure":
        relieves = tuple((kind, amount) for words, kind, amount in _RELIEF_WORDS if any(w in text for w in words))[:1]
    halts = i.halts
    if "halts" not in i.model_fields_set and i.kind == "procedure":
        halts = next((kinds for words, kinds in _HALT_WORDS if any(w in text for w in words)), ())
    default_fio2 = 1.0 if i.kind in ("ventilation", "airway") else 0.6
    return Params(
        kind=i.kind, fio2=min(max(i.fio2 if i.fio2 is not None else default_fio2, ROOM_AIR), 1.0),
        minute_ventilation=i.minute_ventilation or (2.0 if "hyperventil" in text else 1.0),
        device=i.airway_device or _pick(text, _DEVICE_WORDS, "tracheal"), volume=min(volume, 20000.0),
        product=product, run_ml_min=min(max(run, 1.0), 2000.0), relieves=relieves, halts=tuple(halts),
        energy_j=i.energy_j or 150.0,
    )  # fmt: skip


class InForce:
    """Interventions that last until stopped: oxygen, ventilation, airway devices, compressions, temperature
    control and positioning. A patient who opens the scenario intubated has a tube and a ventilator from the start."""

    def __init__(self, ventilated: bool, fio2: float) -> None:
        self.oxygen: dict[str, float] = {}
        self.ventilation: dict[str, tuple[float, float]] = {}  # id -> (fio2, minute-ventilation multiple)
        self.airway: dict[str, str] = {}  # id -> device
        self.cpr: set[str] = set()
        self.cooling: set[str] = set()
        self.warming: set[str] = set()
        self.positioning: set[str] = set()
        if ventilated:
            self.airway["baseline"] = "tracheal"
            self.ventilation["baseline"] = (fio2, 1.0)

    def start(self, intervention_id: str, p: Params) -> None:
        """Put a lasting intervention in force (a successful one)."""
        kind = p.kind
        if kind == "oxygen":
            self.oxygen[intervention_id] = p.fio2
        elif kind == "ventilation":
            self.ventilation[intervention_id] = (p.fio2, p.minute_ventilation)
        elif kind == "airway":
            self.airway[intervention_id] = p.device
        elif kind == "cpr":
            self.cpr.add(intervention_id)
        elif kind == "cooling":
            self.cooling.add(intervention_id)
        elif kind == "warming":
            self.warming.add(intervention_id)
        elif kind == "positioning":
            self.positioning.add(intervention_id)

    def stop(self, intervention_id: str) -> None:
        """End a lasting intervention; unknown ids are ignored."""
        self.oxygen.pop(intervention_id, None)
        self.ventilation.pop(intervention_id, None)
        self.airway.pop(intervention_id, None)
        for ids in (self.cpr, self.cooling, self.warming, self.positioning):
            ids.discard(intervention_id)

    def fio2(self) -> float:
        """The highest oxygen fraction any source delivers (room air without one; a new airway comes with a bag
        on 100 % oxygen)."""
        best = 1.0 if any(key != "baseline" for key in self.airway) else ROOM_AIR
        for value in self.oxygen.values():
            best = value if value > best else best
        for value, _ in self.ventilation.values():
            best = value if value > best else best
        return best

    def controlled(self) -> float:
        """Minute ventilation given by hand or machine, as a multiple of normal; 0 when the patient breathes alone.
        A working airway device means someone ventilates through it (at least at the normal minute volume)."""
        multiple = max((m for _, m in self.ventilation.values()), default=0.0)
        return max(multiple, 1.0) if self.airway else multiple

    def bypass(self, kind: str) -> float:
        """The fraction of an upper-airway obstruction the best device in place bypasses."""
        return max((BYPASS[device].get(kind, 0.0) for device in self.airway.values()), default=0.0)

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "oxygen": dict(self.oxygen), "ventilation": {k: list(v) for k, v in self.ventilation.items()},
            "airway": dict(self.airway), "cpr": sorted(self.cpr), "cooling": sorted(self.cooling),
            "warming": sorted(self.warming), "positioning": sorted(self.positioning),
        }  # fmt: skip
