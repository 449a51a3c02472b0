"""The floor: the rendered files written from plain data with a fast emitter, and nothing else.

    python bench/floor.py --emitter NAME FILES.pickle OUT_DIR

FILES.pickle holds [(relative path, header, data), ...]: the files of rendered/ as manifold
wrote them. The floor emits each with EMITTER, prepends the header and writes it under OUT_DIR
(created): no reading of inputs, no merging, no validation. Its wall time, start-up included,
is the least any compiler writing these files in Python could take.

Run as a script, this module imports nothing but the standard library and (for `csafe`)
PyYAML, so that its start-up stays near Python's own.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import re
import sys
import time
from collections.abc import Callable
from typing import Any

FloorFile = tuple[str, str, Any]
"""(path relative to the output folder, header comment lines, object)"""


# --------------------------------------------------------------------------- emitters

_PLAIN = re.compile(r"[A-Za-z_/][-A-Za-z0-9_./]*\Z")
_RESERVED = frozenset(["y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"])
"""Words YAML 1.1 or 1.2 read as booleans or null (compared in lower case)."""


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        if _PLAIN.match(value) and value.lower() not in _RESERVED:
            return value
        return json.dumps(value)  # a JSON string is a valid YAML double-quoted scalar
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        return _float(value)
    raise TypeError(f"cannot emit {type(value).__name__}")


def _float(value: float) -> str:
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    mantissa, e, exponent = text.partition("e")
    if e and "." not in mantissa:  # YAML 1.1 wants a dot: 1e+20 would read as a string
        return f"{mantissa}.0e{exponent}"
    return text


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return _scalar(value)


def _mapping(mapping: dict[Any, Any], pad: str, out: list[str]) -> None:
    for key, value in mapping.items():
        if value and isinstance(value, dict):
            out.append(f"{pad}{_scalar(key)}:\n")
            _mapping(value, pad + "  ", out)
        elif value and isinstance(value, list):
            out.append(f"{pad}{_scalar(key)}:\n")
            _sequence(value, pad, out)
        else:
            out.append(f"{pad}{_scalar(key)}: {_inline(value)}\n")


def _sequence(items: list[Any], pad: str, out: list[str]) -> None:
    for item in items:
        if item and isinstance(item, dict):
            start = len(out)
            _mapping(item, pad + "  ", out)
            out[start] = f"{pad}- {out[start][len(pad) + 2 :]}"
        elif item and isinstance(item, list):
            out.append(f"{pad}-\n")
            _sequence(item, pad + "  ", out)
        else:
            out.append(f"{pad}- {_inline(item)}\n")


def emit_minimal(data: Any) -> str:
    """Block YAML for plain dicts, lists and scalars: what a compiler's own emitter can be."""
    if not (data and isinstance(data, dict | list)):
        return _inline(data) + "\n"
    out: list[str] = []
    if isinstance(data, dict):
        _mapping(data, "", out)
    else:
        _sequence(data, "", out)
    return "".join(out)


def emit_json(data: Any) -> str:
    """JSON, which every YAML 1.2 reader (and kubectl) reads as YAML."""
    return json.dumps(data, ensure_ascii=False) + "\n"


def _libyaml_emitter() -> Callable[[Any], str] | None:
    try:
        import yaml
        from yaml import CSafeDumper
    except ImportError:
        return None

    def emit_csafe(data: Any) -> str:
        text: str = yaml.dump(data, Dumper=CSafeDumper, sort_keys=False, default_flow_style=False)
        return text

    return emit_csafe


def emitters() -> dict[str, Callable[[Any], str]]:
    """The emitters available here, by name."""
    found: dict[str, Callable[[Any], str]] = {"minimal": emit_minimal, "json": emit_json}
    csafe = _libyaml_emitter()
    if csafe is not None:
        found["csafe"] = csafe
    return found


def time_emitters(files: list[FloorFile], sample: int = 2000) -> dict[str, float]:
    """Microseconds each emitter takes per object (emitting only, no writes), best of three
    passes over an evenly spread sample of the objects."""
    chosen = files[:: max(1, len(files) // sample)]
    if not chosen:
        return {}
    timings = {}
    for name, emit in emitters().items():
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            for _, _, data in chosen:
                emit(data)
            best = min(best, time.perf_counter() - start)
        timings[name] = best / len(chosen) * 1e6
    return timings


# --------------------------------------------------------------------------- the floor


def write_files(files: list[FloorFile], out: str, emit: Callable[[Any], str]) -> None:
    made: set[str] = set()
    for relative, header, data in files:
        path = os.path.join(out, relative)
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(header + emit(data))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emitter", required=True)
    parser.add_argument("files")
    parser.add_argument("out")
    arguments = parser.parse_args(argv)
    started = time.perf_counter()
    with open(arguments.files, "rb") as handle:
        files: list[FloorFile] = pickle.load(handle)
    loaded = time.perf_counter()
    write_files(files, arguments.out, emitters()[arguments.emitter])
    done = time.perf_counter()
    json.dump({"load": loaded - started, "emit_and_write": done - loaded}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
