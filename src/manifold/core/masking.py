"""Secret-looking values replaced by a placeholder before anything shows them to people.

Rendered objects should hold only references to Secrets, but an inline `value` of a
`HF_TOKEN` variable or a `--api-key=...` argument is one edit away, and a pull-request
comment is public to everyone who can read the repository. Masked:

- the `data` and `stringData` of a `Secret`;
- the `value` of a `{name, value}` pair whose name looks secret (environment variables);
- a string under a key that looks secret (`password`, `apiToken`, `clientSecret`...), but
  not references to secrets (`secretName`, `tokenSecretRef`...);
- in command lines, the value of a flag that looks secret (`--token=...`, `--password X`);
- anywhere, text shaped like a credential (private keys, passwords in URLs, tokens with a
  known prefix). What looks secret is decided by `manifold.core.secrets`, as for inputs.

`mask_pair` masks an old and a new version together so that a changed secret still shows
as changed: the new side then reads `****(changed)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from manifold.core.secrets import MASK, is_secret_name, mask_text

CHANGED: Final = f"{MASK}(changed)"


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = _Missing()
"""A value that is absent on one side of a pair."""


def mask(document: Any) -> Any:
    """A copy of `document` with its secret-looking values masked."""
    masked, _ = mask_pair(document, MISSING)
    return masked


def mask_pair(before: Any, after: Any) -> tuple[Any, Any]:
    """Both versions masked; where a secret differs between them, the new one says so."""
    secret_object = _is_secret_object(before) or _is_secret_object(after)
    return _pair(before, after, _Context(secret_object=secret_object))


def _is_secret_object(document: Any) -> bool:
    return isinstance(document, dict) and document.get("kind") == "Secret"


@dataclass(frozen=True)
class _Context:
    secret: bool = False
    """The value here is a secret (a string or number; a mapping is judged key by key)."""
    everything: bool = False
    """Everything below is secret (the data of a Secret)."""
    secret_object: bool = False
    top: bool = True


def _pair(before: Any, after: Any, context: _Context) -> tuple[Any, Any]:
    if isinstance(before, dict) or isinstance(after, dict):
        return _pair_mappings(before, after, context)
    if isinstance(before, list) or isinstance(after, list):
        return _pair_lists(before, after, context)
    return _leaves(before, after, context.secret or context.everything)


def _pair_mappings(before: Any, after: Any, context: _Context) -> tuple[Any, Any]:
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    secret_pair = _names_a_secret(old) or _names_a_secret(new)
    results: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
    for key in [*new, *(k for k in old if k not in new)]:
        inner = _Context(
            secret=(secret_pair and key == "value") or is_secret_name(key),
            everything=context.everything
            or (context.secret_object and context.top and key in ("data", "stringData")),
            top=False,
        )
        masked = _pair(old.get(key, MISSING), new.get(key, MISSING), inner)
        for side, value in zip(results, masked, strict=True):
            if value is not MISSING:
                side[key] = value
    secret = context.secret or context.everything
    return (
        results[0] if isinstance(before, dict) else _leaves(before, MISSING, secret)[0],
        results[1] if isinstance(after, dict) else _leaves(MISSING, after, secret)[1],
    )


def _names_a_secret(mapping: dict[str, Any]) -> bool:
    name = mapping.get("name")
    return isinstance(name, str) and "value" in mapping and is_secret_name(name)


def _pair_lists(before: Any, after: Any, context: _Context) -> tuple[Any, Any]:
    """Items paired by `name` when every item has a distinct one (environment variables),
    else by position."""
    old = _flag_values(before) if isinstance(before, list) else []
    new = _flag_values(after) if isinstance(after, list) else []
    old_keys, new_keys = _item_keys(old, new)
    old_items = dict(zip(old_keys, old, strict=True))
    new_items = dict(zip(new_keys, new, strict=True))
    inner = _Context(secret=context.secret, everything=context.everything, top=False)
    masked = {
        key: _pair(old_items.get(key, MISSING), new_items.get(key, MISSING), inner)
        for key in {*old_keys, *new_keys}
    }
    secret = context.secret or context.everything
    return (
        [masked[key][0] for key in old_keys]
        if isinstance(before, list)
        else _leaves(before, MISSING, secret)[0],
        [masked[key][1] for key in new_keys]
        if isinstance(after, list)
        else _leaves(MISSING, after, secret)[1],
    )


def _item_keys(old: list[Any], new: list[Any]) -> tuple[list[Any], list[Any]]:
    def names(items: list[Any]) -> list[Any] | None:
        found = [i.get("name") if isinstance(i, dict) else None for i in items]
        unique = len(set(found)) == len(found)
        return found if unique and all(isinstance(n, str) for n in found) else None

    old_names, new_names = names(old), names(new)
    if old_names is not None and new_names is not None:
        return old_names, new_names
    return list(range(len(old))), list(range(len(new)))


def _flag_values(items: list[Any]) -> list[Any]:
    """`["--token", "abc"]`: the item after a secret flag is the secret."""
    masked = list(items)
    for index, item in enumerate(items[:-1]):
        following = items[index + 1]
        if (
            isinstance(item, str)
            and item.startswith("-")
            and "=" not in item
            and is_secret_name(item)
            and isinstance(following, str)
            and not following.startswith("-")
        ):
            masked[index + 1] = _Secret(following)
    return masked


class _Secret(str):
    """A list item known to be a secret from the flag before it."""


def _leaves(before: Any, after: Any, secret: bool) -> tuple[Any, Any]:
    old, new = _leaf(before, secret), _leaf(after, secret)
    changed = before is not MISSING and after is not MISSING and before != after
    if changed and old == new and isinstance(new, str) and MASK in new:
        new = new.replace(MASK, CHANGED)
    return old, new


def _leaf(value: Any, secret: bool) -> Any:
    scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
    if isinstance(value, _Secret) or (secret and scalar and value != ""):
        return MASK
    if isinstance(value, str):
        return mask_text(value)
    return value
