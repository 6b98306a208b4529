"""The whole API fuzzed from its own OpenAPI document by schemathesis (its command line, every
check), anonymous and with an administrator's token, against a live server holding the demo
data, the BAN played by its local stand-in: no server error, no response outside the document,
no undocumented status or content type.

The number of examples per operation is bounded for ``make test`` (``MAPPER_FUZZ_EXAMPLES``,
default 8); the seed is fixed so that a failure is reproducible (``MAPPER_FUZZ_SEED``)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mapper import create_app
from mapper.db import get_db
from mapper.demo import load_demo
from mapper.services.accounts import create_account
from tests.standins import BanEntry, BanStandIn
from tests.support import make_settings

ST = Path(sys.executable).with_name("st")
CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = os.environ.get("MAPPER_FUZZ_EXAMPLES", "8")
SEED = os.environ.get("MAPPER_FUZZ_SEED", "20261202")
PAIX = BanEntry(lon=2.3215, lat=48.8312, type="housenumber", score=0.93, postcode="75014",
                citycode="75114", city="Paris", housenumber="12", street="Rue de la Paix")


@pytest.fixture(scope="module")
def api(database_factory, live_server_factory):
    with BanStandIn({"12 rue de la Paix": PAIX}) as ban:
        settings = make_settings(database_factory("fuzz"), ban_base_url=ban.base_url)
        app = create_app(settings)
        with get_db(app).session_scope() as session:
            load_demo(session, settings)
            _, token = create_account(session, email="fuzz-admin@example.org", role="admin",
                                      actor="test")
        yield live_server_factory(app).url, token


def fuzz(url: str, workdir: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run ``st`` in ``workdir`` (it keeps a cache of its findings in its working directory)."""
    return subprocess.run(
        [str(ST), "--config-file", str(CONFIG), "run", f"{url}/api/v1/openapi.json",
         "--url", url, "--checks", "all", "--max-examples", EXAMPLES, "--seed", SEED,
         "--workers", "1", "--no-color", *extra],
        capture_output=True, text=True, timeout=1200, cwd=workdir)


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_the_api_does_what_its_document_says(api, who, tmp_path):
    url, token = api
    result = fuzz(url, tmp_path,
                  *(["-H", f"Authorization: Bearer {token}"] if who == "admin" else []))
    report = result.stdout[result.stdout.find("FAILURES"):] if "FAILURES" in result.stdout \
        else result.stdout[-4000:]
    assert result.returncode == 0, report[-12000:] + result.stderr[-2000:]
    summary = result.stdout[result.stdout.rfind("SUMMARY"):]
    print(f"schemathesis, {who}:", summary)  # the figures, shown with pytest -s
    assert "No issues found" in summary or "Failures" not in summary, summary
