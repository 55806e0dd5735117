"""Rules for stored text at the doors: what may come in, and how it goes out safely.

Input: no NUL or other control character (tabs and line breaks only where the text may span
lines). Output: a spreadsheet never sees a formula where we meant text (the OWASP rule for CSV
injection), and a format that cannot carry a control character (XML, XLSX) gets the text
without it, so an export never fails on what was stored before these rules existed.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls but tab, line feed and carriage return; DEL; C1 controls; the two
# non-characters XML forbids; lone surrogates (they cannot be encoded in UTF-8).
_FORBIDDEN_ANYWHERE = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff"
_CONTROL = re.compile(f"[{_FORBIDDEN_ANYWHERE}]")
_CONTROL_OR_BREAK = re.compile(f"[{_FORBIDDEN_ANYWHERE}\t\n\r\u2028\u2029]")
# A cell beginning with one of these is read as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """Whether the text holds a character no field accepts (or a line break in a one-line
    field)."""
    return bool((_CONTROL if multiline else _CONTROL_OR_BREAK).search(text))


def printable(text: str) -> str:
    """The text without the characters XML and XLSX cannot carry."""
    return _CONTROL.sub("", text)


def spreadsheet_cell(text: str) -> str:
    """Text as a spreadsheet must receive it: printable, and never a live formula."""
    text = printable(text)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def fold(text: str) -> str:
    """Case- and accent-insensitive form, so "cote" finds "Côte d'Ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
