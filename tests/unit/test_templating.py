from __future__ import annotations

import pytest

from manifold.templating import TemplateProblem, compile_template, render

NAMES = {"project": "chat", "environment": "prod", "team": "ai"}


def test_renders_names() -> None:
    assert render("{{ project }}-{{ environment }}", NAMES) == "chat-prod"
    assert render("{{ team | upper }}", NAMES) == "AI"


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ region }}", "undefined variable"),
        ("{{ project.__class__ }}", "sandbox forbids"),
        ("{{ ''.__class__.__mro__ }}", "sandbox forbids"),
        ("{{ project * 100000 }}", "sandbox forbids"),
        ("{{ 2 ** 1000 }}", "sandbox forbids"),
        ("{{ project.lower.__globals__ }}", "undefined"),
        ("{{ 1 / 0 }}", "template failed"),
    ],
)
def test_refuses(template: str, message: str) -> None:
    with pytest.raises(TemplateProblem, match=message):
        render(template, NAMES)


def test_syntax_errors_are_reported_at_compile_time() -> None:
    with pytest.raises(TemplateProblem, match="does not compile"):
        compile_template("{{ project ")
