"""The heart muscle's oxygen balance: coronary supply against demand, ischaemia, and the debt an arrest runs up.

Demand is a basal 30 % plus work that follows the rate-pressure product (with a share for inotropy); a
fibrillating heart needs about what a beating one does, an arrested one about a third. Supply is coronary flow
times arterial oxygen content: flow rises
with coronary perfusion pressure (diastolic minus right atrial) above a zero-flow pressure of 10 mmHg, up to a
little above the resting pressure (autoregulation: higher pressures add little), can reach three times resting
flow when the vessels are fully dilated (coronary flow reserve; Gould 1974), and only runs in diastole, so
tachycardia cuts it. Where supply falls short the heart runs an oxygen *debt* (minutes of full
ischaemia), at the square of the shortfall (mild ischaemia costs little): one minute per minute with no flow,
about 0.4 with good compressions (so shock success falls
about 10 % a minute without CPR and about 4 % with it, as the survival data of Larsen 1993 and Valenzuela 1997
fall), and is repaid over about ten minutes of adequate supply. The debt depresses contractility (stunning) and,
with the ongoing shortfall (ischaemia), makes arrhythmias likelier.
"""

from __future__ import annotations

import math
from typing import Any

RESERVE = 3.0  # coronary flow reserve (Gould 1974: 3-5 in health; the lower end, estimate)
ZERO_FLOW = 10.0  # mmHg: coronary zero-flow pressure (estimate)
REPAY_MIN = 10.0  # debt repaid with this time constant when supply is adequate (estimate)
STUN_MIN = 6.0  # debt at which contractility is down to 1/e (estimate)


class Myocardium:
    """Ischaemia (0-1, the current shortfall) and the oxygen debt (minutes)."""

    def __init__(self, cpp0: float, rpp0: float) -> None:
        self.cpp0 = max(cpp0, ZERO_FLOW + 20.0)
        self.rpp0 = rpp0
        self.debt = 0.0
        self.ischaemia = 0.0
        self.shortfall = 0.0

    def advance(self, dt: float, cpp: float, o2_ratio: float, diastole_ratio: float, rate: float, sbp: float,
                inotropy: float, pumping: bool, fibrillating: bool) -> None:  # fmt: skip
        """Move ``dt`` minutes on. ``o2_ratio`` is arterial O2 content over baseline."""
        if pumping:
            demand = 0.3 + 0.7 * rate * sbp / self.rpp0 * (1.0 + 0.3 * max(inotropy, 0.0))
        else:
            demand = 1.0 if fibrillating else 0.35
        flow = RESERVE * min(max(cpp - ZERO_FLOW, 0.0) / (self.cpp0 - ZERO_FLOW), 1.3)
        supply = flow * max(o2_ratio, 0.0) * (diastole_ratio if pumping else 1.0)
        short = min(max(1.0 - supply / demand, 0.0), 1.0)
        self.shortfall = short
        if short > 0.0:
            self.debt = min(self.debt + short * short * dt, 60.0)
        else:
            self.debt *= math.exp(-dt / REPAY_MIN)
        self.ischaemia += (short - self.ischaemia) * (1.0 - math.exp(-dt / 0.3))

    @property
    def depression(self) -> float:
        """0-1: contractility lost to stunning."""
        return 1.0 - math.exp(-self.debt / STUN_MIN)

    def st_mm(self, pumping: bool) -> float:
        """ST-segment deviation (mm) on the monitor: depression with subendocardial ischaemia (estimate)."""
        return -3.0 * self.ischaemia if pumping else 0.0

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {"debt_min": self.debt, "ischaemia": self.ischaemia, "shortfall": self.shortfall,
                "depression": self.depression}  # fmt: skip
