"""Site configuration: the TOML format read into a validated, frozen model.

``load_config(path)`` and ``parse_config(text, path)`` return a :class:`Config`
or raise :class:`ConfigError` naming the file and field. Modules:
``fields`` (the typed field reader), ``model`` (the dataclasses), ``parse`` (the
site's sections), ``tariff`` (the ``[tariff]`` table), ``sim_params`` (the
simulator's ``[devices.sim]`` table), ``endpoints`` (the warning for two
connections to one gateway or serial port, in ``Config.warnings``), ``publish`` (the optional
``[publish]`` section of the fleet publisher).
"""

from energymon.config.fields import ConfigError
from energymon.config.model import Carbon, Config, Connection, Device, Site, Storage
from energymon.config.parse import load_config, parse_config

__all__ = ["Carbon", "Config", "ConfigError", "Connection", "Device", "Site", "Storage", "load_config", "parse_config"]
