"""energymon core: config, collector, storage, accounting, simulator and CLI.

Imports drivers, never ui (except the CLI's lazy import for ``gui``/``demo``).
"""

__version__ = "0.1.0"
