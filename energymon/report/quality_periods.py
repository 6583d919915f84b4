"""Data-quality periods of a month, paired from the stored events: a value frozen, stale or out of range, and when
it was normal again.

The collector's data-quality watch (energymon.collect.quality) stores one
``data_frozen`` / ``data_stale`` / ``data_out_of_range`` event per device and
poll, its detail a ``"; "``-joined list of ``"<quantity>: <what>"`` parts, and
one ``data_ok`` event whose parts say which quantity is normal again
(``moving again`` or ``counting again`` after a freeze, ``fresh again`` after
stale, ``back in range``). The same parts are in the event's params
(``parts``: each with its ``quantity`` and ``check``; a ``data_ok`` part names
the check that ``ended``), which are read where an event has them; the detail
is parsed for events stored before params existed. :func:`quality_periods`
pairs each part with the part that ends it; a period still open at the end of
the month (or of the data) has no end. Times are UTC epoch ms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from energymon.events import DATA_FROZEN, DATA_OK, DATA_OUT_OF_RANGE, DATA_STALE, Event

QUALITY_KINDS = (DATA_FROZEN, DATA_STALE, DATA_OUT_OF_RANGE)
_ENDS = {  # words of a data_ok part -> the kind of period it ends
    "moving again": DATA_FROZEN,
    "counting again": DATA_FROZEN,
    "fresh again": DATA_STALE,
    "back in range": DATA_OUT_OF_RANGE,
}


@dataclass(frozen=True)
class QualityPeriod:
    """A quantity of a device that was frozen, stale or out of range from ``start_ms`` to ``end_ms``."""

    device_id: str
    quantity: str
    kind: str  # DATA_FROZEN, DATA_STALE or DATA_OUT_OF_RANGE
    start_ms: int
    end_ms: int | None  # None: not normal again by the end of the month (or of the data)

    def hours(self, end_of_month_ms: int) -> float:
        """How long it lasted [h]; an open period counts up to ``end_of_month_ms``."""
        end = self.end_ms if self.end_ms is not None else end_of_month_ms
        return max(0, end - self.start_ms) / 3_600_000


_CHECKS = {  # a part's check in the params (energymon.collect.quality) -> the kind of period
    "frozen": DATA_FROZEN,
    "counter_flat": DATA_FROZEN,
    "stale": DATA_STALE,
    "out_of_range": DATA_OUT_OF_RANGE,
}


def _parts(detail: str) -> Iterable[tuple[str, str]]:
    """(quantity, rest) of each ``"<quantity>: <rest>"`` part of a data-quality event's detail."""
    for part in (detail or "").split("; "):
        quantity, sep, rest = part.partition(": ")
        if sep and quantity and " " not in quantity:
            yield quantity, rest


def _quantities(event: Event) -> list[str]:
    """The quantities a data_frozen / data_stale / data_out_of_range event names."""
    parts = (event.params or {}).get("parts")
    if isinstance(parts, list):
        return [str(p["quantity"]) for p in parts if isinstance(p, dict) and "quantity" in p]
    return [quantity for quantity, _ in _parts(event.detail)]


def _ends(event: Event) -> list[tuple[str, str | None]]:
    """(quantity, the kind of period it ends) of each part of a data_ok event (None: not known)."""
    parts = (event.params or {}).get("parts")
    if isinstance(parts, list):
        return [
            (str(p["quantity"]), _CHECKS.get(str(p.get("ended"))))
            for p in parts
            if isinstance(p, dict) and "quantity" in p
        ]
    return [
        (quantity, next((k for words, k in _ENDS.items() if rest.startswith(words)), None))
        for quantity, rest in _parts(event.detail)
    ]


def quality_periods(events: Iterable[Event]) -> tuple[QualityPeriod, ...]:
    """The periods the month's events (oldest first) describe, by start, device and quantity."""
    open_since: dict[tuple[str, str, str], int] = {}
    periods = []
    for event in events:
        if event.device_id is None:
            continue
        if event.kind in QUALITY_KINDS:
            for quantity in _quantities(event):
                open_since.setdefault((event.device_id, quantity, event.kind), event.ts_ms)
        elif event.kind == DATA_OK:
            for quantity, kind in _ends(event):
                start = open_since.pop((event.device_id, quantity, kind), None) if kind else None
                if start is not None and kind is not None:
                    periods.append(QualityPeriod(event.device_id, quantity, kind, start, event.ts_ms))
    periods += [QualityPeriod(d, q, k, start, None) for (d, q, k), start in open_since.items()]
    return tuple(sorted(periods, key=lambda p: (p.start_ms, p.device_id, p.quantity, p.kind)))
