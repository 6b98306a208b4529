"""The hardening tests reuse the directory tests' world (a grid of communes around Paris)."""
from tests.directory.conftest import communes, two_cpts, world  # noqa: F401  (fixtures)
from tests.territories.conftest import grid  # noqa: F401,E402  (fixture)
