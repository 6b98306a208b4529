"""The demo gains a believable, idempotent set of fictional professionals."""
from __future__ import annotations

from sqlalchemy import text

from mapper.demo import load_demo
from mapper.services.directory import SearchQuery, cpts_professionals, search_professionals


def test_demo_professionals_load_twice_without_change(session, settings):
    load_demo(session, settings)
    session.commit()
    count = session.execute(text("SELECT count(*) FROM professional WHERE source = 'demo'")).scalar()
    assert 50 <= count <= 80
    events = session.execute(text("SELECT count(*) FROM audit_event")).scalar()
    lines = load_demo(session, settings)
    session.commit()
    assert session.execute(text("SELECT count(*) FROM professional")).scalar() == count
    assert session.execute(text("SELECT count(*) FROM audit_event")).scalar() == events
    assert any("unchanged: " + str(count) in line for line in lines), lines
    # Around Paris 14e, with zones, slots, competencies and CPTS members.
    near = search_professionals(session, SearchQuery(near=(48.833, 2.326), professions=["60"]))
    assert len(near) >= 5 and near[0]["distance_km"] < 2
    assert session.execute(text("SELECT count(*) FROM intervention_zone")).scalar() > 10
    assert session.execute(text("SELECT count(*) FROM slot")).scalar() > 20
    cpts_id = session.execute(text(
        "SELECT id FROM cpts WHERE unaccent_lower(name) = unaccent_lower('CPTS Paris 14 (fictive)')")).scalar()
    if cpts_id is not None:
        assert len(cpts_professionals(session, cpts_id)) > 20
    covered = search_professionals(session, SearchQuery(covers=(48.83, 2.32)))
    assert covered


def test_demo_colleagues_take_referrals_in_every_demo_cpts_with_members(session, settings):
    """/collegues has something to show in the demo: in each demo CPTS with a nurse, a
    colleague of another profession takes referrals and has an MSSanté address."""
    load_demo(session, settings)
    session.commit()
    rows = session.execute(text("""
        SELECT c.name, count(*) FILTER (WHERE p.takes_referrals AND p.mssante IS NOT NULL
                                        AND p.profession_code <> '60')
        FROM cpts c JOIN cpts_member m ON m.cpts_id = c.id
        JOIN professional p ON p.id = m.professional_id
        GROUP BY c.name HAVING bool_or(p.profession_code = '60')""")).all()
    assert rows
    assert all(n > 0 for _, n in rows), rows
