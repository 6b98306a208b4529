"""The one set of URL parameters of /recherche, /map/cpts/<slug> and /embed/cpts/<slug>."""
from __future__ import annotations

from datetime import datetime

import pytest
from werkzeug.datastructures import MultiDict

from mapper.errors import ValidationFailed
from mapper.schemas.orientation import OrientationParams


def parse(query: list[tuple[str, str]]) -> OrientationParams:
    return OrientationParams.from_args(MultiDict(query))


def test_french_names_and_round_trip():
    query = [("adresse", "10 avenue du Général Leclerc, 75014 Paris"), ("profession", "10"),
             ("profession", "40,50"), ("competence", "diabete"), ("competence", "plaies"),
             ("nouveaux_patients", "oui"), ("ouvert", "1"),
             ("disponible_le", "2025-03-14T15:30"), ("domicile", "on"), ("langue", "EN"),
             ("accessible", "true"), ("teleconsultation", "0"), ("rayon", "12,5")]
    p = parse(query)
    assert p.address == "10 avenue du Général Leclerc, 75014 Paris"  # commas kept
    assert p.professions == ("10", "40", "50")
    assert p.competencies == ("diabete", "plaies")
    assert p.accepting_new_patients is True and p.open_now and p.covers_me
    assert p.open_at == datetime(2025, 3, 14, 15, 30)  # naive: Paris local time
    assert p.language == "en" and p.accessible is True and p.teleconsultation is False
    assert p.radius_km == 12.5
    assert parse(p.query_items()) == p
    assert "disponible_le=2025-03-14T15%3A30" in p.query_string()


@pytest.mark.parametrize("old, new", [
    ("address=2+rue+X%2C+Nice", "adresse=2+rue+X%2C+Nice"),
    ("competency=diabete", "competence=diabete"),
    ("accepting_new_patients=1", "nouveaux_patients=1"),
    ("open_now=true", "ouvert=oui"),
    ("open_at=2025-03-14T15:30:00", "disponible_le=2025-03-14T15:30"),
    ("language=ar", "langue=ar"),
    ("radius_km=20", "rayon=20"),
    ("near=43.7,7.26", "lat=43.7&lon=7.26"),
    ("covers=43.7,7.26", "lat=43.7&lon=7.26&domicile=1"),
])
def test_old_and_api_names_are_aliases(old, new):
    from urllib.parse import parse_qsl

    assert parse(parse_qsl(old)) == parse(parse_qsl(new))
    assert parse(parse_qsl(old)).active


@pytest.mark.parametrize("query, field", [
    ("nouveaux_patients=peut-etre", "nouveaux_patients"),
    ("ouvert=2", "ouvert"),
    ("accessible=bof", "accessible"),
    ("teleconsultation=x", "teleconsultation"),
    ("domicile=maybe", "domicile"),
    ("disponible_le=demain", "disponible_le"),
    ("disponible_le=0001-01-01T10:00", "disponible_le"),
    ("rayon=-1", "rayon"), ("rayon=1000", "rayon"), ("rayon=nan", "rayon"),
    ("rayon=dix", "rayon"),
    ("langue=francais", "langue"),
    ("profession=<b>", "profession"),
    ("competence=a%20b", "competence"),
    ("adresse=ab", "adresse"),
    ("lat=91&lon=2", "adresse"),
    ("lat=48.8", "adresse"),
    ("near=abc", "near"),
])
def test_a_wrong_value_is_reported_in_french(query, field):
    from urllib.parse import parse_qsl

    with pytest.raises(ValidationFailed) as exc:
        parse(parse_qsl(query))
    assert list(exc.value.errors) == [field]
    assert all(exc.value.errors[field])


def test_blank_values_are_no_filter():
    assert parse([("profession", ""), ("adresse", " "), ("ouvert", "")]) == OrientationParams()
    assert not OrientationParams().active
