"""Download commune contours from API Géo (geo.api.gouv.fr) into a file the importer streams.

API Géo lists a département's communes with the whole-city codes (75056, 69123, 13055); CPTS
use arrondissements, so those are asked for too (``type=``), and the importer skips a whole-city
feature when its arrondissements are present.
"""
from __future__ import annotations

import logging
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path


log = logging.getLogger(__name__)

FIELDS = "code,nom,codeDepartement,codeRegion,population"


class ApiGeoUnavailable(RuntimeError):
    pass


def download_departement(base_url: str, departement: str, dest_dir: Path | None = None,
                         timeout: float = 60) -> Path:
    """Stream ``/departements/<d>/communes?format=geojson&geometry=contour`` to a file."""
    query = urllib.parse.urlencode({
        "type": "commune-actuelle,arrondissement-municipal",
        "format": "geojson", "geometry": "contour", "fields": FIELDS,
    })
    url = f"{base_url.rstrip('/')}/departements/{urllib.parse.quote(departement)}/communes?{query}"
    dest_dir = Path(dest_dir or tempfile.mkdtemp(prefix="api-geo-"))
    dest = dest_dir / f"communes-{departement}.geojson"
    request = urllib.request.Request(url, headers={"Accept": "application/geo+json, application/json",
                                                   "User-Agent": "carto-cpts"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp, open(dest, "wb") as out:
            shutil.copyfileobj(resp, out, length=1 << 20)
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ApiGeoUnavailable(f"API Géo unreachable at {base_url}: {exc}") from exc
    log.info("downloaded %s", url)
    return dest

