"""The ``[tariff]`` table of a site config: validation into an energymon.accounting.tariffs.Tariff.

The format and its rules are described in energymon.accounting.tariffs and
docs/configuration.md; every error names the field.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from typing import Any

from energymon.accounting.tariffs import PERIODS, QUARTERS_PER_DAY, Tariff, _clock
from energymon.config.fields import FieldReader

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_SEPARATORS = re.compile(r"[,，、;；]")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–~～]\s*(\d{1,2}):(\d{2})$")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


class TariffError(ValueError):
    """An invalid ``[tariff]`` table (when parsed on its own, not as part of a site config)."""


class _TariffFields(FieldReader):
    """The typed field reader, raising TariffError without a file name."""

    def error(self, field_path: str, message: str) -> TariffError:
        return TariffError(f"{field_path}: {message}")


def tariff_from_dict(data: dict, where: str = "tariff") -> Tariff:
    """A tariff from the parsed TOML of a ``[tariff]`` table; raises TariffError naming the field."""
    tariff = parse_tariff(_TariffFields(), data, where)
    if tariff is None:
        raise TariffError(f"{where}: missing table")
    return tariff


def tariff_of_config_text(config_toml: str | None) -> Tariff | None:
    """The ``[tariff]`` of a site config's TOML text (as a database records it), None without one; raises
    TariffError for text that is not TOML or a tariff that is not valid."""
    if not config_toml:
        return None
    try:
        table = tomllib.loads(config_toml).get("tariff")
    except tomllib.TOMLDecodeError as exc:
        raise TariffError(f"not TOML: {exc}") from None
    return None if table is None else tariff_from_dict(table)


def parse_tariff(parser: FieldReader, t: Any, where: str = "tariff") -> Tariff | None:
    """Validate a ``[tariff]`` table with a typed field reader (its errors name the file); None if absent."""
    if t is None:
        return None
    if not isinstance(t, dict):
        raise parser.error(where, "expected a table")
    parser.no_unknown(
        t, where, {"name", "currency", "demand_charge_per_kw_month", "export_price_per_kwh", "prices", "periods"}
    )
    name = parser.text(t, "name", where, required=False)
    currency = parser.text(t, "currency", where, default="CNY")
    if not _CURRENCY.match(currency):
        raise parser.error(f"{where}.currency", f"expected a three-letter ISO 4217 code such as CNY, got {currency!r}")
    demand = parser.number(t, "demand_charge_per_kw_month", where, 0, 10_000, required=False)
    export = parser.number(t, "export_price_per_kwh", where, 0, 100, required=False)
    prices = _prices(parser, t.get("prices"), f"{where}.prices")
    schedule = _schedule(parser, t.get("periods"), prices, where)
    return Tariff(
        prices_per_kwh=prices,
        schedule=schedule,
        currency=currency,
        name=name,
        demand_charge_per_kw_month=None if demand is None else float(demand),
        export_price_per_kwh=None if export is None else float(export),
    )


def _unknown_period(name: str) -> str:
    return f"unknown period '{name}' (expected one of: {', '.join(PERIODS)})"


def _prices(parser: FieldReader, t: Any, where: str) -> dict[str, float]:
    if t is None:
        raise parser.error(where, "missing table: a price per kWh for each period used, e.g. peak = 0.90")
    if not isinstance(t, dict):
        raise parser.error(where, "expected a table of period = price per kWh")
    for key in t:
        if key not in PERIODS:
            raise parser.error(f"{where}.{key}", _unknown_period(key))
    if not t:
        raise parser.error(where, "expected at least one price")
    prices = {p: float(parser.number(t, p, where, 0, 100)) for p in PERIODS if p in t}
    ordered = list(prices.items())
    for (dearer, dearer_price), (cheaper, price) in zip(ordered, ordered[1:]):
        if price > dearer_price:
            raise parser.error(
                f"{where}.{cheaper}", f"{price:g} is above {dearer} {dearer_price:g} (expected {' >= '.join(PERIODS)})"
            )
    return prices


def _spans(parser: FieldReader, value: Any, where: str) -> list[tuple[str, list[int]]]:
    """``"HH:MM-HH:MM, ..."`` (or a list of such) -> [(span text, local quarters it covers)]."""
    if isinstance(value, str):
        texts = [s.strip() for s in _SEPARATORS.split(value)]
    elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        texts = [s.strip() for v in value for s in _SEPARATORS.split(v)]
    else:
        raise parser.error(where, f'expected "HH:MM-HH:MM" spans separated by commas, got {value!r}')
    texts = [text for text in texts if text]  # a trailing comma is harmless
    if not texts:
        raise parser.error(where, f'expected "HH:MM-HH:MM" spans separated by commas, got {value!r}')
    spans = []
    for text in texts:
        m = _SPAN.match(text)
        if not m:
            raise parser.error(where, f"'{text}' is not HH:MM-HH:MM (local time, e.g. 23:00-07:00)")
        h0, m0, h1, m1 = (int(g) for g in m.groups())
        if h0 > 23 or m0 > 59 or h1 > 24 or m1 > 59 or (h1 == 24 and m1):
            raise parser.error(where, f"'{text}' is not a time of day (00:00..24:00)")
        if m0 % 15 or m1 % 15:
            raise parser.error(where, f"'{text}': minutes must be 00, 15, 30 or 45 (15-minute steps)")
        start, end = h0 * 4 + m0 // 15, h1 * 4 + m1 // 15
        if start == end % QUARTERS_PER_DAY and not (start == 0 and end == QUARTERS_PER_DAY):
            raise parser.error(where, f"'{text}' is empty (write 00:00-24:00 for a whole day)")
        quarters = (
            list(range(start, end))
            if start < end
            else list(range(start, QUARTERS_PER_DAY)) + list(range(0, end % QUARTERS_PER_DAY))
        )
        spans.append((f"{_clock(start)}-{_clock(end)}", quarters))
    return spans


def _months(parser: FieldReader, row: dict, where: str) -> list[int]:
    months = row.get("months", list(range(1, 13)))
    if not isinstance(months, list) or not months:
        raise parser.error(f"{where}.months", f"expected a list of months 1..12, got {months!r}")
    for m in months:
        if isinstance(m, bool) or not isinstance(m, int) or not 1 <= m <= 12:
            raise parser.error(f"{where}.months", f"{m!r} is not a month (expected 1..12)")
    duplicates = sorted({m for m in months if months.count(m) > 1})
    if duplicates:
        raise parser.error(f"{where}.months", f"month {duplicates[0]} is listed twice")
    return months


def _month_list(months: Sequence[int]) -> str:
    return ", ".join(MONTH_NAMES[m - 1] for m in sorted(months))


def _schedule(parser: FieldReader, rows: Any, prices: dict[str, float], where: str) -> tuple[tuple[str, ...], ...]:
    at_rows = f"{where}.periods"
    if rows is None:
        raise parser.error(at_rows, "missing: at least one [[tariff.periods]] row (months and hours)")
    if not isinstance(rows, list) or not rows:
        raise parser.error(at_rows, "expected [[tariff.periods]] rows")
    # who[month][quarter] = (row index, period, span text) of the row that set it
    who: list[list[tuple[int, str, str] | None]] = [[None] * QUARTERS_PER_DAY for _ in range(12)]
    for i, row in enumerate(rows):
        at = f"{at_rows}[{i}]"
        if not isinstance(row, dict):
            raise parser.error(at, "expected a table")
        parser.no_unknown(row, at, {"months", "hours", "override"})
        months = _months(parser, row, at)
        override = parser.flag(row, "override", at)
        hours = row.get("hours")
        if not isinstance(hours, dict) or not hours:
            raise parser.error(
                f"{at}.hours", 'expected a table of period = "HH:MM-HH:MM", e.g. { peak = "08:00-11:30" }'
            )
        day: list[tuple[str, str] | None] = [None] * QUARTERS_PER_DAY
        for period, value in hours.items():
            field = f"{at}.hours.{period}"
            if period not in PERIODS:
                raise parser.error(field, _unknown_period(period))
            if period not in prices:
                raise parser.error(field, f"period '{period}' has no price in {where}.prices")
            for text, quarters in _spans(parser, value, field):
                for q in quarters:
                    taken = day[q]
                    if taken is not None:
                        other_period, other_text = taken
                        other = other_text if other_period == period else f"{other_period} {other_text}"
                        raise parser.error(field, f"{text} overlaps {other} in the same row")
                    day[q] = (period, text)
        # Later rows: no overlap with earlier rows unless override = true.
        for q, slot in enumerate(day):
            if slot is None:
                continue
            period, text = slot
            if not override:
                clashes = [m for m in months if who[m - 1][q] is not None]
                if clashes:
                    earlier = who[clashes[0] - 1][q]
                    assert earlier is not None  # a clash is a quarter an earlier row has taken
                    j, other_period, other_text = earlier
                    same = [m for m in clashes if who[m - 1][q] == (j, other_period, other_text)]
                    raise parser.error(
                        f"{at}.hours.{period}",
                        f"{text} overlaps {at_rows}[{j}].hours.{other_period} {other_text} in {_month_list(same)} "
                        f"(set override = true in {at} if it is meant to replace it there)",
                    )
            for m in months:
                who[m - 1][q] = (i, period, text)
    for m in range(12):
        if None in who[m]:
            start = who[m].index(None)
            end = start
            while end < QUARTERS_PER_DAY and who[m][end] is None:
                end += 1
            months = [k + 1 for k in range(12) if all(who[k][q] is None for q in range(start, end))]
            span = f"{_clock(start)}-{_clock(end)}"
            when = f"{span} in every month" if len(months) == 12 else f"{_month_list(months)} {span}"
            raise parser.error(at_rows, f"{when} has no period (every 15 minutes of every month needs exactly one)")
    return tuple(tuple(slot[1] for slot in month) for month in who)  # type: ignore[index]  # no slot is None: the loop above raised on a gap
