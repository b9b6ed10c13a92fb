"""Render a debrief (or a cohort) as one self-contained HTML file: inline CSS and SVG, no script, no font, image
or style from elsewhere, and a print stylesheet for A4. Jinja2 templates with autoescaping on, so any text from
a scenario or a log (a participant's name, a note) is shown, never run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crmsim import __version__
from crmsim.debrief.chart import vitals_chart
from crmsim.debrief.describe import clock, span

if TYPE_CHECKING:
    import jinja2

    from crmsim.debrief.cohort import Cohort
    from crmsim.debrief.model import Debrief

#: Where the debrief's method comes from (printed at the end of every report).
SOURCES = (
    "Eppich W, Cheng A. Promoting Excellence and Reflective Learning in Simulation (PEARLS). Simul Healthc 2015;10:106-115.",
    "Rudolph JW, Simon R, Dufresne RL, Raemer DB. There's no such thing as \"nonjudgmental\" debriefing: a theory and "
    "method for debriefing with good judgment. Simul Healthc 2006;1:49-55.",
    "Rudolph JW, Simon R, Rivard P, Dufresne RL, Raemer DB. Debriefing with good judgment: combining rigorous feedback "
    "with genuine inquiry. Anesthesiol Clin 2007;25:361-376.",
    "Argyris C, Schön DA. Organizational learning: a theory of action perspective. Addison-Wesley, 1978 "
    "(single- and double-loop learning).",
)  # fmt: skip


def environment() -> jinja2.Environment:
    """The Jinja2 environment of crmsim's report templates (autoescape on, undefined names are errors)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("crmsim.debrief", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True,
    )  # fmt: skip
    env.filters["clock"] = clock
    env.filters["span"] = span
    env.filters["score"] = lambda v: "N/O" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
    env.filters["pct"] = lambda v: "–" if v is None else f"{100 * v:.0f} %"
    return env


def _linked(debrief: Debrief) -> set[int]:
    return {e.seq for e in debrief.timeline}


def render_report(debrief: Debrief) -> str:
    """The debrief report as HTML text (the same debrief gives the same text)."""
    from markupsafe import Markup

    env = environment()
    context: dict[str, Any] = {
        "d": debrief, "chart": Markup(vitals_chart(debrief)), "linked": _linked(debrief), "version": __version__,
        "sources": SOURCES, "moments": {m.id: m for m in debrief.moments},
    }  # fmt: skip
    return env.get_template("report.html.j2").render(context)


def render_cohort(cohort: Cohort) -> str:
    """The cohort report as HTML text."""
    from markupsafe import Markup

    from crmsim.debrief.cohort import cohort_charts

    env = environment()
    charts = {s.scenario_id: {k: Markup(v) for k, v in cohort_charts(s).items()} for s in cohort.scenarios}
    return env.get_template("cohort.html.j2").render({"c": cohort, "charts": charts, "version": __version__})
