"""docs/physiology.md keeps up with the code: it describes every insult, every drug-effect target and every module
of the model."""

from __future__ import annotations

from pathlib import Path

from crmsim.schema.formulary import EffectTarget
from crmsim.schema.phases import INSULT_KINDS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "physiology.md").read_text(encoding="utf-8")


def test_every_insult_and_effect_target_is_described() -> None:
    """Each insult kind and each effect target appears, in backticks, in the model's documentation."""
    targets = EffectTarget.__args__  # type: ignore[attr-defined]
    missing = [name for name in (*INSULT_KINDS, *targets) if f"`{name}`" not in DOC]
    assert not missing


def test_every_module_is_listed() -> None:
    """Each module of crmsim/core/physiology has its row in the documentation's table of modules."""
    modules = sorted(p.name for p in (ROOT / "crmsim" / "core" / "physiology").glob("*.py") if p.name != "__init__.py")
    assert not [name for name in modules if f"`{name}`" not in DOC]
