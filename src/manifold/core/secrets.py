"""Recognising credentials: none is accepted in an input file, printed, or shown by a diff.

Projects reference secrets by name and key (`secret: {name, key}` for an environment variable,
`storage.credentialsSecret` for model downloads); the values live in the cluster. Files under
projects/ and environments/ are committed to git and their values are rendered in clear into
rendered/, so a credential written into one is leaked twice.

A value is taken for a credential when:
- it holds a **known format**, anywhere: a PEM block (`-----BEGIN ...`), a token with a
  well-known prefix (GitHub, GitLab, Hugging Face, OpenAI, Anthropic, Slack, Stripe, npm,
  PyPI), an AWS access key ID, a Google API key, a JSON Web Token, a URL with a password, an
  Authorization header value;
- it is a **literal value under a secret name** (`HF_TOKEN`, `DB_PASSWORD`, `OPENAI_API_KEY`,
  `--api-key=...`) in an environment variable, a command-line argument or a free-form map
  (labels, annotations, parameters, node selectors);
- it **looks random** (long, mixed letters and digits, high entropy) in one of those places.

What other modules use: `find` and `mask_text` (known formats in any text), `is_secret_name`,
`looks_random`, `secret_values` (every credential in a document, with its path: `decode`
refuses them) and `added_secret_values` (only those a patch brought). `masking` builds on
these to mask whole objects for `diff`.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from manifold.core.jsonpath import JsonPath

MASK = "****"


@dataclass(frozen=True)
class Finding:
    """A credential inside a text: what it looks like, and where its secret part is."""

    kind: str
    start: int
    end: int


# Each format: what it is, and a pattern whose `secret` group is the part never to show.
_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        (
            "a PEM block (a private key or certificate)",
            r"-----BEGIN[A-Z0-9 ]*-----(?P<secret>[\s\S]*?(?:-----END[A-Z0-9 ]*-----|\Z))",
        ),
        ("a GitHub token", r"(?<![A-Za-z0-9])gh[pousr]_(?P<secret>[A-Za-z0-9]{30,})"),
        ("a GitHub token", r"(?<![A-Za-z0-9])github_pat_(?P<secret>[A-Za-z0-9_]{30,})"),
        ("a GitLab token", r"(?<![A-Za-z0-9])glpat-(?P<secret>[A-Za-z0-9_-]{20,})"),
        ("a Hugging Face token", r"(?<![A-Za-z0-9])hf_(?P<secret>[A-Za-z0-9]{30,})"),
        (
            "an OpenAI or Anthropic API key",
            r"(?<![A-Za-z0-9])sk-(?:proj-|svcacct-|admin-|ant-(?:api|admin)[0-9]+-)?"
            r"(?P<secret>(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,})",
        ),
        ("a Slack token", r"(?<![A-Za-z0-9])xox[abposr]-(?P<secret>[A-Za-z0-9-]{10,})"),
        (
            "a Slack webhook URL",
            r"https://hooks\.slack\.com/services/(?P<secret>[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]+)",
        ),
        ("a Stripe key", r"(?<![A-Za-z0-9])[rs]k_(?:live|test)_(?P<secret>[A-Za-z0-9]{16,})"),
        ("an npm token", r"(?<![A-Za-z0-9])npm_(?P<secret>[A-Za-z0-9]{36})"),
        ("a PyPI token", r"(?<![A-Za-z0-9])pypi-(?P<secret>AgE[A-Za-z0-9_-]{50,})"),
        (
            "an AWS access key ID",
            r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)(?P<secret>[A-Z0-9]{16})(?![A-Z0-9])",
        ),
        ("a Google API key", r"(?<![A-Za-z0-9])AIza(?P<secret>[0-9A-Za-z_-]{35})"),
        (
            "a JSON Web Token",
            r"(?<![A-Za-z0-9])eyJ(?P<secret>[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)",
        ),
        (
            "a URL with a password",
            # A password may hold '/' (s3://user:pa/ss@bucket); a port followed by a path
            # with '@' in it (https://host:443/@scope/x) is not one.
            r"[A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:(?P<secret>(?![$][({])(?![0-9]+[/@])[^\s@]+)@",
        ),
        (
            "an Authorization header value",
            r"(?i)\b(?:bearer|basic)\s+(?P<secret>[A-Za-z0-9._~+/=-]{16,})",
        ),
        ("an Azure storage key", r"AccountKey=(?P<secret>[A-Za-z0-9+/=]{20,})"),
        (
            # "-----BEGIN" in base64, at each of the three alignments it can start at.
            "a base64-encoded PEM block (a private key or certificate)",
            r"(?P<secret>[A-Za-z0-9+/]{0,3}(?:LS0tLS1CRUdJT|0tLS0tQkVHSU|tLS0tLUJFR0lO)"
            r"[A-Za-z0-9+/=\s]{16,})",
        ),
    )
)


# Something every format contains: most texts are ruled out by this one search.
_ANY_FORMAT = re.compile(
    r"-----BEGIN|gh[pousr]_|github_pat_|glpat-|hf_|sk-|xox[abposr]-|hooks\.slack|[rs]k_(?:live|test)_"
    r"|npm_|pypi-|AKIA|ASIA|ABIA|ACCA|AIza|eyJ|://|(?i:bearer|basic)\s|AccountKey="
    r"|LS0tLS1CRUdJT|0tLS0tQkVHSU|tLS0tLUJFR0lO"
)


def _may_hold(text: str) -> bool:
    """Whether `text` may hold a credential of a known format: the shortest format has 16
    characters, and every format holds something `_ANY_FORMAT` finds."""
    return len(text) >= 16 and _ANY_FORMAT.search(text) is not None


def find(text: str) -> list[Finding]:
    """The credentials of known formats in `text`, in order, not overlapping."""
    if not _may_hold(text):
        return []
    found: list[Finding] = []
    for kind, pattern in _FORMATS:
        for match in pattern.finditer(text):
            start, end = match.span("secret")
            if text.startswith(MASK, start) or any(f.start < end and start < f.end for f in found):
                continue  # masked already, or inside another credential
            found.append(Finding(kind, start, end))
    return sorted(found, key=lambda f: f.start)


_FLAG = re.compile(r"(?<!\S)(?P<flag>--?[A-Za-z][A-Za-z0-9_.-]*)=(?P<value>\S+)")


def mask_text(text: str) -> str:
    """`text` with the secret part of every known credential in it, and the value of every
    flag named like a secret (`--api-key=...`), replaced by MASK."""
    findings = find(text)
    for finding in reversed(findings):
        text = text[: finding.start] + MASK + text[finding.end :]
    if "=" in text:
        text = _FLAG.sub(
            lambda m: f"{m['flag']}={MASK}" if is_secret_name(m["flag"]) else m.group(), text
        )
    return text


_WORD = re.compile(r"[A-Z]+[0-9]*(?![a-z])|[A-Z]?[a-z]+[0-9]*|[0-9]+")
_SECRET_WORDS = frozenset(
    {"TOKEN", "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "CREDENTIAL", "CREDENTIALS", "APIKEY"}
)
_KEY_QUALIFIERS = frozenset(
    {"API", "ACCESS", "PRIVATE", "SECRET", "SIGNING", "ENCRYPTION", "AUTH", "MASTER", "ACCOUNT"}
)


def is_secret_name(name: str) -> bool:
    """Whether a variable, flag or key name says that its value is a secret: its last word is
    TOKEN, PASSWORD, SECRET... or KEY after API, ACCESS, PRIVATE... (`HF_TOKEN`,
    `OPENAI_API_KEY`, `--db-password`, `secretAccessKey`; not `MAX_TOKENS` or `TOKEN_URL`)."""
    words = [word.upper() for word in _WORD.findall(name)]
    if not words:
        return False
    if words[-1] in _SECRET_WORDS:
        return True
    return len(words) >= 2 and words[-1] == "KEY" and words[-2] in _KEY_QUALIFIERS


_TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9+/=_.~-]+\Z")


def looks_random(text: str) -> bool:
    """Whether `text` looks like a generated secret: at least 32 characters of a token's
    alphabet, with upper- and lower-case letters and digits, close to random in what
    characters it uses (entropy of at least 4 bits per character) and in how they follow
    each other: in random text the next character is of another class (upper, lower, digit)
    about 60% of the time, in names built of words (`Qwen2ForCausalLM-AWQ-4bit`) far less."""
    if len(text) < 32 or not _TOKEN_CHARACTERS.match(text) or _compound_name(text):
        return False
    classes = [_character_class(c) for c in text if c.isalnum()]
    if len(set(classes)) < 3:
        return False
    changes = sum(a != b for a, b in itertools.pairwise(classes))
    if changes < 0.4 * (len(classes) - 1):
        return False
    counts = Counter(text).values()
    entropy = -sum(n / len(text) * math.log2(n / len(text)) for n in counts)
    return entropy >= 4.0


def _compound_name(text: str) -> bool:
    """A name built of short parts, as Hugging Face repository ids are
    (`NousResearch/Hermes-2-Pro-Llama-3-8B`, `Qwen/Qwen3-Next-80B-A3B-Instruct` in OME's
    catalogue): at least four parts of at most 12 characters between `-`, `_`, `.` or a
    single `/`. Their short numeric parts flip character classes as often as random text."""
    parts = re.split(r"[-_./]", text)
    return text.count("/") <= 1 and len(parts) >= 4 and all(len(part) <= 12 for part in parts)


def _character_class(character: str) -> int:
    return 0 if character.isdigit() else 1 if character.isupper() else 2


def _is_reference(value: str) -> bool:
    """Values that name where a secret is rather than holding it: `$(VAR)`, a file path."""
    return (
        value == ""
        or re.fullmatch(r"\$\([A-Za-z_][A-Za-z0-9_]*\)", value) is not None
        or (value.startswith("/") and " " not in value)
    )


# --------------------------------------------------------------------------- where values sit

_FREE_FORM_MAPS = frozenset(
    {
        "labels",
        "annotations",
        "parameters",
        "nodeSelector",
        "hyperParameters",
        "hyperparameters",
        "configuration",
        "config",
        "requestParams",
    }
)
"""Maps whose keys are the user's own words: a key that names a secret makes its value one."""
_ARGUMENT_LISTS = frozenset({"args", "command"})
_NAMED_VALUE_LISTS = frozenset({"env", "httpHeaders", "headers"})
"""Lists of {name, value} pairs (environment variables, a probe's HTTP headers)."""
_PLACED_KEYS = _FREE_FORM_MAPS | _ARGUMENT_LISTS | _NAMED_VALUE_LISTS
"""Keys under which values are read differently from anywhere else."""


