"""Lighter map outlines: drop the points a reader cannot see, keep every shape.

The world map is drawn from Natural Earth's 1:50m outlines so that small island States are on
it; drawn 760 pixels wide, most of their points move the line by a fraction of a pixel, and
the page carried 2.3 MB of them. Here each outline keeps only the points that move it by
`tolerance` pixels or more (Douglas-Peucker), written with one decimal: the drawing looks the
same and weighs a tenth. An outline that would shrink below a triangle keeps three of its
points, so no island, however small, disappears.
"""

from __future__ import annotations

import math
import re

# A path's outline data, when it is only absolute moves, lines and closes (what Vega draws for
# geographic shapes); any other path (the legend's gradient box) is left as it is.
_PATH = re.compile(r'(<path\b[^>]*?\sd=")([MLZ0-9.,\-e]*)(")')
_STEP = re.compile(r"([MLZ])([^MLZ]*)")


def _number(value: float) -> str:
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _douglas_peucker(points: list[tuple[float, float]], tolerance: float) -> list[bool]:
    """Which points to keep: those that move the line by `tolerance` pixels or more."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    spans = [(0, len(points) - 1)]
    while spans:
        first, last = spans.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        farthest, distance = 0, 0.0
        for k in range(first + 1, last):
            px, py = points[k]
            if length:
                d = abs(dy * (px - ax) - dx * (py - ay)) / length
            else:
                d = math.hypot(px - ax, py - ay)
            if d > distance:
                farthest, distance = k, d
        if distance >= tolerance:
            keep[farthest] = True
            spans += [(first, farthest), (farthest, last)]
    return keep


def _outline(points: list[tuple[float, float]], closed: bool, tolerance: float) -> str:
    kept = points
    if len(points) > 2:
        kept = [p for p, k in zip(points, _douglas_peucker(points, tolerance), strict=True) if k]
    if len(kept) < 3 <= len(points):
        # A tiny island: three of its points, a third of the way round each, so that it
        # stays a shape.
        third = len(points) // 3
        kept = [points[0], points[third], points[2 * third]]
    drawn = "L".join(f"{_number(x)},{_number(y)}" for x, y in kept)
    return "M" + drawn + ("Z" if closed else "")


def simplify(d: str, tolerance: float) -> str:
    """One path's outline data, lightened; unchanged if it is not moves and lines only."""
    outlines: list[str] = []
    points: list[tuple[float, float]] = []

    def flush(closed: bool) -> None:
        if points:
            outlines.append(_outline(points, closed, tolerance))
            points.clear()

    for command, arguments in _STEP.findall(d):
        if command == "Z":
            flush(closed=True)
            continue
        if command == "M":
            flush(closed=False)
        x, comma, y = arguments.partition(",")
        if not comma:
            return d
        points.append((float(x), float(y)))
    flush(closed=False)
    return "".join(outlines)


def simplify_paths(svg: str, tolerance: float = 0.5) -> str:
    """Every geographic path of an SVG drawing, lightened (see the module's docstring)."""
    return _PATH.sub(lambda m: m.group(1) + simplify(m.group(2), tolerance) + m.group(3), svg)
