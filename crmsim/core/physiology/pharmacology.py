"""Drug kinetics and effects for the stand-in model: one compartment, an effect site and Hill curves.

Per drug: an absorption depot (for routes that are not intravenous), a plasma concentration ``cp`` and an
effect-site concentration ``ce``:

    d(depot)/dt = −ka·depot;  dCp/dt = (ka·depot + infusion)/V − (CL/V)·Cp;  dCe/dt = ke0·(Cp − Ce)

integrated with exact exponentials over a step (the effect site with a midpoint rule). ``cp`` is in the
drug's canonical unit per ml (mcg/ml for mass units; other units are used as they are). Each effect is
``emax · Ceⁿ/(EC50ⁿ + Ceⁿ)`` as a fraction of baseline. Simplifications, on purpose:

* Cardiovascular effects keep rising past the top of the curve (``overshoot``): far above EC50 a catecholamine
  overdoses instead of saturating, as Pulse's model cannot.
* A drug without ``kinetics`` decays with a five-minute half-life and acts at once; its ``ec50`` values (mcg/ml)
  are then meaningless, so a third of a usual dose is taken as EC50 (a usual dose gives most of the effect).
* A drug without ``effects`` borrows them from :data:`CLASS_EFFECTS` by keywords in its id, name or class, with
  EC50 set to a third of the effect-site peak of a usual dose (the first dose given when the formulary has no
  dose guide).
"""

from __future__ import annotations

import math

from crmsim.schema.formulary import Drug

#: Targets whose effect keeps growing beyond ``emax`` at overdose concentrations.
CARDIOVASCULAR = frozenset({"heart_rate", "contractility", "vascular_tone"})

#: Route -> (absorption rate /min, bioavailability). Routes not listed go straight into plasma.
ROUTE_ABSORPTION: dict[str, tuple[float, float]] = {
    "im": (0.04, 0.4),
    "sc": (0.03, 0.3),
    "inhaled": (0.3, 0.3),
    "nebulised": (0.3, 0.3),
    "po": (0.03, 0.5),
    "pr": (0.05, 0.5),
    "sl": (0.2, 0.6),
    "buccal": (0.1, 0.5),
    "topical": (0.02, 0.1),
}

#: Fallback effects by keyword (first match wins, so the more specific come first): (keywords, ((target, emax),)).
CLASS_EFFECTS: tuple[tuple[tuple[str, ...], tuple[tuple[str, float], ...]], ...] = (
    (("noradrenaline", "norepinephrine"), (("vascular_tone", 0.5), ("contractility", 0.15))),
    (
        ("adrenaline", "epinephrine"),
        (("heart_rate", 0.45), ("contractility", 0.5), ("vascular_tone", 0.3), ("bronchodilation", 0.4),
         ("mast_cell_stabilisation", 0.5)),
    ),
    (("metaraminol", "phenylephrine", "vasopressin", "vasopressor"), (("vascular_tone", 0.5),)),
    (
        ("ephedrine", "sympathomimetic", "inotrope"),
        (("heart_rate", 0.2), ("contractility", 0.25), ("vascular_tone", 0.15)),
    ),
    (
        ("salbutamol", "albuterol", "terbutaline", "beta-2", "beta2", "bronchodilator"),
        (("bronchodilation", 0.6), ("heart_rate", 0.2)),
    ),
    (("atropine", "glycopyrr", "antimuscarinic", "anticholinergic"), (("heart_rate", 0.45),)),
    (
        ("beta-blocker", "beta blocker", "esmolol", "metoprolol", "labetalol"),
        (("heart_rate", -0.3), ("contractility", -0.2)),
    ),
    (("sugammadex", "neostigmine", "reversal"), (("neuromuscular_reversal", 1.0),)),
    (("suxamethonium", "succinylcholine", "curonium", "curium", "neuromuscular"), (("neuromuscular_block", 1.0),)),
    (("dantrolene",), (("muscle_relaxation_mh", 1.0),)),
    (("lipid",), (("local_anaesthetic_binding", 0.8),)),
    (("opioid", "fentanyl", "morphine"), (("ventilatory_drive", -0.5), ("sedation", 0.3))),
    (
        ("benzodiazepine", "midazolam", "diazepam", "lorazepam"),
        (("sedation", 0.8), ("seizure_threshold", 0.8), ("ventilatory_drive", -0.3)),
    ),
    (("propofol", "thiopental", "barbiturate", "hypnotic", "intravenous anaesthetic"),
     (("sedation", 1.0), ("seizure_threshold", 0.6), ("ventilatory_drive", -0.8), ("vascular_tone", -0.25))),
    (("amiodarone", "adenosine", "antiarrhythmic"), (("antiarrhythmic", 0.8),)),
    (("oxytocin", "ergometrine", "carboprost", "misoprostol", "uterotonic"), (("uterine_tone", 0.8),)),
    (("tranexamic", "antifibrinolytic"), (("fibrinolysis_inhibition", 0.9),)),
    (("hydrocortisone", "steroid", "antihistamine", "chlorphenamine"), (("mast_cell_stabilisation", 0.2),)),
    (("magnesium",), (("bronchodilation", 0.2), ("seizure_threshold", 0.5))),
    (("calcium",), (("calcium", 0.4), ("contractility", 0.1))),
    (("insulin",), (("potassium_shift", -0.15), ("glucose", -0.15))),
    (("glucose", "dextrose"), (("glucose", 0.5),)),
)

