"""Agreement between raters (crmsim and humans, or humans among themselves), with numpy.

- :func:`icc` — Shrout & Fleiss (1979) intraclass correlations from the two-way ANOVA of an n targets × k raters
  table; ``ICC(2,1)`` (random raters, single rating, absolute agreement) is the one reported.
- :func:`weighted_kappa` / :func:`weighted_kappa_table` — Cohen's (1968) weighted kappa,
  ``1 − Σ v·p_observed / Σ v·p_chance`` with disagreement weights ``v`` (linear or quadratic for ordinal scales,
  or any matrix).
- :func:`within_one` — the share of pairs of ratings at most one scale point apart.
- :func:`rwg` — James, Demaree & Wolf's (1984) within-group agreement for one target,
  ``1 − s² / σ²_EU`` with the uniform null ``σ²_EU = (A² − 1) / 12`` for A response options, truncated
  to 0..1.

:func:`read_ratings` reads the CSV files ``crmsim agreement`` compares, and :func:`compare` pairs them up.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Literal

import numpy as np

#: Columns that, when present in every file, identify what was rated (the target).
KEY_COLUMNS = ("session", "participant", "framework", "element")
NOT_OBSERVED = frozenset({"", "n/o", "na", "n/a", "not observed", "none", "null"})


class AgreementError(Exception):
    """Ratings that cannot be compared; one line, ``FILE:LINE: message`` where it has a place."""


@dataclass(frozen=True)
class Icc:
    """The six Shrout & Fleiss coefficients and the mean squares behind them."""

    icc1_1: float
    icc2_1: float
    icc3_1: float
    icc1_k: float
    icc2_k: float
    icc3_k: float
    bms: float
    wms: float
    jms: float
    ems: float


def icc(ratings: Sequence[Sequence[float]] | np.ndarray) -> Icc:
    """Shrout & Fleiss (1979) ICCs of an n × k table (rows: targets, columns: raters), n ≥ 2 and k ≥ 2."""
    x = np.asarray(ratings, dtype=float)
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise AgreementError("an ICC needs at least two targets, each rated by at least two raters")
    n, k = x.shape
    grand = x.mean()
    ss_total = ((x - grand) ** 2).sum()
    ss_targets = k * ((x.mean(axis=1) - grand) ** 2).sum()
    ss_raters = n * ((x.mean(axis=0) - grand) ** 2).sum()
    bms = ss_targets / (n - 1)
    wms = (ss_total - ss_targets) / (n * (k - 1))
    jms = ss_raters / (k - 1)
    ems = (ss_total - ss_targets - ss_raters) / ((n - 1) * (k - 1))

    def ratio(num: float, den: float) -> float:
        return float(num / den) if den != 0 else float("nan")

    return Icc(
        icc1_1=ratio(bms - wms, bms + (k - 1) * wms),
        icc2_1=ratio(bms - ems, bms + (k - 1) * ems + k * (jms - ems) / n),
        icc3_1=ratio(bms - ems, bms + (k - 1) * ems),
        icc1_k=ratio(bms - wms, bms),
        icc2_k=ratio(bms - ems, bms + (jms - ems) / n),
        icc3_k=ratio(bms - ems, bms),
        bms=float(bms), wms=float(wms), jms=float(jms), ems=float(ems),
    )  # fmt: skip


def disagreement_weights(categories: int, kind: Literal["linear", "quadratic"] = "linear") -> np.ndarray:
    """Disagreement weights for ordered categories: |i − j| (linear) or (i − j)² (quadratic)."""
    i, j = np.indices((categories, categories))
    distance = np.abs(i - j).astype(float)
    return distance if kind == "linear" else distance**2


def weighted_kappa_table(table: Sequence[Sequence[float]] | np.ndarray,
                         weights: Sequence[Sequence[float]] | np.ndarray) -> float:  # fmt: skip
    """Cohen's (1968) weighted kappa of a k × k table of counts (rows: rater B, columns: rater A) with disagreement
    weights ``v`` (0 on the diagonal): ``1 − Σ v p_o / Σ v p_c``, p_c the product of the margins."""
    counts = np.asarray(table, dtype=float)
    v = np.asarray(weights, dtype=float)
    if counts.ndim != 2 or counts.shape[0] != counts.shape[1] or v.shape != counts.shape:
        raise AgreementError("weighted kappa needs a square table and weights of the same shape")
    total = counts.sum()
    if total <= 0:
        raise AgreementError("weighted kappa needs at least one pair of ratings")
    observed = counts / total
    chance = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    expected = float((v * chance).sum())
    if expected == 0:
        return 1.0 if float((v * observed).sum()) == 0 else float("nan")
    return 1.0 - float((v * observed).sum()) / expected


def weighted_kappa(a: Sequence[int], b: Sequence[int], low: int, high: int,
                   kind: Literal["linear", "quadratic"] = "linear") -> float:  # fmt: skip
    """Weighted kappa of two raters' scores on the scale ``low``..``high``."""
    if len(a) != len(b) or not a:
        raise AgreementError("weighted kappa needs the same, non-zero number of ratings from both raters")
    size = high - low + 1
    table = np.zeros((size, size))
    for x, y in zip(a, b, strict=True):
        table[y - low, x - low] += 1
    return weighted_kappa_table(table, disagreement_weights(size, kind))


