"""Sending xAPI statements to a Learning Record Store: POST …/statements with the xAPI version header and basic
authentication, in batches, against a tiny LRS on 127.0.0.1 started by the test (nothing listens otherwise)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from crmsim.cli import main
from crmsim.debrief.exports import ExportSession, to_statements
from crmsim.debrief.exports.lrs import LrsError, send_statements, statements_url


class FakeLrs(ThreadingHTTPServer):
    """Keeps every request; answers like an LRS (the ids posted), or with ``status`` if set."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests: list[dict[str, Any]] = []
        self.status = 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/xapi"


class _Handler(BaseHTTPRequestHandler):
    server: FakeLrs

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        answer = json.dumps([s["id"] for s in body] if self.server.status == 200 else {"error": "bad statement"})
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(answer.encode("utf-8"))

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def lrs() -> Iterator[FakeLrs]:
    server = FakeLrs()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def test_statements_are_posted_in_batches_with_the_xapi_headers(lrs: FakeLrs, sessions: list[ExportSession]) -> None:
    """Every statement reaches POST /xapi/statements once, in batches, with X-Experience-API-Version 1.0.3, a JSON
    content type and the basic-auth credentials given; the ids the LRS returns are returned."""
    statements = to_statements(sessions, ["ants"])
    ids = send_statements(lrs.url, statements, "alice:s3cret", batch=50)
    assert ids == [s["id"] for s in statements]
    assert len(lrs.requests) == -(-len(statements) // 50) > 1
    posted = [s for r in lrs.requests for s in r["body"]]
    assert posted == statements
    for request in lrs.requests:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        assert request["path"] == "/xapi/statements" and headers["x-experience-api-version"] == "1.0.3"
        assert headers["content-type"].startswith("application/json")
        assert base64.b64decode(headers["authorization"].split()[1]) == b"alice:s3cret"


def test_an_lrs_that_refuses_is_one_line(lrs: FakeLrs, sessions: list[ExportSession]) -> None:
    """An HTTP error from the LRS, an unreachable LRS and a URL that is not http(s) are LrsErrors of one line."""
    lrs.status = 400
    with pytest.raises(LrsError, match="HTTP 400") as refused:
        send_statements(lrs.url, to_statements(sessions[:1], ["ants"]))
    assert "\n" not in str(refused.value)
    port = lrs.server_address[1]
    lrs.shutdown()
    lrs.server_close()
    with pytest.raises(LrsError, match="cannot reach"):
        send_statements(f"http://127.0.0.1:{port}/xapi", [{"id": "x"}], timeout=5)
    with pytest.raises(LrsError, match="http"):
        statements_url("ftp://lrs.example/xapi")
    assert statements_url("https://lrs.example/xapi/statements/") == "https://lrs.example/xapi/statements"


def test_export_sends_to_the_lrs_from_the_command_line(lrs: FakeLrs, store_home: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """`crmsim export --format xapi --all --lrs URL --lrs-auth USER:PASS -o FILE` writes the statements and posts
    the same ones; an LRS error is one line and exit 1."""
    monkeypatch.setenv("CRMSIM_HOME", str(store_home))
    out = tmp_path / "statements.json"
    result = CliRunner().invoke(main, ["export", "--format", "xapi", "--all", "-o", str(out), "--lrs", lrs.url,
                                       "--lrs-auth", "bob:pw"])  # fmt: skip
    assert result.exit_code == 0, result.output
    written = json.loads(out.read_text(encoding="utf-8"))
    assert [s for r in lrs.requests for s in r["body"]] == written and "sent" in result.stderr
    lrs.status = 500
    failed = CliRunner().invoke(main, ["export", "--format", "xapi", "--all", "--lrs", lrs.url])
    assert failed.exit_code == 1 and failed.stderr.count("\n") == 1 and "HTTP 500" in failed.stderr
