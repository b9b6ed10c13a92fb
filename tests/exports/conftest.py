"""Fixtures of the export tests: one store of two rated sessions per test session, and its sessions as the
exporters read them (with and without names)."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_logs import make_store

from crmsim.debrief.exports import ExportSession
from crmsim.store import open_store
from crmsim.store.exporting import export_session

FRAMEWORKS = ["ants", "notss"]


@pytest.fixture(scope="session")
def store_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose store holds the two sessions (named first, then plain)."""
    home = tmp_path_factory.mktemp("export-home")
    make_store(home)
    return home


def _bundle(home: Path, include_names: bool) -> list[ExportSession]:
    with open_store(home) as store:
        return [export_session(store, s, FRAMEWORKS, include_names=include_names) for s in store.list_sessions()]


@pytest.fixture(scope="session")
def sessions(store_home: Path) -> list[ExportSession]:
    """The two sessions, pseudonymous."""
    return _bundle(store_home, False)


@pytest.fixture(scope="session")
def named_sessions(store_home: Path) -> list[ExportSession]:
    """The two sessions with the names the team gave."""
    return _bundle(store_home, True)
