"""Pure parts of the territories map: the colouring of neighbours and the outline by status."""
from __future__ import annotations

from mapper.geo.colouring import greedy_colouring
from mapper.maps.territory_style import OUTLINES, TERRITORY_PALETTE, fill_colour, outline
from mapper.vocab import CPTS_STATUSES


def test_neighbours_never_share_a_colour_when_the_palette_allows():
    # a wheel: a hub touching a ring of 6 (needs 3 colours), plus an isolated node
    ring = [(i, i % 6 + 1) for i in range(1, 7)]
    edges = ring + [(0, i) for i in range(1, 7)]
    colours = greedy_colouring(range(8), edges, len(TERRITORY_PALETTE))
    assert all(colours[a] != colours[b] for a, b in edges)
    assert colours == greedy_colouring(range(8), list(reversed(edges)), 7)  # stable
    assert colours[7] == 0


def test_every_status_has_its_outline_and_a_validated_one_is_solid():
    assert set(CPTS_STATUSES) <= set(OUTLINES)
    assert outline("valide").dash_array is None and outline("aci_signe").dash_array is None
    assert outline("projet").dash_array != outline("intention").dash_array
    assert outline("projet").border == "dashed" and outline("intention").border == "dotted"
    assert fill_colour(3, "rejete") == "#a0a0a0" and fill_colour(3, "projet") == \
        TERRITORY_PALETTE[3]
    assert outline("inconnu").dash_array  # an unknown status still gets an outline
