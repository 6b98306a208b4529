"""``geo.dissolve``: the union of communes that tile, with a safe fallback when they do not."""
from __future__ import annotations

import shapely
from shapely.geometry import box

from mapper.geo.dissolve import dissolve


def _wkb(*geoms):
    return [shapely.to_wkb(g) for g in geoms]


def test_adjacent_parts_become_one_polygon_without_their_shared_border():
    out = shapely.from_wkb(dissolve(_wkb(box(0, 0, 1, 1), box(1, 0, 2, 1), box(0, 1, 2, 2))))
    assert out.geom_type == "Polygon" and shapely.equals(out, box(0, 0, 2, 2))


def test_overlapping_or_badly_noded_parts_still_give_the_true_union():
    overlapping = shapely.from_wkb(dissolve(_wkb(box(0, 0, 2, 1), box(1, 0, 3, 1))))
    assert shapely.equals(overlapping, box(0, 0, 3, 1))
    # a T-junction: the shared border has a vertex on one side only
    t_junction = shapely.from_wkb(dissolve(_wkb(box(0, 0, 1, 2), box(1, 0, 2, 1),
                                                box(1, 1, 2, 2))))
    assert shapely.equals(t_junction, box(0, 0, 2, 2))


def test_a_lone_part_is_kept_as_it_is_and_nothing_gives_none():
    square = shapely.to_wkb(box(0, 0, 1, 1))
    assert dissolve([square, None]) == square
    assert dissolve([]) is None and dissolve([None]) is None


def test_touching_pairs_are_those_sharing_a_border_or_land_in_id_order():
    from mapper.geo.dissolve import touching_pairs

    shapes = {7: box(0, 0, 1, 1), 3: box(1, 0, 2, 1),  # share a border
              5: box(1.5, 0.5, 3, 3),                  # overlaps 3
              9: box(5, 5, 6, 6), 1: None}             # alone, no outline
    ids = list(shapes)
    pairs = touching_pairs(ids, [shapely.to_wkb(g) if g is not None else None
                                 for g in shapes.values()])
    assert pairs == [(3, 5), (3, 7)]
    assert touching_pairs([1], [shapely.to_wkb(box(0, 0, 1, 1))]) == []


def test_a_part_made_invalid_by_snapping_is_repaired_instead_of_failing_the_page():
    # a bow tie (self-intersecting), as snapping a commune to the grid can make: the general
    # union raises a TopologyException on it (région 28 gave a 500 that way)
    from shapely.geometry import Polygon

    bow_tie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2), (0, 0)])
    out = shapely.from_wkb(dissolve(_wkb(bow_tie, box(2, 0, 3, 2))))
    assert out.is_valid and out.area == 4.0
