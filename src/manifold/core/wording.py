"""Counts in the words a summary line shows a person: "1 file", "2 files".

Summaries are read at a glance in a terminal or a CI log, where "1 objects" reads as a bug;
every count a command prints goes through here so that singular and plural are right once.
"""

from __future__ import annotations


def plural(word: str) -> str:
    """The plural of a regular English noun, the only kind summaries count."""
    if word.endswith(("s", "x", "sh", "ch")):
        return word + "es"
    return word + "s"


def counted(count: int, noun: str) -> str:
    """`count` and `noun`, the noun in the plural unless there is exactly one."""
    return f"{count:,} {noun if count == 1 else plural(noun)}"


def rendered_tally(environments: int, objects: int, files: int) -> str:
    """What a render produced, with objects and files counted apart: a file may hold no
    object (a `kustomization.yaml`, an index), so one count cannot stand for the other."""
    return (
        f"{counted(environments, 'environment')}, "
        f"{counted(objects, 'object')} in {counted(files, 'file')}"
    )
