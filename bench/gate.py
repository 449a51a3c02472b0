"""The rows about the CI gate (issue 16): `manifold check` on a fresh clone, and a
validate-only peer timed beside it; and which peers a large N leaves out.

A fresh clone has `rendered/` (committed) but no `.manifold/` (git-ignored), so the cold
check has no record to answer from and no project results to reuse: it compiles
everything and compares. The validate-only peer is `check-jsonschema` validating the
already-rendered files alone against the repository's own `schemas/` (what manifold wrote
with `schemas generate`), one call per schema, in batches so a command line stays short:
what a gate that trusted the committed files and only validated them would cost. Objects
whose kind has no schema in `schemas/` (Namespaces, the other built-in kinds, each
folder's kustomization.yaml) and Run:ai's JSON requests are left out of it, and the row
says how many objects it validated.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from bench.measure import Invocation, run
from bench.objects import read_rendered

if TYPE_CHECKING:
    from bench.harness import Bench

BATCH = 2000
"""Files per check-jsonschema call: keeps each command line far below the kernel's limit."""
PEERS_UP_TO = 3000
"""Above this N the peers are left out by default: kustomize took 117 s at N = 1,000, and
growing linearly it would take longer at N = 10,000 than all of manifold's rows together."""


def add_cold_check(bench: Bench) -> None:
    """`manifold check` with rendered/ up to date and no .manifold/: runs after the renders
    of a round, so rendered/ is what the inputs produce."""
    from bench.harness import Step

    repo = bench.repo
    bench.steps.append(
        Step(
            "check_cold",
            "manifold check (cold: fresh clone, rendered/ present, no .manifold/)",
            [bench.check(repo)],
            lambda: bench.trash.take(repo / ".manifold"),
        )
    )


def too_many_projects(bench: Bench, peer: str) -> bool:
    """Leave `peer` out at this N (and say so in the table)?"""
    limit = bench.options.peers_up_to
    if bench.options.projects <= limit:
        return False
    bench.skipped[peer] = {
        "reason": f"N={bench.options.projects:,} is above --peers-up-to {limit:,}: it would "
        "take too long"
    }
    return True


def add_validate_peer(bench: Bench) -> None:
    """check-jsonschema on the rendered files, against schemas/; timed only if it accepts
    every file manifold accepted."""
    from bench.harness import Step

    if "validate-peer" in bench.options.skip:
        bench.skipped["validate_peer"] = {"reason": "--skip validate-peer"}
        return
    if too_many_projects(bench, "validate_peer"):
        return
    by_schema = files_by_schema(bench.repo)
    objects = sum(len(files) for files in by_schema.values())
    invocations = [
        Invocation([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), *batch])
        for schema, files in sorted(by_schema.items())
        for batch in _batches(files)
    ]
    bench.say("checking that check-jsonschema accepts every rendered file")
    try:
        for invocation in invocations:
            run(invocation)
    except Exception as failure:
        bench.skipped["validate_peer"] = {"reason": f"check-jsonschema refused: {failure}"}
        return
    bench.workload["validate_peer_objects"] = objects
    bench.equivalence["validate_peer"] = f"accepts the {objects:,} objects with a schema"
    label = (
        f"check-jsonschema (validate only: {objects:,} rendered objects against schemas/, "
        f"{len(invocations)} calls)"
    )
    bench.steps.append(Step("validate_peer", label, invocations))


def files_by_schema(repo: Path) -> dict[Path, list[str]]:
    """The rendered Kubernetes objects whose kind has a schema in the repository's schemas/
    (`<group>/<kind>_<version>.json`), grouped by that schema."""
    found: dict[Path, list[str]] = defaultdict(list)
    rendered = repo / "rendered"
    for environment, files in sorted(read_rendered(rendered).items()):
        for path, file in sorted(files.items()):
            data = file.data
            if not path.endswith(".yaml") or not isinstance(data, dict):
                continue
            api_version, kind = data.get("apiVersion"), data.get("kind")
            if not isinstance(api_version, str) or not isinstance(kind, str):
                continue
            group, _, version = api_version.rpartition("/")
            schema = repo / "schemas" / group / f"{kind.lower()}_{version}.json"
            if group and schema.is_file():
                found[schema].append(str(rendered / environment / path))
    return dict(found)


def _batches(files: list[str]) -> list[list[str]]:
    return [files[start : start + BATCH] for start in range(0, len(files), BATCH)]
