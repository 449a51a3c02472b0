"""The code fingerprint covers all of manifold's package, not only the folder it lives in."""

from __future__ import annotations

from pathlib import Path

import manifold
from manifold.reuse.fingerprints import code_fingerprint

PACKAGE = Path(manifold.__file__).parent


def test_the_code_fingerprint_names_modules_of_every_package() -> None:
    fingerprint = code_fingerprint().decode()
    for module in ("core/diagnostics.py", "compile/expand.py", "targets/ome/render.py"):
        assert f"{PACKAGE / Path(module).parent}/{Path(module).name}:" in fingerprint, module
