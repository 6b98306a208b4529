"""Fixtures of the places tests: a handful of real names (fictional squares) imported through
the communes importer, La Poste's postcode file written in its published layouts, and the real
communes of a few départements (session-scoped, committed) when the open-data pack is there."""
from __future__ import annotations

from pathlib import Path

import pytest

from mapper.imports.communes import import_communes_file
from tests.factories.geo import box, collection, feature, write_geojson
from tests.support import real_communes_database

#: (code, name, département, population, arrondissement of) — homonyms on purpose.
PLACES = [
    ("06159", "Villefranche-sur-Mer", "06", 5008, None),
    ("06121", "Saint-Jean-Cap-Ferrat", "06", 1500, None),
    ("06122", "Saint-Jeannet", "06", 4453, None),
    ("04183", "Saint-Jeannet", "04", 120, None),
    ("83115", "Sainte-Maxime", "83", 14118, None),
    ("31488", "Saint-Jean", "31", 11000, None),
    ("92075", "Vanves", "92", 28000, None),
    ("55384", "Nice-Lès-Vitry", "55", 80, None),  # not a real name: a prefix of « Nice »
    ("06088", "Nice", "06", 357737, None),
    ("75114", "Paris 14e Arrondissement", "75", 136455, "75056"),
    ("75115", "Paris 15e Arrondissement", "75", 227746, "75056"),
    ("69383", "Lyon 3e Arrondissement", "69", 100679, "69123"),
    ("13213", "Marseille 13e Arrondissement", "13", 95112, "13055"),
    ("13013", "Belcodène", "13", 1900, None),  # INSEE 13013 is also a Marseille postcode
]

HEXASMAL_HEADER = "#Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libellé_d_acheminement;Ligne_5"
HEXASMAL_ROWS = [
    "06159;VILLEFRANCHE SUR MER;06230;VILLEFRANCHE SUR MER;",
    "06159;VILLEFRANCHE SUR MER;06230;VILLEFRANCHE SUR MER;LE MONT ALBAN",
    "06121;ST JEAN CAP FERRAT;06230;ST JEAN CAP FERRAT;",
    "06122;ST JEANNET;06640;ST JEANNET;",
    "83115;STE MAXIME;83120;STE MAXIME;",
    "92075;VANVES;92170;VANVES;",
    "75114;PARIS 14;75014;PARIS;",
    "75115;PARIS 15;75015;PARIS;",
    "69383;LYON 03;69003;LYON;",
    "13213;MARSEILLE 13;13013;MARSEILLE;",
    "97701;ST BARTHELEMY;97133;ST BARTHELEMY;",
]


def hexasmal(path: Path, rows=HEXASMAL_ROWS, header=HEXASMAL_HEADER, encoding="cp1252",
             newline="\r\n") -> Path:
    """La Poste's file as data.gouv.fr publishes it: « ; », Windows-1252, CRLF, « # » header."""
    path.write_bytes((newline.join([header, *rows]) + newline).encode(encoding))
    return path


def place_features() -> dict:
    feats = []
    for i, (code, name, dep, population, parent) in enumerate(PLACES):
        x = 1.0 + i * 0.1
        props = {"departement": dep, "population": population}
        if parent:
            props.update(type="arrondissement-municipal", commune=parent)
        feats.append(feature(code, name, box(x, 45.0, x + 0.05, 45.05), **props))
    return collection(*feats)


@pytest.fixture()
def places(session, tmp_path):
    report = import_communes_file(session, write_geojson(tmp_path / "places.geojson",
                                                         place_features()), population_year=2023)
    assert report.ok, report.lines()
    session.commit()
    return session


@pytest.fixture()
def postcodes(places, tmp_path):
    from mapper.imports.postcodes import import_postcodes_file

    report = import_postcodes_file(places, hexasmal(tmp_path / "019HexaSmal.csv"))
    places.commit()
    return report


REAL_DEPARTEMENTS = ("04", "06", "13", "69", "75", "83", "92")


@pytest.fixture(scope="session")
def real_places(database_factory, shared_data):
    """A committed database with the real communes of 04, 06, 13, 69, 75, 83 and 92."""
    db = real_communes_database(database_factory("places"), shared_data, REAL_DEPARTEMENTS)
    yield db
    db.engine.dispose()
