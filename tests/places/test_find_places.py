"""Places typed by people, found tolerantly (services.places): every example of issue 11, the
arrondissement forms, postcodes with and without La Poste's file, homonyms and typos, and the
field errors of the territory checker and /moi with their « Voulez-vous dire … »."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from mapper.errors import ValidationFailed
from mapper.services.communes import commune_labels, resolve_communes
from mapper.services.places import find_place, find_places, place_in_text, ranked_codes

ISSUE_EXAMPLES = [
    ("villefranche sur mer", "06159"), ("Villefranche-sur-Mer", "06159"),
    ("VILLEFRANCHE S/ MER", "06159"), ("paris 15", "75115"), ("Paris 14e", "75114"),
    ("Paris 14ème", "75114"), ("Paris XIVe", "75114"), ("Paris 14", "75114"),
    ("14e arrondissement de Paris", "75114"), ("Lyon 3e", "69383"), ("Marseille 13", "13213"),
    ("Marseille 13e arrondissement", "13213"), ("Ste Maxime", "83115"),
    ("sainte-maxime", "83115"), ("Saint-Jeannet (06)", "06122"), ("Vanves (92075)", "92075"),
    ("92075", "92075"),
]


@pytest.mark.parametrize("typed,code", ISSUE_EXAMPLES)
def test_issue_examples_resolve(places, typed, code):
    search = find_place(places, typed)
    assert search.status == "found" and search.match.code == code, search


def test_homonyms_are_ambiguous_with_both_offered_biggest_first(places):
    search = find_place(places, "St Jeannet")
    assert search.status == "ambiguous"
    assert [p.label for p in search.suggestions] == ["Saint-Jeannet (06)", "Saint-Jeannet (04)"]
    assert search.best_guess.code == "06122"  # 4 453 inhabitants against 120: a safe guess


def test_a_typo_is_unknown_with_the_closest_names_offered(places):
    search = find_place(places, "Saint-Jeanet")
    assert search.status == "unknown" and search.match is None
    assert [p.label for p in search.suggestions[:2]] == ["Saint-Jeannet (06)",
                                                         "Saint-Jeannet (04)"]
    assert find_place(places, "Villefranch sur mr").suggestions[0].code == "06159"
    assert find_place(places, "zzqxw").suggestions == ()


def test_a_city_without_its_arrondissement_offers_them(places):
    search = find_place(places, "Paris")
    assert search.status == "ambiguous"
    assert [p.code for p in search.suggestions] == ["75114", "75115"]


def test_postcodes_with_the_file(places, postcodes):
    assert postcodes.counts["pairs"] == 10 and postcodes.counts["communes_not_loaded"] == 1
    two = find_place(places, "06230")
    assert two.status == "ambiguous"
    assert [p.code for p in two.suggestions] == ["06159", "06121"]  # the distributing one first
    assert find_place(places, "06230 Villefranche").match.code == "06159"
    assert find_place(places, "St Jean Cap Ferrat 06230").match.code == "06121"
    assert find_place(places, "06640").match.code == "06122"
    assert find_place(places, "92170").match.code == "92075"


def test_postcodes_without_the_file(places):
    """The arrondissement rule of Paris, Lyon and Marseille still answers; a postcode nobody
    knows is unknown."""
    assert find_place(places, "75014").match.code == "75114"
    assert find_place(places, "69003").match.code == "69383"
    assert find_place(places, "06640").status == "unknown"
    assert find_place(places, "13013").match.code == "13013"  # an INSEE code comes first...
    assert ranked_codes(places, "13013")[:2] == ["13013", "13213"]  # ...then its postcode's


def test_a_list_is_resolved_in_one_pass(places):
    found = find_places(places, ["Paris 14e", "Nice", "nice (06)", "Saint-Jean"])
    assert [s.match.code for s in found] == ["75114", "06088", "06088", "31488"]


def test_resolve_communes_takes_every_form(places):
    codes = resolve_communes(places, "villefranche sur mer\nParis 14e; Lyon 3e, Marseille 13\n"
                                     "Saint-Jeannet (06)\nVanves (92075)\n75115")
    assert codes == ["06159", "75114", "69383", "13213", "06122", "92075", "75115"]


@pytest.mark.parametrize("typed,message", [
    ("St Jeannet", "Plusieurs communes s'appellent « St Jeannet ». Voulez-vous dire "
                   "« Saint-Jeannet (06) » ou « Saint-Jeannet (04) » ?"),
    ("villefranche sur mr", "Commune inconnue : « villefranche sur mr ». Voulez-vous dire "
                            "« Villefranche-sur-Mer (06) »"),
    ("Atlantide", "Commune inconnue : « Atlantide »."),
    ("Paris", "« Paris » : précisez l'arrondissement (par exemple "
              "« Paris 14e Arrondissement (75) »)."),
])
def test_resolve_communes_suggests(places, typed, message):
    with pytest.raises(ValidationFailed) as info:
        resolve_communes(places, f"Nice\n{typed}", field="zone_communes")
    [problem] = info.value.errors["zone_communes"]
    assert problem.startswith(message), problem


def test_same_name_and_departement_are_told_apart_by_code(places):
    places.execute(text("UPDATE commune SET departement = '06' WHERE code = '04183'"))
    with pytest.raises(ValidationFailed) as info:
        resolve_communes(places, "St Jeannet")
    assert "« Saint-Jeannet (06122) » ou « Saint-Jeannet (04183) »" in str(info.value.errors)


def test_commune_labels_show_names(places):
    assert commune_labels(places, ["92075", "75114", "99999"]) == [
        "Vanves (92075)", "Paris 14e Arrondissement (75114)", "99999"]
    assert resolve_communes(places, "\n".join(commune_labels(places, ["92075", "75114"]))) == [
        "92075", "75114"]


@pytest.mark.parametrize("address,code", [
    ("3 avenue Jean Jaurès Villefranche sur Mer", "06159"),
    ("12 rue de la Gaîté, Paris 14e", "75114"),
    ("12 rue de la Gaîté Paris 14e", "75114"),
    ("5 rue Longue, St Jeannet", "06122"),  # homonyms: the one that dwarfs the other
    ("rue Courte, Saint-Jeanet", "06122"),  # a typo clearly closest to one name
    ("8 boulevard Haut 13013", "13213"),  # a Marseille postcode, not Belcodène's INSEE code
    ("Ste Maxime", "83115"),
])
def test_place_in_text(places, address, code):
    assert place_in_text(places, address).code == code


def test_place_in_text_stays_silent_on_street_names(places):
    assert place_in_text(places, "12 rue de Nice") is None  # « de Nice » is a street
    assert place_in_text(places, "nulle part du tout") is None