@dataclass(frozen=True)
class SecretValue:
    """A value in a document that must not be there (or be shown) as it is."""

    path: JsonPath
    why: str
    """What it looks like, in words, for a message."""
    masked: str
    """How it may be shown."""
    env: bool = False
    """Whether it is the value of an environment variable (the advice differs)."""
    at_key: bool = False
    """Whether the credential is the key at `path` rather than its value."""


def _text_finding(value: str, path: JsonPath, *, env: bool = False) -> SecretValue | None:
    findings = find(value)
    if not findings:
        return None
    masked = mask_text(value)
    return SecretValue(path, f"looks like {findings[0].kind} ({_excerpt(masked)})", masked, env)


def _excerpt(masked: str) -> str:
    """The part of a masked text around its first mask, on one line, for a message."""
    at = masked.find(MASK)
    start, end = max(0, at - 30), at + len(MASK) + 10
    text = " ".join(masked[start:end].split())
    return ("..." if start > 0 else "") + text + ("..." if end < len(masked) else "")


def _named_value(
    name: str, value: str, path: JsonPath, what: str, *, env: bool = False
) -> SecretValue | None:
    if _is_reference(value):
        return None
    if is_secret_name(name):
        why = f"of {what} is written out, and the name says it is a secret"
        return SecretValue(path, why, MASK, env)
    if looks_random(value):
        return SecretValue(path, f"of {what} looks like a random credential", MASK, env)
    return None


