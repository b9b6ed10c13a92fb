"""Simulation core: the deterministic session, team, communication, scenario runtime and event log.

Never imports pygame and never reads the wall clock.
"""
