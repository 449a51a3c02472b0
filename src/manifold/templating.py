"""Jinja2 templates in environment files, sandboxed: they see names, never Python internals."""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, UndefinedError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

_MAX_RESULT = 10_000


class TemplateProblem(ValueError):
    """A template that does not compile or render; the message says what to change."""


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's sandbox keeps templates away from Python internals; this one also refuses
    arithmetic that would build huge values (`'x' * 10**9`)."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise SecurityError("exponent too large")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                repeated = isinstance(sequence, str | list | tuple) and isinstance(count, int)
                if repeated and len(sequence) * count > _MAX_RESULT:
                    raise SecurityError("repetition result too large")
        return super().call_binop(context, operator, left, right)


@functools.cache
def _environment() -> _Sandbox:
    return _Sandbox(undefined=StrictUndefined, autoescape=False)


@functools.lru_cache(maxsize=256)
def compile_template(source: str) -> Template:
    try:
        return _environment().from_string(source)
    except TemplateError as error:
        raise TemplateProblem(f"template does not compile: {error.message or error}") from error


def render(source: str, variables: dict[str, str]) -> str:
    template = compile_template(source)
    try:
        return template.render(**variables).strip()
    except SecurityError as error:
        raise TemplateProblem(
            f"template tried something the sandbox forbids ({error}); templates may only use "
            f"the variables {', '.join(sorted(variables))}"
        ) from error
    except UndefinedError as error:
        raise TemplateProblem(
            f"template uses an undefined variable ({error.message}); available: "
            f"{', '.join(sorted(variables))}"
        ) from error
    except TemplateError as error:
        raise TemplateProblem(f"template failed: {error.message or error}") from error
    except (TypeError, ValueError, ArithmeticError, RecursionError) as error:
        raise TemplateProblem(f"template failed: {error}") from error
