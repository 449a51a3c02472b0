"""Reusing, project by project, what an environment rendered last time.

A render keeps, for each project in each environment, the files its objects became and what
else it looked at: `.manifold/cache/<env>.json`. The next render reuses a project's files when
nothing they came from changed:

- the project's own file;
- the context: every environment file, every platform file, the repository's schemas/ and
  manifold's own code (any change there renders everything again);
- the other projects it looked up while it was checked and rendered (a benchmark's target
  service, say), by their files: `compile.project.ProjectResult.looked_up` lists them.

Those three are a project's key (`ProjectKey`), and the store is two methods at the one
point where the build would compile a project (`ProjectResults`, kubeconform's cache: `get`,
`put`): what it gives back is a `ProjectResult`, as `compile.project.compile_project` gives,
holding files by digest. Everything else is rendered as always, and what is reused is exactly
what a full render gives (a test renders both ways and compares). Deleting the cache only
costs time.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from manifold.compile.catalog import EVERY_PROJECT
from manifold.compile.finalize import NamespaceUser
from manifold.compile.project import ProjectResult
from manifold.core.errors import OutputProblem
from manifold.core.memo import Memo, Shelf
from manifold.reuse import cacheforms, carryover, entrytext, readback, workdir
from manifold.reuse.cacheforms import CachedEnvironment as CachedEnvironment
from manifold.reuse.cacheforms import CachedObject as CachedObject
from manifold.reuse.fingerprints import InputRecord, hash_folders
from manifold.reuse.seal import file_digest, joined_seal, seal_checked, sealed_parts

CACHE_DIR = "cache"
_FORMAT = 5
ALL = EVERY_PROJECT
"""The dependency of a project that looked at every other project."""


def context_digest(
    root: Path, folders: tuple[str, ...], code: bytes, memo: Memo | None = None
) -> str:
    """Everything a project's render depends on besides projects: these folders' files,
    each read again only when the stat this process last saw (kept in `memo`) does not
    vouch for it (the no-op check's rule, `fingerprints.InputRecord`): a watching process
    does not read the 2.6 MB of schemas/ of the benchmark repository on every change."""
    hasher = hashlib.blake2b(code, digest_size=20)
    looked = (str(root), folders)
    seen = hash_folders(hasher, root, folders, memo.get(CONTEXT_SEEN, looked) if memo else None)
    if memo is not None:
        memo.put(CONTEXT_SEEN, looked, seen)
    return hasher.hexdigest()


CONTEXT_SEEN: Shelf[InputRecord] = Shelf("context files seen")
"""By the repository and folders: their files as last read (a record only vouches for a
file's digest by its stat; the digest is the same whether it is read or not)."""


class CacheDisagrees(Exception):
    """What the cache said of an input is not so: the build starts again without it."""


# --------------------------------------------------------------------------- what is kept


def object_key(manifest: Any) -> str:
    """An object before the environment's patches, by everything that decides its file.

    By `repr`, not JSON: it tells apart what JSON would not (the order of a mapping's keys,
    which the emitter keeps; 1 and 1.0 and True) and takes half the time (2,430 keys of the
    environments' own objects at N = 1,000: 8 ms instead of 20). A value whose repr changes
    from run to run (an address) only makes the object miss the cache."""
    facts = (
        manifest.body,
        manifest.sources,
        manifest.project,
        manifest.namespaced,
        manifest.schema_variant,
        manifest.form,
    )
    return file_digest(repr(facts).encode())


def namespace_key(
    namespace: str,
    sharing: tuple[NamespaceUser, ...],
    environment: tuple[Any, ...],
    memo: Memo | None = None,
) -> str:
    """A Namespace of the environment by what `compile.finalize.namespace_object` builds it
    from (`environment`: the environment's name, files, labels and annotations), so that a
    reused one is never built: building and keying every Namespace took 35 ms of a
    one-change render at N = 1,000 x 3. `memo`: where a process that renders again keeps each
    key with what it was made of (`NAMESPACE_KEYS`); the users of a reused project are the
    same objects each render (`carryover`), and 2,400 keys were 9 ms of such a render."""
    place = (environment[0], namespace)
    kept = memo.get(NAMESPACE_KEYS, place) if memo is not None else None
    if kept is not None and kept[0] == sharing and kept[1] == environment:
        return kept[2]
    users = [(user.name, user.team, user.path) for user in sharing]  # a dataclass's repr is slow
    key = file_digest(repr(("Namespace", namespace, users, environment)).encode())
    if memo is not None:
        memo.put(NAMESPACE_KEYS, place, (sharing, environment, key))
    return key


NAMESPACE_KEYS: Shelf[tuple[tuple[NamespaceUser, ...], tuple[Any, ...], str]] = Shelf(
    "namespace keys"
)
"""By environment and namespace, the last key made, with its users and the environment's
facts it was made of."""


def on_disk(written: Mapping[str, str] | None, disk: Mapping[str, str]) -> bool:
    """Whether rendered/ holds kept files as they were written (`cacheforms.written_as`):
    one comparison of the two mappings' items, not a Python line per file (14,500 files a
    one-change render at N = 1,000 x 3: 1.5 ms rather than 8)."""
    return written is not None and written.items() <= disk.items()


class ProjectCache:
    """The cache of one repository: per environment, the projects it rendered."""

    def __init__(self, root: Path, context: str, memo: Memo | None = None) -> None:
        self.root = root
        self.memo = memo
        """What this process keeps between renders (`core.memo`): the cache files as
        decoded before (`readback`), and what the build passes on to the compiler."""
        self.folder = root / workdir.WORK_DIR / CACHE_DIR
        self.context = context
        self._loaded: dict[str, CachedEnvironment] = {}
        self._names: dict[str, tuple[str, str]] | None = None
        self._texts = entrytext.EntryTexts()
        """The entries of the environments' files as read, to write back unchanged."""

    def names(self) -> dict[str, tuple[str, str]]:
        """Project files last seen, by path: their digest and the project's name."""
        if self._names is None:
            known = self._read("names.json", cacheforms.names_schema(_FORMAT))
            entries = known.data["files"] if known is not None else {}
            self._names = {path: (digest, name) for path, (digest, name) in entries.items()}
        return self._names

    def environment(self, name: str) -> CachedEnvironment:
        """What an environment rendered in the same context: its projects by name, its own
        objects by content."""
        if name not in self._loaded:
            schema = cacheforms.environment_schema(name, _FORMAT)
            known = self._read(f"env-{name}.json", schema)
            if known is None:
                self._loaded[name] = CachedEnvironment({}, {}, self.context)
            else:
                if "environment" not in known.derived:
                    carryover.prepare_environment(known, every_project=False)
                self._loaded[name] = replace(known.derived["environment"], context=self.context)
        return self._loaded[name]

    def save(
        self,
        names: dict[str, tuple[str, str]],
        environments: Mapping[str, CachedEnvironment],
    ) -> None:
        # A read-only checkout, or no folder of manifold's: the next run does the work.
        with contextlib.suppress(OSError, OutputProblem):
            self._save(names, environments)

    def _save(
        self,
        names: dict[str, tuple[str, str]],
        environments: Mapping[str, CachedEnvironment],
    ) -> None:
        workdir.folder(self.root, create=True)
        if not workdir.child_is_folder(self.folder):
            self.folder.unlink(missing_ok=True)  # a file or link in its place: not followed
            self.folder.mkdir()
        names_data = {"format": _FORMAT, "context": self.context, "files": names}
        self._write("names.json", names_data, cacheforms.names_schema(_FORMAT))
        for name, kept in environments.items():
            self._write(
                f"env-{name}.json",
                {
                    "format": _FORMAT,
                    "context": self.context,
                    "environment": name,
                    "projects": [p for _, p in sorted(kept.projects.items())],
                    "objects": {k: o.encoded() for k, o in sorted(kept.objects.items())},
                },
                cacheforms.environment_schema(name, _FORMAT),
                functools.partial(
                    carryover.prepare_environment,
                    before=functools.partial(carryover.before, self._loaded.get(name), self._texts),
                ),
            )

    def _read(self, name: str, schema: workdir.StateSchema) -> readback.KnownFile | None:
        """The cache file `name` when its form is right, its seal matches its content (bytes
        changed in place can leave valid JSON that names the wrong project) and it was made
        in this context: decoded from its bytes, or as this process decoded the same bytes
        before (`readback`)."""
        if workdir.existing(self.root) is None or not workdir.child_is_folder(self.folder):
            return None
        path = str(self.folder / name)
        known = readback.vouched(self.memo, path)
        if known is None:
            opened = seal_checked(workdir.read_state_bytes(self.folder / name))
            if opened is None:
                return None
            known = readback.read(self.memo, path, *opened, schema.accepts)
        if known.data is None or known.data["context"] != self.context:
            return None
        self._texts.absorb(known.texts)
        return known

    def _write(
        self,
        name: str,
        data: dict[str, Any],
        schema: workdir.StateSchema,
        prepare: readback.Prepare | None = None,
    ) -> None:
        digest, body = sealed_parts(data, self._texts)
        workdir.write_state_text(self.folder, name, joined_seal(digest, body))
        # Decoded in idle time, from the text written, if this process waits (`output.idle`)
        path = str(self.folder / name)
        known = readback.KnownFile(digest, body, schema.accepts, prepare, path=path)
        readback.remember_written(self.memo, known)


MOST_AHEAD = 256
"""At most so many cache files are decoded ahead (one per environment, and names.json): a
folder filled with others costs a waiting process no more than that."""


def decode_ahead(root: Path, memo: Memo) -> int:
    """Idle work of a waiting process: the repository's cache files decoded (`readback`)
    into its memo, those it wrote from the text it wrote, the others (after a first render
    with nothing to do, which reads none) from their bytes; returns how many were decoded."""
    done = readback.decode_pending(memo)
    folder = root / workdir.WORK_DIR / CACHE_DIR
    if workdir.existing(root) is None or not workdir.child_is_folder(folder):
        return done
    for path in sorted(folder.iterdir())[:MOST_AHEAD]:
        schema, prepare = _form_of(path.name)
        opened = seal_checked(workdir.read_state_bytes(path)) if schema is not None else None
        if schema is None or opened is None or readback.recall(memo, str(path), opened[0]):
            continue
        readback.read(memo, str(path), *opened, schema.accepts, prepare)
        done += 1
    return done


def _form_of(file: str) -> tuple[workdir.StateSchema | None, readback.Prepare | None]:
    """The form of the cache file named `file` and what a render builds from it."""
    if file == "names.json":
        return cacheforms.names_schema(_FORMAT), None
    environment = file.removeprefix("env-").removesuffix(".json")
    if f"env-{environment}.json" != file or not environment:
        return None, None
    return cacheforms.environment_schema(environment, _FORMAT), carryover.prepare_environment


# --------------------------------------------------------------------------- dependencies


def dependencies(seen: Iterable[str], digests: Mapping[str, str]) -> dict[str, str | None]:
    """What `seen` lookups depended on: each project's file digest (None: no such project),
    and, for a project that looked at all of them, a digest of every project file."""
    found: dict[str, str | None] = {name: digests.get(name) for name in seen if name != ALL}
    if ALL in seen:
        found[ALL] = everything(digests)
    return found


def everything(digests: Mapping[str, str]) -> str:
    return file_digest(json.dumps(sorted(digests.items())).encode())


def still_valid(
    recorded: str, depends_on: Mapping[str, str | None], digest: str, digests: Mapping[str, str]
) -> bool:
    """Whether a kept project can be reused: its file (`recorded` then, `digest` now) and
    what it looked up are as before."""
    if recorded != digest:
        return False
    for name, then in depends_on.items():
        now = everything(digests) if name == ALL else digests.get(name)
        if now != then:
            return False
    return True


# --------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class ProjectKey:
    """What a project's result depends on: its file, the context (environments, platform
    files, schemas/, manifold's code), and the projects it looks up, which are known only
    once it has compiled: `neighbours` holds every project file's digest, and a kept result
    is valid while those it recorded are unchanged."""

    name: str
    digest: str
    context: str
    neighbours: Mapping[str, str]


class ProjectResults(Protocol):
    """Results of projects kept between renders (kubeconform's cache: Get and Set)."""

    def get(self, key: ProjectKey) -> ProjectResult | None: ...

    def put(self, key: ProjectKey, result: ProjectResult) -> None: ...


class KeptResults:
    """One environment's results as the last render kept them (`CachedEnvironment.projects`,
    their form already checked), reused only while valid and while rendered/ still holds
    their files (`disk`: manifold's files by path, as digests). What was got or put is
    `kept`, the entries the next render may reuse."""

    def __init__(self, cached: CachedEnvironment, disk: Mapping[str, str]) -> None:
        self.entries = cached.projects
        self.decoded = cached.decoded
        self.context = cached.context
        self.disk = disk
        self.kept: dict[str, dict[str, Any]] = {}

    def get(self, key: ProjectKey) -> ProjectResult | None:
        entry = self.entries.get(key.name)
        if entry is None or key.context != self.context:
            return None
        decoded: cacheforms.Decoded | None = self.decoded.get(key.name, _NOT_YET)
        if decoded is _NOT_YET:
            decoded = self.decoded[key.name] = cacheforms.decoded_project(entry)
        if decoded is None:
            return None
        result, digest, depends_on, written = decoded
        if not still_valid(digest, depends_on, key.digest, key.neighbours):
            return None
        if result.name != key.name or not on_disk(written, self.disk):
            return None
        self.kept[key.name] = entry
        return result

    def put(self, key: ProjectKey, result: ProjectResult) -> None:
        depends_on = dependencies(result.looked_up, key.neighbours)
        self.kept[key.name] = cacheforms.encoded_project(result, key.digest, depends_on)


_NOT_YET: Any = object()
"""A project entry not decoded yet (`CachedEnvironment.decoded`)."""
