"""The world map's outlines are lightened (issue 13: every page under 300 KB) without losing a
shape: points that move a line by less than the tolerance go, every island stays."""

from __future__ import annotations

import re

from equalfooting.transparency.svg_paths import simplify, simplify_paths


def test_points_on_a_straight_line_go_and_corners_stay() -> None:
    line = "M0,0" + "".join(f"L{x / 10},0.01" for x in range(1, 100)) + "L10,0L10,10L0,10Z"
    assert simplify(line, 0.5) == "M0,0L10,0L10,10L0,10Z"


def test_an_island_smaller_than_the_tolerance_keeps_three_points() -> None:
    island = "M100,100L100.1,100L100.1,100.1L100.05,100.15L100,100.1Z"
    kept = simplify(island, 0.5)
    assert kept.startswith("M100,100") and kept.endswith("Z")
    assert kept.count("L") == 2  # a triangle: still drawn


def test_other_paths_are_left_as_they_are() -> None:
    svg = '<path d="M0,0h760v400h-760Z"/><path class="x" d="M1.234,2.345L3.456,4.567"/>'
    out = simplify_paths(svg)
    assert '<path d="M0,0h760v400h-760Z"/>' in out  # the legend's box: relative steps
    assert 'd="M1.2,2.3L3.5,4.6"' in out  # one decimal


def test_the_world_map_is_light_and_keeps_every_state(db: None) -> None:
    from equalfooting.transparency import charts, statistics

    values = statistics.map_values("coverage")
    svg = charts.world_map(title="Map", values=values, value_title="Programmes")
    assert len(svg.encode()) < 300_000
    shapes = re.findall(r'<path[^>]* d="M', svg)
    assert len(shapes) >= len(values)  # a shape for each State drawn, and the land
