"""What `manifold runai apply` and `manifold runai status` are asked to do."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RunaiApplyOptions:
    root: Path
    environment: str
    dry_run: bool = False
    state: Path | None = None
    """The state file; None means .manifold/runai/<environment>.json under the root."""
    timeout: float = 30.0
    """Seconds one request to the API may take."""
    wait: float = 600.0
    """Seconds to wait for a replaced workload's deletion before creating it again."""


@dataclass(frozen=True)
class RunaiStatusOptions:
    root: Path
    environment: str
    state: Path | None = None
    timeout: float = 30.0
