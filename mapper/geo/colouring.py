"""Colours for neighbouring areas: a greedy graph colouring (Welsh–Powell order).

Areas are the nodes, "touches or overlaps" the edges; each area takes the first palette index
no neighbour already holds, the most connected areas first (ties by id, so the result is stable
for the same data). A planar map rarely needs more than five colours this way; past the palette
the index wraps around (two neighbours may then share a colour, never worse than hashing).
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable


def greedy_colouring(nodes: Iterable[Hashable], edges: Iterable[tuple[Hashable, Hashable]],
                     palette_size: int) -> dict[Hashable, int]:
    """``{node: palette index}`` with adjacent nodes on different indexes where possible."""
    neighbours: dict[Hashable, set] = {n: set() for n in nodes}
    for a, b in edges:
        if a in neighbours and b in neighbours and a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    order = sorted(neighbours, key=lambda n: (-len(neighbours[n]), str(n)))
    colour: dict[Hashable, int] = {}
    for node in order:
        taken = {colour[n] for n in neighbours[node] if n in colour}
        free = next((i for i in range(palette_size) if i not in taken), None)
        colour[node] = free if free is not None else len(taken) % palette_size
    return colour
