"""CSV files as people send them: UTF-8 with or without BOM, comma or semicolon, and column
names matched case-insensitively among accepted aliases."""
from __future__ import annotations

import csv
from typing import IO


def dict_reader(fh: IO[str]) -> csv.DictReader:
    """A DictReader whose delimiter (``;`` or ``,``) is guessed from the start of the file."""
    sample = fh.read(4096)
    fh.seek(0)
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return csv.DictReader(fh, delimiter=delimiter)


def pick_column(header: list[str], names: tuple[str, ...]) -> str | None:
    """The header's spelling of the first accepted name present, or None."""
    lowered = {h.strip().lower(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)
