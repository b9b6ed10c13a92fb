"""The debrief and cohort reports in a real browser: headless Chromium renders them, the screenshot is not blank,
the console shows no error, nothing but the file itself is requested, and the report prints to an A4 PDF.

Needs Chromium at /usr/bin/chromium (Debian's ``chromium`` package; ``.ci/run`` installs it) and the Python
``playwright`` package (the ``test`` extra), driving that browser — no browser download.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from debrief_logs import Run

from crmsim.debrief.cohort import build_cohort
from crmsim.debrief.html import render_cohort, render_report

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]  # fmt: skip

pytestmark = pytest.mark.skipif(not CHROMIUM.exists() and not shutil.which("chromium"),
                                reason="Chromium is not installed (apt-get install chromium; .ci/run does this)")  # fmt: skip


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    executable = str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=executable, args=ARGS, env={**os.environ, "HOME": str(Path.home())})
        yield launched
        launched.close()


def pixel_spread(png: bytes) -> float:
    """The standard deviation of the screenshot's grey levels (0 for a blank page)."""
    import numpy as np

    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    surface = pygame.image.load(io.BytesIO(png), "shot.png")
    grey = pygame.surfarray.array3d(surface).astype(float).mean(axis=2)
    return float(np.std(grey))


def open_page(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    """The file opened in a new page, with the console errors (and page errors) and every URL it requested."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    problems: list[str] = []
    requested: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("request", lambda r: requested.append(r.url))
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, problems, requested


def test_the_debrief_report_renders_in_chromium(browser: Any, novice: Run, tmp_path: Path) -> None:
    """Chromium renders report.html with no console error and requests nothing but the file; the screenshot has
    content (not a blank page); the chart is laid out at full width; it prints to an A4 PDF of several pages."""
    report = tmp_path / "report.html"
    report.write_text(render_report(novice.debrief), encoding="utf-8")
    page, problems, requested = open_page(browser, report)
    shot = page.screenshot(full_page=False)
    assert problems == []
    assert requested == [report.resolve().as_uri()]
    assert pixel_spread(shot) > 20.0
    width = page.evaluate("document.querySelector('svg.chart').getBoundingClientRect().width")
    assert width > 800
    moments = page.evaluate("document.querySelectorAll('article.moment').length")
    assert moments == len(novice.debrief.moments)
    page.emulate_media(media="print")
    assert pixel_spread(page.screenshot(full_page=False)) > 20.0
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") + \
        pdf.count(b"/Type/Page") >= 2  # fmt: skip
    page.close()


def test_the_cohort_report_renders_in_chromium(browser: Any, runs: dict[tuple[str, str, int], Run],
                                               tmp_path: Path) -> None:  # fmt: skip
    """Chromium renders cohort.html with no console error, requesting nothing else, and the screenshot has content."""
    report = tmp_path / "cohort.html"
    report.write_text(render_cohort(build_cohort([r.debrief for r in runs.values()])), encoding="utf-8")
    page, problems, requested = open_page(browser, report)
    assert problems == [] and requested == [report.resolve().as_uri()]
    assert pixel_spread(page.screenshot(full_page=True)) > 20.0
    page.close()
