"""The files the commands that need no database read and write (match solve, fund allocate)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from equalfooting.domain.errors import InvalidFile


def read_json(path: str) -> Any:
    """The JSON in a file; InvalidFile says, in one sentence, why it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as exc:
        raise InvalidFile(f"cannot read {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise InvalidFile(f"{path} is not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise InvalidFile(f"{path} is not valid JSON: {exc}") from exc
    except RecursionError:
        raise InvalidFile(f"{path} is nested too deeply to be read") from None
    except ValueError as exc:  # an integer of thousands of digits, refused by Python itself
        raise InvalidFile(f"{path} holds a number with too many digits to read") from exc


def json_text(data: Any, *, levels: int) -> str:
    """JSON laid out for reading and diffing: the outer `levels` of objects and lists one entry
    per line, indented, and each entry below them on its own line, compact.

    Each entry goes through the C encoder, which `json.dumps(indent=...)` cannot use: a round of
    thousands of requests is written in less than half the time.
    """
    encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode

    def lay_out(value: Any, level: int, pad: str) -> str:
        if level >= levels or not isinstance(value, dict | list) or not value:
            return encode(value)
        inner = pad + "  "
        if level + 1 < levels:
            if isinstance(value, dict):
                lines = [f"{encode(k)}: {lay_out(v, level + 1, inner)}" for k, v in value.items()]
            else:
                lines = [lay_out(v, level + 1, inner) for v in value]
        # The deepest level holds the long lists (every assignment and reason of a round):
        # each entry is one call to the C encoder.
        elif isinstance(value, dict):
            lines = [f"{encode(k)}: {encode(v)}" for k, v in value.items()]
        else:
            lines = list(map(encode, value))
        opening, closing = ("{", "}") if isinstance(value, dict) else ("[", "]")
        return f"{opening}\n{inner}" + f",\n{inner}".join(lines) + f"\n{pad}{closing}"

    return lay_out(data, 0, "") + "\n"


def check_output(path: str) -> None:
    """Refuse an output path that cannot be written before any work is done: a folder, or a
    file in a folder that does not exist."""
    if path == "-":
        return
    target = Path(path)
    if target.is_dir():
        raise InvalidFile(f"cannot write {path}: it is a folder; give a file name")
    if not target.parent.is_dir():
        raise InvalidFile(f"cannot write {path}: the folder {target.parent} does not exist")


def write_text(path: str, text: str) -> None:
    """Write to the file, or to standard output when the path is '-'."""
    if path == "-":
        sys.stdout.write(text)
        return
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:  # a folder, a missing folder, no permission
        raise InvalidFile(f"cannot write {path}: {exc.strerror}") from exc
