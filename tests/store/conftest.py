"""Fixtures of the store tests: real logs made once per test session, and an empty store per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from store_logs import NAMES, run_text

from crmsim.store import SessionStore, open_store


@pytest.fixture(scope="session")
def reference_text() -> str:
    """The reference team's run, started at a logged wall-clock time, with two names in its header (an old log)."""
    return run_text("reference", names=NAMES, started_at="2026-03-02T09:30:00+00:00")


@pytest.fixture(scope="session")
def novice_text() -> str:
    """The novice team's run, headless (no start time, no names)."""
    return run_text("novice")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    """An empty store in a temporary data folder."""
    with open_store(tmp_path) as opened:
        yield opened
