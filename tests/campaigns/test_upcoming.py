"""upcoming_permanences: the read model behind the public page, feeds and exports."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from mapper.services.directory.permanences import upcoming_permanences

from .conftest import add_campaign, add_permanence

NOW = datetime(2026, 10, 15, 8, 0, tzinfo=timezone.utc)


def test_shape_order_and_location_of_a_place_and_a_site(session, cpts, place, site_id):
    campaign = add_campaign(session, cpts.id)
    later = add_permanence(session, campaign, date(2026, 11, 2), time(14), time(18),
                           site_id=site_id, appointment="sur_rdv", capacity=30)
    first = add_permanence(session, campaign, date(2026, 10, 20), place_id=place.id,
                           notes="Apportez votre carte Vitale")
    rows = upcoming_permanences(session, cpts.id, since=NOW)
    assert [r["id"] for r in rows] == [first.id, later.id]
    one = rows[0]
    assert one["campaign"] == {"id": campaign.id, "slug": "grippe-2026", "public": True,
                               "name": "Vaccination antigrippale 2026-2027",
                               "kind": "vaccination_grippe"}
    assert (one["on_date"], one["start"], one["end"]) == (date(2026, 10, 20), time(9), time(12))
    assert one["starts_at"] == datetime(2026, 10, 20, 7, 0, tzinfo=timezone.utc)  # CEST
    assert one["notes"] == "Apportez votre carte Vitale" and one["capacity"] is None
    assert one["place"]["type"] == "place" and one["place"]["name"] == place.name
    assert one["place"]["kind"] == "centre_sante"
    assert (round(one["place"]["lat"], 4), round(one["place"]["lon"], 4)) == (45.72, 4.87)
    site = rows[1]["place"]
    assert site["type"] == "site" and site["id"] == site_id
    assert site["name"] == "Julie Perrin" and site["kind"] == "cabinet"
    assert site["phone"] == "0478000000" and site["accessible"] is True  # never private_phone
    assert site["address"] == "8 avenue Jean Jaurès"
    assert rows[1]["starts_at"] == datetime(2026, 11, 2, 13, 0, tzinfo=timezone.utc)  # CET
    assert rows[1]["appointment"] == "sur_rdv" and rows[1]["capacity"] == 30


def test_filters_since_until_kind_campaign_and_public(session, cpts, place):
    flu = add_campaign(session, cpts.id)
    hidden = add_campaign(session, cpts.id, "interne", public=False, kind="depistage")
    past = add_permanence(session, flu, date(2026, 10, 1), place_id=place.id)
    nov = add_permanence(session, flu, date(2026, 11, 5), place_id=place.id)
    jan = add_permanence(session, flu, date(2027, 1, 5), place_id=place.id)
    private = add_permanence(session, hidden, date(2026, 11, 6), place_id=place.id)

    def ids(**kw):
        return [r["id"] for r in upcoming_permanences(session, cpts.id, **kw)]

    assert ids(since=NOW) == [nov.id, jan.id]
    assert ids(since=NOW, public_only=False) == [nov.id, private.id, jan.id]
    assert ids(since=date(2026, 9, 1), until=date(2026, 12, 1)) == [past.id, nov.id]
    assert ids(since=NOW, kind="depistage", public_only=False) == [private.id]
    assert ids(since=NOW, kind="depistage") == []
    assert ids(since=NOW, campaign_id=flu.id) == [nov.id, jan.id]
    # an event under way is still upcoming until it ends
    assert ids(since=datetime(2026, 11, 5, 9, 0, tzinfo=timezone.utc)) == [nov.id, jan.id]
    assert upcoming_permanences(session, cpts.id + 999, since=NOW) == []
