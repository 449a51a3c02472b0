"""The repository's input files read and checked: environments resolved, platform files and
projects decoded, names made unique. A project file the last render read unchanged is not
parsed until a build needs it; the cache that said so is checked when it is
(`CacheDisagrees`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifold.compile.blocks import file_block_diagnostics
from manifold.compile.environments import declared_name, resolve_environments, selection_problems
from manifold.compile.instances import PlatformFile, ProjectFile
from manifold.core.diagnostics import Diagnostic, Diagnostics, Problem, problem_diagnostic
from manifold.core.memo import Memo
from manifold.core.modelcheck import did_you_mean
from manifold.inputs.ahead import Documents
from manifold.inputs.decode import decode
from manifold.inputs.filebytes import read_bytes
from manifold.inputs.resolved import EnvironmentFile, ResolvedEnvironment
from manifold.inputs.sources import (
    ENVIRONMENTS_DIR,
    PLATFORM_DIR,
    PROJECTS_DIR,
    Document,
    discover,
    parse_document,
    read_document,
)
from manifold.models.platform import Platform
from manifold.models.project import Project
from manifold.reuse.fingerprints import InputRecord, input_digest
from manifold.reuse.incremental import CacheDisagrees


@dataclass
class Inputs:
    """The repository's input files, read and checked. A project file that the last render
    read unchanged (`known`) is parsed only if this render needs it again."""

    projects: dict[str, ProjectFile]
    environments: dict[str, ResolvedEnvironment]
    declared_environments: frozenset[str]
    platforms: list[PlatformFile] = field(default_factory=list)
    unreadable_platform: bool = False
    """A file under platform/ has errors of its own: references into it are not reported."""
    unreadable_projects: frozenset[str] = frozenset()
    """Names of project files with errors of their own: references to them are not reported."""
    unparsed: dict[str, tuple[str, bytes | None]] = field(default_factory=dict)
    """Projects not parsed yet, by name: their file's path and bytes (None: not read yet,
    the input record vouching for its digest)."""
    root: Path | None = None
    """Where files not read yet are read from."""
    digests: dict[str, str] = field(default_factory=dict)
    """Every project's file digest, by project name."""
    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Every project file: its digest and the project's name, by path."""
    memo: Memo | None = None
    """What the command keeps between renders, given to the documents read (`core.memo`)."""

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.projects) | frozenset(self.unparsed)

    def project_file(self, name: str) -> ProjectFile:
        """The project's file, parsed now if it was known from the last render; raises
        CacheDisagrees when the file does not read as the cache said (a corrupted cache)."""
        if name not in self.projects:
            path, raw = self.unparsed.pop(name)
            if raw is None:
                assert self.root is not None
                read = read_bytes(self.root, path)
                if isinstance(read, Diagnostic) or input_digest(read) != self.digests[name]:
                    raise CacheDisagrees(f"{path} changed while it was being rendered")
                raw = read
            document = parse_document(path, raw, self.memo)
            if not isinstance(document, Document):
                raise CacheDisagrees(f"{path} does not read, as the cache said it did")
            project = decode(document, "Project")[0]
            if project is None or project.name != name:
                raise CacheDisagrees(f"{path} is not project {name!r}, as the cache said")
            self.projects[name] = ProjectFile(document, project)
        return self.projects[name]


def load_inputs(
    root: Path,
    diagnostics: Diagnostics,
    known: dict[str, tuple[str, str]] | None = None,
    record: InputRecord | None = None,
    ahead: Documents | None = None,
    memo: Memo | None = None,
) -> Inputs:
    """Read and check every input file. `known` (path -> digest and project name) lists the
    project files the last render read without errors, in the same context; those that did
    not change are parsed only if needed, and not even read when `record` (the files' stat
    and digest, as `reuse.fastpath` has just taken them) vouches for their digest. `memo`:
    where the documents keep what they parse again for positions (`inputs.sources`)."""
    environments, declared = _environments(
        _documents(root, ENVIRONMENTS_DIR, diagnostics, memo), diagnostics
    )
    inputs = Inputs({}, environments, declared, root=root, memo=memo)
    paths, unreadable = _read_projects(root, inputs, known, record, ahead, diagnostics)
    platform_documents = _documents(root, PLATFORM_DIR, diagnostics, memo)
    inputs.platforms = _platforms(platform_documents, set(paths), declared, diagnostics)
    inputs.unreadable_platform = len(inputs.platforms) < len(discover(root, PLATFORM_DIR))
    inputs.unreadable_projects = frozenset(unreadable - set(paths) - {""})
    for resolved in environments.values():
        platform_names = {platform.name for platform in inputs.platforms}
        diagnostics.extend(
            selection_problems(resolved, set(paths), platform_names, inputs.unreadable_platform)
        )
    return inputs


def _documents(
    root: Path, folder: str, diagnostics: Diagnostics, memo: Memo | None
) -> list[Document]:
    documents = []
    for relative in discover(root, folder):
        read = read_document(root, relative, memo)
        if isinstance(read, Diagnostic):
            diagnostics.add(read)
        else:
            documents.append(read)
    return documents


def _environments(
    documents: list[Document], diagnostics: Diagnostics
) -> tuple[dict[str, ResolvedEnvironment], frozenset[str]]:
    """The environments resolved, and the names of every environment file that decoded."""
    environment_files = []
    refused: set[str] = set()
    for document in documents:
        environment, found = decode(document, "Environment")
        diagnostics.extend(found)
        if environment is not None:
            environment_files.append(EnvironmentFile(document, environment))
        elif (name := declared_name(document)) is not None:
            refused.add(name)
    environments, found = resolve_environments(environment_files, frozenset(refused))
    diagnostics.extend(found)
    return environments, frozenset(file.name for file in environment_files)


