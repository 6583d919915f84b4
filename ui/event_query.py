"""What the events page reads from the database: the events its filters select and recent implausible values.

:func:`events_view` runs on the reader thread (ui.db_tasks); the page builds
the :class:`EventQuery` from its filters on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from energymon.site_time import MINUTE_MS
from energymon.store.reader import StoreReader
from energymon.views import events as event_log
from energymon.views.events import IMPLAUSIBLE, IMPLAUSIBLE_WINDOW_MIN, EventRow


@dataclass(frozen=True)
class EventQuery:
    """The page's filters (times UTC epoch ms)."""

    since_ms: int
    device: str | None  # None: all; event_log.COLLECTOR: the collector's own events
    min_severity: str | None
    unacknowledged_only: bool
    now_ms: int
    full: bool  # False: only what the alarms need (the page is hidden)
    limit: int = event_log.DEFAULT_LIMIT


@dataclass(frozen=True)
class EventsView:
    """The answer to an :class:`EventQuery`."""

    query: EventQuery
    rows: list[EventRow] | None  # None: not read (query.full was False)
    recent_implausible: list[EventRow]  # unacknowledged implausible_value events within the alarm window


def events_view(reader: StoreReader, query: EventQuery) -> EventsView:
    """What the page shows from the database (runs on the reader thread, see ui.db_tasks)."""
    rows = None
    if query.full:
        rows = event_log.events(
            reader,
            query.since_ms,
            None,
            query.device,
            query.min_severity,
            query.limit,
            unacknowledged_only=query.unacknowledged_only,
        )
    recent = event_log.events(
        reader, query.now_ms - IMPLAUSIBLE_WINDOW_MIN * MINUTE_MS, None, kind=IMPLAUSIBLE, unacknowledged_only=True
    )
    return EventsView(query, rows, recent)
