"""The `sustained` and `rhythm` conditions: the lint looks inside a sustained condition, and a bad rhythm or a
missing duration is reported where it is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmsim.schema.load import load_scenario
from crmsim.schema.problems import ProblemsError

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
#: The anaphylaxis scenario's own sustained condition in its `treatment` phase (it must be there to be changed).
STABLE_RHYTHMS = "- rhythm: [sinus, sinus_tachycardia, sinus_bradycardia, svt, af]"


def changed(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of anaphylaxis-ga (and its scripts) with the first ``old`` replaced by ``new``."""
    for script in SCENARIOS.glob("anaphylaxis-ga.*.script.yaml"):
        (tmp_path / script.name).write_bytes(script.read_bytes())
    text = (SCENARIOS / "anaphylaxis-ga.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "anaphylaxis-ga.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ProblemsError) as caught:
        load_scenario(path)
    return [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems]


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first occurrence of ``text``."""
    return next(i for i, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in row)


def test_the_lint_checks_references_inside_a_sustained_condition(tmp_path: Path) -> None:
    """A flag nobody sets, written inside a sustained condition, is reported at its own position."""
    path = changed(tmp_path, STABLE_RHYTHMS, "- flag: never_set")
    line = line_of(path, "- flag: never_set")
    assert problems(path) == [f"{line}:29: unknown flag 'never_set'; no phase or inject sets it"]


def test_an_unknown_rhythm_is_refused(tmp_path: Path) -> None:
    """A rhythm condition names rhythms from the scenario language's list; anything else is reported at the value."""
    path = changed(tmp_path, STABLE_RHYTHMS, "- rhythm: [sinus, normal]")
    assert problems(path) == [
        f"{line_of(path, 'normal]')}:39: 'normal' is not allowed here; expected one of: sinus, sinus_tachycardia, "
        "sinus_bradycardia, svt, af, vt, vf, pea, asystole"
    ]


def test_a_sustained_condition_needs_its_duration(tmp_path: Path) -> None:
    """`sustained` without `for` is reported at the sustained mapping."""
    path = changed(tmp_path, "sustained: {for: 10 s, when:", "sustained: {when:")
    assert problems(path) == [f"{line_of(path, 'sustained: {when:')}:26: missing required key 'for'"]