def _read_projects(
    root: Path,
    inputs: Inputs,
    known: dict[str, tuple[str, str]] | None,
    record: InputRecord | None,
    ahead: Documents | None,
    diagnostics: Diagnostics,
) -> tuple[dict[str, str], set[str]]:
    """Every project file into `inputs`: the path of each project by name, and the names
    files that could not be read as projects give themselves. `ahead`: the files a child
    process read and parsed meanwhile, the same bytes and documents as reading them here."""
    paths: dict[str, str] = {}
    unreadable: set[str] = set()
    for relative in discover(root, PROJECTS_DIR):
        raw: bytes | None = None
        taken = None
        digest, name = _vouched(record, known, relative)
        if name is None:
            taken = ahead.take(relative) if ahead is not None else None
            bytes_read = taken[0] if taken is not None else read_bytes(root, relative)
            if isinstance(bytes_read, Diagnostic):
                diagnostics.add(bytes_read)
                continue
            raw, digest = bytes_read, input_digest(bytes_read)
            name = _known_name(known, relative, digest)
        parsed: ProjectFile | None = None
        if name is None:
            assert raw is not None
            read = taken[1] if taken is not None else parse_document(relative, raw, inputs.memo)
            if isinstance(read, Diagnostic):
                diagnostics.add(read)
                continue
            project, found = decode(read, "Project")
            own_blocks = file_block_diagnostics(read, Project)  # each platform checks its own
            diagnostics.extend([*found, *own_blocks])
            if project is None or own_blocks:
                unreadable.add(_declared_name(read))
                continue
            parsed = ProjectFile(read, project)
            name = project.name
        if name in paths:
            if known:  # the cache may have named this file, or the first, wrongly
                raise CacheDisagrees(f"{relative} and {paths[name]} are both {name!r}")
            assert raw is not None  # read: without `known`, nothing is vouched for
            diagnostics.add(_defined_twice(relative, raw, name, paths[name]))
            continue
        paths[name] = relative
        _add_project(inputs, relative, digest, name, raw, parsed, diagnostics)
    return paths, unreadable


def _add_project(
    inputs: Inputs,
    relative: str,
    digest: str,
    name: str,
    raw: bytes | None,
    parsed: ProjectFile | None,
    diagnostics: Diagnostics,
) -> None:
    inputs.digests[name] = digest
    inputs.files[relative] = (digest, name)
    if parsed is None:
        inputs.unparsed[name] = (relative, raw)
    else:
        inputs.projects[name] = parsed
        overrides = parsed.project.spec.environments
        diagnostics.extend(
            _unknown_overrides(parsed.document, overrides, inputs.declared_environments)
        )


def _vouched(
    record: InputRecord | None, known: dict[str, tuple[str, str]] | None, relative: str
) -> tuple[str, str | None]:
    """A project file the cache knows, by the digest the input record gives it (no bytes
    read): its digest and its project's name; no name when either does not know it."""
    entry = record.entries.get(relative) if record is not None else None
    if entry is None:
        return "", None
    return entry[1], _known_name(known, relative, entry[1])


def _known_name(known: dict[str, tuple[str, str]] | None, relative: str, digest: str) -> str | None:
    recorded = known.get(relative) if known else None
    return recorded[1] if recorded is not None and recorded[0] == digest else None


def _defined_twice(relative: str, raw: bytes, name: str, first: str) -> Diagnostic:
    document = parse_document(relative, raw)
    assert isinstance(document, Document)
    return problem_diagnostic(
        document,
        Problem(("metadata", "name"), f"project {name!r} is already defined in {first}"),
    )


def _declared_name(document: Document) -> str:
    """The name a file that could not be read as a project gives itself, if any."""
    data = document.data
    metadata = data.get("metadata") if isinstance(data, dict) else None
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else ""


def _platforms(
    documents: list[Document],
    projects: set[str],
    declared: frozenset[str],
    diagnostics: Diagnostics,
) -> list[PlatformFile]:
    """The platform files: one per target platform, named unlike any project (the name is
    the folder of its objects under rendered/<env>/)."""
    by_target: dict[str, PlatformFile] = {}
    for document in documents:
        platform, found = decode(document, "Platform")
        own_blocks = file_block_diagnostics(document, Platform)  # its models' `substratus:`
        diagnostics.extend([*found, *own_blocks])
        if platform is None or own_blocks:
            continue
        problem = None
        if (other := by_target.get(platform.spec.platform)) is not None:
            problem = Problem(
                ("spec", "platform"),
                f"the {platform.spec.platform} platform is already described in "
                f"{other.document.path}; keep one platform file per platform",
            )
        elif platform.name in projects:
            problem = Problem(
                ("metadata", "name"),
                f"platform {platform.name!r} has the name of a project; the two would share "
                f"rendered/<env>/{platform.name}/",
            )
        if problem is not None:
            diagnostics.add(problem_diagnostic(document, problem))
            continue
        by_target[platform.spec.platform] = PlatformFile(document, platform)
        diagnostics.extend(_unknown_overrides(document, platform.spec.environments, declared))
    return [by_target[name] for name in sorted(by_target)]


def _unknown_overrides(
    document: Document, overrides: dict[str, Any], declared: frozenset[str]
) -> list[Diagnostic]:
    return [
        problem_diagnostic(
            document,
            Problem(
                ("spec", "environments", name),
                f"override for environment {name!r}, which does not exist",
                at_key=True,
                hint=did_you_mean(name, sorted(declared))
                or f"environments: {', '.join(sorted(declared)) or 'none'}",
            ),
        )
        for name in overrides
        if name not in declared
    ]
