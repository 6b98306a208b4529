"""The ARS tests reuse the committed real-PACA database of the territory tests."""
from tests.territories.conftest import paca_database  # noqa: F401  (a fixture)
