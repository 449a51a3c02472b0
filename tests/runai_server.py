"""A Run:ai control plane for tests: a real HTTP server on 127.0.0.1 that keeps inference
workloads in memory and speaks the inference API of seed 002.

It implements create, get, update (PATCH, as an RFC 7386 merge patch of the spec), delete
and the workload metrics endpoint, and the Workloads API's list (`GET /api/v1/workloads`
with `filterBy` terms `field==value`, answered as `{"workloads": [...]}` whose items carry
`id`, `name`, `projectId`, `clusterId` and `type`), which seed 002 does not hold: its shape
follows Run:ai's published Workloads API, and its answers are not schema-checked. Every
request body is checked against the seed's OpenAPI schema (made strict,
tests/runai_openapi.py) and refused with 400 and the API's error shape when it does not
validate; every answer it gives is checked against the seed's schema for that answer too,
and a mismatch is recorded in `faults` (a bug in this server). Tests steer it through
`fail`, `delete_slowly`, `add_foreign` and `misbehave`: the next requests get an answer cut
short, a malformed status line, JSON nested 100,000 deep, an answer that trickles in a byte
at a time, or a redirect to another host.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from manifold.compile.overlay import merge_patch
from tests import runai_openapi

COLLECTION = "/api/v1/workloads/inferences"
ITEM = "/api/v1/workloads/inferences/{workloadId}"
METRICS = "/api/v1/workloads/inferences/{workloadId}/metrics"
WORKLOADS = "/api/v1/workloads"
_ITEM = re.compile(rf"^{COLLECTION}/([^/]+)(/metrics)?$")
MISBEHAVIOURS = ("cut-short", "bad-status-line", "deep-json", "trickle", "redirect")
TRICKLE_SECONDS = 5.0
"""How long a trickling answer goes on at most (the client must give up well before)."""


@dataclass
class Failure:
    status: int
    method: str | None
    name: str | None
    times: int


@dataclass
class Call:
    method: str
    path: str
    body: Any


@dataclass
class ControlPlane:
    """What the server knows; tests read and steer it."""

    token: str
    api_level: str = "2.22"
    """2.22 checks against the seed itself; 2.24 against the seed with versions.md's
    differences applied (`runai_openapi.request_schema_2_24`)."""
    workloads: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    deleting: dict[str, int] = field(default_factory=dict)
    """Workload id -> how many more GETs show it being deleted before it is gone."""
    slow_deletes: int = 0
    misbehaviours: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def misbehave(self, kind: str, times: int = 1) -> None:
        """Answer the next `times` requests in the way `kind` names (see MISBEHAVIOURS)."""
        assert kind in MISBEHAVIOURS, kind
        self.misbehaviours.extend([kind] * times)

    def fail(
        self, status: int, *, method: str | None = None, name: str | None = None, times: int = 1
    ) -> None:
        """Answer `status` to the next `times` matching requests (a workload's name matches
        its creation body or its id's workload)."""
        self.failures.append(Failure(status, method, name, times))

    def delete_slowly(self, polls: int) -> None:
        """Deleted workloads stay visible, Deleting, for this many GETs each."""
        self.slow_deletes = polls

    def add_foreign(self, request: dict[str, Any]) -> str:
        """A workload someone else created (no manifold labels unless the request has them)."""
        workload = _workload(request, "someone-else")
        self.workloads[workload["workloadId"]] = workload
        return str(workload["workloadId"])

    def mutations(self) -> list[tuple[str, str]]:
        return [(c.method, c.path) for c in self.calls if c.method != "GET"]

    def live(self) -> dict[str, dict[str, Any]]:
        """Live workloads by name."""
        return {w["name"]: w for w in self.workloads.values() if not w.get("deletedAt")}


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()


def _workload(request: dict[str, Any], user: str) -> dict[str, Any]:
    return {
        "name": request["name"],
        "requestedName": request["name"],
        "workloadId": str(uuid.uuid4()),
        "projectId": request["projectId"],
        "clusterId": request["clusterId"],
        "createdBy": user,
        "createdAt": _now(),
        "desiredPhase": "Running",
        "actualPhase": "Creating",
        "spec": request.get("spec") or {},
    }


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read `calls`."""

    def do_POST(self) -> None:
        self._handle("POST")

    def do_GET(self) -> None:
        self._handle("GET")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        plane = self.server.plane
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        try:
            body = json.loads(raw) if raw else None
        except json.JSONDecodeError:
            self._answer(400, {"code": 400, "message": "the body is not JSON"}, None)
            return
        with plane.lock:
            plane.calls.append(Call(method, self.path, body))
            misbehaviour = plane.misbehaviours.pop(0) if plane.misbehaviours else None
            if misbehaviour == "none":  # a placeholder that lets one request through
                misbehaviour = None
            if misbehaviour is None:
                status, answer, operation = self._route(plane, method, url.path, url.query, body)
        if misbehaviour is not None:
            self._misbehave(misbehaviour)
            return
        self._answer(status, answer, operation)

    def _misbehave(self, kind: str) -> None:
        """Answer as a broken server or proxy would; nothing is changed on the plane."""
        self.close_connection = True
        out = self.wfile
        if kind == "bad-status-line":
            out.write(b"HTTP/1.1 OK-ish and then some\r\n\r\n")
        elif kind == "cut-short":
            out.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            out.write(b'Content-Length: 4096\r\n\r\n{"name": "cut')
        elif kind == "deep-json":
            data = b"[" * 100_000 + b"]" * 100_000
            out.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            out.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        elif kind == "redirect":
            out.write(b"HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:9/x\r\n")
            out.write(b"Content-Length: 0\r\n\r\n")
        else:  # trickle: a byte at a time, within TRICKLE_SECONDS, until the client leaves
            out.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            out.write(b"Content-Length: 100000\r\n\r\n")
            ends = time.monotonic() + TRICKLE_SECONDS
            with contextlib.suppress(OSError):
                while time.monotonic() < ends:
                    out.write(b" ")
                    out.flush()
                    time.sleep(0.05)
        with contextlib.suppress(OSError):
            out.flush()

    def _route(
        self, plane: ControlPlane, method: str, path: str, query: str, body: Any
    ) -> tuple[int, Any, tuple[str, str] | None]:
        if self.headers.get("Authorization") != f"Bearer {plane.token}":
            return 401, {"code": 401, "message": "Unauthorized: the token is not valid"}, None
        match = _ITEM.match(path)
        if path == WORKLOADS and method == "GET":
            return 200, self._list(plane, query), None
        if path == COLLECTION and method == "POST":
            operation = ("POST", COLLECTION)
        elif match and match.group(2) and method == "GET":
            operation = ("GET", METRICS)
        elif match and not match.group(2) and method in ("GET", "PATCH", "DELETE"):
            operation = (method, ITEM)
        else:
            return 404, {"code": 404, "message": f"no route {method} {path}"}, None
        workload_id = match.group(1) if match else None
        name = body.get("name") if isinstance(body, dict) and operation[1] == COLLECTION else None
        if workload_id in plane.workloads:
            name = plane.workloads[workload_id]["name"]
        for failure in plane.failures:
            if (
                failure.times > 0
                and failure.method in (None, method)
                and failure.name in (None, name)
            ):
                failure.times -= 1
                return (
                    failure.status,
                    {"code": failure.status, "message": "injected failure"},
                    operation,
                )
        if body is not None or method in ("POST", "PATCH"):
            schema = (
                runai_openapi.request_schema_2_24(*operation)
                if plane.api_level == "2.24"
                else runai_openapi.request_schema(*operation)
            )
            refused = runai_openapi.problems(schema, body)
            if refused:
                message = "the request body does not match the schema"
                return (
                    400,
                    {"code": 400, "message": message, "details": "; ".join(refused)},
                    operation,
                )
        return (*self._serve(plane, operation, workload_id, query, body), operation)

    def _serve(
        self,
        plane: ControlPlane,
        operation: tuple[str, str],
        workload_id: str | None,
        query: str,
        body: Any,
    ) -> tuple[int, Any]:
        if operation == ("POST", COLLECTION):
            for other in plane.workloads.values():
                same = (other["clusterId"], other["projectId"], other["name"])
                if not other.get("deletedAt") and same == (
                    body["clusterId"],
                    body["projectId"],
                    body["name"],
                ):
                    message = f"a workload named {body['name']!r} already exists in the project"
                    return 400, {"code": 400, "message": message}
            created = _workload(body, "manifold-ci")
            plane.workloads[created["workloadId"]] = created
            return 202, created
        workload = plane.workloads.get(workload_id or "")
        if workload is None or workload.get("deletedAt"):
            return 404, {"code": 404, "message": f"no workload {workload_id}"}
        if operation == ("GET", ITEM):
            if workload_id in plane.deleting:
                plane.deleting[workload_id] -= 1
                if plane.deleting[workload_id] <= 0:
                    del plane.deleting[workload_id]
                    workload["deletedAt"] = _now()
                    return 404, {"code": 404, "message": f"no workload {workload_id}"}
            elif workload["actualPhase"] in ("Creating", "Updating"):
                workload["actualPhase"] = "Running"
            return 200, workload
        if operation == ("PATCH", ITEM):
            workload["spec"] = merge_patch(workload["spec"], body["spec"])
            workload["actualPhase"] = "Updating"
            return 202, workload
        if operation == ("DELETE", ITEM):
            workload["desiredPhase"] = "Deleted"
            if plane.slow_deletes:
                workload["actualPhase"] = "Deleting"
                plane.deleting[str(workload_id)] = plane.slow_deletes
            else:
                workload["deletedAt"] = _now()
            return 202, {"code": 202, "message": "deletion accepted"}
        return self._metrics(query)

    def _list(self, plane: ControlPlane, query: str) -> dict[str, Any]:
        terms = [term.split("==", 1) for term in parse_qs(query).get("filterBy", [])]
        wanted = {field: value for field, value in terms}
        found = [
            {
                "id": workload["workloadId"],
                "name": workload["name"],
                "projectId": workload["projectId"],
                "clusterId": workload["clusterId"],
                "type": "inference",
                "phase": workload["actualPhase"],
            }
            for workload in plane.workloads.values()
            if not workload.get("deletedAt")
            and all(workload.get(field) == value for field, value in wanted.items())
        ]
        return {"workloads": found, "next": 0}

    def _metrics(self, query: str) -> tuple[int, Any]:
        parameters = parse_qs(query)
        types = ",".join(parameters.get("metricType", [])).split(",")
        missing = [p for p in ("start", "end") if p not in parameters]
        if missing or not set(types) <= {"THROUGHPUT", "LATENCY"}:
            return 400, {"code": 400, "message": f"bad metrics query: {query}"}
        values = {"THROUGHPUT": ["1.5", "4.25"], "LATENCY": ["0.31", "0.2"]}
        measurements = [
            {
                "type": kind,
                "values": [
                    {"value": value, "timestamp": f"2025-01-01T00:0{i}:00Z"}
                    for i, value in enumerate(values[kind])
                ],
            }
            for kind in types
        ]
        return 200, {"measurements": measurements}

    def _answer(self, status: int, answer: Any, operation: tuple[str, str] | None) -> None:
        if operation is not None:
            self._check_answer(operation, status, answer)
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _check_answer(self, operation: tuple[str, str], status: int, answer: Any) -> None:
        responses = runai_openapi.operation(*operation)[1]["responses"]
        code = str(status)
        if code not in responses:
            # PATCH documents no 400, yet refusing a body the schema refuses is the point
            if status != 400:
                self.server.plane.faults.append(f"{operation}: {status} is not documented")
            return
        schema = (
            runai_openapi.response_schema_2_24(*operation, code)
            if self.server.plane.api_level == "2.24"
            else runai_openapi.response_schema(*operation, code)
        )
        refused = runai_openapi.problems(schema, answer)
        if refused:
            self.server.plane.faults.append(f"{operation} {status}: {refused}")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, plane: ControlPlane) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.plane = plane


@dataclass
class RunningServer:
    plane: ControlPlane
    url: str


@contextlib.contextmanager
def serve(token: str, api_level: str = "2.22") -> Iterator[RunningServer]:
    """A server that accepts `token`, running for the duration of the `with` block."""
    plane = ControlPlane(token, api_level)
    server = _Server(plane)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield RunningServer(plane, f"http://{host!s}:{port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


CASE = Path(__file__).parent / "cases" / "valid" / "runai-inference"
"""The case the `runai apply` and `status` tests run on: three Run:ai workloads in dev."""
CASE_URL = "https://dev.runai.example.com"


def copy_case(target: Path, url: str) -> None:
    """The runai-inference case in `target`, its dev environment sending to `url`."""
    for source in sorted(CASE.rglob("*.yaml")):
        relative = source.relative_to(CASE)
        if relative.as_posix() == "case.yaml":
            continue
        text = source.read_text(encoding="utf-8")
        if relative.as_posix() == "environments/dev.yaml":
            text = text.replace(CASE_URL, url)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        (target / relative).write_text(text, encoding="utf-8")
