"""« Retirer » asks first (a page, no JavaScript), « Annuler » puts the member back: only the
person who removed, within 10 minutes, once, with the joining date; fiche numbers are shown
to the CPTS's managers so that re-adding by hand is possible."""
from __future__ import annotations

from html import unescape

from sqlalchemy import text

from mapper.services.accounts import create_account
from tests.conftest import CSRF_TOKEN
from tests.web.conftest import world  # noqa: F401  (the fixture)


def page(client, path: str) -> tuple[int, str]:
    resp = client.get(path)
    return resp.status_code, unescape(resp.get_data(as_text=True))


def member_ids(session, cpts_id: int) -> set[int]:
    return set(session.scalars(text("SELECT professional_id FROM cpts_member WHERE cpts_id = :c"),
                               {"c": cpts_id}))


def remove(client, slug, pid):
    return client.post(f"/cpts/{slug}/membres/{pid}/retirer", data={"csrf_token": CSRF_TOKEN})


def removal_id(session) -> int:
    return session.scalar(text("SELECT max(id) FROM audit_event "
                               "WHERE action = 'cpts.member_remove'"))


def undo(client, slug, removal):
    return client.post(f"/cpts/{slug}/membres/annuler",
                       data={"csrf_token": CSRF_TOKEN, "retrait": str(removal)})


def test_confirmation_then_undo(client, world, sign_in, session):  # noqa: F811
    slug, nurse = world.slugs["sud"], world.pros["nurse"]
    sign_in("coordinator", cpts_id=world.cpts["sud"])
    status, html = page(client, f"/cpts/{slug}")
    assert f"fiche n° {nurse}" in html
    assert f'href="/cpts/{slug}/membres/{nurse}/retirer"' in html  # a link: the question first
    status, html = page(client, f"/cpts/{slug}/membres/{nurse}/retirer")
    assert status == 200 and "Retirer Anaïs Martin de CPTS Sud ?" in html
    assert f"Fiche n° {nurse}" in html and "annuler pendant 10 minutes" in html
    assert nurse in member_ids(session, world.cpts["sud"])  # asking removes nothing
    session.execute(text("UPDATE cpts_member SET joined_at = '2024-01-02T03:04:05Z' "
                         "WHERE professional_id = :p"), {"p": nurse})
    session.commit()
    resp = remove(client, slug, nurse)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("#retrait")
    assert nurse not in member_ids(session, world.cpts["sud"])
    status, html = page(client, f"/cpts/{slug}")
    assert f"Anaïs Martin a été retiré·e de la CPTS (fiche n° {nurse})." in html
    assert "Annuler le retrait" in html
    assert "Annuler le retrait" not in page(client, f"/cpts/{slug}")[1]  # offered once
    resp = undo(client, slug, removal_id(session))
    assert resp.status_code == 302
    assert "Retrait annulé" in page(client, f"/cpts/{slug}")[1]
    assert nurse in member_ids(session, world.cpts["sud"])
    joined = session.scalar(text("SELECT joined_at FROM cpts_member WHERE professional_id = :p"),
                            {"p": nurse})
    assert joined.isoformat().startswith("2024-01-02T03:04:05")
    assert session.scalar(text("SELECT count(*) FROM audit_event "
                               "WHERE action = 'cpts.member_restore'")) == 1
    again = undo(client, slug, removal_id(session))  # once only
    assert again.status_code == 409
    assert "ne peut plus être annulé" in unescape(again.get_data(as_text=True))


def test_undo_rules(client, world, sign_in, session, accounts):  # noqa: F811
    slug, nurse, doctor = world.slugs["sud"], world.pros["nurse"], world.pros["doctor"]
    # The entry keeps its own account: a coordinator cannot take it in again by hand...
    create_account(session, email="anais@example.org", role="professional",
                   professional_id=nurse, actor="test", with_token=False)
    session.commit()
    sign_in("coordinator", cpts_id=world.cpts["sud"])
    assert remove(client, slug, nurse).status_code == 302
    readd = client.post(f"/cpts/{slug}/membres", data={"csrf_token": CSRF_TOKEN,
                                                       "professionnel": str(nurse)})
    assert readd.status_code == 403
    # ...but « Annuler » puts back what was.
    assert undo(client, slug, removal_id(session)).status_code == 302
    assert nurse in member_ids(session, world.cpts["sud"])
    # Too late: 10 minutes.
    assert remove(client, slug, doctor).status_code == 302
    late = removal_id(session)
    session.execute(text("UPDATE audit_event SET at = now() - interval '11 minutes' "
                         "WHERE id = :i"), {"i": late})
    session.commit()
    assert undo(client, slug, late).status_code == 409
    assert doctor not in member_ids(session, world.cpts["sud"])
    for bad in ("", "abc", "999999", "99999999999"):
        assert undo(client, slug, bad).status_code == 409
    # Only the person who removed: another manager (an admin) cannot replay it.
    assert remove(client, slug, nurse).status_code == 302
    mine = removal_id(session)
    sign_in("admin")
    assert undo(client, slug, mine).status_code == 409
    assert nurse not in member_ids(session, world.cpts["sud"])


def test_scope(client, world, sign_in):  # noqa: F811
    slug, nurse = world.slugs["sud"], world.pros["nurse"]
    path = f"/cpts/{slug}/membres/{nurse}/retirer"
    resp = client.get(path)
    assert resp.status_code == 302 and "/connexion" in resp.headers["Location"]
    assert f"fiche n° {nurse}" not in page(client, f"/cpts/{slug}")[1]  # managers only
    sign_in("coordinator", cpts_id=world.cpts["est"])
    assert client.get(path).status_code == 403
    assert client.get(f"/cpts/{slug}/membres/{nurse}/inviter").status_code == 403
    assert undo(client, slug, 1).status_code == 403
    sign_in("coordinator", cpts_id=world.cpts["sud"])
    assert client.get(f"/cpts/{slug}/membres/{world.pros['physio']}/retirer").status_code == 404
    assert client.get(f"/cpts/{slug}/membres/{world.pros['physio']}/inviter").status_code == 404
    for huge in ("99999999999/retirer", "99999999999/inviter"):
        assert client.get(f"/cpts/{slug}/membres/{huge}").status_code == 404
