"""Drug kinetics and effects: one compartment, an effect site and a Hill curve per effect.

Per drug: an injection depot (what is in the vein and the line, carried to the heart by the circulation), an
absorption depot (for routes that are not intravenous), a plasma concentration ``cp`` and an effect-site
concentration ``ce``:

    d(line)/dt = −k_circ·(CO/CO₀)·line            (10 s at a normal cardiac output; nothing moves without flow)
    depot -> depot₂ -> plasma, each at ka·min(1.2, CO/CO₀)  (two stages give the delayed peak of an intramuscular
                                                        dose; all routes but IV absorb less in shock)
    dCp/dt = (inputs)/V − (CL/V)·Cp;  dCe/dt = ke0·(Cp − Ce)

integrated with exact exponentials over a step (the effect site with a midpoint rule). ``cp`` is in the drug's
canonical unit per ml (mcg/ml for mass units). Each effect is ``emax · Ceⁿ/(EC50ⁿ + Ceⁿ)``, a change as a
fraction of baseline (Pulse and BioGears use the same form), so a tenfold dose moves a drug up its curve: 1 mg of
adrenaline saturates the alpha (vasoconstrictor) and arrhythmogenic effects that 50 mcg barely touches.

A drug without ``kinetics`` decays with a five-minute half-life and acts at once; a third of a usual dose is taken
as its EC50. A drug without ``effects`` borrows them from :data:`CLASS_EFFECTS` by keywords in its id, name or
class, with EC50 a third of the effect-site peak of a usual dose. A beta-blocked patient feels half the beta effects
of a beta agonist.
"""

from __future__ import annotations

import math

from crmsim.schema.formulary import Drug

#: Route -> (absorption rate /min, bioavailability). Routes not listed go into the vein.
ROUTE_ABSORPTION: dict[str, tuple[float, float]] = {
    "im": (0.15, 0.8), "sc": (0.06, 0.7), "inhaled": (0.6, 0.3), "nebulised": (0.6, 0.3), "po": (0.06, 0.5),
    "pr": (0.1, 0.5), "sl": (0.4, 0.6), "buccal": (0.2, 0.5), "topical": (0.04, 0.1),
}  # fmt: skip
#: Targets a beta-blocker blunts when the drug is a beta agonist.
BETA_TARGETS = frozenset({"heart_rate", "contractility", "bronchodilation", "vasodilation"})
_BETA_AGONIST_WORDS = ("beta", "catecholamine", "sympathomimetic")
K_CIRCULATION = 6.0  # /min: injection to central circulation at a normal cardiac output (estimate, ~10 s)

#: Fallback effects by keyword (first match wins, so the more specific come first): (keywords, ((target, emax),)).
CLASS_EFFECTS: tuple[tuple[tuple[str, ...], tuple[tuple[str, float], ...]], ...] = (
    (("noradrenaline", "norepinephrine"), (("vascular_tone", 0.6), ("contractility", 0.15))),
    (("adrenaline", "epinephrine"), (("heart_rate", 0.6), ("contractility", 0.8), ("vascular_tone", 0.5),
                                     ("bronchodilation", 0.8), ("mast_cell_stabilisation", 0.5))),
    (("metaraminol", "phenylephrine", "vasopressin", "vasopressor"), (("vascular_tone", 0.6),)),
    (("ephedrine", "sympathomimetic", "inotrope"), (("heart_rate", 0.2), ("contractility", 0.25),
                                                    ("vascular_tone", 0.15))),
    (("salbutamol", "albuterol", "terbutaline", "beta-2", "beta2", "bronchodilator"),
     (("bronchodilation", 0.6), ("heart_rate", 0.2))),
    (("atropine", "glycopyrr", "antimuscarinic", "anticholinergic"), (("heart_rate", 0.45),)),
    (("beta-blocker", "beta blocker", "esmolol", "metoprolol", "labetalol"), (("heart_rate", -0.3),
                                                                              ("contractility", -0.2))),
    (("sugammadex", "neostigmine", "reversal"), (("neuromuscular_reversal", 1.0),)),
    (("suxamethonium", "succinylcholine", "curonium", "curium", "neuromuscular"), (("neuromuscular_block", 1.0),)),
    (("dantrolene",), (("muscle_relaxation_mh", 1.0),)),
    (("lipid",), (("local_anaesthetic_binding", 0.8),)),
    (("opioid", "fentanyl", "morphine"), (("ventilatory_drive", -0.5), ("sedation", 0.3))),
    (("benzodiazepine", "midazolam", "diazepam", "lorazepam"), (("sedation", 0.8), ("seizure_threshold", 0.8),
                                                               ("ventilatory_drive", -0.3))),
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
)  # fmt: skip

_HALF_LIFE_NO_KINETICS_MIN = 5.0
_MAX_AMOUNT = 1e9


def _text(drug_id: str, drug: Drug) -> str:
    return f"{drug_id} {drug.name} {drug.drug_class} {' '.join(drug.aliases)}".lower()


