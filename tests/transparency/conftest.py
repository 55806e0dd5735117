from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from equalfooting.transparency import fonts


def weasyprint_available() -> bool:
    try:
        import weasyprint  # noqa: F401 - loads Pango
    except OSError:
        return False
    return True


def _needs_pdf(lang: str) -> None:
    """Skip a test that makes a PDF in `lang` where this machine cannot, saying what to install;
    fail it instead where PDFs are required (CI sets EF_REQUIRE_PDF=1)."""
    if not weasyprint_available():
        reason: str | None = "WeasyPrint needs Pango (Debian: libpango-1.0-0)"
    else:
        reason = fonts.font_missing(lang)
    if reason is None:
        return
    if os.environ.get("EF_REQUIRE_PDF"):
        pytest.fail(f"EF_REQUIRE_PDF is set, but: {reason}")
    pytest.skip(reason)


@pytest.fixture
def needs_pdf() -> Callable[[str], None]:
    """`needs_pdf("zh-hans")`: the test goes on only where the PDF in that language can be made."""
    return _needs_pdf


@pytest.fixture
def without_font(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """`without_font("zh-cn")`: fontconfig's lookup finds no font for that orthography, as on a
    machine without the package (the other scripts keep their fonts)."""

    def remove(orthography: str) -> None:
        real = fonts.fonts_covering

        def lookup(wanted: str) -> tuple[str, ...] | None:
            return () if wanted == orthography else real(wanted)

        monkeypatch.setattr(fonts, "fonts_covering", lookup)

    return remove
