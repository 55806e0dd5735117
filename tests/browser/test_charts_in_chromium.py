"""The charts in the system Chromium, with its own fonts: no text of any chart, in any of the
six languages, reaches outside the chart (vl-convert measured the text on the server; the
browser draws it), whatever the page's direction."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from equalfooting.transparency import charts
from tests.transparency.test_chart_labels import CHARTS, PACKAGE, SQUARE

pytestmark = pytest.mark.browser

# Every text's box, in page pixels, with the box of its SVG.
OUTSIDE = """() => [...document.querySelectorAll('.chart-svg svg')].flatMap((svg, n) => {
  const frame = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].map(text => {
    const box = text.getBoundingClientRect();
    return {n, text: text.textContent, left: box.left - frame.left, right: frame.right - box.right,
            top: box.top - frame.top, bottom: frame.bottom - box.bottom};
  }).filter(t => Math.min(t.left, t.right, t.top, t.bottom) < -0.5);
})"""


@pytest.mark.parametrize("language", settings.LANGUAGE_CODES)
def test_no_text_leaves_its_chart(
    browser: Any, language: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(charts, "_topology", lambda name: SQUARE)
    with translation.override(language):
        figures = "".join(f'<div class="chart-svg">{draw()[0]}</div>' for draw in CHARTS.values())
        direction = "rtl" if translation.get_language_bidi() else "ltr"
    css = (PACKAGE / "static" / "ef" / "site.css").read_text(encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_content(f'<html lang="{language}" dir="{direction}"><body>{figures}</body></html>')
    page.add_style_tag(content=css)
    try:
        assert page.locator(".chart-svg svg").count() == len(CHARTS)
        outside = page.evaluate(OUTSIDE)
        assert outside == [], "\n".join(map(str, outside))
    finally:
        context.close()
