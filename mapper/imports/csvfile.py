"""CSV files as people send them: UTF-8 with or without BOM, comma or semicolon, and column
names matched case-insensitively among accepted aliases. A file in another encoding (a
spreadsheet's Latin-1 export) is refused whole, naming the first line that is not UTF-8."""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import IO

from .report import FileRefused, unicode_line


def dict_reader(fh: IO[str]) -> csv.DictReader:
    """A DictReader whose delimiter (``;`` or ``,``) is guessed from the start of the file."""
    sample = fh.read(4096)
    fh.seek(0)
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return csv.DictReader(fh, delimiter=delimiter)


def read_text(path: Path) -> str:
    """The whole file as text (UTF-8, BOM dropped); FileRefused naming the first bad line."""
    raw = Path(path).read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(
            f"{path}: line {unicode_line(raw, exc)} is not UTF-8 text (byte "
            f"{raw[exc.start:exc.start + 1]!r}): save the file as « CSV UTF-8 »") from None


def open_csv(path: Path) -> csv.DictReader:
    """A DictReader over the decoded file (see ``read_text``)."""
    return dict_reader(io.StringIO(read_text(path), newline=""))


def pick_column(header: list[str], names: tuple[str, ...]) -> str | None:
    """The header's spelling of the first accepted name present, or None."""
    lowered = {h.strip().lower(): h for h in header}
    return next((lowered[n] for n in names if n in lowered), None)
