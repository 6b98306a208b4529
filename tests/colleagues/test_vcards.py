"""The vCards are written by vobject, not by hand: values with the format's own syntax (line
breaks, ``;``, ``,``, a forged END:VCARD) come back as the same text, one card per colleague."""
from __future__ import annotations

import vobject

from tests.support import bearer


def test_a_note_cannot_forge_a_second_card(client, world, accounts, sign_in):
    _, token = accounts("admin")
    note = "Lundi; mardi, jeudi\r\nEND:VCARD\r\nBEGIN:VCARD\r\nFN:Faux"
    resp = client.patch(f"/api/v1/professionals/{world.pros['physio']}", headers=bearer(token),
                        json={"colleague_note": note, "last_name": "Petit; Dupont"})
    assert resp.status_code == 200, resp.get_json()
    sign_in("professional", professional_id=world.pros["nurse"])
    text = client.get(f"/collegues/{world.pros['physio']}.vcf").get_data(as_text=True)
    cards = list(vobject.readComponents(text))
    assert len(cards) == 1
    assert cards[0].n.value.family == "Petit; Dupont"
    assert cards[0].note.value.endswith(note.replace("\r\n", "\n"))
    assert "Adressage préféré : par messagerie MSSanté" in cards[0].note.value


def test_french_numbers_become_tel_uris():
    from mapper.web.vcards import tel_uri

    assert tel_uri("01 45 00 00 00") == "tel:+33145000000"
    assert tel_uri("+33 6 12 34 56 78") == "tel:+33612345678"
    assert tel_uri("15") is None and tel_uri("") is None