def within_one(a: Sequence[float], b: Sequence[float]) -> float:
    """The share of paired ratings at most one point apart."""
    if len(a) != len(b) or not a:
        raise AgreementError("within-one needs the same, non-zero number of ratings from both raters")
    return float(np.mean(np.abs(np.asarray(a, float) - np.asarray(b, float)) <= 1 + 1e-9))


def uniform_null_variance(options: int) -> float:
    """σ²_EU = (A² − 1) / 12: the variance of ratings spread evenly over A options (James et al. 1984)."""
    return (options**2 - 1) / 12


def rwg(ratings: Sequence[float], options: int) -> float:
    """James, Demaree & Wolf's (1984) r_wg for one target rated by several raters on A options: 1 − s²/σ²_EU,
    with s² the sample variance (n − 1), truncated to 0 when the observed variance exceeds the null."""
    if len(ratings) < 2 or options < 2:
        raise AgreementError("rwg needs at least two ratings of a target and at least two response options")
    observed = float(np.var(np.asarray(ratings, float), ddof=1))
    return max(0.0, 1.0 - observed / uniform_null_variance(options))


@dataclass(frozen=True)
class RatingsFile:
    """The scores one rater gave, by target."""

    path: str
    scores: dict[tuple[str, ...], int]
    keys: tuple[str, ...]
    scale: tuple[int, int] | None


def read_ratings(path: Path) -> RatingsFile:
    """Read a ratings CSV: a header with ``element`` (or ``target``) and ``score``, optionally ``session``,
    ``participant``, ``framework``, ``min`` and ``max``. Rows not observed are skipped."""
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    columns = [c.strip() for c in reader.fieldnames or []]
    target = "element" if "element" in columns else "target" if "target" in columns else None
    if target is None or "score" not in columns:
        raise AgreementError(f"{path}:1: need a 'score' column and an 'element' (or 'target') column")
    keys = tuple(c for c in KEY_COLUMNS if c in columns and c != "element") + (target,)
    scores: dict[tuple[str, ...], int] = {}
    lows: list[int] = []
    highs: list[int] = []
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        raw = row.get("score", "")
        if raw.lower() in NOT_OBSERVED:
            continue
        try:
            value = float(raw)
        except ValueError:
            raise AgreementError(f"{path}:{line}: score '{raw}' is not a number") from None
        if value != int(value):
            raise AgreementError(f"{path}:{line}: score '{raw}' is not a whole scale point")
        key = tuple(row.get(k, "") for k in keys)
        if key in scores:
            raise AgreementError(f"{path}:{line}: '{' / '.join(key)}' is rated twice")
        scores[key] = int(value)
        for name, into in (("min", lows), ("max", highs)):
            if row.get(name):
                try:
                    into.append(int(float(row[name])))
                except ValueError:
                    raise AgreementError(f"{path}:{line}: {name} '{row[name]}' is not a number") from None
    scale = (min(lows), max(highs)) if lows and highs else None
    return RatingsFile(str(path), scores, keys, scale)


@dataclass(frozen=True)
class Agreement:
    """Agreement over the targets every file rated."""

    raters: int
    targets: int
    scale: tuple[int, int]
    icc2_1: float
    kappa_w: float
    within_one: float
    rwg_mean: float
    weights: str


def compare(files: Sequence[RatingsFile], scale: tuple[int, int] | None = None,
            kind: Literal["linear", "quadratic"] = "linear") -> Agreement:  # fmt: skip
    """Agreement of two or more raters over the targets they all rated (κw and within-one: the mean over pairs)."""
    if len(files) < 2:
        raise AgreementError("give at least two ratings files")
    shared = set.intersection(*(set(f.keys) for f in files))
    keys = tuple(k for k in files[0].keys if k in shared)
    if not keys or keys[-1] not in ("element", "target"):
        raise AgreementError(f"{files[1].path}: its targets cannot be matched with {files[0].path}'s")

    def by_key(f: RatingsFile) -> dict[tuple[str, ...], int]:
        positions = [f.keys.index(k) for k in keys]
        return {tuple(key[p] for p in positions): v for key, v in f.scores.items()}

    tables = [by_key(f) for f in files]
    common = sorted(set.intersection(*(set(t) for t in tables)))
    if len(common) < 2:
        raise AgreementError(f"only {len(common)} target(s) were rated in every file; at least 2 are needed")
    matrix = np.array([[t[key] for t in tables] for key in common], dtype=float)
    found = [f.scale for f in files if f.scale is not None]
    low, high = scale or ((min(s[0] for s in found), max(s[1] for s in found)) if found
                          else (int(matrix.min()), int(matrix.max())))  # fmt: skip
    if matrix.min() < low or matrix.max() > high:
        raise AgreementError(f"a score lies outside the scale {low}-{high}; give --min and --max")
    if high <= low:
        raise AgreementError("the scale needs at least two points; give --min and --max")
    pairs = list(combinations(range(len(files)), 2))
    ints = matrix.astype(int)
    kappas = [weighted_kappa(list(ints[:, i]), list(ints[:, j]), low, high, kind) for i, j in pairs]
    close = [within_one(list(matrix[:, i]), list(matrix[:, j])) for i, j in pairs]
    options = high - low + 1
    return Agreement(
        raters=len(files), targets=len(common), scale=(low, high), icc2_1=icc(matrix).icc2_1,
        kappa_w=float(np.mean(kappas)), within_one=float(np.mean(close)),
        rwg_mean=float(np.mean([rwg(list(row), options) for row in matrix])), weights=kind,
    )  # fmt: skip
