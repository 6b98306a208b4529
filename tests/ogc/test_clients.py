"""Real clients read /ogc on a live server: the independent OGC conformance suite
(``ogctests``, Features Core), GDAL's OAPIF driver (what QGIS relies on) and OWSLib.

GDAL is Debian's ``gdal-bin`` (``make system-packages``). Debian bookworm ships GDAL 3.6, whose
OAPIF driver has no CRS option (Part 2 support came in GDAL 3.7): the EPSG:2154 check reads the
items in Lambert-93 with GDAL's GeoJSON driver instead, and checks counts and coordinates.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request

import pytest

from tests.support import make_settings
from tests.ogc.conftest import seed_ogc

L93 = "http://www.opengis.net/def/crs/EPSG/0/2154"
COLLECTIONS = ["communes", "cpts", "overlaps", "zones-blanches", "professionals", "places",
               "permanences"]


@pytest.fixture(scope="module")
def ogc_url(database_factory, live_server_factory, tmp_path_factory):
    from mapper import create_app
    from mapper.db import get_db

    app = create_app(make_settings(database_factory("ogc_clients")))
    with get_db(app).session_scope() as session:
        seed_ogc(session, tmp_path_factory.mktemp("ogc"))
    return live_server_factory(app).url + "/ogc"


def _json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.load(resp)


def _ogrinfo(*args: str) -> str:
    if shutil.which("ogrinfo") is None:
        pytest.fail("ogrinfo is missing: `make system-packages` installs Debian's gdal-bin")
    done = subprocess.run(["ogrinfo", "-ro", *args], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_the_ogc_conformance_suite_passes(ogc_url, tmp_path):
    """ogctests (PyPI) runs its Features Core tests against the live server, in its own
    process (it is a pytest suite itself)."""
    done = subprocess.run([sys.executable, "-m", "ogctests", "features/core", "-i", ogc_url,
                           "-v", "True"],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    summary = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"\b\d+ passed\b", summary) and "failed" not in summary, done.stdout[-6000:]


def test_gdal_lists_the_collections_and_counts_as_the_json_api(ogc_url):
    listing = _ogrinfo("-so", f"OAPIF:{ogc_url}")
    assert re.findall(r"^\d+: (\S+)", listing, re.M) == COLLECTIONS
    for collection in COLLECTIONS:
        expected = _json(f"{ogc_url}/collections/{collection}/items?limit=1")["numberMatched"]
        summary = _ogrinfo("-so", f"OAPIF:{ogc_url}", collection)
        assert f"Feature Count: {expected}" in summary, (collection, summary)
        # every feature read, two by two: GDAL follows the next links
        features = _ogrinfo("-q", "-oo", "PAGE_SIZE=2", f"OAPIF:{ogc_url}", collection)
        assert features.count("OGRFeature(") == expected, collection


def test_gdal_reads_lambert_93(ogc_url):
    for collection in ("communes", "cpts", "professionals"):
        expected = _json(f"{ogc_url}/collections/{collection}/items?limit=1")["numberMatched"]
        summary = _ogrinfo("-so", "-al", f"{ogc_url}/collections/{collection}/items"
                                         f"?crs={L93}&limit=1000")
        assert f"Feature Count: {expected}" in summary, summary
        extent = re.search(r"Extent: \(([\d.]+), ([\d.]+)\) - \(([\d.]+), ([\d.]+)\)",
                           summary)
        minx, miny, maxx, maxy = map(float, extent.groups())
        assert 600_000 < minx < maxx < 700_000 and 6_800_000 < miny < maxy < 6_900_000


def test_owslib_pages_through_every_item(ogc_url):
    from owslib.ogcapi.features import Features

    api = Features(ogc_url)
    assert [c["id"] for c in api.collections()["collections"]] == COLLECTIONS
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in \
        api.conformance()["conformsTo"]
    for collection in ("communes", "professionals"):
        matched = _json(f"{ogc_url}/collections/{collection}/items?limit=1")["numberMatched"]
        ids, offset = [], 0
        while True:
            page = api.collection_items(collection, limit=3, offset=offset)
            ids += [f["id"] for f in page["features"]]
            if "next" not in {link["rel"] for link in page["links"]}:
                break
            offset += 3
        assert len(ids) == len(set(ids)) == matched
        first = api.collection_item(collection, str(ids[0]))
        assert first["id"] == ids[0]


def test_schemathesis_finds_nothing_the_document_does_not_say(ogc_url, tmp_path):
    """/ogc fuzzed from its own OpenAPI document (every check): no server error, no status,
    content type or body outside the document, 405 for the methods it does not list."""
    from pathlib import Path

    st = Path(sys.executable).with_name("st")
    config = Path(__file__).with_name("schemathesis.toml")
    done = subprocess.run(
        [str(st), "--config-file", str(config), "run", f"{ogc_url}/api", "--url", ogc_url,
         "--checks", "all", "--max-examples", os.environ.get("MAPPER_FUZZ_EXAMPLES", "8"),
         "--seed", os.environ.get("MAPPER_FUZZ_SEED", "20261202"), "--workers", "1",
         "--no-color"], capture_output=True, text=True, timeout=900, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-12000:] + done.stderr[-2000:]
