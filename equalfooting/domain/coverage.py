"""Coverage: where need meets activity, where it meets none, and where activity piles up.

Pure: the cells are computed from counts the register gathers (`programmes.coverage`), so the
rule can be read and re-run without the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Activity "piles up" in a cell that holds at least this many activities in the window.
CONCENTRATED = 3
UNMET, SERVED, CONCENTRATED_STATUS, QUIET = "unmet", "served", "concentrated", "quiet"


@dataclass(frozen=True)
class Cell:
    """One row (a State or a group of States) and one theme."""

    gaps: int  # indicators of the theme below the target, in the self-assessments counted
    requests: int  # requests in the theme still waiting to be met
    activities: int  # activities in the theme reaching the row, in the window

    @property
    def need(self) -> int:
        return self.gaps + self.requests

    @property
    def stands_out(self) -> bool:
        """A cell the reader should notice: need without activity, or activity piling up."""
        return self.status in (UNMET, CONCENTRATED_STATUS)

    @property
    def status(self) -> str:
        """unmet: need and no activity; concentrated: CONCENTRATED activities or more;
        served: need and some activity; quiet: neither need nor activity."""
        if self.activities >= CONCENTRATED:
            return CONCENTRATED_STATUS
        if self.need and not self.activities:
            return UNMET
        return SERVED if self.activities else QUIET


def cells(
    rows: Iterable[str],
    themes: Iterable[str],
    gaps: Mapping[tuple[str, str], int],
    requests: Mapping[tuple[str, str], int],
    activities: Mapping[tuple[str, str], int],
) -> dict[str, dict[str, Cell]]:
    """The matrix: for each row and theme, its counts (zero where none is given)."""
    themes = list(themes)
    return {
        row: {
            theme: Cell(
                gaps.get((row, theme), 0),
                requests.get((row, theme), 0),
                activities.get((row, theme), 0),
            )
            for theme in themes
        }
        for row in rows
    }
