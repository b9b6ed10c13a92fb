"""Agreement statistics reproduce published worked examples.

- ICC: Shrout PE, Fleiss JL. Intraclass correlations: uses in assessing rater reliability. Psychol Bull
  1979;86:420-8 — Table 2 (p. 423, four judges rating six targets), Table 3's mean squares and Table 4's six
  coefficients, ICC(2,1) = .29.
- Weighted kappa: Cohen J. Weighted kappa: nominal scale agreement with provision for scaled disagreement or partial
  credit. Psychol Bull 1968;70:213-20 — Table 1 (p. 214, two judges, 200 cases, three diagnoses, disagreement
  weights 0/1/3/6): kappa = .492, weighted kappa = .348, q'o = .90, q'c = 1.38.
- rwg: James LR, Demaree RG, Wolf G. Estimating within-group interrater reliability with and without response bias.
  J Appl Psychol 1984;69:85-98 — the uniform ("rectangular") null variance (A² − 1)/12, 2.0 for five options and
  4.0 for seven, and truncation to 0 when the observed variance exceeds it (single-target values checked by hand).
- rwg on published data: LeBreton JM's WGA R package vignette (github.com/james-lebreton/WGA,
  vignettes/wga-vignette.Rmd, "Step 4a", commit 2cc97a4) on item LEAD06 (1-5 scale) of the lq2002 data (Bliese PD &
  Halverson RR, Leadersh Q 2002;13:53-68; shipped in Bliese's R package multilevel 2.7, data/lq2002.rda: 2,042
  soldiers in 49 companies): with the uniform null the mean rwg is .51, the 90th percentile .72, 59% of companies
  exceed .51, none is out of range. The per-company response counts below were tabulated from that file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from crmsim.scoring.agreement import (
    AgreementError,
    compare,
    disagreement_weights,
    icc,
    read_ratings,
    rwg,
    uniform_null_variance,
    weighted_kappa,
    weighted_kappa_table,
    within_one,
)

SHROUT_FLEISS_TABLE_2 = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
COHEN_1968_TABLE_1 = [[88, 10, 2], [14, 40, 6], [18, 10, 12]]
COHEN_1968_WEIGHTS = [[0, 1, 3], [1, 0, 6], [3, 6, 0]]
#: lq2002 item LEAD06, company → how many soldiers answered 1, 2, 3, 4, 5.
LQ2002_LEAD06_COUNTS: dict[int, tuple[int, int, int, int, int]] = {
    2: (2, 6, 3, 12, 1), 3: (1, 3, 8, 19, 6), 4: (6, 3, 18, 14, 4), 5: (8, 8, 20, 20, 2), 6: (1, 2, 3, 5, 1),
    7: (0, 1, 3, 10, 1), 9: (0, 1, 3, 8, 1), 10: (2, 4, 4, 19, 0), 13: (9, 16, 40, 26, 8), 14: (1, 0, 5, 4, 0),
    15: (2, 5, 28, 42, 12), 16: (6, 4, 7, 5, 1), 17: (1, 0, 6, 2, 1), 18: (15, 7, 32, 31, 9), 19: (0, 1, 6, 4, 2),
    20: (9, 4, 18, 22, 15), 21: (2, 2, 18, 22, 9), 22: (0, 4, 8, 9, 4), 23: (3, 1, 21, 24, 5), 24: (4, 3, 9, 16, 5),
    25: (4, 6, 17, 13, 1), 26: (1, 5, 5, 7, 3), 27: (3, 5, 22, 31, 12), 28: (1, 3, 24, 26, 14), 29: (3, 4, 22, 44, 12),
    30: (0, 0, 4, 12, 13), 31: (1, 0, 7, 9, 2), 32: (10, 6, 22, 26, 4), 33: (10, 5, 30, 28, 4), 34: (6, 8, 26, 32, 6),
    35: (1, 6, 27, 19, 5), 37: (0, 0, 3, 5, 2), 38: (0, 2, 5, 13, 10), 41: (1, 2, 26, 36, 13), 42: (3, 4, 14, 28, 5),
    43: (5, 10, 22, 31, 6), 44: (3, 4, 23, 26, 7), 45: (1, 2, 14, 9, 4), 46: (3, 4, 33, 44, 6), 47: (0, 2, 1, 8, 3),
    48: (1, 0, 5, 4, 3), 49: (1, 1, 6, 2, 8), 50: (0, 2, 9, 11, 1), 52: (4, 5, 15, 10, 5), 54: (0, 1, 10, 6, 2),
    55: (2, 3, 3, 2, 1), 56: (3, 1, 6, 8, 0), 57: (1, 1, 4, 7, 0), 58: (1, 2, 13, 4, 0),
}  # fmt: skip


def test_icc_reproduces_shrout_and_fleiss_1979() -> None:
    """Table 2's data give Table 3's mean squares and Table 4's ICCs: (1,1) .17, (2,1) .29, (3,1) .71, (1,4) .44,
    (2,4) .62, (3,4) .91."""
    result = icc(SHROUT_FLEISS_TABLE_2)
    assert (round(result.bms, 2), round(result.wms, 2), round(result.jms, 2), round(result.ems, 2)) == (11.24, 6.26, 32.49, 1.02)
    assert [round(v, 2) for v in (result.icc1_1, result.icc2_1, result.icc3_1, result.icc1_k, result.icc2_k,
                                  result.icc3_k)] == [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]  # fmt: skip


def test_weighted_kappa_reproduces_cohen_1968_table_1() -> None:
    """With Cohen's disagreement weights, kappa_w = .348 (1 − .90/1.38); unweighted (all disagreements 1) .492."""
    assert round(weighted_kappa_table(COHEN_1968_TABLE_1, COHEN_1968_WEIGHTS), 3) == 0.348
    counts = np.asarray(COHEN_1968_TABLE_1) / 200
    chance = np.outer(counts.sum(axis=1), counts.sum(axis=0))
    assert round(float((np.asarray(COHEN_1968_WEIGHTS) * counts).sum()), 2) == 0.90
    assert round(float((np.asarray(COHEN_1968_WEIGHTS) * chance).sum()), 2) == 1.38
    assert round(weighted_kappa_table(COHEN_1968_TABLE_1, 1 - np.eye(3)), 3) == 0.492


