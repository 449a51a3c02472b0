"""Jinja2 templates in environment files: expressions over a few names, and nothing more.

A namespace template combines names. It never needs loops, macros, calls, attribute access
or arithmetic, and each of those is a way to reach Python internals (`x.__class__`) or to
make a template run or grow without bound (nested loops over `range`, `'x' * 10**9`,
`project|center(10**9)`). So a template is first checked against a short list of what it
may contain, then runs in Jinja's immutable sandbox with undefined variables as errors,
which stays as a second line of defence.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from jinja2 import (
    StrictUndefined,
    Template,
    TemplateError,
    UndefinedError,
    meta,
    nodes,
    pass_eval_context,
)
from jinja2.exceptions import SecurityError
from jinja2.filters import do_replace
from jinja2.sandbox import ImmutableSandboxedEnvironment

from manifold.core.modelcheck import did_you_mean

MAX_RESULT = 10_000
MAX_SOURCE = 10_000
"""Longest template read: a namespace template is a few dozen characters."""
MAX_NESTING = 32
"""Deepest brackets (counting the two of `{{`) a template may nest."""
"""Longest text a template may produce (a namespace has at most 63 characters)."""

_FILTERS = (
    "capitalize",
    "d",
    "default",
    "lower",
    "replace",
    "string",
    "title",
    "trim",
    "truncate",
    "upper",
)
_ALLOWED = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.Concat,
    nodes.Add,
    nodes.If,
    nodes.CondExpr,
    nodes.Compare,
    nodes.Operand,
    nodes.And,
    nodes.Or,
    nodes.Not,
    nodes.Filter,
    nodes.Keyword,
    nodes.Getitem,
    nodes.Slice,
    nodes.List,
    nodes.Tuple,
)
_REFUSED_NAMES: dict[type[nodes.Node], str] = {
    nodes.For: "a for loop",
    nodes.Macro: "a macro",
    nodes.CallBlock: "a call block",
    nodes.Call: "a call",
    nodes.Getattr: "attribute access",
    nodes.Assign: "an assignment",
    nodes.AssignBlock: "an assignment",
    nodes.Include: "an include",
    nodes.Import: "an import",
    nodes.FromImport: "an import",
    nodes.Extends: "extends",
    nodes.Block: "a block",
    nodes.Test: "a test ('is ...')",
    nodes.Mul: "arithmetic",
    nodes.Div: "arithmetic",
    nodes.FloorDiv: "arithmetic",
    nodes.Mod: "arithmetic",
    nodes.Pow: "arithmetic",
    nodes.Sub: "arithmetic",
    nodes.Neg: "arithmetic",
    nodes.Pos: "arithmetic",
}
WHAT_IS_ALLOWED = (
    "templates may combine variables and quoted text with '~', if/else, comparisons, slices "
    f"and the filters {', '.join(_FILTERS)}"
)


class TemplateProblem(ValueError):
    """A template that does not compile or render; the message says what to change."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@pass_eval_context
def _bounded_replace(context: Any, text: str, old: str, new: str, count: int | None = None) -> str:
    growth = (len(new) - len(old)) * (text.count(old) if old else len(text) + 1)
    if len(text) + max(growth, 0) > MAX_RESULT:
        raise SecurityError(f"replace would make a text longer than {MAX_RESULT} characters")
    return str(do_replace(context, text, old, new, count))


@functools.cache
def _environment() -> ImmutableSandboxedEnvironment:
    environment = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    environment.globals.clear()  # no range, lipsum, cycler...: only the variables given
    environment.filters = {name: environment.filters[name] for name in _FILTERS}
    environment.filters["replace"] = _bounded_replace
    return environment


def _refusal(node: nodes.Node) -> str | None:
    """What in `node` a template may not contain, in words; None when it may."""
    if isinstance(node, nodes.Filter) and node.name not in _FILTERS:
        return f"the filter {node.name!r}"
    if isinstance(node, nodes.Filter) and (node.dyn_args or node.dyn_kwargs):
        return "*args or **kwargs"
    if isinstance(node, nodes.Getitem) and not (
        isinstance(node.arg, nodes.Slice)
        or (isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, int))
    ):
        return "an index that is not a number or a slice"
    if not isinstance(node, _ALLOWED):
        return _REFUSED_NAMES.get(type(node), f"the construct {type(node).__name__!r}")
    return None


