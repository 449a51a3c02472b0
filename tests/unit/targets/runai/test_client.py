"""The Run:ai client's retry timing, messages and redirects."""

from __future__ import annotations

import http.server
import threading

import pytest

from manifold.targets.runai.client import ApiError, RetryPolicy, RunaiClient

TOKEN = "s3cret"


def test_waits_double_and_follow_retry_after_up_to_a_limit() -> None:
    client = RunaiClient("http://127.0.0.1", TOKEN, retry=RetryPolicy(backoff=0.5, longest=3.0))
    assert [client._wait(n, None) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]
    assert client._wait(1, "2") == 2.0
    assert client._wait(1, "120") == 3.0
    assert client._wait(2, "soon") == 1.0


def test_api_messages_are_explained_and_never_carry_the_token() -> None:
    client = RunaiClient("http://127.0.0.1", TOKEN)
    assert client._explain(400, '{"code": 400, "message": "bad", "details": "x"}') == "bad (x)"
    assert client._explain(500, "<html>token s3cret\n  broke</html>") == (
        "<html>token <token> broke</html>"
    )
    assert client._explain(502, "") == "no message"


def test_the_token_never_follows_a_redirect() -> None:
    """A control plane that redirects gets the redirect as its answer: urllib would send the
    Authorization header to wherever the redirect points."""
    seen: list[str | None] = []

    class Redirecting(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.headers.get("Authorization"))
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Redirecting)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        client = RunaiClient(f"http://127.0.0.1:{server.server_address[1]}", TOKEN)
        with pytest.raises(ApiError) as answer:
            client.get("00000000-0000-0000-0000-000000000000")
    finally:
        server.shutdown()
        server.server_close()
    assert answer.value.status == 302
    assert seen == [f"Bearer {TOKEN}"]
