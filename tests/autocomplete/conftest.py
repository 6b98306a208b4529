"""Fixtures of the address autocomplete tests: a BAN stand-in with a small address book, an
application pointed at it, and a few named communes (for when the BAN is away)."""
from __future__ import annotations

import pytest

from mapper import create_app
from mapper.geocoding import GeocodeResult, normalise_address
from mapper.imports.communes import import_communes_file
from mapper.services.geocoding import cache_store
from tests.factories.geo import box, collection, feature, write_geojson
from tests.standins import BanEntry, BanStandIn
from tests.support import make_settings

#: What the BAN answers while "8 bd du p…" is typed, with the real properties.
PORT_AMIENS = BanEntry(lon=2.290084, lat=49.897443, type="housenumber", score=0.72,
                       postcode="80000", citycode="80021", city="Amiens", housenumber="8",
                       street="Boulevard du Port", context="80, Somme, Hauts-de-France")
PORT_CERGY = BanEntry(lon=2.0641, lat=49.0366, type="housenumber", score=0.65,
                      postcode="95000", citycode="95127", city="Cergy", housenumber="8",
                      street="Boulevard du Port", context="95, Val-d'Oise, Île-de-France")
PORT_STREET = BanEntry(lon=2.29, lat=49.8975, type="street", score=0.5, postcode="80000",
                       citycode="80021", city="Amiens", street="Boulevard du Port",
                       context="80, Somme, Hauts-de-France")
#: An address of the page tests' world (inside commune 75002 of the grid).
PAIX = BanEntry(lon=2.32, lat=48.83, type="housenumber", score=0.8, postcode="75014",
                citycode="75114", city="Paris", housenumber="12", street="Rue de la Paix",
                context="75, Paris, Île-de-France")
BOOK = {"8 boulevard du port amiens": PORT_AMIENS, "8 boulevard du port cergy": PORT_CERGY,
        "boulevard du port amiens": PORT_STREET, "12 rue de la paix paris": PAIX}

#: Named communes (fictional outlines): a unique name, a name two départements share.
NAMED = [("06088", "Nice", "06", 7.25), ("06159", "Villefranche-sur-Mer", "06", 7.30),
         ("06900", "Saint-Martin", "06", 7.35), ("65390", "Saint-Martin", "65", 0.10),
         ("13055", "Marseille", "13", 5.40), ("13208", "Marseille 8e Arrondissement", "13", 5.45)]


def named_communes(session, tmp_path) -> None:
    feats = [feature(code, name, box(lon, 43.7, lon + 0.04, 43.74), departement=dep,
                     population=1000) for code, name, dep, lon in NAMED]
    path = write_geojson(tmp_path / "named.geojson", collection(*feats))
    report = import_communes_file(session, path, population_year=2023)
    assert report.ok, report.lines()
    # a postcode the database knows (from a cached answer), as in production
    cache_store(session, [(normalise_address("1 place Masséna 06000 Nice"), GeocodeResult(
        lat=43.72, lon=7.27, score=0.95, label="1 Place Masséna 06000 Nice", citycode="06088",
        postcode="06000", type="housenumber"))])


@pytest.fixture(scope="module")
def ban():
    with BanStandIn(BOOK) as server:
        yield server


@pytest.fixture(scope="module")
def app(database_url, ban):
    """The application of these tests (it overrides conftest's): the BAN is the stand-in, the
    per-client limit high enough for the tests that do not test it."""
    app = create_app(make_settings(database_url, ban_base_url=ban.base_url,
                                   autocomplete_rate=1000.0, autocomplete_burst=1000))
    app.config["TESTING"] = True
    return app


@pytest.fixture()
def places(session, tmp_path):
    named_communes(session, tmp_path)
    session.commit()
