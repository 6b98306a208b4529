"""The Annuaire Santé settings from the environment: defaults, and bad values named."""
from __future__ import annotations

import pytest

from mapper.config import ConfigError, Settings


def test_defaults_point_at_the_public_api_without_a_key():
    s = Settings.from_env({})
    assert s.annuaire_sante_url == "https://gateway.api.esante.gouv.fr/fhir/v2"
    assert s.annuaire_sante_api_key is None and s.annuaire_sante_rate == 5.0
    with_key = Settings.from_env({"MAPPER_ANNUAIRE_SANTE_API_KEY": " s3cret "})
    assert with_key.annuaire_sante_api_key == "s3cret" and "s3cret" not in repr(with_key)


@pytest.mark.parametrize("name,value", [
    ("MAPPER_ANNUAIRE_SANTE_URL", "ftp://example.org"),
    ("MAPPER_ANNUAIRE_SANTE_RATE", "0"),
    ("MAPPER_ANNUAIRE_SANTE_PAGE_SIZE", "5000"),
    ("MAPPER_ANNUAIRE_SANTE_RETRIES", "-1"),
])
def test_bad_values_are_refused_with_their_name(name, value):
    with pytest.raises(ConfigError, match=name):
        Settings.from_env({name: value})