def secret_values(data: Any, path: JsonPath = ()) -> Iterator[SecretValue]:
    """Every value in `data` that is, or holds, a credential."""
    if isinstance(data, str):
        found = _text_finding(data, path)
        if found:
            yield found
    elif isinstance(data, list):
        for index, item in enumerate(data):
            # Leaves are looked at here, without a generator each (most nodes are leaves),
            # and most texts are ruled out without a call (`_may_hold`, as `find` does).
            if isinstance(item, str):
                if _may_hold(item) and (found := _text_finding(item, (*path, index))):
                    yield found
            elif isinstance(item, dict | list):
                yield from secret_values(item, (*path, index))
    elif isinstance(data, dict):
        for key, value in data.items():
            here = (*path, key)
            key_finding = _may_hold(key) and _text_finding(key, here)
            if key_finding:
                yield SecretValue(here, key_finding.why, MASK, at_key=True)
            if key in _FREE_FORM_MAPS and isinstance(value, dict):
                yield from _free_form_values(value, here)
            elif key in _ARGUMENT_LISTS and isinstance(value, list):
                yield from _argument_values(value, here)
            elif key in _NAMED_VALUE_LISTS and isinstance(value, list):
                yield from _env_values(value, here, env=key == "env")
            elif isinstance(value, str):
                if _may_hold(value) and (found := _text_finding(value, here)):
                    yield found
            elif isinstance(value, dict | list):
                yield from secret_values(value, here)


