"""The circulation: preload, heart rate, contractility and resistance, turned into cardiac output and pressures.

A lumped mean-value model (the Guyton picture that AnaSim's haemodynamics also uses):

* **Venous return and the heart (Guyton).** Of the blood volume, an unstressed part (70 % at rest: AnaSim) only
  fills the veins; the stressed rest sets the mean systemic filling pressure ``Pms`` (10 mmHg at rest), and venous
  return is ``(Pms − RAP)/Rvr``. The heart pumps ``potential × (1 − e^(−RAP/κ))`` (a Frank-Starling curve
  normalised to the resting right atrial pressure of 5 mmHg); output is where the two curves meet, so a stronger
  or faster heart raises output only as far as venous return allows (adrenaline at full effect: about +50 %, as
  Freyschuss 1986 measured), and bleeding, venodilation (anaphylaxis, sepsis) and obstruction (a tension
  pneumothorax adds a back-pressure of up to 12 mmHg) lower it. Sympathetic venoconstriction (up to 30 % of the
  unstressed volume, estimate), venoconstrictor drugs and raised legs move unstressed volume into the stressed pool.
* **Reflexes.** One sympathetic drive ``σ`` from the arterial baroreflex (MAP below its set point) and the
  cardiopulmonary (volume) receptors (preload below normal), blunted by anaesthesia and sedation (by up to 70 %,
  as AnaSim takes from Sato 2005 for propofol) and by a poorly perfused brainstem: it raises heart rate (up to
  +110 %, smoothly capped at 208 − 0.7·age), contractility, resistance and venous tone, each through its own lag.
  In anaphylaxis, sepsis and tissue hypoxia the vessels are deaf to it (vasoplegia).
* **Heart.** Rate from the sinus node (drugs, reflex, fever, hypoxia), unless the rhythm imposes one; the heart's
  potential output from rate, contractility (drugs, myocardial ischaemia, toxins), diastolic filling time (less at
  high rates), afterload and the rhythm (no atrial kick in AF, poor filling in VT).
* **Pressures.** ``MAP = CO × SVR + RAP``; pulse pressure ``SV / C`` with the arterial compliance ``C`` fitted to
  the baseline, stiffening as pressure rises and widened by brisk (inotropic) ejection; with no flow, pressures
  settle to the mean filling pressure. Chest compressions add a forward flow of a fifth of normal output (scaled
  by filling) and their own pulse of 40 mmHg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from crmsim.core.physiology.baseline import CVP, Baseline

#: Chest compressions: forward flow as a fraction of normal cardiac output, and the compression pulse pressure.
#: Good CPR gives 20-30 % of normal output (estimate from reviews of CPR haemodynamics) and arterial pressures of
#: roughly 60-80/15-25 mmHg (Paradis, JAMA 1990;263:1106).
CPR_FLOW = 0.2
CPR_PULSE = 40.0
PMS = 10.0  # mmHg: mean systemic filling pressure at rest (estimate; Guyton 7, bedside estimates in man 10-20)
KAPPA = 5.0  # mmHg: how fast the heart's output saturates with filling pressure (Frank-Starling; estimate)
BACK_PRESSURE = 12.0  # mmHg: what full obstruction (tension pneumothorax) adds to the pressure the heart fills against
_LAGS_MIN = {"sigma": 0.15, "hr": 0.1, "contractility": 0.25, "svr": 0.4, "venous": 0.5}


@dataclass
class Heart:
    """What the rhythm lets the heart do: pump at all (0-1), an imposed rate, and a stroke-volume factor."""

    pump: float = 1.0
    rate: float | None = None
    sv_factor: float = 1.0


@dataclass
class Drive:
    """Everything that pushes the circulation this step (fractions of baseline unless said otherwise)."""

    hr: float = 0.0  # drug chronotropy
    contractility: float = 0.0  # drug inotropy (after responsiveness)
    tone: float = 0.0  # drug vasoconstriction (after responsiveness) and vasodilators (negative)
    vasodilation: float = 0.0  # beta-2 and other dilation, 0-1
    venous: float = 0.0  # drug venoconstriction, as a fraction of stressed volume
    svr_factor: float = 1.0  # insults' effect on resistance
    venous_pooling: float = 0.0  # insults' venodilation, fraction of unstressed volume
    hr_factor: float = 1.0  # insults, sinus-node hypoxia, temperature
    contractility_factor: float = 1.0  # insults, ischaemia, acidosis, calcium
    obstruction: float = 0.0  # 0-1: tension pneumothorax, gas trapping
    posture_ml: float = 0.0
    sedation: float = 0.0  # 0-1: drugs' and the anaesthetic's blunting of the baroreflex
    vasoplegia: float = 0.0  # 0-1: how far mediators (anaphylaxis, sepsis) stop vessels answering the reflex
    cpr: bool = False


def _fill(hr: float) -> float:
    """Diastolic filling as the rate rises (systole 0.33 s·√(60/HR); filling time constant 0.15 s; estimates)."""
    period = 60.0 / max(hr, 1.0)
    diastole = max(period - 0.33 * math.sqrt(period), 0.0)
    return 1.0 - math.exp(-diastole / 0.15)


class Circulation:
    """Lagged reflex and effector states, and the pressures they give."""

    def __init__(self, base: Baseline) -> None:
        self.base = base
        self.sigma = 0.0
        self.hr = base.hr
        self.contractility = 1.0
        self.svr = base.svr
        self.unstressed = base.unstressed
        self.fill0 = _fill(base.hr)
        self.venous_compliance = base.stressed / PMS  # ml/mmHg
        # maximal sinus rate 208 − 0.7·age (Tanaka, J Am Coll Cardiol 2001;37:153), at least 20 % above baseline
        self.hr_max = max(208.0 - 0.7 * base.age, 1.2 * base.hr, 120.0)
        self.hr_scale = 1.0
        self.hr_scale = base.hr / self._saturate(base.hr)
        self.rvr = (PMS - CVP) / base.co  # resistance to venous return, mmHg·min/L
        self.g0 = 1.0 - math.exp(-CVP / KAPPA)
        self.map = base.map
        self.sbp, self.dbp = base.sbp, base.dbp
        self.native_sbp = base.sbp
        self.co = base.co
        self.sv = base.sv
        self.cvp = self.rap_diastolic = CVP
        self.preload = 1.0
        self.rate = base.hr  # the rate on the ECG

    def advance(self, dt: float, volume: float, heart: Heart, d: Drive, beta_blocked: bool) -> None:
        """Move ``dt`` minutes on with blood volume ``volume`` (ml)."""
        b = self.base
        a = {key: 1.0 - math.exp(-dt / tau) for key, tau in _LAGS_MIN.items()}
        # reflex drive from the last step's pressure and filling
        error = (b.map - self.map) / b.map
        target = 4.0 * error + 0.6 * max(0.0, 1.0 - self.preload)
        brainstem = min(self.co / (0.5 * b.co), 1.0)  # the reflex needs a perfused brainstem
        target = min(max(target, -0.4), 1.0) * (1.0 - 0.7 * min(d.sedation, 1.0)) * brainstem
        self.sigma += (target - self.sigma) * a["sigma"]
        sig = self.sigma
        up = max(sig, 0.0)
        # venous return: the stressed volume sets the mean systemic filling pressure
        plegia = 1.0 - min(max(d.vasoplegia, 0.0), 1.0)
        vu_target = (b.unstressed * (1.0 + d.venous_pooling) * (1.0 - 0.3 * up * plegia) - d.venous * b.stressed
                     - d.posture_ml)  # fmt: skip
        self.unstressed += (vu_target - self.unstressed) * a["venous"]
        stressed = max(volume - self.unstressed, 0.0)
        self.preload = stressed / b.stressed
        pms = stressed / self.venous_compliance
        # rate
        reflex = (1.1 if not beta_blocked else 0.55) * sig if sig > 0 else 0.6 * sig
        hr_t = b.hr * max(1.0 + d.hr, 0.05) * (1.0 + reflex) * d.hr_factor
        hr_t = self._saturate(hr_t)
        self.hr += (max(hr_t, 5.0) - self.hr) * a["hr"]
        rate = heart.rate if heart.rate is not None else self.hr
        self.rate = rate
        # the heart's output at normal filling, then where it meets venous return (Guyton)
        c_t = max(1.0 + d.contractility, 0.05) * (1.0 + 0.25 * up) * d.contractility_factor
        self.contractility += (max(c_t, 0.0) - self.contractility) * a["contractility"]
        afterload = min(max((b.map / max(self.map, 20.0)) ** 0.3, 0.6), 1.3)
        potential = (rate * b.sv * self.contractility * (_fill(rate) / self.fill0) * afterload * heart.sv_factor
                     * heart.pump / 1000.0)  # fmt: skip
        back = BACK_PRESSURE * min(max(d.obstruction, 0.0), 1.0)
        rap, native = self._meet(potential, pms, back)
        co = native
        if d.cpr:
            co += CPR_FLOW * b.co * min(pms / PMS, 1.2) * min(max(1.0 - native / (0.5 * b.co), 0.0), 1.0)
        sv = native * 1000.0 / rate if rate > 1.0 else 0.0
        self.sv, self.co = sv, co
        # resistance
        reflex_tone = 0.6 * sig * plegia if sig > 0 else 0.3 * sig
        svr_t = (b.svr * max(1.0 + d.tone, 0.1) * (1.0 - min(max(d.vasodilation, 0.0), 0.9))
                 * (1.0 + reflex_tone) * d.svr_factor)  # fmt: skip
        self.svr += (min(max(svr_t, 0.08 * b.svr), 8.0 * b.svr) - self.svr) * a["svr"]
        # pressures
        mean = co * self.svr + rap
        compliance = b.arterial_compliance * min(max((b.map / max(mean, 15.0)) ** 0.5, 0.5), 2.5)
        pulse = sv / compliance * (1.0 + max(d.contractility, 0.0))  # brisker ejection, wider pulse
        self.native_sbp = native * self.svr + rap + 2.0 / 3.0 * pulse
        if d.cpr:
            pulse = max(pulse, CPR_PULSE * min(pms / PMS, 1.0))
        self.map = mean
        self.cvp = rap
        # the right atrium empties between compressions: its diastolic pressure is about half the mean (estimate)
        self.rap_diastolic = rap * (0.5 if d.cpr and native < 0.5 * b.co else 1.0)
        self.sbp = mean + 2.0 / 3.0 * pulse
        self.dbp = max(mean - pulse / 3.0, 0.5 * rap)

    def _saturate(self, hr: float) -> float:
        """The sinus rate approaching its maximum smoothly (the baseline rate maps to itself)."""
        return self.hr_scale * hr / (1.0 + (hr / self.hr_max) ** 4) ** 0.25

    def _meet(self, potential: float, pms: float, back: float) -> tuple[float, float]:
        """(right atrial pressure, cardiac output) where the heart's curve ``potential·g(RAP − back)`` meets venous
        return ``(Pms − RAP)/Rvr`` (bisection; both in L/min)."""
        if potential <= 0.0 or pms <= 0.0:
            return max(pms, 0.0), 0.0
        lo, hi = 0.0, pms
        rvr, kappa, norm = self.rvr, KAPPA, self.g0
        for _ in range(30):
            mid = 0.5 * (lo + hi)
            x = mid - back
            heart = potential * (1.0 - math.exp(-x / kappa)) / norm if x > 0.0 else 0.0
            if heart > (pms - mid) / rvr:
                hi = mid
            else:
                lo = mid
        rap = 0.5 * (lo + hi)
        return rap, (pms - rap) / rvr

    @property
    def coronary_perfusion_pressure(self) -> float:
        """Aortic diastolic minus right atrial diastolic pressure, mmHg."""
        return self.dbp - self.rap_diastolic

    def diastolic_time_ratio(self) -> float:
        """Diastolic time per minute now, relative to the baseline (coronary flow happens in diastole)."""
        def per_minute(hr: float) -> float:
            period = 60.0 / max(hr, 1.0)
            return hr * max(period - 0.33 * math.sqrt(period), 0.0)

        return per_minute(self.rate) / per_minute(self.base.hr)
