"""The case folders under tests/cases/: small repositories, each with a `case.yaml`.

`case.yaml` holds:
- `description`; `base: NAME` to start from tests/cases/bases/NAME (the case's own files
  replace or add to it); `args` (default: render); for valid cases, `commands` instead:
  several command lines run in order (an import, then a render);
- for invalid cases, the expected `exit` (default 1) and `diagnostics` (file, line, column,
  path, environment, message: a substring);
- `generated`: files too large or too repetitive to keep in git, written when the case is
  materialized: `{file: PATH, parts: [{text: TEXT, times: N}, ...]}` (`times` defaults to 1);
- `never_printed`: strings (secrets) that must appear in no output of the case.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from manifold.core import yaml as yamlio
from tests.conftest import CASES, copy_tree


@dataclass(frozen=True)
class Case:
    folder: Path
    spec: dict[str, Any]

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def args(self) -> list[str]:
        return list(self.spec.get("args", ["render"]))

    @property
    def commands(self) -> list[list[str]]:
        return [list(line) for line in self.spec.get("commands", [self.args])]

    @property
    def exit(self) -> int:
        return int(self.spec.get("exit", 1))

    @property
    def never_printed(self) -> list[str]:
        return [str(secret) for secret in self.spec.get("never_printed", [])]

    def materialize(self, target: Path) -> Path:
        if base := self.spec.get("base"):
            copy_tree(CASES / "bases" / base, target)
        copy_tree(self.folder, target, skip=("case.yaml",))
        for generated in self.spec.get("generated", []):
            path = target / generated["file"]
            path.parent.mkdir(parents=True, exist_ok=True)
            text = "".join(part["text"] * int(part.get("times", 1)) for part in generated["parts"])
            path.write_bytes(text.encode())
        return target


def cases(kind: str) -> list[Case]:
    folder = CASES / kind
    folders = sorted(folder.iterdir()) if folder.is_dir() else []
    return [
        Case(case, yamlio.load_one((case / "case.yaml").read_text(encoding="utf-8")))
        for case in folders
        if (case / "case.yaml").is_file()
    ]
