"""energymon core: config, collection, storage, accounting, read models, reports, simulator and CLI.

Imports drivers, never ui (except the CLI's lazy import for ``gui``/``demo``).
The version is the installed package's (pyproject.toml states it once).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("energymon")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
