"""In Chromium, phone and desktop: from the CPTS page's member list the coordinator opens a
member's entry, adds a slot and says the member takes no new patients, saves, and finds the
entry saved; a wrong hour is shown beside its row. axe-core finds nothing serious."""
from __future__ import annotations

import pytest

from tests.selfservice.conftest import DESKTOP, PHONE, shot, sign_in_browser
from tests.support import serious_violations

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport, label", [(PHONE, "phone"), (DESKTOP, "desktop")])
def test_coordinator_edits_a_member_entry_from_the_member_list(site, open_page, viewport,
                                                               label):
    world = site["world"]
    page, guard = open_page(viewport)
    sign_in_browser(page, site)
    page.goto(f"{site['url']}/cpts/{world.slugs['sud']}#membres")
    link = page.get_by_role("link", name="Modifier la fiche de Bernard Durand")
    link.scroll_into_view_if_needed()
    shot(page, f"selfservice-member-list-{label}")
    link.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Fiche de Bernard Durand"
    assert serious_violations(page) == []
    shot(page, f"selfservice-member-entry-{label}")

    rows = int(page.locator("input[name=creneaux]").get_attribute("value"))
    blank = rows - 1  # the form offers blank rows after the entry's slots
    page.select_option(f"#creneau-{blank}-jour", "3")
    page.fill(f"#creneau-{blank}-debut", "14:00")
    page.check("#np-non")
    page.click("button[type=submit]:has-text('Enregistrer la fiche')")
    page.wait_for_load_state()
    # no end hour: said beside its row, in the summary, and what was typed stays
    error = page.locator(f"#creneau-{blank}-erreur")
    assert error.is_visible() and page.locator("#erreurs").is_visible()
    assert page.locator(f"#creneau-{blank}-jour").get_attribute("aria-invalid") == "true"
    assert page.input_value(f"#creneau-{blank}-debut") == "14:00"
    assert page.locator("#np-non").is_checked()
    assert serious_violations(page) == []
    shot(page, f"selfservice-member-entry-error-{label}")
    page.fill(f"#creneau-{blank}-fin", "18:00")
    page.click("button[type=submit]:has-text('Enregistrer la fiche')")
    page.wait_for_load_state()
    assert "Fiche de Bernard Durand enregistrée." in page.locator(".flash").inner_text()
    assert page.locator("#np-non").is_checked()
    assert int(page.locator("input[name=creneaux]").get_attribute("value")) == rows + 1
    saved = [page.input_value(f"#creneau-{i}-debut") for i in range(rows - 1)]
    assert "14:00" in saved
    assert [e for e in guard.console_errors if "status of 422" not in e] == []
    assert not guard.page_errors and not guard.dialogs and not guard.foreign_requests
