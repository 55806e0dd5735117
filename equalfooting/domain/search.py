"""How text is read for search, the same way on every database and in every UN language.

Both the text indexed and the words searched pass through `terms`, so that what a reader types
meets what was written whatever the accents, the case or the script:

- Case and accents are folded ("developpement" finds "Développement", "ЁЖ" finds "ёж").
- Arabic: the short vowels and the tatweel go, the forms of alef, ta marbuta and alef maqsura
  are written one way, and a word indexed with its article or a one-letter prefix ("الأمن",
  "والأمن") is also indexed without it, so that "أمن" finds it (a light stemmer of the kind
  used in Arabic information retrieval; it removes no suffix, to keep words apart).
- Chinese (and the other scripts written without spaces): each run of ideographs is read as
  its overlapping pairs of characters, the usual way of indexing Chinese without a
  dictionary, and a phrase searched must appear as those same pairs in order.

The databases then add what they do well: PostgreSQL stems each language with its own
configuration; SQLite's FTS5 matches a word's beginning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import fold

# Ideographs, kana and hangul: scripts written without spaces between words.
_UNSPACED = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
)
_UNSPACED_RUN = re.compile(f"[{_UNSPACED}]+")
# A word: letters and digits (no underscore, which the databases' parsers split on).
_WORD = re.compile(r"[^\W_]+")
_ARABIC_LETTERS = re.compile("[\u0621-\u064a]")
_ARABIC_FORMS = str.maketrans({"ة": "ه", "ى": "ي", "ـ": None})
# The article and the one-letter conjunctions and prepositions written onto a word, longest
# first: wa-l-, bi-l-, ka-l-, fa-l-, li-l-, al-.
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_SHORTEST_STEM = 2
# A query is at most this many terms of at most this many characters: enough for any phrase
# a reader types, and a bound on the work one request can ask of the database.
MOST_TERMS = 12
LONGEST_TERM = 40
# Latin, Cyrillic or Arabic words this long or longer match any word they begin.
SHORTEST_PREFIX = 3


def normalise(text: str) -> str:
    """Folded case and accents, and Arabic letters written one way."""
    return fold(text).translate(_ARABIC_FORMS)


def arabic_stem(word: str) -> str:
    """The word without its article or prefix, when what is left is still a word."""
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= _SHORTEST_STEM:
            return word[len(prefix) :]
    return word


def _pairs(run: str) -> list[str]:
    return [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]


def _pieces(word: str) -> list[tuple[bool, str]]:
    """A word split into its runs of ideographs (True) and of other letters (False)."""
    pieces: list[tuple[bool, str]] = []
    at = 0
    for run in _UNSPACED_RUN.finditer(word):
        if run.start() > at:
            pieces.append((False, word[at : run.start()]))
        pieces.append((True, run.group()))
        at = run.end()
    if at < len(word):
        pieces.append((False, word[at:]))
    return pieces


def terms(text: str) -> list[str]:
    """The terms a text is indexed under, in order (an Arabic word may give two)."""
    found: list[str] = []
    for word in _WORD.findall(normalise(text)):
        for unspaced, piece in _pieces(word):
            if unspaced:
                found.extend(_pairs(piece))
                continue
            found.append(piece)
            if _ARABIC_LETTERS.match(piece) and (stem := arabic_stem(piece)) != piece:
                found.append(stem)
    return found


@dataclass(frozen=True)
class Term:
    """One thing a query asks for: a word (perhaps only its beginning), or a phrase of
    character pairs that must appear in order."""

    words: tuple[str, ...]
    prefix: bool = False

    @property
    def phrase(self) -> bool:
        return len(self.words) > 1


def query(text: str) -> list[Term]:
    """What a reader's words ask for; every term must be found. Empty when nothing in the
    text can be searched for (only punctuation, say)."""
    asked: list[Term] = []
    for word in _WORD.findall(normalise(text)):
        for unspaced, piece in _pieces(word[:LONGEST_TERM]):
            if unspaced:
                asked.append(Term(tuple(_pairs(piece))))
            elif _ARABIC_LETTERS.match(piece):
                stem = arabic_stem(piece)
                asked.append(Term((stem,), prefix=len(stem) >= SHORTEST_PREFIX))
            else:
                asked.append(Term((piece,), prefix=len(piece) >= SHORTEST_PREFIX))
    unique = list(dict.fromkeys(asked))
    return unique[:MOST_TERMS]