_HALF_LIFE_NO_KINETICS_MIN = 5.0
_LN2 = math.log(2.0)
_MAX_AMOUNT = 1e9


def class_effects(drug_id: str, drug: Drug) -> tuple[tuple[str, float], ...]:
    """The fallback effects for a drug without its own, from keywords in its id, name and class."""
    text = f"{drug_id} {drug.name} {drug.drug_class} {' '.join(drug.aliases)}".lower()
    for keywords, effects in CLASS_EFFECTS:
        if any(word in text for word in keywords):
            return effects
    return ()


def _usual_dose(drug: Drug, route: str, weight_kg: float) -> tuple[float, bool] | None:
    """The usual dose by ``route`` (or any route) as (amount or amount/min, is_rate); None when unknown."""
    guide = drug.doses.get(route) or next(iter(drug.doses.values()), None)  # type: ignore[arg-type]
    if guide is None:
        return None
    quantity = guide.usual.for_weight(weight_kg)
    if quantity.per_time is not None:
        return quantity.per_minute(), True
    return quantity.value, False


class DrugState:
    """The hidden state of one drug in the patient, and its effects each step."""

    __slots__ = (
        "drug_id", "v_ml", "k", "ke0", "cp", "ce", "depot", "ka", "infusion", "effects", "floor",
        "_dt", "_f", "_ce_seen", "_out",
    )

    def __init__(self, drug_id: str, drug: Drug, weight_kg: float, route: str, amount: float, rate: float) -> None:
        self.drug_id = drug_id
        kin = drug.kinetics
        if kin is not None:
            self.v_ml = kin.volume_l_per_kg * weight_kg * 1000.0
            self.k = max(kin.clearance_ml_min_kg * weight_kg / self.v_ml / 60.0, 1e-9)  # /s
            self.ke0 = kin.ke0_per_min / 60.0
        else:  # an amount that halves every five minutes and acts at once
            self.v_ml = 1.0
            self.k = _LN2 / (_HALF_LIFE_NO_KINETICS_MIN * 60.0)
            self.ke0 = 1.0
        self.cp = self.ce = self.depot = 0.0
        self.ka = 0.0
        self.infusion = 0.0  # canonical units per second
        self._dt = -1.0
        self._f = (0.0, 0.0, 0.0)
        self._ce_seen = -1.0  # the concentration ``_out`` was worked out for
        self._out: tuple[tuple[str, float, float], ...] = ()
        c_ref = self._reference_concentration(drug, weight_kg, route, amount, rate)
        if drug.effects and kin is not None:
            self.effects = tuple((e.target, e.emax, e.ec50, e.hill, e.target in CARDIOVASCULAR) for e in drug.effects)
        elif drug.effects:
            self.effects = tuple(
                (e.target, e.emax, c_ref / 3.0, e.hill, e.target in CARDIOVASCULAR) for e in drug.effects
            )
        else:
            self.effects = tuple(
                (target, emax, c_ref / 3.0, 1.5, target in CARDIOVASCULAR)
                for target, emax in class_effects(drug_id, drug)
            )
        #: below this concentration no effect is felt (and the drug can be forgotten)
        self.floor = 1e-4 * min((e[2] for e in self.effects), default=math.inf)

    def _reference_concentration(self, drug: Drug, weight_kg: float, route: str, amount: float, rate: float) -> float:
        """The effect-site peak of a usual bolus, or the steady state of a usual infusion."""
        usual = _usual_dose(drug, route, weight_kg)
        if usual is None:
            usual = (rate, True) if rate > 0 else (amount, False)
        value, is_rate = usual
        value = max(value, 1e-9)
        if is_rate:  # steady state, or what 30 minutes bring when clearance is nil
            return value / 60.0 * min(1.0 / self.k, 1800.0) / self.v_ml
        k, ke0 = self.k, self.ke0
        if abs(ke0 - k) < 1e-9:
            peak = math.exp(-1.0)
        else:
            t = math.log(ke0 / k) / (ke0 - k)
            peak = ke0 / (ke0 - k) * (math.exp(-k * t) - math.exp(-ke0 * t))
        return value / self.v_ml * peak

    def give(self, amount: float, route: str) -> None:
        """Add a dose; routes in :data:`ROUTE_ABSORPTION` go to the depot, the rest straight into plasma."""
        amount = min(amount, _MAX_AMOUNT)
        absorption = ROUTE_ABSORPTION.get(route)
        if absorption is None:
            self.cp += amount / self.v_ml
        else:
            self.depot += amount * absorption[1]
            self.ka = absorption[0] / 60.0
            self._dt = -1.0  # the cached step factors depend on ka

    def advance(self, dt: float, effect: dict[str, float], activation: dict[str, float]) -> bool:
        """Move ``dt`` seconds on; add each effect to ``effect`` and its signed 0–1 activation to ``activation``.

        Returns False once the drug has washed out and can be forgotten.
        """
        if dt != self._dt:
            self._dt = dt
            self._f = (math.exp(-self.k * dt), 1.0 - math.exp(-self.ke0 * dt), math.exp(-self.ka * dt))
        ek, fe0, eka = self._f
        if self.depot > 0.0:
            absorbed = self.depot * (1.0 - eka)
            self.depot -= absorbed
            if self.depot < 1e-12:
                self.depot = 0.0
            self.cp += absorbed / self.v_ml
        cp = self.cp * ek
        if self.infusion > 0.0:
            cp += self.infusion / (self.v_ml * self.k) * (1.0 - ek)
        self.ce += (0.5 * (cp + self.cp) - self.ce) * fe0
        self.cp = cp
        ce = self.ce
        seen = self._ce_seen
        if ce - seen > 1e-3 * seen or seen - ce > 1e-3 * seen:  # effects move less than 0.1 %: reuse them
            self._ce_seen = ce
            self._out = self._effects_at(ce)
        for target, e, a in self._out:
            effect[target] = effect.get(target, 0.0) + e
            activation[target] = activation.get(target, 0.0) + a
        return self.infusion > 0.0 or self.depot > 0.0 or ce > self.floor or cp > self.floor

    def _effects_at(self, ce: float) -> tuple[tuple[str, float, float], ...]:
        """(target, effect, signed activation) of each effect at effect-site concentration ``ce``."""
        out = []
        for target, emax, ec50, hill, cardio in self.effects:
            x = min(ce / ec50, 1e6)
            if x < 1e-4:
                continue
            xn = x**hill
            h = xn / (1.0 + xn)
            e = h + min(2.5, 0.6 * math.log2(x * 0.25)) if cardio and x > 4.0 else h
            out.append((target, emax * e, h if emax > 0 else -h))
        return tuple(out)

    def snapshot(self) -> dict[str, float]:
        """JSON-safe state."""
        return {"cp": self.cp, "ce": self.ce, "depot": self.depot, "infusion_per_min": self.infusion * 60.0}
