"""An import's report is printed once: the real command in a process, its standard output and
error read together, as a person at a terminal sees them."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.factories.geo import grid_communes, write_geojson
from tests.factories.rpps_files import rpps_record, write_rpps_file


def mapper(url: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "-c", "from mapper.cli import main; main()", *args],
                         env={**os.environ, "MAPPER_DATABASE_URL": url}, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout + out.stderr


def test_communes_and_rpps_reports_are_printed_once(fresh_database, tmp_path):
    communes = write_geojson(tmp_path / "grid.geojson", grid_communes("95", (2.0, 49.0), 3, 0.05))
    printed = mapper(fresh_database, "import", "communes", str(communes))
    first = printed.splitlines()[0]
    assert "9" in first and printed.count(first) == 1, printed
    rpps = write_rpps_file(tmp_path / "PS_LibreAcces_Personne_activite.txt",
                           [rpps_record(), rpps_record(pp_id="10000000002")])
    printed = mapper(fresh_database, "import", "rpps", str(rpps))
    first = printed.splitlines()[0]
    assert printed.count(first) == 1, printed
