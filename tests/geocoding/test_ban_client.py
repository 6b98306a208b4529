"""The BAN client against the local stand-in: wire format, errors, chunking, rate limit."""
from __future__ import annotations

import pytest

from mapper.geocoding import (
    AddressRow, BanClient, GeocodeResult, GeocodingQueryError, GeocodingUnavailable, TokenBucket,
    normalise_address,
)
from mapper.geocoding.ban import GeoplateformeBAN
from tests.standins import BanEntry, BanStandIn

PORT_CERGY = BanEntry(
    lon=2.0641, lat=49.0366, type="housenumber", score=0.97, postcode="95000", citycode="95127",
    city="Cergy", housenumber="8", street="Boulevard du Port",
)


@pytest.fixture
def ban():
    with BanStandIn({"8 boulevard du port": PORT_CERGY}) as server:
        yield server


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def client(ban, sleeps):
    return BanClient(ban.base_url, timeout=2, backoff=0.01, limiter=TokenBucket(1000, burst=1000), sleep=sleeps.append)


# -- single geocoding -----------------------------------------------------------------------


def test_default_base_url_targets_the_geoplateforme_with_its_path_prefix():
    geocoder = GeoplateformeBAN()
    assert geocoder.geocode_api == "https://data.geopf.fr/geocodage/search"
    assert BanClient().batch_url == "https://data.geopf.fr/geocodage/search/csv"


def test_geocode_returns_point_score_label_and_codes(client):
    result = client.geocode("8 Boulevard du Port", postcode="95000")
    assert result == GeocodeResult(
        lat=49.0366, lon=2.0641, score=0.97, label="8 Boulevard du Port 95000 Cergy",
        citycode="95127", postcode="95000", type="housenumber",
    )
    assert result.precision == "address"


def test_geocode_sends_query_filters_and_no_autocomplete_under_the_prefix(client, ban):
    client.geocode("8 Boulevard du Port", postcode="95000", citycode="95127")
    (request,) = ban.requests
    assert request.path == "/geocodage/search"
    assert request.query == {"q": ["8 Boulevard du Port"], "limit": ["1"], "postcode": ["95000"], "autocomplete": ["0"]}


def test_citycode_filters_when_no_postcode_but_never_a_whole_city_code(client, ban):
    client.geocode("8 boulevard du port", citycode="95127")
    client.geocode("8 boulevard du port", citycode="75056")
    assert ban.requests[0].query["citycode"] == ["95127"]
    assert "citycode" not in ban.requests[1].query


@pytest.mark.parametrize("ban_type, precision", [
    ("housenumber", "address"), ("street", "street"), ("locality", "street"),
    ("municipality", "commune_centroid"),
])
def test_precision_follows_the_ban_result_type(client, ban, ban_type, precision):
    ban.add("quelque part", lon=5.0, lat=44.0, type=ban_type, score=0.6, city="Digne", citycode="04070")
    result = client.geocode("Quelque part")
    assert (result.type, result.precision) == (ban_type, precision)


def test_unknown_type_is_treated_as_least_precise():
    result = GeocodeResult(1.0, 2.0, 0.5, "x", None, None, "poi")
    assert result.precision == "commune_centroid"


def test_no_match_and_filter_mismatch_give_none(client):
    assert client.geocode("1 rue qui n'existe pas") is None
    assert client.geocode("8 boulevard du port", postcode="13001") is None


def test_too_short_query_is_not_sent(client, ban):
    assert client.geocode(" ,. a ") is None
    assert ban.requests == []


def test_leading_punctuation_is_dropped_because_the_ban_rejects_it(client, ban):
    assert client.geocode('"8 boulevard du port"') is not None
    assert ban.requests[0].query["q"] == ['8 boulevard du port"']


def test_unreachable_service_raises_geocoding_unavailable(ban):
    client = BanClient(ban.base_url, timeout=2)
    ban.stop()
    with pytest.raises(GeocodingUnavailable):
        client.geocode("8 boulevard du port")
    with pytest.raises(GeocodingUnavailable):
        list(client.geocode_batch([AddressRow(1, "8 boulevard du port")]))


