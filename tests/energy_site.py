"""A hand-made site with a year of hourly counter readings, for the Energy page's tests.

Asia/Shanghai (no daylight saving), every device read (configured: every :data:`POLL_S` seconds) on the
local hour from
:data:`FIRST` (2025-03-01 00:00) to :data:`NOW` (2026-03-10 12:00), written
through the store's writer (rollups included). Constant rates [kWh per hour]:

| device | counter | rate |
|---|---|---|
| pv-1 | yield_wh | 2 |
| pv-2 | yield_wh | 1, and no reading after :data:`PV2_STOPS` (2026-03-10 06:00) |
| grid | imported_wh / exported_wh | 5 / 0.5 |
| bess | charged_wh / discharged_wh | 1 / 0.8 |

So a whole hour has PV 3 kWh and consumption 3 + 5 - 0.5 + 0.8 - 1 = 7.3 kWh;
from 2026-03-10 06:00 PV is 2 kWh an hour (pv-2 silent: partial sums) and the
site's consumption 6.3 kWh. The config text the database records carries
:data:`TARIFF_TOML` (two periods that change on whole hours, a demand rate).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from energymon.store.writer import SampleBatch, StoreWriter

from support import record_hand_site

ZONE = ZoneInfo("Asia/Shanghai")
FIRST = datetime(2025, 3, 1, 0, 0, tzinfo=ZONE)
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=ZONE)
NOW_MS = int(NOW.timestamp() * 1000)
PV2_STOPS = datetime(2026, 3, 10, 6, 0, tzinfo=ZONE)
DEVICES = [("pv-1", "pv", 100), ("pv-2", "pv", 100), ("grid", "grid", 500), ("bess", "storage", 50)]
POLL_S = 60.0  # as configured: the newest reading may be 2 minutes old and the data still up to date
RATES_KWH = {
    ("pv-1", "yield_wh"): 2.0,
    ("pv-2", "yield_wh"): 1.0,
    ("grid", "imported_wh"): 5.0,
    ("grid", "exported_wh"): 0.5,
    ("bess", "charged_wh"): 1.0,
    ("bess", "discharged_wh"): 0.8,
}
TARIFF_TOML = """
[tariff]
name = "Hand tariff"
currency = "CNY"
demand_charge_per_kw_month = 30.0
export_price_per_kwh = 0.3

[tariff.prices]
peak = 1.0
valley = 0.4

[[tariff.periods]]
months = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
hours = { valley = "00:00-08:00", peak = "08:00-24:00" }
"""


def write_energy_site(path: Path, tariff: bool = True) -> None:
    """The site of the module docstring in a new database at ``path``."""
    record_hand_site(path, DEVICES, poll_interval_s=POLL_S, **({"config_toml": TARIFF_TOML} if tariff else {}))
    counters = {key: 1e6 for key in RATES_KWH}
    writer = StoreWriter(path, max_delay_s=60)
    t = FIRST
    while t <= NOW:
        ts_ms = int(t.timestamp() * 1000)
        for device_id in ("pv-1", "pv-2", "grid", "bess"):
            if device_id == "pv-2" and t > PV2_STOPS:
                continue
            values: dict[str, float | None] = {q: v for (d, q), v in counters.items() if d == device_id}
            writer.put_samples(SampleBatch(device_id, ts_ms, values))
        for key, rate in RATES_KWH.items():
            counters[key] += rate * 1000.0
        t += timedelta(hours=1)
    writer.close()
    assert writer.error is None
