"""Blood: circulating volume and what it carries; bleeding, capillary leak, refill, fluids and transfusion.

Circulating volume holds red cells, coagulation factors, fibrinogen and platelets as amounts, so concentrations
follow from what comes and goes. Bleeding takes whole blood (and, with the fibrinolysis of major haemorrhage,
extra fibrinogen unless tranexamic acid blocks it); capillary leak takes plasma, so the blood concentrates;
crystalloid dilutes and mostly leaves the circulation again (three quarters of it, with a 20-minute time
constant: Hahn, Anesthesiology 2010;113:470); colloid and blood stay. After a loss the interstitium refills the
plasma slowly. What runs in does so at the intervention's rate (100 ml/min under pressure by default).
"""

from __future__ import annotations

import math
from typing import Any

#: Product -> (red cells, factor level, fibrinogen g/L, platelets 10^9/ml, fraction that leaves, temperature °C)
#: per ml. Composition from UK blood-component specifications, rounded (estimates for a model).
PRODUCTS: dict[str, tuple[float, float, float, float, float, float]] = {
    "crystalloid": (0.0, 0.0, 0.0, 0.0, 0.75, 21.0),
    "colloid": (0.0, 0.0, 0.0, 0.0, 0.2, 21.0),
    "red_cells": (0.6, 0.1, 0.2, 0.0, 0.0, 35.0),
    "plasma": (0.0, 0.9, 2.5, 0.0, 0.0, 35.0),
    "platelets": (0.0, 0.9, 2.0, 0.9, 0.0, 30.0),
    "cryoprecipitate": (0.0, 0.5, 8.0, 0.0, 0.0, 35.0),
    "whole_blood": (0.4, 0.8, 2.5, 0.1, 0.0, 35.0),
    "mixed": (0.3, 0.5, 1.3, 0.0, 0.0, 35.0),
}
EXCESS_TAU_MIN = 20.0
REFILL_TAU_MIN = 90.0  # transcapillary refill after haemorrhage (estimate)
REFILL_MAX = 0.25  # of normal volume (estimate)
CITRATE_TAU_MIN = 8.0  # citrate metabolism (estimate)
FIBRINOGEN = 3.0  # g/L plasma (4.5 at term: obstetric)
PLATELETS = 250.0  # 10^9/L


