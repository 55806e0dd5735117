"""Names of the framework's dimensions (the themes of requests, offers and proposals)."""

from __future__ import annotations

from equalfooting.core.i18n import pick

from . import framework as fw


def theme_label(code: str) -> str:
    """The theme's name in the active language, or the code if the framework has no such theme.

    Round files write themes as `dimension:unit`; the unit part is not part of the name.
    """
    dimension = fw.load().dimension(code.split(":")[0])
    return pick(dimension.name) if dimension else code
