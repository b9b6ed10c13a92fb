"""What the hardening tests share: CI or dedicated sizes, the repository's paths, and running ``crmsim`` in-process.

``CRMSIM_HARDENING=full`` turns the CI-sized runs into the dedicated ones: 50 kills instead of 5, at least 10,000
fuzz cases instead of a few hundred, a 100 MB file instead of 5 MB, an eight-hour soak instead of 30 minutes.
``CRMSIM_HARDENING_RUNS=N`` sets the number of kills alone.
"""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner, Result

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
BUNDLED = ("anaphylaxis-ga", "cico", "last", "malignant-hyperthermia", "postpartum-haemorrhage", "vf-arrest")


def full() -> bool:
    """Whether this is the dedicated (long) hardening run."""
    return os.environ.get("CRMSIM_HARDENING", "").lower() in ("1", "full", "yes")


def sized(ci: int, dedicated: int) -> int:
    """``ci`` in a normal test run, ``dedicated`` in the dedicated one."""
    return dedicated if full() else ci


def crmsim(*args: str | Path) -> Result:
    """Run the ``crmsim`` command line in this process, as a user would call it."""
    from crmsim.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


def assert_clean_exit(result: Result, allowed: tuple[int, ...] = (0, 1, 2)) -> None:
    """No traceback: the command ended by an exit code in ``allowed`` with its message on stderr, nothing raised."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in allowed, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert result.stderr.strip(), "an error exit says why on stderr"


def fuzz_settings(ci: int, dedicated: int) -> object:
    """Hypothesis settings for a fuzz test: ``ci`` cases normally (derandomised, so CI is repeatable), ``dedicated``
    cases with fresh randomness in the dedicated run. The deadline only catches a hang, never a slow case."""
    from datetime import timedelta

    from hypothesis import HealthCheck, settings

    return settings(max_examples=sized(ci, dedicated), deadline=timedelta(seconds=60 if full() else 20),
                    derandomize=not full(), database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much])  # fmt: skip
