"""What a PATCH may change at each Run:ai API level: the differences of
`../shared/reference/runai/versions.md` (2.24 made preemptibility and imagePullSecrets
updatable in place; templateId is never). The level's setting is tested in test_settings,
what each level refuses in a request in test_options and test_form.
"""

from __future__ import annotations

from typing import Any

import pytest

from manifold.targets.runai.plan import Action, Desired, compare
from manifold.targets.runai.state import Entry


def _step(level: str, sent: dict[str, Any], wanted: dict[str, Any]) -> tuple[Action, str] | None:
    def body(extra: dict[str, Any]) -> dict[str, Any]:
        top = {k: v for k, v in extra.items() if k == "templateId"}
        spec = {"image": "i", **{k: v for k, v in extra.items() if k != "templateId"}}
        return {"name": "s", "projectId": "12", "clusterId": "c", **top, "spec": spec}

    desired = Desired("rendered/dev/_runai/p/inference-s.json", "p/s", body(wanted))
    entry = Entry("id", "p/s", body(sent))
    step = compare(desired, entry, entry.applied, "key", level)
    return None if step is None else (step.action, step.reason)


PATCHES = [
    # (level, sent, wanted, step expected)
    ("2.24", {}, {"preemptibility": "preemptible"}, (Action.UPDATE, "preemptibility")),
    (
        "2.22",
        {},
        {"preemptibility": "preemptible"},
        (Action.REPLACE, "preemptibility cannot change in place"),
    ),
    (
        "2.24",
        {"imagePullSecrets": [{"name": "a"}]},
        {"imagePullSecrets": [{"name": "b"}]},
        (Action.UPDATE, "imagePullSecrets"),
    ),
    (
        "2.24",
        {"templateId": "a"},
        {"templateId": "b"},
        (Action.REPLACE, "templateId cannot change in place"),
    ),
    ("2.24", {"templateId": "a"}, {"templateId": "a"}, None),
]


@pytest.mark.parametrize(("level", "sent", "wanted", "expected"), PATCHES)
def test_what_a_patch_changes_depends_on_the_level(
    level: str, sent: dict[str, Any], wanted: dict[str, Any], expected: Any
) -> None:
    assert _step(level, sent, wanted) == expected
