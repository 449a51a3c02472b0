"""What each command was asked to do: the CLI's options as frozen values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

OutputFormat = Literal["text", "json"]
DiffFormat = Literal["text", "markdown", "json"]
KubeconformMode = Literal["auto", "always", "never"]


@dataclass(frozen=True)
class RenderOptions:
    root: Path
    environments: tuple[str, ...] = ()
    """Only these environments; empty means all."""
    lock_timeout: float = 120.0


@dataclass(frozen=True)
class CheckOptions:
    root: Path


@dataclass(frozen=True)
class ValidateOptions:
    root: Path
    paths: tuple[Path, ...] = ()
    """Manifest files or folders to validate; empty means the repository's own inputs."""
    kubernetes_version: str | None = None
    kubeconform: KubeconformMode = "auto"
    """Also run kubeconform: auto when it is on PATH, always (fail without it), or never."""
    # For manifests given as paths, kubeconform's options:
    schema_locations: tuple[str, ...] = ()
    strict: bool = False
    skip_kinds: tuple[str, ...] = ()
    reject_kinds: tuple[str, ...] = ()
    ignore_missing_schemas: bool = False
    ignore_filename_patterns: tuple[str, ...] = ()
    cache: Path | None = None


@dataclass(frozen=True)
class DiffOptions:
    root: Path
    base: str | None = "main"
    """Git revision whose committed rendered/ is the old side; None: rendered/ on disk."""
    format: DiffFormat = "text"
    exit_code: bool = False
    """Exit 1 when anything differs."""
    color: bool = False


@dataclass(frozen=True)
class SchemasOptions:
    root: Path


@dataclass(frozen=True)
class ImportOptions:
    root: Path
    files: tuple[Path, ...]
    output: Path | None = None
    """Where to write; None: the repository's schemas/, recording what was imported."""
    deny_root_additional_properties: bool = False
    environment: str | None = None
    """The one environment the schemas are for (schemas/environments/<name>/); None: all."""


@dataclass(frozen=True)
class InitOptions:
    directory: Path


@dataclass(frozen=True)
class ObjectImportOptions:
    """`manifold import`: objects a cluster runs, into a manifold input file."""

    root: Path
    paths: tuple[Path, ...]
    """Files and folders, relative to `root` unless absolute."""
    to: Path
    force: bool
