"""Where crmsim keeps its data: ``CRMSIM_HOME`` if set, else the user data folder (platformdirs)."""

from __future__ import annotations

import os
from pathlib import Path

#: The store's database file, inside the data folder.
DATABASE = "crmsim.db"


def data_home() -> Path:
    """crmsim's data folder: ``CRMSIM_HOME`` if set, else the user data folder."""
    override = os.environ.get("CRMSIM_HOME")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("crmsim", appauthor=False))


def database_path(home: Path | None = None) -> Path:
    """The store's database file in ``home`` (default: ``data_home()``)."""
    return (home if home is not None else data_home()) / DATABASE
