"""Whether this machine has a font for the script of each of the six languages.

WeasyPrint draws text with Pango, which takes its fonts from fontconfig; where no installed font
covers a script, the PDF comes out with empty boxes and no warning. So before a PDF is made, the
same fontconfig is asked (through ctypes, in this process: no `fc-list` per request) for the fonts
covering the language, once per process and language. A font installed later is seen after a
restart, as Pango sees it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Any

from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from equalfooting.core.errors import Unavailable

# The Debian package with a font for each language's script: Latin and Cyrillic are also in
# DejaVu (fonts-dejavu-core), which most systems have already.
CJK_PACKAGE = "fonts-noto-cjk"
CORE_PACKAGE = "fonts-noto-core"
# language: (fontconfig's name for its orthography, the package that covers it)
SCRIPTS: dict[str, tuple[str, str]] = {
    "ar": ("ar", CORE_PACKAGE),
    "zh-hans": ("zh-cn", CJK_PACKAGE),
    "en": ("en", CORE_PACKAGE),
    "fr": ("fr", CORE_PACKAGE),
    "ru": ("ru", CORE_PACKAGE),
    "es": ("es", CORE_PACKAGE),
}
FONTCONFIG_NAMES = ("libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll")


class _FontSet(ctypes.Structure):
    _fields_ = (
        ("nfont", ctypes.c_int),
        ("sfont", ctypes.c_int),
        ("fonts", ctypes.POINTER(ctypes.c_void_p)),
    )


@functools.cache
def _fontconfig() -> Any:
    """fontconfig's library, as Pango loads it; None where it cannot be loaded (then WeasyPrint
    cannot run either, and says so itself)."""
    names = [*FONTCONFIG_NAMES, ctypes.util.find_library("fontconfig")]
    for name in names:
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        lib.FcNameParse.restype = ctypes.c_void_p
        lib.FcNameParse.argtypes = (ctypes.c_char_p,)
        lib.FcObjectSetCreate.restype = ctypes.c_void_p
        lib.FcObjectSetAdd.argtypes = (ctypes.c_void_p, ctypes.c_char_p)
        lib.FcFontList.restype = ctypes.POINTER(_FontSet)
        lib.FcFontList.argtypes = (ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
        lib.FcPatternGetString.argtypes = (
            ctypes.c_void_p,
            ctypes.c_char_p,
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_char_p),
        )
        lib.FcFontSetDestroy.argtypes = (ctypes.POINTER(_FontSet),)
        lib.FcPatternDestroy.argtypes = (ctypes.c_void_p,)
        lib.FcObjectSetDestroy.argtypes = (ctypes.c_void_p,)
        return lib
    return None


@functools.cache
def fonts_covering(orthography: str) -> tuple[str, ...] | None:
    """The families of the installed fonts that cover an orthography (fontconfig's `:lang=`,
    as `fc-list :lang=zh-cn family` lists them); None where fontconfig cannot be asked."""
    lib = _fontconfig()
    if lib is None:
        return None
    pattern = lib.FcNameParse(f":lang={orthography}".encode())
    objects = lib.FcObjectSetCreate()
    lib.FcObjectSetAdd(objects, b"family")
    found = lib.FcFontList(None, pattern, objects)
    families = set()
    try:
        for index in range(found.contents.nfont if found else 0):
            family = ctypes.c_char_p()
            if lib.FcPatternGetString(found.contents.fonts[index], b"family", 0, family) == 0:
                families.add((family.value or b"").decode("utf-8", "replace"))
    finally:
        if found:
            lib.FcFontSetDestroy(found)
        lib.FcObjectSetDestroy(objects)
        lib.FcPatternDestroy(pattern)
    return tuple(sorted(families))


def font_missing(language: str) -> str | None:
    """Why a PDF in this language cannot be made here, in the active language: no installed
    font covers its script (the message names the package to install); None when one does, or
    where fontconfig cannot be asked (WeasyPrint then reports its own missing libraries)."""
    orthography, package = SCRIPTS.get(language, (language, CORE_PACKAGE))
    if fonts_covering(orthography) != ():
        return None
    return _(
        "A PDF in %(language)s cannot be made on this server: no installed font covers its "
        "script (install the Debian package %(package)s, then restart the server and its "
        "workers)."
    ) % {"language": get_language_info(language)["name_translated"], "package": package}


def font_check(language: str) -> None:
    """Refuse a PDF in a language whose script no installed font covers (Unavailable)."""
    missing = font_missing(language)
    if missing:
        raise Unavailable(missing)
