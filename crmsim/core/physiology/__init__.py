"""The patient: a physiology interface the session drives, and the stand-in model behind it for now.

``interface`` says what any patient model offers (:class:`Physiology`, :class:`VitalSigns`); ``standin`` is a
deliberately simple STAND-IN model (:class:`StandInPhysiology`) for building and testing the engine, to be
replaced by a full model later; ``pharmacology`` holds its drug kinetics and effects.
"""

from __future__ import annotations

from crmsim.core.physiology.interface import LAB_UNITS, Physiology, VitalSigns
from crmsim.core.physiology.standin import StandInPhysiology

__all__ = ["LAB_UNITS", "Physiology", "StandInPhysiology", "VitalSigns"]
