"""crmsim: a crew-resource-management team-training simulator for healthcare.

For education and training only; not for clinical use.
"""

from __future__ import annotations

__version__ = "0.1.0"
