"""Map a validation error location (pydantic's ``loc``) to the YAML node it is about, and so to a positioned Problem.

A ``loc`` is a path of mapping keys and list indexes, e.g. ``("phases", 2, "triggers", 0, "after")``.  It is walked
through the node tree that ``parse_yaml`` composed: a mapping step follows the key whose text equals the part, a
list step follows the index.  A part that matches nothing (a tagged union puts the tag's value in ``loc``; a
missing field names a key that is not there) is skipped, staying at the current node, so the deepest node that
exists is returned.
"""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from crmsim.schema.problems import Problem, snippet_at
from crmsim.schema.yaml_loader import ParsedYaml

LocPart = str | int


def node_at(root: yaml.Node | None, loc: Sequence[LocPart]) -> yaml.Node | None:
    """Return the deepest node ``loc`` reaches from ``root`` (the value node for mapping keys); ``root`` if none."""
    node = root
    for part in loc:
        child = _step(node, part)
        if child is not None:
            node = child
    return node


def key_node_at(root: yaml.Node | None, loc: Sequence[LocPart]) -> yaml.Node | None:
    """Like ``node_at``, but when the last part names a key of the mapping reached, return that KEY node.

    Useful for errors about the key itself, such as "extra field not permitted".
    """
    if not loc:
        return root
    parent = node_at(root, loc[:-1])
    found = _key_entry(parent, loc[-1])
    if found is not None:
        return found[0]
    return node_at(parent, loc[-1:])


def problem_at(
    parsed: ParsedYaml,
    loc: Sequence[LocPart],
    message: str,
    *,
    at_key: bool = False,
    severity: str = "error",
) -> Problem:
    """Return a ``Problem`` positioned at the node ``loc`` names in ``parsed`` (at its key when ``at_key``).

    An empty document has no nodes: the problem then has no line (``line == 0``).
    """
    node = key_node_at(parsed.root, loc) if at_key else node_at(parsed.root, loc)
    if node is None:
        return Problem(parsed.path, 0, 0, message, severity=severity)
    line = node.start_mark.line + 1
    column = node.start_mark.column + 1
    return Problem(parsed.path, line, column, message, snippet_at(parsed.text, line), severity)


def _step(node: yaml.Node | None, part: LocPart) -> yaml.Node | None:
    """Return the child of ``node`` that ``part`` names, or ``None`` if it names none."""
    if isinstance(node, yaml.MappingNode):
        found = _key_entry(node, part)
        return None if found is None else found[1]
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and not isinstance(part, bool):
        if 0 <= part < len(node.value):
            child: yaml.Node = node.value[part]
            return child
    return None


def _key_entry(node: yaml.Node | None, part: LocPart) -> tuple[yaml.Node, yaml.Node] | None:
    """Return the (key node, value node) pair of mapping ``node`` whose key text equals ``str(part)``."""
    if not isinstance(node, yaml.MappingNode):
        return None
    wanted = str(part)
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == wanted:
            return key, value
    return None
