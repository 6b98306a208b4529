"""The ``mapper`` command. Each command's docstring is its help.

Commands import what they need when they run: ``mapper db start`` must work before the database
exists, and no command should pay for loading the whole application it does not use.
"""
from . import (accounts, directory, imports, rota, server, territories,  # noqa: F401
               tokens)  # (the commands)
from .base import main

__all__ = ["main"]

if __name__ == "__main__":  # pragma: no cover
    main()
