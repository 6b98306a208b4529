"""The marker cluster group (``static/maps/cpts-cluster.js``) in Chromium, on the CPTS map of
``test_browser_mobile``'s site (a dozen professionals at one address, thirty more around): the
street-level zooms come from the group's second index, and the per-profession counts of the
clusters from its tally of the index's levels."""
from __future__ import annotations

import re

import pytest

from mapper.maps.orientation import CLUSTER_ZOOM_CAP
from tests.conftest import PageGuard
from tests.maps import test_browser_mobile as mobile
from tests.support import map_name, wait_until_idle

pytestmark = pytest.mark.browser

site = mobile.site  # the module's live server and seeded CPTS (a fixture)
CENTRE = mobile.CENTRE


def test_street_level_zooms_keep_a_shared_address_together(site, browser):
    """Past the cluster click's cap the clusters come from the group's second index, built on
    first need: the twelve at one address stay one cluster at every street-level zoom, a
    click on it spreads them, and professionals a few dozen metres apart stand alone."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    guard = PageGuard(page)
    page.goto(f"{site['app'].url}/map/cpts/{site['slug']}")
    page.wait_for_selector(".cpts-cluster")
    name = map_name(page)
    for zoom in (CLUSTER_ZOOM_CAP + 1, CLUSTER_ZOOM_CAP + 3):
        page.evaluate(f"""() => window['{name}'].setView([{CENTRE[0]}, {CENTRE[1]}], {zoom},
                          {{animate: false}})""")
        wait_until_idle(page)
        shared = page.locator(".cpts-cluster", has_text=re.compile(r"^12$"))
        assert shared.count() == 1, (zoom, page.locator(".cpts-cluster").all_inner_texts())
        assert page.locator(".leaflet-marker-icon.cpts-marker").count() >= 1, zoom
    assert page.evaluate(f"() => window['{name}'].getZoom()") == CLUSTER_ZOOM_CAP + 3
    shared.click()
    wait_until_idle(page)
    assert page.locator(".leaflet-marker-icon.cpts-marker").count() >= 12
    assert page.evaluate(f"() => window['{name}'].getZoom()") == CLUSTER_ZOOM_CAP + 3
    guard.assert_clean()
    context.close()


#: In the page: a cluster group of 3 000 members of 7 professions (a third of them at 40
#: shared addresses), and every cluster of every zoom counted twice: from the group's tally
#: and from its leaves. [clusters checked, mismatches, first mismatch].
TALLY_JS = """async () => {
  const map = Object.values(window).find(v => v instanceof L.Map);
  const group = L.cptsClusterGroup({ radius: 50, coarseZoom: 16 }).addTo(map);
  let seed = 7; const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const items = [];
  for (let i = 0; i < 3000; i++) {
    const shared = i % 3 === 0, k = i % 40;
    items.push({ cptsLat: shared ? 48.80 + k * 0.003 : 48.70 + rnd() * 0.3,
                 cptsLng: shared ? 2.25 + k * 0.004 : 2.10 + rnd() * 0.5,
                 cptsProfession: { code: String(Math.floor(rnd() * 7)) },
                 cptsMarker() { return L.marker([this.cptsLat, this.cptsLng]); } });
  }
  group.addLayers(items);
  await Promise.resolve(); await Promise.resolve();
  let checked = 0, wrong = 0, first = null;
  for (let zoom = 0; zoom <= 19; zoom++) {
    const index = group._indexAt(zoom);
    for (const f of index.getClusters([-180, -85, 180, 85], zoom)) {
      if (!f.properties.cluster) continue;
      const shown = group._countsOf(index, zoom, f.properties.cluster_id, f.properties.point_count);
      const vector = index.cptsTally && index.cptsTally[f.properties.cluster_id];
      const got = {};
      vector && vector.forEach((n, slot) => { if (n) got[group._codes[slot]] = n; });
      const want = {};
      for (const leaf of index.getLeaves(f.properties.cluster_id, Infinity)) {
        const code = items[leaf.properties.m].cptsProfession.code;
        want[code] = (want[code] || 0) + 1;
      }
      checked++;
      const same = [got, shown].every(counts =>
        Object.keys(want).length === Object.keys(counts).length
        && Object.keys(want).every(c => counts[c] === want[c]));
      if (!same) { wrong++; first = first || { zoom, want, got }; }
    }
  }
  return [checked, wrong, first, Boolean(group._coarse.cptsTally && group._fine.cptsTally)];
}"""


def test_cluster_counts_by_profession_match_their_members(site, browser):
    """The per-profession counts a cluster shows come from one tally of the index's levels
    (not from its leaves): at every zoom, for every cluster, the tally and what is shown are
    its members' counts."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{site['app'].url}/map/cpts/{site['slug']}")
    page.wait_for_selector(".cpts-cluster")
    checked, wrong, first, tallied = page.evaluate(TALLY_JS)
    assert checked > 500 and wrong == 0, (checked, wrong, first)
    assert tallied  # both indexes were counted by their tally, not by the leaves fallback
    context.close()