def added_secret_values(after: Any, before: Any, path: JsonPath = ()) -> Iterator[SecretValue]:
    """The credentials in `after` outside what it shares with `before` at the same place: what
    a patch brought. Patches share unchanged subtrees with the object they patch
    (compile/overlay.py), so only what changed is scanned. The walk descends only under keys
    `before` had and whose meaning does not depend on where they sit; a changed value under a
    free-form map, an argument list or a named-value list is scanned whole."""
    if after is before:
        return
    if isinstance(after, dict) and isinstance(before, dict):
        for key, value in after.items():
            earlier = before.get(key)
            if value is earlier:
                continue
            if key in before and key not in _PLACED_KEYS and isinstance(value, dict | list):
                yield from added_secret_values(value, earlier, (*path, key))
            else:
                yield from secret_values({key: value}, path)
    elif isinstance(after, list) and isinstance(before, list):
        for index, item in enumerate(after):
            earlier = before[index] if index < len(before) else None
            yield from added_secret_values(item, earlier, (*path, index))
    else:
        yield from secret_values(after, path)


def _free_form_values(mapping: dict[str, Any], path: JsonPath) -> Iterator[SecretValue]:
    for key, value in mapping.items():
        here = (*path, key)
        if isinstance(value, dict):  # nested settings are the user's words too
            key_finding = _text_finding(key, here)
            if key_finding:
                yield SecretValue(here, key_finding.why, MASK, at_key=True)
            yield from _free_form_values(value, here)
            continue
        if not isinstance(value, str):
            yield from secret_values({key: value}, path)
            continue
        key_finding = _text_finding(key, here)
        if key_finding:
            yield SecretValue(here, key_finding.why, MASK, at_key=True)
        found = _text_finding(value, here) or _named_value(key, value, here, repr(key))
        if found:
            yield found


def _env_values(variables: list[Any], path: JsonPath, *, env: bool) -> Iterator[SecretValue]:
    for index, variable in enumerate(variables):
        here = (*path, index)
        if not (
            isinstance(variable, dict)
            and isinstance(variable.get("name"), str)
            and isinstance(variable.get("value"), str)
        ):
            yield from secret_values(variable, here)
            continue
        name, value = variable["name"], variable["value"]
        where = (*here, "value")
        what = f"environment variable {name}" if env else f"the header {name}"
        found = _text_finding(value, where, env=env) or _named_value(
            name, value, where, what, env=env
        )
        if found:
            yield found
        yield from secret_values({k: v for k, v in variable.items() if k != "value"}, here)


def _argument_values(arguments: list[Any], path: JsonPath) -> Iterator[SecretValue]:
    flag_before: str | None = None
    for index, argument in enumerate(arguments):
        here = (*path, index)
        if not isinstance(argument, str):
            yield from secret_values(argument, here)
            flag_before = None
            continue
        flag, equals, value = argument.partition("=")
        found = _text_finding(argument, here)
        if found is None and equals and flag.startswith("-"):
            found = _named_value(flag, value, here, f"the argument {flag}")
        if found is None and flag_before is not None and not argument.startswith("-"):
            found = _named_value(flag_before, argument, here, f"the argument {flag_before}")
        if found:
            yield found
        flag_before = argument if argument.startswith("-") and not equals else None
