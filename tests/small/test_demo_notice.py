"""The home page's demo notice: only while the only data is the demo's."""
from __future__ import annotations

from sqlalchemy import text

from mapper.demo import load_demo

NOTICE = "données de démonstration sont <strong>fictives</strong>"


def test_notice_while_only_demo_data_then_gone(client, session, settings, world):
    assert NOTICE not in client.get("/").get_data(as_text=True)  # nothing loaded yet
    load_demo(session, settings)
    session.commit()
    assert NOTICE in client.get("/").get_data(as_text=True)
    world.professional()  # a real entry (source api)
    session.commit()
    assert NOTICE not in client.get("/").get_data(as_text=True)


def test_a_real_cpts_ends_the_notice(client, session, settings, world):
    load_demo(session, settings)
    session.commit()
    world.cpts("CPTS Réelle", world.communes("83", (6.0, 43.1), 2))
    session.commit()
    assert session.execute(text("SELECT count(*) FROM professional WHERE source <> 'demo'")
                           ).scalar() == 0
    assert NOTICE not in client.get("/").get_data(as_text=True)
