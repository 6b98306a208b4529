"""A serving process is prepared once the application is built (``mapper.http.serving``): the
icon font cut, the long-lived objects frozen out of the collector's walks, the youngest
generation collected less often."""
from __future__ import annotations

import gc

from mapper.http import serving


def test_prepare_freezes_what_is_built_and_spaces_young_collections(app):
    before = gc.get_threshold()
    try:
        serving.prepare(app)
        assert gc.get_freeze_count() > 10_000  # modules, routes, templates…
        assert gc.get_threshold() == (serving.YOUNG_THRESHOLD, before[1], before[2])
        # still a collector: cyclic garbage made after the freeze is collected
        cycle = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
