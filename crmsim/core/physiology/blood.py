"""Blood in the stand-in model: circulating volume, red cells and clotting factors; bleeding and transfusion.

Normal volume is 70 ml/kg (65 for women). Bleeding removes whole blood; crystalloid adds volume only; blood
products are taken as a mix (half red cells, some plasma). Whatever runs in does so over about five minutes,
and volume beyond normal leaks out over half an hour. Haemoglobin, platelets, fibrinogen and INR follow from
dilution.
"""

from __future__ import annotations

from typing import Any

#: Effective volume loss -> (blood-pressure factor, heart-rate factor), interpolated (ATLS classes I–IV).
VOLUME_LOSS: tuple[tuple[float, float, float], ...] = (
    (0.0, 1.0, 1.0),
    (0.15, 0.98, 1.2),
    (0.30, 0.85, 1.55),
    (0.40, 0.65, 1.8),
    (0.50, 0.45, 1.9),
    (0.70, 0.15, 1.6),
    (1.00, 0.05, 1.0),
)
_RUN_IN_S = 300.0
_LEAK_S = 1800.0


def volume_factors(loss: float) -> tuple[float, float]:
    """(pressure factor, heart-rate factor) for an effective loss (negative: overfilled, a little more pressure)."""
    if loss <= 0.0:
        return 1.0 + 0.25 * min(-loss, 0.2), 1.0
    rows = VOLUME_LOSS
    for i in range(1, len(rows)):
        x1, p1, h1 = rows[i]
        if loss <= x1:
            x0, p0, h0 = rows[i - 1]
            f = (loss - x0) / (x1 - x0)
            return p0 + (p1 - p0) * f, h0 + (h1 - h0) * f
    return rows[-1][1], rows[-1][2]


class Blood:
    """Circulating volume and what it carries."""

    def __init__(self, weight_kg: float, female: bool) -> None:
        self.female = female
        self.normal = (65.0 if female else 70.0) * weight_kg
        self.volume = self.normal
        self.red_cells_normal = self.normal * (0.38 if female else 0.42)
        self.red_cells = self.red_cells_normal
        self.native = self.normal  # volume still carrying the patient's own platelets and factors
        self.products_given = 0.0
        self.running: dict[str, list[float]] = {}  # id -> [ml left, ml/s, red-cell fraction, factor fraction]

    def infuse(self, key: str, volume: float, blood: bool) -> None:
        """Start ``volume`` ml running in (added to what ``key`` still has to run)."""
        running = self.running.setdefault(key, [0.0, 0.0, 0.5 if blood else 0.0, 0.4 if blood else 0.0])
        running[0] += volume
        running[1] = max(running[1], volume / _RUN_IN_S)

    def stop(self, key: str) -> None:
        """Stop what ``key`` is running in."""
        self.running.pop(key, None)

    @property
    def changing(self) -> bool:
        """Whether anything runs in or leaks out."""
        return bool(self.running) or self.volume > self.normal

    def advance(self, dt: float, bleed_ml_s: float) -> None:
        """Bleed, run fluids in and let excess leak, for ``dt`` seconds."""
        volume = self.volume
        if bleed_ml_s > 0.0:
            loss = min(bleed_ml_s * dt, max(0.0, volume - 0.2 * self.normal))
            if loss > 0.0:
                keep = 1.0 - loss / volume
                self.red_cells *= keep
                self.native *= keep
                volume -= loss
        if self.running:
            done = []
            for key, running in self.running.items():
                add = min(running[0], running[1] * dt)
                running[0] -= add
                volume += add
                self.red_cells += add * running[2]
                self.native += add * running[3]
                if running[2]:
                    self.products_given += add
                if running[0] <= 1e-9:
                    done.append(key)
            for key in done:
                del self.running[key]
        if volume > self.normal:
            leak = (volume - self.normal) * dt / _LEAK_S
            self.native *= 1.0 - leak / volume
            volume -= leak
        self.volume = min(volume, 2.0 * self.normal)

    def labs(self) -> dict[str, float]:
        """Haemoglobin (g/L), platelets (10^9/L), fibrinogen (g/L), INR."""
        dilution = self.native / self.volume
        hb0 = 130.0 if self.female else 145.0
        return {
            "hb": hb0 * (self.red_cells / self.volume) / (self.red_cells_normal / self.normal),
            "platelets": 250.0 * dilution,
            "fibrinogen": 3.0 * dilution,
            "inr": min(10.0, 1.0 + 1.2 * (1.0 - dilution) / max(dilution, 0.05)),
        }

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe state."""
        return {
            "volume_ml": self.volume,
            "normal_ml": self.normal,
            "red_cells_ml": self.red_cells,
            "native_ml": self.native,
            "products_given_ml": self.products_given,
            "running": {key: {"ml_left": r[0], "ml_per_s": r[1]} for key, r in self.running.items()},
        }
