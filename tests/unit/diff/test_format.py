"""The markdown form has to be a valid, bounded pull-request comment whatever the objects hold."""

from __future__ import annotations

import json
from typing import Any

from manifold.diff.format import COMMENT_MARKER, DiffReport, as_json, markdown, text
from manifold.diff.semantic import Resource, ResourceChange, changed_fields


def _change(name: str, old: dict[str, Any], new: dict[str, Any]) -> ResourceChange:
    def resource(spec: dict[str, Any]) -> Resource:
        body = {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": "demo"},
            "data": spec,
        }
        return Resource(f"dev/demo/configmap-{name}.yaml", body)

    before, after = resource(old), resource(new)
    return ResourceChange("changed", before, after, tuple(changed_fields(before.body, after.body)))


def test_fences_outlast_backticks_in_the_content() -> None:
    change = _change("fenced", {"script": "a"}, {"script": "echo ```\n`x`\n"})
    comment = markdown(DiffReport("main", [change]))
    assert "````diff\n" in comment
    assert comment.rstrip().endswith("</details>")


def test_table_cells_escape_pipes() -> None:
    change = _change("piped", {"a|b": "1"}, {"a|b": "2"})
    comment = markdown(DiffReport("main", [change]))
    assert '| `data["a\\|b"]` |' in comment


def test_a_large_diff_stays_under_the_comment_limit() -> None:
    changes = [_change(f"config-{i:03}", {"v": "x" * 900}, {"v": "y" * 900}) for i in range(200)]
    comment = markdown(DiffReport("main", changes), limit=30_000)
    assert len(comment) <= 30_000
    assert comment.startswith(COMMENT_MARKER)
    assert comment.count("| ~ | ConfigMap |") == 200, "every object is in a table"
    shown = comment.count("<details>")
    assert 0 < shown < 200
    assert f"The diffs of {200 - shown} objects are left out" in comment


def test_text_without_changes_is_empty() -> None:
    assert text(DiffReport("main", [])) == ""


def test_no_format_writes_an_invisible_character_raw() -> None:
    """A right-to-left override in a key or value (from a base branch an older manifold
    rendered) is shown escaped, in every format."""
    change = _change("bidi", {"note\u202eexe": "a"}, {"note\u202eexe": "b\u202ec"})
    report = DiffReport("main", [change])
    for output in (text(report), markdown(report), as_json(report)):
        assert output.replace("\n", "").isprintable(), output
        assert "\\u202e" in output
    assert json.loads(as_json(report))["resources"][0]["fields"][0]["after"] == "b\u202ec"
