"""Turn pydantic validation errors into messages a clinician can act on, with "did you mean" suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError


def suggest(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or nothing when none is close."""
    matches = difflib.get_close_matches(word, sorted(set(choices) - {word}), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


class SchemaWalker:
    """Finds the keys a JSON Schema allows at a pydantic error location (for suggestions)."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self._schema = schema
        self._defs: Mapping[str, Any] = schema.get("$defs", {})

    def _resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        seen = 0
        while "$ref" in node and seen < 50:
            node = self._defs.get(node["$ref"].rsplit("/", 1)[-1], {})
            seen += 1
        return node

    def _branches(self, node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
        node = self._resolve(node)
        alternatives = node.get("anyOf") or node.get("oneOf") or node.get("allOf")
        if alternatives:
            return [b for alt in alternatives for b in self._branches(alt)]
        return [node]

    def _step(self, nodes: list[Mapping[str, Any]], part: str | int) -> list[Mapping[str, Any]]:
        out: list[Mapping[str, Any]] = []
        for node in nodes:
            if isinstance(part, str) and part in node.get("properties", {}):
                out.extend(self._branches(node["properties"][part]))
            elif isinstance(part, int) and "items" in node:
                out.extend(self._branches(node["items"]))
            elif isinstance(part, int) and "prefixItems" in node:
                out.extend(b for item in node["prefixItems"] for b in self._branches(item))
            elif isinstance(part, str) and isinstance(node.get("additionalProperties"), Mapping):
                out.extend(self._branches(node["additionalProperties"]))
        return out

    def keys_at(self, loc: Sequence[str | int]) -> list[str]:
        """Property names allowed in the mapping at ``loc`` (parts that match nothing are skipped)."""
        nodes = self._branches(self._schema)
        for part in loc:
            following = self._step(nodes, part)
            if following:
                nodes = following
        return sorted({key for node in nodes for key in node.get("properties", {})})


def describe(error: Mapping[str, Any], walker: SchemaWalker | None = None) -> tuple[str, bool]:
    """The message for one pydantic error, and whether it should point at the key rather than the value."""
    kind = error["type"]
    loc = tuple(error["loc"])
    value = error.get("input")
    ctx = error.get("ctx") or {}
    last = loc[-1] if loc else ""
    if kind == "extra_forbidden":
        allowed = walker.keys_at(loc[:-1]) if walker else []
        hint = suggest(str(last), allowed)
        if not hint and allowed:
            hint = "; allowed here: " + ", ".join(allowed)
        return f"unknown key '{last}'{hint}", True
    if kind == "missing":
        return f"missing required key '{last}'", False
    if kind == "literal_error":
        expected = [e.strip().strip("'") for e in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        expected = [e for e in expected if e]
        return f"{_show(value)} is not allowed here{suggest(str(value), expected)}; expected one of: " + ", ".join(
            expected
        ), False
    if kind in ("union_tag_invalid",):
        tags = [t.strip().strip("'") for t in str(ctx.get("expected_tags", "")).split(",")]
        return f"unknown 'do' {_show(ctx.get('tag'))}{suggest(str(ctx.get('tag')), tags)}; expected one of: " + ", ".join(
            tags
        ), False
    if kind == "union_tag_not_found":
        return f"missing the key '{ctx.get('discriminator', 'do').strip(chr(39))}' that says what this is", False
    if kind in ("condition_kind", "selector_kind", "detector_kind"):
        return error["msg"], False
    if kind == "string_pattern_mismatch":
        return f"{_show(value)} {_pattern_hint(str(ctx.get('pattern', '')))}", False
    if kind in ("string_type",):
        return f"expected text, got {_show(value)}", False
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {_show(value)}", False
    if kind in ("float_type", "float_parsing"):
        return f"expected a number, got {_show(value)}", False
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_show(value)}", False
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping (key: value lines), got {_show(value)}", False
    if kind in ("list_type", "tuple_type"):
        return f"expected a list (lines starting with '- '), got {_show(value)}", False
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length', 1)} item(s)", False
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return f"{_show(value)}: {error['msg'].lower()}", False
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, "), False
    return str(error["msg"]), False


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return repr(value) if isinstance(value, str) else str(value)


def _pattern_hint(pattern: str) -> str:
    if pattern.startswith("^[a-z][a-z0-9_]*$"):
        return "is not a valid name: use lower-case letters, digits and '_', starting with a letter"
    if "\\." in pattern and "a-z0-9_]*\\." in pattern:
        return "is not a framework reference such as 'ants.anticipating'"
    if pattern.startswith("^[a-z][a-z0-9_-]*$"):
        return "is not a valid scenario id: use lower-case letters, digits, '-' and '_'"
    if "https?" in pattern:
        return "is not a web link starting with http:// or https://"
    if "ya?ml" in pattern:
        return "is not a plain file name ending in .yaml beside the scenario"
    if "\\d+\\.\\d+" in pattern:
        return "is not a version such as '1.0' or '1.2.0'"
    return f"does not have the expected form ({pattern})"


def useful_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """The errors worth reporting: drops a container's 'too short' when its items already failed."""
    errors = [dict(e) for e in exc.errors(include_url=False)]
    failing = [tuple(e["loc"]) for e in errors]

    def has_child_error(loc: tuple[Any, ...]) -> bool:
        return any(len(other) > len(loc) and other[: len(loc)] == loc for other in failing)

    return [e for e in errors if not (e["type"] == "too_short" and has_child_error(tuple(e["loc"])))]
