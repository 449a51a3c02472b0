"""A minimal Language Server Protocol client, to drive yaml-language-server over stdio.

The editor tests check what a person sees in VS Code, Neovim or any other editor that runs
yaml-language-server on a project file: hover text, completion items and diagnostics. They
speak the protocol itself (JSON-RPC with Content-Length framing) rather than trusting the
schema alone, because the server decides what of the schema it shows. Every wait is bounded
and the server process is always killed.
"""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from tests.conftest import REPO_ROOT

EDITOR_TOOLS = REPO_ROOT / "tests" / "editor"
SERVER = EDITOR_TOOLS / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
TIMEOUT = 30.0
"""Seconds to wait for any one answer; the server answers in milliseconds once started."""


def missing_reason() -> str | None:
    """Why the editor tests cannot run here, or None when they can.

    Without node or npm there is nothing to run; with them, a missing server is a set-up
    mistake and the tests fail (`make test` installs it)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "node and npm are not on PATH: what editors show is not checked"
    return None


class LspError(AssertionError):
    """The server did not answer as the protocol says, or not in time."""


class Client:
    """One yaml-language-server process and the messages it sent."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self._process = process
        self._next_id = 0
        self._messages: queue.Queue[dict[str, Any]] = queue.Queue()
        self._diagnostics: dict[str, list[dict[str, Any]]] = {}
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def join(self) -> None:
        """Wait for the reader to see the end of the server's output (after it is killed)."""
        self._reader.join(timeout=TIMEOUT)

    # ----------------------------------------------------------------------- wire

    def _read(self) -> None:
        stream = self._process.stdout
        assert stream is not None
        while True:
            message = _read_message(stream)
            if message is None:
                return
            self._messages.put(message)

    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        stdin = self._process.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self._next_id += 1
        self._send({"id": self._next_id, "method": method, "params": params})
        reply = self._wait(lambda m: m.get("id") == self._next_id and "method" not in m)
        if "error" in reply:
            raise LspError(f"{method} failed: {reply['error']}")
        return reply.get("result")

    def _wait(self, wanted: Any) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = self._messages.get(timeout=left)
            except queue.Empty:
                break
            if self._handle(message) and wanted(message):
                return message
        raise LspError(f"no answer from yaml-language-server within {TIMEOUT:.0f} s")

    def _handle(self, message: dict[str, Any]) -> bool:
        """Answer the server's own requests; keep diagnostics. False for what was answered."""
        method = message.get("method")
        if method is not None and "id" in message:
            result: Any = None
            if method == "workspace/configuration":
                items = message["params"]["items"]
                result = [_SETTINGS.get(item.get("section", "")) for item in items]
            self._send({"id": message["id"], "result": result})
            return False
        if method == "textDocument/publishDiagnostics":
            self._diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
        return True

    # ----------------------------------------------------------------------- documents

    def open(self, path: Path, text: str) -> str:
        uri = path.resolve().as_uri()
        document = {"uri": uri, "languageId": "yaml", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": document})
        return uri

    def hover(self, uri: str, line: int, character: int) -> str:
        """The text a hover shows at a position, empty when it shows nothing."""
        position = {"line": line, "character": character}
        result = self.request(
            "textDocument/hover", {"textDocument": {"uri": uri}, "position": position}
        )
        if not result:
            return ""
        contents = result["contents"]
        if isinstance(contents, dict):
            return str(contents.get("value", ""))
        if isinstance(contents, list):
            return "\n".join(c if isinstance(c, str) else c.get("value", "") for c in contents)
        return str(contents)

    def completion(self, uri: str, line: int, character: int) -> list[dict[str, Any]]:
        position = {"line": line, "character": character}
        result = self.request(
            "textDocument/completion", {"textDocument": {"uri": uri}, "position": position}
        )
        items = result.get("items", []) if isinstance(result, dict) else result or []
        return list(items)

    def diagnostics(self, uri: str) -> list[dict[str, Any]]:
        """The diagnostics the server publishes for a document once it has checked it."""
        if uri not in self._diagnostics:
            self._wait(
                lambda m: (
                    m.get("method") == "textDocument/publishDiagnostics"
                    and m["params"]["uri"] == uri
                )
            )
        return self._diagnostics[uri]


_SETTINGS: dict[str, Any] = {
    "yaml": {
        "validate": True,
        "hover": True,
        "completion": True,
        "format": {"enable": False},
        # Offline and deterministic: no catalog download from schemastore.org.
        "schemaStore": {"enable": False},
    },
    "yaml.schemaStore": {"enable": False},
}


def _read_message(stream: IO[bytes]) -> dict[str, Any] | None:
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length is None:
        return None
    message: dict[str, Any] = json.loads(stream.read(length))
    return message


@contextmanager
def yaml_language_server(root: Path = REPO_ROOT) -> Iterator[Client]:
    """A started and configured server for the workspace `root`; killed on the way out."""
    if not SERVER.is_file():
        raise LspError(
            f"{SERVER.relative_to(REPO_ROOT)} is missing: run `make test` (or "
            "`npm ci --prefix tests/editor`) to install yaml-language-server"
        )
    process = subprocess.Popen(
        ["node", str(SERVER), "--stdio"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    client = Client(process)
    try:
        client.request(
            "initialize",
            {
                "processId": None,
                "rootUri": root.resolve().as_uri(),
                "capabilities": {
                    "textDocument": {
                        "hover": {"contentFormat": ["markdown", "plaintext"]},
                        "completion": {"completionItem": {"snippetSupport": False}},
                        "publishDiagnostics": {},
                    },
                    "workspace": {"configuration": True},
                },
                "workspaceFolders": [{"uri": root.resolve().as_uri(), "name": root.name}],
            },
        )
        client.notify("initialized", {})
        client.notify("workspace/didChangeConfiguration", {"settings": _SETTINGS})
        yield client
    finally:
        process.kill()
        process.wait(timeout=TIMEOUT)
        client.join()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                stream.close()