def test_weighted_kappa_of_scores_uses_ordinal_weights() -> None:
    """Scores become a table; identical ratings give 1; linear and quadratic weights are |i−j| and (i−j)²."""
    assert weighted_kappa([1, 2, 3, 4], [1, 2, 3, 4], 1, 4) == 1.0
    assert disagreement_weights(3).tolist() == [[0, 1, 2], [1, 0, 1], [2, 1, 0]]
    assert disagreement_weights(3, "quadratic")[0, 2] == 4
    assert weighted_kappa([1, 2, 3, 4], [2, 3, 4, 4], 1, 4) < weighted_kappa([1, 2, 3, 4], [1, 3, 3, 4], 1, 4)


def test_rwg_follows_james_demaree_wolf_1984() -> None:
    """σ²_EU = (A²−1)/12 is 2.0 for five options and 4.0 for seven; rwg = 1 − s²/σ²_EU, truncated at 0."""
    assert uniform_null_variance(5) == 2.0 and uniform_null_variance(7) == 4.0
    assert rwg([4, 4, 4], 5) == 1.0
    assert rwg([4, 4, 5, 5, 4], 5) == pytest.approx(1 - 0.3 / 2.0)
    assert rwg([1, 5, 1, 5], 5) == 0.0


def test_rwg_reproduces_wga_vignette_on_lq2002() -> None:
    """rwg (uniform null, A = 5) of LEAD06 in each of lq2002's 49 companies reproduces the WGA vignette: mean .51,
    90th percentile .72, 59% above .51, none below 0."""
    groups = [[score for score, k in enumerate(n, start=1) for _ in range(k)] for n in LQ2002_LEAD06_COUNTS.values()]
    assert len(groups) == 49 and sum(len(g) for g in groups) == 2042
    values = np.array([rwg(g, 5) for g in groups])
    assert round(float(values.mean()), 2) == 0.51
    assert round(float(np.quantile(values, 0.9)), 2) == 0.72
    assert round(float(np.mean(values > 0.51)), 2) == 0.59
    assert values.min() > 0


def test_within_one_point() -> None:
    """The share of paired ratings at most one point apart."""
    assert within_one([1, 2, 3, 4], [2, 2, 1, 4]) == 0.75


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_compare_two_files_over_shared_targets(tmp_path: Path) -> None:
    """Targets are matched by the key columns both files have; unrated (N/O) rows are left out."""
    a = write(tmp_path / "a.csv", ["participant,element,score,min,max", "team,x,4,1,4", "team,y,3,1,4",
                                   "team,z,2,1,4", "team,w,,1,4"])  # fmt: skip
    b = write(tmp_path / "b.csv", ["element,score", "x,4", "y,2", "z,2", "w,1"])
    result = compare([read_ratings(a), read_ratings(b)])
    assert result.targets == 3 and result.scale == (1, 4)
    assert result.within_one == 1.0
    with pytest.raises(AgreementError, match="at least 2"):
        compare([read_ratings(a), read_ratings(write(tmp_path / "c.csv", ["element,score", "x,4"]))])


def test_bad_ratings_files_name_file_and_line(tmp_path: Path) -> None:
    """A missing column, a non-number and a duplicate target are reported as FILE:LINE."""
    with pytest.raises(AgreementError, match=r"bad.csv:1: need a 'score'"):
        read_ratings(write(tmp_path / "bad.csv", ["element,rating", "x,4"]))
    with pytest.raises(AgreementError, match=r"bad2.csv:3: score 'good'"):
        read_ratings(write(tmp_path / "bad2.csv", ["element,score", "x,4", "y,good"]))
    with pytest.raises(AgreementError, match=r"bad3.csv:3: 'x' is rated twice"):
        read_ratings(write(tmp_path / "bad3.csv", ["element,score", "x,4", "x,3"]))
