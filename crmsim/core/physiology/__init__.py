"""The patient: the physiology interface the session drives, and the model behind it.

``interface`` says what any patient model offers (:class:`Physiology`, :class:`VitalSigns`); ``model`` is the
patient (:class:`PatientModel`), built from ``baseline`` (the steady state), ``pharmacology`` (drugs),
``insults`` (crises), ``interventions``, ``circulation``, ``myocardium``, ``rhythm``, ``blood``, ``respiration``,
``gas``, ``metabolism`` and ``monitor``, wired together each step in ``coupling``. ``docs/physiology.md``
describes the model and the source of every parameter.
"""

from __future__ import annotations

from crmsim.core.physiology.interface import LAB_UNITS, Physiology, VitalSigns
from crmsim.core.physiology.model import PatientModel

__all__ = ["LAB_UNITS", "PatientModel", "Physiology", "VitalSigns"]
