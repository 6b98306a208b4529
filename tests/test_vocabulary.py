"""One vocabulary for Python and SQL: the database checks exactly the codes of mapper.vocab, and
the size category rule gives the same answer in both."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import CheckConstraint, text

from mapper import labels, vocab
from mapper.models import Base

CODES = re.compile(r"'([^']*)'")


def _checks_with_codes():
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint) and " IN (" in str(constraint.sqltext):
                yield table.name, f"ck_{table.name}_{constraint.name}", str(constraint.sqltext)


def test_the_database_checks_the_vocabularies(session):
    checks = list(_checks_with_codes())
    assert len(checks) >= 9  # statuses, roles, slot kinds, zone kinds, sources…
    for table, name, model_sql in checks:
        # Migrations up to 0008 named constraints twice over (« ck_t_ck_t_x »), later ones once.
        stored = session.execute(text(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname IN (:n, :m)"),
            {"n": name, "m": name.replace(f"ck_{table}_ck_{table}_", f"ck_{table}_")}).scalar()
        assert stored is not None, f"{table}: no constraint {name} in the database"
        assert set(CODES.findall(stored)) == set(CODES.findall(model_sql)), (name, stored)


@pytest.mark.parametrize("population", [0, 1, 39_999, 40_000, 79_999, 80_000, 174_999,
                                        175_000, 2_000_000, None])
def test_size_category_is_the_same_in_python_and_sql(session, population):
    in_sql = session.execute(text(f"SELECT {vocab.size_category_sql('CAST(:p AS bigint)')}"),
                             {"p": population or 0}).scalar()
    assert in_sql == vocab.size_category(population)
    assert vocab.size_category(population) in vocab.SIZE_CATEGORIES


def test_every_code_has_its_french_label():
    assert set(labels.CPTS_STATUS) == set(vocab.CPTS_STATUSES)
    assert set(labels.SLOT_KIND) == set(vocab.SLOT_KINDS)
    assert len(labels.WEEKDAY) == len(vocab.WEEKDAYS)
    assert set(labels.SIZE_CATEGORY) == set(vocab.SIZE_CATEGORIES)
