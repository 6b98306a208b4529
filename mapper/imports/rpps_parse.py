"""Streaming parser for the Annuaire Santé extraction ``PS_LibreAcces_Personne_activite``.

The national file (~2.1 M rows, ~760 MB) is pipe-separated UTF-8 with a header line, a ``|`` at
the end of every line, and one row per practice situation (a professional with three practices
has three rows). Its columns have changed over the years (the 56-column layout added ``Code
rôle``, ``Libellé rôle``, ``Code genre activité``, ``Libellé genre activité`` to the older 52), so
columns are found by header NAME, never by position, and a missing required column stops the
import with :class:`RppsFormatError` naming it. Rows are read one line at a time: memory stays
flat whatever the file size.

Two outputs: :func:`iter_rows` yields :class:`RppsRow` records for code that reasons about a
row; :func:`iter_copy_rows` yields bare tuples of chosen columns for COPY into a staging table,
which is the import's hot path.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from operator import itemgetter
from typing import IO, Iterator, Sequence

from .report import FileRefused
from .rpps_columns import FIELDS, OPTIONAL_COLUMNS, column_key
from .rpps_address import address_line, has_address

logger = logging.getLogger(__name__)

ID_TYPE_RPPS, ID_TYPE_ADELI = "8", "0"


class RppsFormatError(FileRefused):
    """The file is not a usable extraction: missing columns, not pipe-separated, bad lines."""

    def __init__(self, message: str, *, missing: Sequence[str] = (), line_no: int | None = None):
        super().__init__(message)
        self.missing = list(missing)
        self.line_no = line_no


@dataclass(slots=True)
class RppsRow:
    """One practice situation; empty cells are None. Codes are kept as the file spells them."""

    line_no: int
    id_type: str | None
    pp_id: str | None
    national_id: str | None
    civility: str | None
    exercise_civility: str | None
    last_name: str | None
    first_name: str | None
    profession_code: str | None
    profession_label: str | None
    category_code: str | None
    savoir_faire_type_code: str | None
    savoir_faire_code: str | None
    savoir_faire_label: str | None
    mode_exercice: str | None
    siret: str | None
    finess: str | None
    structure_id: str | None
    structure_name: str | None
    trade_name: str | None
    recipient_complement: str | None
    geo_complement: str | None
    street_number: str | None
    repetition_index: str | None
    street_type_code: str | None
    street_type: str | None
    street_name: str | None
    distribution_mention: str | None
    cedex_office: str | None
    postcode: str | None
    commune_code: str | None
    commune_label: str | None
    country_code: str | None
    phone: str | None
    email: str | None
    departement_code: str | None
    sector_code: str | None
    role_code: str | None
    activity_genre_code: str | None

    @property
    def is_rpps(self) -> bool:
        return self.id_type == ID_TYPE_RPPS

    @property
    def is_adeli(self) -> bool:
        return self.id_type == ID_TYPE_ADELI


class RppsReader:
    """One pass over an extraction: reads the header on construction, then streams rows.

    Malformed lines (wrong number of fields, e.g. a stray newline inside a value) raise
    :class:`RppsFormatError` when ``strict``; otherwise they are skipped, counted in
    ``malformed`` and their numbers kept (the first 1 000) in ``malformed_lines`` for the report.
    """

    MAX_KEPT_MALFORMED = 1000

    def __init__(self, source: str | os.PathLike | IO[str], *, strict: bool = False, encoding: str = "utf-8"):
        if isinstance(source, (str, os.PathLike)):
            # Binary, decoded line by line: a bad byte is reported with its own line number.
            self._file = open(source, "rb", buffering=1 << 20)
            self._owned = True
        else:
            self._file, self._owned = source, False
        self.encoding = encoding
        self.strict = strict
        self.malformed = 0
        self.malformed_lines: list[int] = []
        #: line number -> why it was skipped (for the report), the first MAX_KEPT_MALFORMED
        self.malformed_reasons: dict[int, str] = {}
        try:
            header = self._text(self._file.readline(), 1)
        except RppsFormatError:
            self.close()
            raise
        # A BOM is dropped whatever the encoding asked for ("utf-8-sig" would slow every read).
        names = header.lstrip("\ufeff").rstrip("\r\n").split("|")
        if names and names[-1] == "":
            names.pop()  # the trailing "|"
        if len(names) < 2:
            self.close()
            raise RppsFormatError(f"header has {len(names)} column: is this a pipe-separated RPPS extraction?")
        self.columns: list[str] = [n.strip() for n in names]
        self.width = len(self.columns)
        self._index: dict[str, int] = {}
        for position, name in enumerate(self.columns):
            self._index.setdefault(column_key(name), position)

    def _text(self, line, line_no: int) -> str:
        if isinstance(line, str):
            return line
        try:
            return line.decode(self.encoding)
        except UnicodeDecodeError as exc:
            what = "header" if line_no == 1 else f"line {line_no}"
            raise RppsFormatError(
                f"{what} is not {self.encoding} text (byte {exc.start + 1}: "
                f"{line[exc.start:exc.start + 1]!r}); the Annuaire Santé publishes UTF-8",
                line_no=line_no) from None

    def _skip(self, line_no: int, reason: str) -> None:
        self.malformed += 1
        if len(self.malformed_lines) < self.MAX_KEPT_MALFORMED:
            self.malformed_lines.append(line_no)
            self.malformed_reasons[line_no] = reason
            logger.warning("RPPS extraction: skipping line %s: %s", line_no, reason)

    # -- columns ----------------------------------------------------------------------------

    def has_column(self, name: str) -> bool:
        return column_key(name) in self._index

    def positions(self, names: Sequence[str]) -> list[int]:
        """Field positions of ``names``; an absent optional column points at an always-empty
        field (position ``width``, the one after the trailing ``|``). Absent required columns
        raise, all of them named at once."""
        missing = [n for n in names if column_key(n) not in self._index and n not in OPTIONAL_COLUMNS]
        if missing:
            raise RppsFormatError(
                f"RPPS extraction lacks required column(s): {', '.join(repr(m) for m in missing)}",
                missing=missing,
            )
        return [self._index.get(column_key(n), self.width) for n in names]

    # -- rows -------------------------------------------------------------------------------

    def _fields(self) -> Iterator[tuple[int, list[str]]]:
        """``(line_no, fields)`` with exactly ``width + 1`` fields, the last one empty."""
        width, strict = self.width, self.strict
        try:
            for line_no, raw in enumerate(self._file, start=2):
                line = self._text(raw, line_no)
                fields = line.rstrip("\r\n").split("|")
                count = len(fields)
                if "\x00" in line:
                    problem = "NUL byte (\\u0000) in the line"
                elif count == width + 1:
                    problem = None
                elif count == width:  # a line without its trailing "|"
                    fields.append("")
                    problem = None
                elif count == 1 and not fields[0]:
                    continue  # blank line (often the last one)
                else:
                    problem = f"{count - 1} fields, expected {width}"
                if problem is not None:
                    if strict:
                        raise RppsFormatError(f"line {line_no}: {problem}", line_no=line_no)
                    self._skip(line_no, problem)
                    continue
                yield line_no, fields
        finally:
            self.close()

    def rows(self) -> Iterator[RppsRow]:
        """:class:`RppsRow` records; the header is checked now, not at the first ``next``."""
        get = itemgetter(*self.positions([header for _, header in FIELDS]))
        return self._rows(get)

    def _rows(self, get) -> Iterator[RppsRow]:
        for line_no, fields in self._fields():
            yield RppsRow(line_no, *[v.strip() or None for v in get(fields)])

    def copy_rows(self, columns: Sequence[str], *, with_line_no: bool = False) -> Iterator[tuple]:
        """Tuples of ``columns`` (stripped, empty as None); the header is checked now."""
        positions = self.positions(columns)
        if not positions:
            raise ValueError("columns must name at least one column")
        get = itemgetter(*positions) if len(positions) > 1 else (lambda f, p=positions[0]: (f[p],))
        return self._copy_rows(get, with_line_no)

    def _copy_rows(self, get, with_line_no: bool) -> Iterator[tuple]:
        if with_line_no:
            for line_no, fields in self._fields():
                yield (line_no, *[v.strip() or None for v in get(fields)])
        else:
            for _, fields in self._fields():
                yield tuple([v.strip() or None for v in get(fields)])

    def close(self) -> None:
        if self._owned and not self._file.closed:
            self._file.close()


def iter_rows(source, *, strict: bool = False, encoding: str = "utf-8") -> Iterator[RppsRow]:
    """Every practice situation of the extraction as an :class:`RppsRow`."""
    reader = RppsReader(source, strict=strict, encoding=encoding)
    try:
        return reader.rows()
    except RppsFormatError:
        reader.close()
        raise


def iter_copy_rows(source, columns: Sequence[str], *, strict: bool = False, with_line_no: bool = False,
                   encoding: str = "utf-8") -> Iterator[tuple]:
    """Tuples of the named ``columns`` (empty cells as None), ready for ``copy.write_row``.

    The header is checked before this returns, so a missing column fails before anything
    reaches the database.
    """
    reader = RppsReader(source, strict=strict, encoding=encoding)
    try:
        return reader.copy_rows(columns, with_line_no=with_line_no)
    except (RppsFormatError, ValueError):
        reader.close()
        raise


__all__ = [
    "FIELDS", "OPTIONAL_COLUMNS", "RppsFormatError", "RppsReader", "RppsRow", "address_line",
    "has_address", "iter_copy_rows", "iter_rows",
]
