"""The site record: the site and its devices as configured, written into the database so it describes itself.

The ``site`` table holds key/value facts (JSON values; with ``config_toml``
the full config text), the ``devices`` table one row per device as last
configured, and each configured counter's channel its register modulus
(``wrap_at``, so a wrap is told from a reset). Readers (energymon.store.reader) and the monthly report take the
site's name, time zone and emission factor from here, not from a config file.
"""

from __future__ import annotations

import json
import time

import sqlite_utils

from drivers.quantities import QUANTITIES, Kind
from energymon.config import Config
from energymon.store.channels import channel_ids


def record_site(db: sqlite_utils.Database, config: Config, config_text: str | None = None) -> None:
    """Write the site and device definitions, so the database describes itself."""
    now_ms = int(time.time() * 1000)
    site = config.site
    facts = {
        "name": site.name,
        "timezone": site.timezone,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "emission_factor_kg_per_kwh": config.carbon.emission_factor_kg_per_kwh,
        "emission_factor_source": config.carbon.source,
        "config_path": str(config.path) if config.path else "",
    }
    if config_text is not None:
        facts["config_toml"] = config_text
    with db.atomic():
        db.table("site").upsert_all(({"key": k, "value": json.dumps(v)} for k, v in facts.items()), pk="key")
        db.table("devices").upsert_all(
            (
                {
                    "id": d.id,
                    "name": d.name,
                    "role": d.role.value,
                    "profile": d.profile_name,
                    "connection": d.connection,
                    "address": config.connections[d.connection].address,
                    "unit": d.unit,
                    "poll_interval_s": d.poll_interval_s,
                    "rated_power_kw": d.rated_power_kw,
                    "dc_peak_power_kwp": d.dc_peak_power_kwp,
                    "invert": int(d.invert),
                    "updated_ms": now_ms,
                }
                for d in config.devices
            ),
            pk="id",
        )
        _record_counter_moduli(db, config)


def _record_counter_moduli(db: sqlite_utils.Database, config: Config) -> None:
    """Each configured counter's register modulus (primary side) on its channel, created if new; a counter
    whose modulus is unknown (SunSpec, floats, ratios held by the meter) is left NULL."""
    for device in config.devices:
        if device.profile is None:
            continue
        counters = [q for q in device.profile.quantities if QUANTITIES[q].kind is Kind.COUNTER]
        for quantity, channel in channel_ids(db, device.id, counters).items():
            db.conn.execute(
                "UPDATE channels SET wrap_at = ? WHERE id = ?", (device.counter_wrap_at_wh(quantity), channel)
            )