def test_persistent_503_raises_after_retries(client, ban, sleeps):
    ban.fail_with(503)
    with pytest.raises(GeocodingUnavailable) as info:
        client.geocode("8 boulevard du port")
    assert info.value.status == 503
    assert len(ban.requests) == client.retries + 1
    assert sleeps == [0.01, 0.02]  # exponential backoff between attempts


def test_transient_503_is_retried_and_succeeds(client, ban):
    ban.fail_with(503, times=1)
    assert client.geocode("8 boulevard du port").score == 0.97
    assert len(ban.requests) == 2


def test_429_retry_after_is_honoured(client, ban, sleeps):
    ban.fail_with(429, times=1, headers={"Retry-After": "2"})
    assert client.geocode("8 boulevard du port") is not None
    assert sleeps == [2.0]


def test_timeout_is_unavailable_and_not_retried(ban):
    ban.delay = 0.5
    client = BanClient(ban.base_url, timeout=0.1, limiter=TokenBucket(1000, 1000))
    with pytest.raises(GeocodingUnavailable) as info:
        client.geocode("8 boulevard du port")
    assert info.value.status is None
    assert len(ban.search_requests()) == 1


def test_http_400_is_a_query_error_not_unavailability(client, ban):
    ban.fail_with(400)
    with pytest.raises(GeocodingQueryError):
        client.geocode("8 boulevard du port")
    ban.fail_with(400)
    with pytest.raises(GeocodingQueryError):
        list(client.geocode_batch([AddressRow(1, "8 boulevard du port")]))


# -- batch geocoding ------------------------------------------------------------------------


def test_batch_of_25000_rows_is_sent_in_three_chunks_and_answers_in_order(client, ban):
    rows = [AddressRow(f"site-{i}", "8 boulevard du port" if i % 3 else f"{i} chemin inconnu", "95000") for i in range(25_000)]
    results = list(client.geocode_batch(rows, chunk_size=10_000))
    assert [rid for rid, _ in results] == [row.id for row in rows]
    assert all((result is not None) == (i % 3 != 0) for i, (_, result) in enumerate(results))
    assert [r.info["rows"] for r in ban.csv_requests()] == [10_000, 10_000, 5_000]
    assert ban.csv_requests()[0].path == "/geocodage/search/csv"


def test_batch_form_names_address_column_and_filters(client, ban):
    rows = [AddressRow(1, "8 boulevard du port", "95000"), AddressRow(2, "8 boulevard du port", None, "95127")]
    assert all(result is not None for _, result in client.geocode_batch(rows))
    info = ban.csv_requests()[0].info
    assert info["columns"] == ["address"]
    assert info["filters"] == {"postcode": "postcode", "citycode": "citycode"}


def test_batch_filter_mismatch_is_none(client):
    rows = [AddressRow(1, "8 boulevard du port", "13001"), AddressRow(2, "8 boulevard du port", "95000")]
    assert [result is not None for _, result in client.geocode_batch(rows)] == [False, True]


def test_batch_csv_round_trips_commas_quotes_accents_and_separators(client, ban):
    tricky = [
        '12, rue de l\'Église; Bât. "A"',
        "Résidence « Les Pins » | 3 allée des Œillets",
        "5 bis\tavenue\n de la   République, 2e étage",
        '"Chez Zoé", 1 place du Marché',
    ]
    for i, address in enumerate(tricky):
        ban.add(address, lon=5.0 + i, lat=44.0 + i, type="housenumber", score=0.8, citycode="04070", postcode="04000")
    rows = [AddressRow(("rpps", i), address, "04000") for i, address in enumerate(tricky)]
    results = dict(client.geocode_batch(rows))
    assert {key: (r.lon, r.lat) for key, r in results.items()} == {("rpps", i): (5.0 + i, 44.0 + i) for i in range(4)}


def test_batch_skips_unusable_addresses_without_sending_them(client, ban):
    rows = [AddressRow(1, ""), AddressRow(2, "  "), AddressRow(3, "8 boulevard du port"), AddressRow(4, "ab")]
    results = list(client.geocode_batch(rows, chunk_size=2))
    assert [(rid, r is not None) for rid, r in results] == [(1, False), (2, False), (3, True), (4, False)]
    assert [r.info["rows"] for r in ban.csv_requests()] == [1]


