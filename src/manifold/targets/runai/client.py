"""A small client for the Run:ai inference API (REST v2.22), on the standard library.

Requests carry `Authorization: Bearer <token>`; the token is never logged, and any text the
server sends back is scrubbed of it before it reaches a message. A 503 answer is retried
with exponential backoff (or after the server's Retry-After); every other failure becomes an
`ApiError` carrying the API's own message.

The server is not trusted to behave: each request, answer included, must finish within
`timeout` seconds in all (urllib's own timeout bounds each socket read, so an answer that
trickles in a byte at a time would never end); an answer larger than MAX_ANSWER, cut short,
with a malformed status line, or nested deeper than JSON decoding allows is an ApiError too.
"""

from __future__ import annotations

import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

INFERENCES = "/api/v1/workloads/inferences"
WORKLOADS = "/api/v1/workloads"
"""The Workloads API's list (not in seed 002: GET with `filterBy` terms `field==value`)."""
RETRIED_STATUS = 503
MAX_ANSWER = 32 * 1024 * 1024
_PIECE = 64 * 1024


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    """Tries in all, the first included."""
    backoff: float = 0.5
    """Seconds before the first retry; doubled for each next one."""
    longest: float = 30.0
    """No wait is longer than this, whatever Retry-After says."""


class ApiError(Exception):
    """The API refused a request, or could not be reached (status None)."""

    def __init__(self, status: int | None, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def __str__(self) -> str:
        if self.status is None:
            return f"cannot reach the Run:ai API: {self.message}"
        return f"HTTP {self.status}: {self.message}"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """urllib would follow a redirect with the Authorization header, to any host: the token
    must only ever go to the configured control plane, so a redirect is an answer."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


class RunaiClient:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._retry = retry
        self._sleep = sleep

    # ----------------------------------------------------------------------- operations

    def create(self, request: dict[str, Any]) -> dict[str, Any]:
        """POST an InferenceCreationRequest; the answer is the new workload."""
        return self._object("POST", INFERENCES, request)

    def get(self, workload_id: str) -> dict[str, Any] | None:
        """The workload, or None when the API does not know it (404)."""
        try:
            return self._object("GET", self._path(workload_id))
        except ApiError as error:
            if error.status == 404:
                return None
            raise

    def find(self, cluster_id: str, project_id: str, name: str) -> list[str]:
        """The ids of live workloads named `name` in that project and cluster. The filter is
        asked of the server and checked again here: a workload is never taken for another."""
        terms = [("filterBy", f"{f}=={v}") for f, v in _identity(cluster_id, project_id, name)]
        query = urllib.parse.urlencode([*terms, ("deleted", "false"), ("limit", "500")])
        answer = self._object("GET", f"{WORKLOADS}?{query}")
        found = answer.get("workloads")
        if not isinstance(found, list):
            raise ApiError(None, f"GET {WORKLOADS}: the answer has no list of workloads")
        wanted = dict(_identity(cluster_id, project_id, name))
        return [
            str(item["id"])
            for item in found
            if isinstance(item, dict)
            and isinstance(item.get("id"), str)
            and all(item.get(field) == value for field, value in wanted.items())
            and not item.get("deletedAt")
        ]

    def update(self, workload_id: str, patch: dict[str, Any]) -> dict[str, Any]:
        """PATCH an InferenceUpdateRequest."""
        return self._object("PATCH", self._path(workload_id), patch)

    def delete(self, workload_id: str) -> bool:
        """Ask for the workload's deletion; False when it was already gone (404)."""
        try:
            self._call("DELETE", self._path(workload_id))
        except ApiError as error:
            if error.status == 404:
                return False
            raise
        return True

    def metrics(
        self, workload_id: str, types: Sequence[str], start: str, end: str, samples: int
    ) -> dict[str, Any]:
        query = urllib.parse.urlencode(
            {"metricType": ",".join(types), "start": start, "end": end, "numberOfSamples": samples}
        )
        return self._object("GET", f"{self._path(workload_id)}/metrics?{query}")

    # ----------------------------------------------------------------------- transport

    def _path(self, workload_id: str) -> str:
        return f"{INFERENCES}/{urllib.parse.quote(workload_id, safe='')}"

    def _object(self, method: str, path: str, body: Any = None) -> dict[str, Any]:
        answer = self._call(method, path, body)
        if not isinstance(answer, dict):
            raise ApiError(None, f"{method} {path}: expected a JSON object in the answer")
        return answer

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(1, self._retry.attempts + 1):
            request = urllib.request.Request(
                self._base + path, data=data, headers=headers, method=method
            )
            deadline = time.monotonic() + self._timeout
            try:
                with _OPENER.open(request, timeout=self._timeout) as response:
                    text = _read_by(response, deadline, self._timeout)
                return json.loads(text) if text.strip() else None
            except urllib.error.HTTPError as error:
                try:
                    text = _read_by(error, deadline, self._timeout)
                except (OSError, http.client.HTTPException):
                    text = ""  # the status says enough
                if error.code != RETRIED_STATUS or attempt == self._retry.attempts:
                    raise ApiError(error.code, self._explain(error.code, text)) from None
                self._sleep(self._wait(attempt, error.headers.get("Retry-After")))
            except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
                reason = getattr(error, "reason", None) or type(error).__name__
                raise ApiError(
                    None, self._scrub(f"{method} {self._base}{path}: {reason}")
                ) from None
            except (ValueError, RecursionError):  # not JSON, or nested past what decodes
                raise ApiError(None, f"{method} {path}: the answer is not usable JSON") from None
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _wait(self, attempt: int, retry_after: str | None) -> float:
        wait: float = self._retry.backoff * 2.0 ** (attempt - 1)
        if retry_after is not None and retry_after.strip().isdigit():
            wait = float(retry_after)
        return min(wait, self._retry.longest)

    def _explain(self, status: int, text: str) -> str:
        """The API's message ({code, message, details}), else the start of what it sent."""
        try:
            answer = json.loads(text)
        except json.JSONDecodeError:
            answer = None
        if isinstance(answer, dict) and isinstance(answer.get("message"), str):
            message = answer["message"]
            if isinstance(answer.get("details"), str) and answer["details"]:
                message += f" ({answer['details']})"
        else:
            message = " ".join(text.split())[:300] or "no message"
        return self._scrub(message)

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "<token>") if self._token else text


def _identity(cluster_id: str, project_id: str, name: str) -> list[tuple[str, str]]:
    return [("clusterId", cluster_id), ("projectId", project_id), ("name", name)]


def _read_by(response: Any, deadline: float, timeout: float) -> str:
    """The whole answer, by `deadline` and at most MAX_ANSWER bytes, else OSError."""
    pieces: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the answer took longer than {timeout:g}s")
        piece = response.read1(_PIECE) if hasattr(response, "read1") else response.read(_PIECE)
        if not piece:
            return b"".join(pieces).decode("utf-8", "replace")
        size += len(piece)
        if size > MAX_ANSWER:
            raise OSError(f"the answer is larger than {MAX_ANSWER} bytes")
        pieces.append(piece)
