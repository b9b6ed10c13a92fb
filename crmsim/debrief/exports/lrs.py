"""Sending xAPI statements to a Learning Record Store: ``POST URL/statements`` with urllib, in batches.

The only exporter that does I/O, and only when asked (``crmsim export --format xapi --lrs URL``). Every failure —
a refused connection, an HTTP error, an answer that is not the list of statement ids — is an ``LrsError`` with a
one-line message.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

from crmsim.debrief.exports.xapi import XAPI_VERSION

#: Statements per request; LRSs commonly accept a few hundred per POST.
BATCH = 200


class LrsError(Exception):
    """The LRS could not be reached or refused the statements; the message is one line."""


def statements_url(url: str) -> str:
    """The LRS's statements resource for an endpoint URL (``…/xapi`` or ``…/xapi/statements``)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise LrsError(f"the LRS address must be an http(s) URL, not '{url}'")
    path = parts.path.rstrip("/")
    if not path.endswith("/statements"):
        path += "/statements"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _headers(auth: str | None) -> dict[str, str]:
    headers = {"Content-Type": "application/json; charset=utf-8", "X-Experience-API-Version": XAPI_VERSION}
    if auth:
        if ":" not in auth:
            raise LrsError("the LRS credentials must be USER:PASSWORD")
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode("utf-8")).decode("ascii")
    return headers


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Any:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            return json.loads(response.read().decode("utf-8") or "null")
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace").strip().splitlines()
        raise LrsError(f"the LRS refused the statements: HTTP {exc.code} {exc.reason}"
                       + (f": {detail[0][:200]}" if detail else "")) from None  # fmt: skip
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise LrsError(f"cannot reach the LRS at {url}: {reason}") from None
    except ValueError:
        raise LrsError(f"the LRS at {url} did not answer with JSON") from None


def send_statements(url: str, statements: Sequence[dict[str, Any]], auth: str | None = None,
                    timeout: float = 30.0, batch: int = BATCH) -> list[str]:  # fmt: skip
    """POST the statements to the LRS in batches of ``batch``; return the statement ids it stored."""
    target = statements_url(url)
    headers = _headers(auth)
    stored: list[str] = []
    for start in range(0, len(statements), batch):
        chunk = list(statements[start:start + batch])
        answer = _post(target, json.dumps(chunk, ensure_ascii=False).encode("utf-8"), headers, timeout)
        if not isinstance(answer, list) or len(answer) != len(chunk):
            raise LrsError(f"the LRS at {target} did not answer with the {len(chunk)} statement ids")
        stored.extend(str(i) for i in answer)
    return stored
