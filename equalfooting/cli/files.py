"""The files the commands that need no database read and write (match solve, fund allocate)."""

from __future__ import annotations

import json
import sys
from typing import Any

from equalfooting.core.errors import InvalidFile


def read_json(path: str) -> Any:
    """The JSON in a file; InvalidFile says why it cannot be read."""
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except OSError as exc:
        raise InvalidFile(f"cannot read {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise InvalidFile(f"{path} is not valid JSON: {exc}") from exc


def write_text(path: str, text: str) -> None:
    """Write to the file, or to standard output when the path is '-'."""
    if path == "-":
        sys.stdout.write(text)
    else:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
