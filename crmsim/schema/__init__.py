"""Scenario language: pydantic models, the hardened YAML loader, semantic lint and the JSON Schema."""