def class_effects(drug_id: str, drug: Drug) -> tuple[tuple[str, float], ...]:
    """The fallback effects for a drug without its own, from keywords in its id, name and class."""
    text = _text(drug_id, drug)
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

    __slots__ = ("drug_id", "v_ml", "k", "ke0", "cp", "ce", "line", "depot", "depot2", "ka", "infusion", "effects",
                 "floor", "_ce_seen", "_out")  # fmt: skip

    def __init__(self, drug_id: str, drug: Drug, weight_kg: float, route: str, amount: float, rate: float,
                 beta_blocked: bool = False) -> None:  # fmt: skip
        self.drug_id = drug_id
        kin = drug.kinetics
        if kin is not None:
            self.v_ml = kin.volume_l_per_kg * weight_kg * 1000.0
            self.k = max(kin.clearance_ml_min_kg * weight_kg / self.v_ml, 1e-9)  # /min
            self.ke0 = kin.ke0_per_min
        else:  # an amount that halves every five minutes and acts at once
            self.v_ml = 1.0
            self.k = math.log(2.0) / _HALF_LIFE_NO_KINETICS_MIN
            self.ke0 = 60.0
        self.cp = self.ce = self.line = self.depot = self.depot2 = 0.0
        self.ka = 0.0
        self.infusion = 0.0  # canonical units per minute
        self._ce_seen = -1.0  # the concentration ``_out`` was worked out for
        self._out: tuple[tuple[str, float, float], ...] = ()
        c_ref = self._reference_concentration(drug, weight_kg, route, amount, rate)
        blunt = 0.5 if beta_blocked and any(word in _text(drug_id, drug) for word in _BETA_AGONIST_WORDS) else 1.0
        if drug.effects and kin is not None:
            raw = tuple((e.target, e.emax, e.ec50, e.hill) for e in drug.effects)
        elif drug.effects:
            raw = tuple((e.target, e.emax, c_ref / 3.0, e.hill) for e in drug.effects)
        else:
            raw = tuple((target, emax, c_ref / 3.0, 1.5) for target, emax in class_effects(drug_id, drug))
        self.effects = tuple(
            (target, emax * (blunt if target in BETA_TARGETS and emax > 0 else 1.0), ec50, hill)
            for target, emax, ec50, hill in raw
        )
        #: below this concentration no effect is felt (and the drug can be forgotten)
        self.floor = 1e-4 * min((e[2] for e in self.effects), default=math.inf)

    def _reference_concentration(self, drug: Drug, weight_kg: float, route: str, amount: float, rate: float) -> float:
        """The effect-site peak of a usual bolus, or the steady state of a usual infusion."""
        usual = _usual_dose(drug, route, weight_kg)
        if usual is None:
            usual = (rate, True) if rate > 0 else (amount, False)
        value = max(usual[0], 1e-9)
        if usual[1]:  # steady state, or what 30 minutes bring when clearance is nil
            return value * min(1.0 / self.k, 30.0) / self.v_ml
        k, ke0 = self.k, self.ke0
        if abs(ke0 - k) < 1e-9:
            peak = math.exp(-1.0)
        else:
            t = math.log(ke0 / k) / (ke0 - k)
            peak = ke0 / (ke0 - k) * (math.exp(-k * t) - math.exp(-ke0 * t))
        return value / self.v_ml * peak

    def give(self, amount: float, route: str) -> None:
        """Add a dose: routes in :data:`ROUTE_ABSORPTION` go to the absorption depot, the rest into the vein."""
        amount = min(amount, _MAX_AMOUNT)
        absorption = ROUTE_ABSORPTION.get(route)
        if absorption is None:
            self.line += amount
        else:
            self.depot += amount * absorption[1]
            self.ka = absorption[0]

    def advance(self, dt_min: float, flow: float, effect: dict[str, float], activation: dict[str, float]) -> bool:
        """Move ``dt_min`` minutes on at cardiac output ``flow`` (fraction of normal); add each effect to
        ``effect`` and its signed 0-1 activation to ``activation``. Returns False once the drug has washed out."""
        into = 0.0  # amount reaching the central compartment this step
        if self.line > 0.0:
            moved = self.line * (1.0 - math.exp(-K_CIRCULATION * flow * dt_min))
            self.line -= moved
            into += moved
            if self.line < 1e-12:
                self.line = 0.0
        if self.depot > 0.0 or self.depot2 > 0.0:
            f = 1.0 - math.exp(-self.ka * min(flow, 1.2) * dt_min)
            moved, onward = self.depot * f, self.depot2 * f
            self.depot -= moved
            self.depot2 += moved - onward
            into += onward
            if self.depot + self.depot2 < 1e-12:
                self.depot = self.depot2 = 0.0
        ek = math.exp(-self.k * dt_min)
        cp = (self.cp + into / self.v_ml) * ek
        if self.infusion > 0.0:
            cp += self.infusion / (self.v_ml * self.k) * (1.0 - ek)
        self.ce += (0.5 * (cp + self.cp) - self.ce) * (1.0 - math.exp(-self.ke0 * dt_min))
        self.cp = cp
        ce = self.ce
        seen = self._ce_seen
        if ce - seen > 1e-3 * seen or seen - ce > 1e-3 * seen:  # effects move less than 0.1 %: reuse them
            self._ce_seen = ce
            self._out = self._effects_at(ce)
        for target, e, a in self._out:
            effect[target] = effect.get(target, 0.0) + e
            activation[target] = activation.get(target, 0.0) + a
        busy = self.infusion > 0.0 or self.depot > 0.0 or self.depot2 > 0.0 or self.line > 0.0
        return busy or ce > self.floor or cp > self.floor

    def _effects_at(self, ce: float) -> tuple[tuple[str, float, float], ...]:
        """(target, effect, signed activation) of each effect at effect-site concentration ``ce``."""
        out = []
        for target, emax, ec50, hill in self.effects:
            x = min(ce / ec50, 1e6)
            if x < 1e-4:
                continue
            xn = x**hill
            h = xn / (1.0 + xn)
            out.append((target, emax * h, h if emax > 0 else -h))
        return tuple(out)

    def snapshot(self) -> dict[str, float]:
        """JSON-safe state."""
        return {"cp": self.cp, "ce": self.ce, "line": self.line, "depot": self.depot + self.depot2,
                "infusion_per_min": self.infusion}
