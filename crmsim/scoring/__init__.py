"""Non-technical-skill scoring from event-log records.

``events`` (the log as orders, loops, concerns, actions) → ``metrics`` / ``metrics_care`` (generic metrics) and
``markers`` (the scenario's declared markers and expected timeline) → ``indicators`` → ``rating`` (framework
elements, by ``rules``) → ``report``; ``scorer`` is the entry point, ``overrides`` adds educators' re-ratings,
``agreement`` compares raters, ``source`` finds a log's scenario. Reads only the log and its scenario: never the
running simulation (import-linter enforces it). See ``docs/scoring.md``.
"""
