"""What a YAML syntax error means to the person who made it: libyaml's message reworded, and a
hint for the usual causes (a tab, a quote left open over lines, a second document).
"""

from __future__ import annotations

import re

from yaml import scan
from yaml.error import MarkedYAMLError, YAMLError
from yaml.reader import ReaderError

from manifold.core.diagnostics import Position
from manifold.core.yaml.dialect import (
    INPUTS,
    YamlError,
    loader_for,
)
from manifold.core.yaml.positions import (
    mark_position,
    position_at,
)


def describe(text: str, error: YAMLError) -> str:
    if isinstance(error, MarkedYAMLError):
        context = error.context
        mark = error.context_mark
        if context and mark is not None and mark != error.problem_mark:
            where = mark_position(text, mark)
            if where is not None:
                context = f"{context} (at line {where.line}, column {where.column})"
        problem = error.problem
        if problem and "could not determine a constructor for the tag" in problem:
            tag = problem.rsplit(" ", 1)[-1].replace("tag:yaml.org,2002:", "!!")
            problem = (
                f"the tag {tag} is not supported: manifold reads plain YAML (strings, numbers, "
                "booleans, null, lists and mappings)"
            )
        parts = [part for part in (context, problem) if part]
        if parts:
            return "; ".join(parts).replace("\n", " ")
    return str(error).splitlines()[0]


def reader_error(text: str, error: ReaderError) -> YamlError:
    character = error.character
    code = character if isinstance(character, int) else ord(character)
    position = position_at(text, error.position) if error.position <= len(text) else None
    return YamlError(
        f"the character U+{code:04X} is not allowed in YAML ({error.reason}); remove it, or write "
        "it as an escape inside a double-quoted string",
        position,
    )


def second_document_position(text: str) -> Position | None:
    starts = [m.start() for m in re.finditer(r"^---", text, flags=re.MULTILINE)]
    content_before = text[: starts[0]].strip() if starts else ""
    index = 1 if (starts and content_before == "") else 0
    if len(starts) <= index:
        return None
    return Position(text.count("\n", 0, starts[index]) + 1, 1)


def syntax_hint(text: str, message: str, position: Position | None) -> str | None:
    """What usually causes a syntax error like this one, in words a person editing YAML uses."""
    lines = text.splitlines()
    line = lines[position.line - 1] if position and 0 < position.line <= len(lines) else ""
    character = line[position.column - 1 : position.column] if position else ""
    if "tab" in message or character == "\t":
        return "indent with spaces: YAML does not allow tabs for indentation"
    if "cannot start any token" in message and character in ("@", "`"):
        return f"'{character}' cannot start a plain value: put the value in quotes"
    if "undefined alias" in message:
        return (
            "'*name' refers to an anchor '&name' defined earlier in the file; quote the value "
            "if the '*' is meant literally"
        )
    if "unknown escape character" in message:
        return "inside double quotes '\\' starts an escape: use single quotes, or write '\\\\'"
    if "end of stream" in message and "quoted scalar" in message:
        return "a quote is not closed"
    if "block sequence entries are not allowed" in message:
        return "a list starts on the line after its key: put each '- item' on a line of its own"
    if "scanning an anchor" in message or "scanning an alias" in message:
        return "'&' and '*' start an anchor and an alias: quote the value if it is meant literally"
    if "expected ',' or ']'" in message:
        return "a '[' list needs its closing ']', and commas between its items"
    if "expected ',' or '}'" in message:
        return "a '{' mapping needs its closing '}', and commas between its entries"
    if "incompatible YAML document" in message:
        return "remove the %YAML directive: manifold reads YAML 1.2"
    unclosed = _multiline_quote_before(text, position)
    if unclosed is not None:
        return (
            f"the quoted value that starts at line {unclosed.line}, column {unclosed.column} runs "
            "over several lines: is a closing quote missing?"
        )
    if "found unexpected ':'" in message:
        return "inside [ ] or { }, a value that contains ':' must be quoted"
    if position is not None and (
        "mapping values are not allowed" in message or "expected ':'" in message
    ):
        previous = next(
            (
                (number, candidate)
                for number, candidate in reversed(list(enumerate(lines[: position.line - 1], 1)))
                if candidate.strip() and not candidate.lstrip().startswith("#")
            ),
            None,
        )
        if previous and ":" not in previous[1] and not previous[1].lstrip().startswith("-"):
            return f"line {previous[0]} has no ':' after its key"
        return "a value that contains ': ' must be quoted"
    if "did not find expected key" in message or "expected '-' indicator" in message:
        return "check the indentation of this line: it must line up with the keys it belongs with"
    return None


def _multiline_quote_before(text: str, position: Position | None) -> Position | None:
    """Where a quoted scalar that spans lines starts, when one comes before `position`."""
    if position is None:
        return None
    found = None
    try:
        for token in scan(text, Loader=loader_for(INPUTS)):
            start, end = token.start_mark, token.end_mark
            if (start.line + 1, start.column + 1) >= (position.line, position.column):
                break
            if getattr(token, "style", None) in ("'", '"') and end.line > start.line:
                found = position_at(text, start.index)
    except YAMLError:
        pass
    return found


def long_number(text: str) -> Position | None:
    longest = max(re.finditer(r"[0-9_]+", text), key=lambda m: m.end() - m.start(), default=None)
    return position_at(text, longest.start()) if longest else None
