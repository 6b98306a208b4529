"""Free slots for the SAS: the on-call shifts as Schedule and Slot, searchable by start range,
status, schedule.actor and CPTS; a 72-hour window of free slots of a CPTS."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from urllib.parse import quote

from .test_fhir_read import all_pages, get


def ids(client, url) -> set[int]:
    return {int(r["id"]) for r in all_pages(client, url)[0]}


def window(hours: int) -> str:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    return (f"start=ge{quote(now.isoformat())}"
            f"&start=le{quote((now + timedelta(hours=hours)).isoformat())}")


def test_slot_shape(client, world):
    slot = get(client, f"/fhir/Slot/{world.shifts['free_tomorrow']}")
    assert slot["status"] == "free"
    assert slot["schedule"] == {"reference": f"Schedule/{world.pros['doctor']}"}
    assert datetime.fromisoformat(slot["end"]) > datetime.fromisoformat(slot["start"])
    busy = get(client, f"/fhir/Slot/{world.shifts['busy_tomorrow']}")
    assert busy["status"] == "busy"
    schedule = get(client, f"/fhir/Schedule/{world.pros['doctor']}")
    assert schedule["actor"] == [{"reference": f"PractitionerRole/{world.pros['doctor']}"}]
    get(client, f"/fhir/PractitionerRole/{world.pros['doctor']}")  # the actor resolves


def test_free_slots_of_a_cpts_in_72_hours(client, world):
    s = world.shifts
    assert ids(client, f"/fhir/Slot?cpts={world.slug}&status=free&{window(72)}") == {
        s["free_tomorrow"], s["free_in_2_days"]}
    assert ids(client, f"/fhir/Slot?cpts=Organization/cpts-{world.cpts_id}&status=busy"
                       f"&{window(72)}") == {s["busy_tomorrow"]}
    assert ids(client, f"/fhir/Slot?cpts={world.cpts_id}&{window(24 * 7)}") == set(s.values())


def test_slots_by_actor_and_schedule(client, world):
    s, nurse = world.shifts, world.pros["nurse"]
    assert ids(client, f"/fhir/Slot?schedule.actor=PractitionerRole/{nurse}") == {
        s["busy_tomorrow"], s["free_in_2_days"]}
    assert ids(client, f"/fhir/Slot?schedule={nurse}&status=free") == {s["free_in_2_days"]}
    assert ids(client, f"/fhir/Schedule?actor=PractitionerRole/{nurse}") == {nurse}
    assert ids(client, f"/fhir/Schedule?cpts={world.slug}") == {
        world.pros["nurse"], world.pros["doctor"], world.pros["physio"]}


def test_start_window_is_bounded(client, world):
    body = get(client, "/fhir/Slot?start=ge2026-01-01&start=le2026-06-01", 400)
    assert body["issue"][0]["expression"] == ["start"]
