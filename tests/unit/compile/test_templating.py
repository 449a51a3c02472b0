from __future__ import annotations

import pytest

from manifold.compile import templating
from manifold.compile.templating import TemplateProblem, compile_template, render

NAMES = {"project": "chat", "environment": "prod", "team": "ai"}


def test_renders_names() -> None:
    assert render("{{ project }}-{{ environment }}", NAMES) == "chat-prod"
    assert render("{{ team | upper }}", NAMES) == "AI"


def test_syntax_errors_are_reported_at_compile_time() -> None:
    with pytest.raises(TemplateProblem, match="does not compile"):
        compile_template("{{ project ")


VARIABLES = {"project": "chat", "environment": "prod", "team": "nlp"}


@pytest.mark.parametrize(
    ("source", "result"),
    [
        ("{{ project }}-{{ environment }}", "chat-prod"),
        ("{{ project ~ '-' ~ team }}", "chat-nlp"),
        ("{{ project + '-x' }}", "chat-x"),
        (
            "{% if environment == 'prod' %}{{ project }}{% else %}{{ project }}-dev{% endif %}",
            "chat",
        ),
        ("{{ project if environment in ['prod', 'staging'] else 'sandbox' }}", "chat"),
        ("{{ (team ~ '-' ~ project)|upper|lower }}", "nlp-chat"),
        ("{{ project|replace('a', 'o') }}", "chot"),
        ("{{ project[:2] }}{{ project[0] }}", "chc"),
        ("{{ project|truncate(3, True, '', 0) }}", "cha"),
        ("  {{ project }}\n", "chat"),
    ],
)
def test_what_templates_may_do(source: str, result: str) -> None:
    assert templating.render(source, VARIABLES) == result


@pytest.mark.parametrize(
    ("source", "refused"),
    [
        ("{{ project.__class__ }}", "attribute access ('.__class__')"),
        ("{{ project.upper() }}", "attribute access ('.upper') and a call"),
        ("{{ project|center(10) }}", "the filter 'center'"),
        ("{{ project * 2 }}", "arithmetic"),
        ("{{ '%s' % project }}", "arithmetic"),
        ("{% for x in project %}{{ x }}{% endfor %}", "a for loop"),
        ("{% set x = 1 %}", "an assignment"),
        ("{% macro m() %}{% endmacro %}", "a macro"),
        ("{% include 'x' %}", "an include"),
        ("{{ project is string }}", "a test"),
        ("{{ project['x'] }}", "an index that is not a number or a slice"),
        ("{{ project|replace(*['a', 'b']) }}", "*args or **kwargs"),
    ],
)
def test_everything_else_is_refused_before_running(source: str, refused: str) -> None:
    with pytest.raises(templating.TemplateProblem) as raised:
        templating.compile_template(source)
    assert refused in raised.value.message
    assert raised.value.hint == templating.WHAT_IS_ALLOWED


def test_jinja_globals_are_not_there() -> None:
    with pytest.raises(templating.TemplateProblem) as raised:
        templating.render("{{ lipsum }}", VARIABLES)
    assert "'lipsum', which does not exist" in raised.value.message


def test_a_misspelt_variable_gets_a_suggestion() -> None:
    with pytest.raises(templating.TemplateProblem) as raised:
        templating.render("{{ enviroment }}", VARIABLES)
    assert raised.value.hint == "did you mean 'environment'?"


def test_replace_cannot_grow_a_text_without_bound() -> None:
    grow = "|replace('', '0123456789')"
    assert len(templating.render("{{ project" + grow * 2 + " }}", VARIABLES)) < 1000
    with pytest.raises(templating.TemplateProblem) as raised:
        templating.render("{{ project" + grow * 4 + " }}", VARIABLES)
    assert "longer than 10000 characters" in raised.value.message


def test_results_are_bounded() -> None:
    source = "{{ project }}" * (templating.MAX_RESULT // 4 + 1)
    with pytest.raises(templating.TemplateProblem):
        templating.render(source, VARIABLES)


@pytest.mark.parametrize(
    "source",
    [
        "{{ project }}-{{ environment }}",
        "ml-{{team}}",
        "  {{ project }}  ",
        "{{ project | upper }}-x",
        "{% if team %}{{ team }}{% endif %}",
        "plain",
    ],
)
def test_simple_templates_render_as_jinja_does(source: str) -> None:
    from manifold.compile.templating import _environment

    variables = {"project": "chat", "environment": "prod", "team": "ai"}
    expected = _environment().from_string(source).render(**variables).strip()
    assert render(source, variables) == expected


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ " + "(" * 40 + "project" + ")" * 40 + " }}", "nests brackets more than 32 deep"),
        ("x" * 10_001, "longer than 10000 characters"),
    ],
)
def test_templates_that_would_exhaust_the_parser_are_refused(source: str, message: str) -> None:
    with pytest.raises(TemplateProblem, match=message):
        render(source, {"project": "demo"})


def test_a_filter_assertion_is_a_template_problem() -> None:
    with pytest.raises(TemplateProblem, match="expected length >= 3, got 1"):
        render("{{ project | truncate(1) }}", {"project": "demo"})