class Blood:
    """Circulating volume and its contents."""

    def __init__(self, normal_ml: float, hb_g_l: float, obstetric: bool) -> None:
        self.normal = normal_ml
        self.hb0 = hb_g_l
        hct = hb_g_l / 340.0
        self.volume = normal_ml
        self.red = self.red0 = normal_ml * hct
        self.plasma0 = plasma = normal_ml - self.red
        self.factors = plasma
        self.fibrinogen = (4.5 if obstetric else FIBRINOGEN) * plasma / 1000.0
        self.platelets = PLATELETS * normal_ml / 1000.0
        self.excess = 0.0  # crystalloid still to leave, ml
        self.refilled = 0.0
        self.citrate = 0.0  # ml of citrated product not yet metabolised
        self.running: dict[str, list[Any]] = {}  # id -> [ml left, ml/min, product]
        self.lost = self.given = self.products = 0.0
        self.heat_j = 0.0  # heat taken to warm what ran in this step, J (set by advance)

    def infuse(self, key: str, volume: float, rate_ml_min: float, product: str) -> None:
        """Start ``volume`` ml of ``product`` running at ``rate_ml_min`` (added to what ``key`` still has)."""
        entry = self.running.setdefault(key, [0.0, rate_ml_min, product])
        entry[0] += volume
        entry[1], entry[2] = max(entry[1], rate_ml_min), product

    def stop(self, key: str) -> None:
        """Stop what ``key`` is running in."""
        self.running.pop(key, None)

    def advance(self, dt: float, bleed_ml_min: float, leak_ml_min: float, fibrinolysis: float, core_temp: float,
                leak_factor: float) -> None:  # fmt: skip
        """Move ``dt`` minutes on: bleed, leak, run fluids in, redistribute and refill."""
        vol = self.volume
        self.heat_j = 0.0
        if bleed_ml_min > 0.0:
            loss = min(bleed_ml_min * dt, max(0.0, vol - 0.15 * self.normal))
            if loss > 0.0:
                keep = 1.0 - loss / vol
                self.red *= keep
                self.factors *= keep
                self.platelets *= keep
                self.fibrinogen *= keep * (1.0 - 0.5 * fibrinolysis * loss / vol)
                self.excess *= keep
                vol -= loss
                self.lost += loss
        if leak_ml_min > 0.0:
            plasma = vol - self.red
            loss = min(leak_ml_min * dt, max(0.0, plasma - 0.5 * self.plasma0))  # at most half the plasma leaks
            if loss > 0.0:
                keep = 1.0 - loss / plasma
                self.factors *= keep
                self.fibrinogen *= keep
                vol -= loss
        if self.running:
            vol = self._run_in(dt, vol, core_temp)
        if self.excess > 0.0:
            out = self.excess * (1.0 - math.exp(-dt * (1.0 + 3.0 * leak_factor) / EXCESS_TAU_MIN))
            self.excess -= out
            vol -= out
        if vol < self.normal and self.refilled < REFILL_MAX * self.normal:
            add = min((self.normal - vol) * dt / REFILL_TAU_MIN, REFILL_MAX * self.normal - self.refilled)
            self.refilled += add
            vol += add
        if self.citrate > 0.0:
            self.citrate *= math.exp(-dt / CITRATE_TAU_MIN)
        self.volume = min(max(vol, self.red + 0.05 * self.normal), 2.0 * self.normal)

    def _run_in(self, dt: float, vol: float, core_temp: float) -> float:
        done = []
        for key, entry in self.running.items():
            add = min(entry[0], entry[1] * dt)
            entry[0] -= add
            red, factors, fib, platelets, leaves, temp = PRODUCTS.get(entry[2], PRODUCTS["crystalloid"])
            vol += add
            self.red += add * red
            self.factors += add * factors
            self.fibrinogen += add * fib / 1000.0
            self.platelets += add * platelets
            self.excess += add * leaves
            self.given += add
            if red or factors:
                self.products += add
                self.citrate += add
            self.heat_j += add * 4.0 * (core_temp - temp)  # about 4 J/ml/°C
            if entry[0] <= 1e-9:
                done.append(key)
        for key in done:
            del self.running[key]
        return vol

    @property
    def plasma(self) -> float:
        """Plasma volume, ml."""
        return max(self.volume - self.red, 1.0)

    def hb(self) -> float:
        """Haemoglobin, g/L."""
        return self.hb0 * (self.red / self.volume) / (self.red0 / self.normal)

    def labs(self) -> dict[str, float]:
        """Haemoglobin (g/L), platelets (10^9/L), fibrinogen (g/L), INR and ionised calcium (mmol/L)."""
        level = max(self.factors / self.plasma, 0.02)
        return {
            "hb": self.hb(),
            "platelets": self.platelets / (self.volume / 1000.0),
            "fibrinogen": self.fibrinogen / (self.plasma / 1000.0),
            "inr": min(10.0, 1.0 + 0.5 * max(1.0 / level - 1.0, 0.0) ** 1.2),
            "ica": max(0.5, 1.15 - 0.00015 * self.citrate),
        }

    def coagulopathy(self) -> float:
        """0-1: how much clotting has failed (low fibrinogen, platelets, factors), which makes bleeding faster."""
        labs = self.labs()
        fib = min(max((2.0 - labs["fibrinogen"]) / 1.5, 0.0), 1.0)
        plt = min(max((80.0 - labs["platelets"]) / 60.0, 0.0), 1.0)
        inr = min(max((labs["inr"] - 1.3) / 1.5, 0.0), 1.0)
        return min(1.0, 0.5 * fib + 0.3 * plt + 0.3 * inr)

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "volume_ml": self.volume, "normal_ml": self.normal, "red_cells_ml": self.red,
            "crystalloid_excess_ml": self.excess, "lost_ml": self.lost, "given_ml": self.given,
            "running": {key: {"ml_left": r[0], "ml_per_min": r[1], "product": r[2]} for key, r in self.running.items()},
        }  # fmt: skip