def _refusals(source: str, tree: nodes.Template) -> list[str]:
    """Everything in the template it may not contain, attribute access first, in words."""
    attributes = sorted(
        {node.attr for node in tree.find_all(nodes.Getattr)}, key=lambda a: source.find("." + a)
    )
    refused = []
    if attributes:
        refused.append(f"attribute access ({', '.join(repr('.' + a) for a in attributes)})")
    for node in tree.find_all(nodes.Node):
        what = None if isinstance(node, nodes.Getattr) else _refusal(node)
        if what is not None and what not in refused:
            refused.append(what)
    return refused


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> tuple[Template, frozenset[str]]:
    """The template, and the variables it uses."""
    environment = _environment()
    if len(source) > MAX_SOURCE:
        raise TemplateProblem(f"template is longer than {MAX_SOURCE} characters")
    if _bracket_depth(source) > MAX_NESTING:
        raise TemplateProblem(
            f"template nests brackets more than {MAX_NESTING} deep", "write it more simply"
        )
    try:
        tree = environment.parse(source)
    except TemplateError as error:
        raise TemplateProblem(f"template does not compile: {error.message or error}") from error
    refused = _refusals(source, tree)
    if refused:
        listed = ", ".join(refused[:-1]) + " and " + refused[-1] if len(refused) > 1 else refused[0]
        verb = "is" if len(refused) == 1 else "are"
        raise TemplateProblem(f"template uses {listed}, which {verb} not allowed", WHAT_IS_ALLOWED)
    names = frozenset(meta.find_undeclared_variables(tree))
    return environment.from_string(tree), names


def _bracket_depth(source: str) -> int:
    """How deep brackets nest in `source`: Jinja's parser and compiler recurse once a level."""
    depth = deepest = 0
    for character in source:
        if character in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in ")]}":
            depth -= 1
    return deepest


def compile_template(source: str) -> Template:
    """The compiled template; raises TemplateProblem when it may not be used."""
    return _compiled(source)[0]


_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@functools.lru_cache(maxsize=256)
def _substitution(source: str) -> tuple[str, ...] | None:
    """A template that is only text and `{{ name }}` (most namespace templates), split into
    text and names; None for anything else. Rendering it needs no Jinja run per project."""
    parts = tuple(_PLACEHOLDER.split(source))
    texts = parts[::2]
    if any(marker in text for text in texts for marker in ("{{", "}}", "{%", "%}", "{#", "#}")):
        return None
    return parts


def render(source: str, variables: dict[str, str]) -> str:
    template, names = _compiled(source)
    unknown = sorted(names - variables.keys())
    if unknown:
        name = unknown[0]
        raise TemplateProblem(
            f"template uses the variable {name!r}, which does not exist",
            did_you_mean(name, sorted(variables)) or f"variables: {', '.join(sorted(variables))}",
        )
    parts = _substitution(source)
    try:
        if parts is not None:
            result = "".join(variables[p] if i % 2 else p for i, p in enumerate(parts))
        else:
            result = template.render(**variables)
    except SecurityError as error:
        raise TemplateProblem(f"template tried something the sandbox forbids ({error})") from error
    except UndefinedError as error:
        raise TemplateProblem(f"template uses something undefined ({error.message})") from error
    except TemplateError as error:
        raise TemplateProblem(f"template failed: {error.message or error}") from error
    except (TypeError, ValueError, ArithmeticError, RecursionError, AssertionError) as error:
        # Jinja's filters check their arguments with assert (truncate's length, for one).
        raise TemplateProblem(f"template failed: {error or type(error).__name__}") from error
    if len(result) > MAX_RESULT:
        raise TemplateProblem(f"template gives a text longer than {MAX_RESULT} characters")
    return result.strip()
