"""The one vocabulary of events: kinds, severities, and the record the collector and the store share.

An event is something an engineer should know about, stored once when it
happens (never once per poll): a device going offline or coming back, a
counter that wrapped or was reset, a value rejected as implausible, the
collector starting or stopping. ``kind`` and ``severity`` are stored as the
text values below (the ``events`` table, docs/database.md); labels for the GUI
and the reports are looked up by these keys.

Each event holds its facts language-neutral in ``params`` (numbers in base
units, durations in s, ids, quantity codes, counts; stored as a JSON object,
:func:`params_json`), and ``detail``, their English sentence for whoever reads
the table with SQL. The GUI and the reports make the reader's sentence from
``kind`` and ``params`` (energymon.event_texts); an event stored before params
existed has none (None) and is shown by its detail.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Severities, in rising order. Only a configured alarm (ALARM_RAISED, its rule's severity) is critical.
INFO, WARNING, ERROR, CRITICAL = "info", "warning", "error", "critical"
SEVERITIES = (INFO, WARNING, ERROR, CRITICAL)

# Device health transitions (energymon.collect.health).
DEVICE_OFFLINE = "device_offline"
DEVICE_RECOVERED = "device_recovered"
DEVICE_DEGRADED = "device_degraded"
DEVICE_COMPLETE = "device_complete"
# The collector itself (device_id NULL) and discovery.
COLLECTOR_STARTED = "collector_started"
COLLECTOR_STOPPED = "collector_stopped"
SUNSPEC_DISCOVERED = "sunspec_discovered"  # warning when a required quantity is missing, info otherwise
# Values and counters (energymon.collect.validate, energymon.accounting.counters).
IMPLAUSIBLE_VALUE = "implausible_value"
COUNTER_WRAP = "counter_wrap"
COUNTER_RESET = "counter_reset"
METER_REPLACED = "meter_replaced"
# Data quality (energymon.collect.quality): one event when an episode starts, naming each quantity and
# its value, and one ``data_ok`` when it ends, with how long it lasted. Frozen: a measurement repeated
# while the device's other values move, or a counter flat while its power says energy flows.
DATA_FROZEN = "data_frozen"
DATA_STALE = "data_stale"  # a quantity the device gave before keeps coming back missing
DATA_OUT_OF_RANGE = "data_out_of_range"  # outside the physical bounds of its kind (e.g. 45..65 Hz)
DATA_OK = "data_ok"
# The store's maintenance (compaction, retention).
STORE_MAINTENANCE_FAILED = "store_maintenance_failed"
# Writing the database (energymon.store.writer): stopped (disk full, locked, read-only, damaged) and
# resumed (with how many readings were held and written, and how many were dropped past the spool's
# bound: warning if any were, info otherwise). Both are held with the readings and written on resume.
STORAGE_FAILED = "storage_failed"
STORAGE_RESUMED = "storage_resumed"
# PRAGMA quick_check at start found damage (energymon.store.health_check); collection goes on.
DATABASE_DAMAGED = "database_damaged"
# The alarms the engineer configures ([[alarms]], energymon.collect.alarms): raised with its rule's severity
# when the condition has held for the rule's for_s, cleared (info) when the value is back by the clear margin.
# Each detail starts "RULE_ID [SUBJECT] " (alarm_key below) so a reader pairs a clear with its raise; the
# params hold them too (``rule_id``, ``subject``: alarm_key_of).
ALARM_RAISED = "alarm_raised"
ALARM_CLEARED = "alarm_cleared"

KINDS = (
    DEVICE_OFFLINE,
    DEVICE_RECOVERED,
    DEVICE_DEGRADED,
    DEVICE_COMPLETE,
    COLLECTOR_STARTED,
    COLLECTOR_STOPPED,
    SUNSPEC_DISCOVERED,
    IMPLAUSIBLE_VALUE,
    COUNTER_WRAP,
    COUNTER_RESET,
    METER_REPLACED,
    DATA_FROZEN,
    DATA_STALE,
    DATA_OUT_OF_RANGE,
    DATA_OK,
    STORE_MAINTENANCE_FAILED,
    STORAGE_FAILED,
    STORAGE_RESUMED,
    DATABASE_DAMAGED,
    ALARM_RAISED,
    ALARM_CLEARED,
)

SEVERITY = {  # the severity of each kind that always has the same one
    DEVICE_OFFLINE: ERROR,
    DEVICE_DEGRADED: WARNING,
    DEVICE_RECOVERED: INFO,
    DEVICE_COMPLETE: INFO,
    COLLECTOR_STARTED: INFO,
    COLLECTOR_STOPPED: INFO,
    IMPLAUSIBLE_VALUE: WARNING,
    COUNTER_WRAP: INFO,
    COUNTER_RESET: WARNING,
    METER_REPLACED: WARNING,
    DATA_FROZEN: WARNING,
    DATA_STALE: WARNING,
    DATA_OUT_OF_RANGE: WARNING,
    DATA_OK: INFO,
    STORE_MAINTENANCE_FAILED: ERROR,
    STORAGE_FAILED: ERROR,
    DATABASE_DAMAGED: ERROR,
    ALARM_CLEARED: INFO,
}


def alarm_key(detail: str) -> tuple[str, str] | None:
    """The (rule id, subject) an ALARM_RAISED or ALARM_CLEARED detail starts with, or None."""
    head, sep, _rest = (detail or "").partition("] ")
    rule_id, bracket, subject = head.partition(" [")
    if not sep or not bracket or not rule_id or " " in rule_id:
        return None
    return rule_id, subject


def alarm_key_of(detail: str, params: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """The (rule id, subject) of an alarm event: from its params, or from the detail of an event without them."""
    if params is not None and isinstance(params.get("rule_id"), str) and isinstance(params.get("subject"), str):
        return params["rule_id"], params["subject"]
    return alarm_key(detail)


def _json_ready(value: Any) -> Any:
    """``value`` with every float that is not finite as the text JSON lacks it for ("NaN", "Infinity")."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value


def params_json(params: Mapping[str, Any] | None) -> str | None:
    """An event's params as stored: a strict JSON object (SQLite's json functions read it), None for none.

    A float that is not finite (a NaN read from a device) is stored as the text "NaN", "Infinity" or
    "-Infinity", which ``float()`` reads back.
    """
    if params is None:
        return None
    return json.dumps(_json_ready(params), ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def params_from_json(text: str | None) -> dict[str, Any] | None:
    """The params of a stored event (None: stored before params existed, or not a JSON object)."""
    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def at_least(min_severity: str) -> tuple[str, ...]:
    """The severities at or above ``min_severity``; ValueError names the known ones."""
    if min_severity not in SEVERITIES:
        raise ValueError(f"unknown severity {min_severity!r}: one of {', '.join(SEVERITIES)}")
    return SEVERITIES[SEVERITIES.index(min_severity) :]


@dataclass(frozen=True)
class Event:
    """One event as stored: when (UTC epoch ms), which device (None: the collector itself), what, how bad,
    its English sentence and its facts (``params``, see the module docstring; None: an old event without)."""

    ts_ms: int
    device_id: str | None
    kind: str
    severity: str
    detail: str
    params: dict[str, Any] | None = field(default=None, hash=False)