def test_batch_503_is_retried_then_raises(client, ban):
    ban.fail_with(503, times=1)
    assert list(client.geocode_batch([AddressRow(1, "8 boulevard du port")]))[0][1] is not None
    ban.fail_with(503)
    with pytest.raises(GeocodingUnavailable):
        list(client.geocode_batch([AddressRow(1, "8 boulevard du port")]))
    assert len(ban.csv_requests()) == 2 + client.retries + 1


def test_batch_response_that_loses_rows_is_rejected(ban, client):
    original = ban._search_csv

    def truncated(request):
        response = original(request)
        response.body = b"\n".join(response.body.split(b"\n")[:-2]) + b"\n"  # drop the last row
        return response

    ban._search_csv = truncated
    with pytest.raises(GeocodingUnavailable, match="1 rows for 2 sent"):
        list(client.geocode_batch([AddressRow(1, "8 boulevard du port"), AddressRow(2, "8 boulevard du port")]))


def test_batch_results_stream_chunk_by_chunk(client, ban):
    rows = (AddressRow(i, "8 boulevard du port") for i in range(30))
    results = client.geocode_batch(rows, chunk_size=10)
    next(results)
    assert len(ban.csv_requests()) == 1


# -- rate limiting --------------------------------------------------------------------------


def test_single_calls_are_spaced_by_the_rate_limit(ban):
    rate = 20.0
    client = BanClient(ban.base_url, limiter=TokenBucket(rate, burst=1))
    for _ in range(8):
        client.geocode("8 boulevard du port")
    times = [r.t for r in ban.requests]
    span = times[-1] - times[0]
    assert span >= 7 / rate * 0.9
    assert span < 7 / rate + 1.0


def test_single_and_batch_share_one_bucket(ban):
    rate = 10.0
    client = BanClient(ban.base_url, limiter=TokenBucket(rate, burst=1))
    client.geocode("8 boulevard du port")
    list(client.geocode_batch([AddressRow(i, "8 boulevard du port") for i in range(5)], chunk_size=2))
    client.geocode("8 boulevard du port")
    times = [r.t for r in ban.requests]
    assert len(times) == 5
    assert times[-1] - times[0] >= 4 / rate * 0.9


def test_clients_for_the_same_host_share_the_default_bucket(ban):
    assert BanClient(ban.base_url).limiter is BanClient(ban.base_url + "/").limiter


def test_token_bucket_allows_burst_then_spaces_calls():
    now = [0.0]
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    bucket = TokenBucket(50, burst=3, clock=lambda: now[0], sleep=sleep)
    assert [bucket.acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.acquire() == pytest.approx(0.02)
    assert bucket.acquire() == pytest.approx(0.02)
    now[0] += 1.0  # idle: the bucket refills, but never beyond its burst
    assert [bucket.acquire() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.acquire() == pytest.approx(0.02)


def test_token_bucket_rejects_nonsense():
    with pytest.raises(ValueError):
        TokenBucket(0)
    with pytest.raises(ValueError):
        TokenBucket(10, burst=0)


# -- cache keys -----------------------------------------------------------------------------


def test_normalise_address_equates_spelling_variants():
    a = normalise_address("12, Rue de l'Église  ", "75014", "75114")
    b = normalise_address("12 RUE DE L EGLISE", " 75014", "75114")
    assert a == b == "12 rue de l eglise|75014|75114"


def test_normalise_address_keeps_what_distinguishes_places():
    assert normalise_address("1 rue du Cœur", None, None) == "1 rue du coeur||"
    assert normalise_address("8 rue X", "75014") != normalise_address("8 rue X", "13014")
    assert normalise_address("12 bis rue X") != normalise_address("12 rue X")


def test_malformed_feature_is_unavailability_not_a_crash(client, ban):
    original = ban._search

    def broken(request):
        response = original(request)
        response.body = response.body.replace(b'"coordinates": [2.0641, 49.0366]', b'"coordinates": []')
        return response

    ban._search = broken
    with pytest.raises(GeocodingUnavailable, match="unreadable feature"):
        client.geocode("8 boulevard du port")
