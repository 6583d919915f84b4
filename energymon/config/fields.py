"""The typed field reader of the config's TOML tables: every error names the file and the field.

:class:`FieldReader` checks one value at a time (a table with no unknown
keys, non-empty text, a number in a range) and raises :class:`ConfigError`
whose message is ``FILE: FIELD.PATH: what was expected``. The site parser
(energymon.config.parse), the tariff table and the simulator parameters use it.
"""

from __future__ import annotations

import math
from typing import Any, Literal, overload

from drivers.quantities import Role


class ConfigError(ValueError):
    """The site configuration is invalid. The message is one line for the user."""


def one_line(text: str) -> str:
    """Control characters (a newline in a quoted TOML key, say) shown escaped, so a message stays one line."""
    return "".join(ch if ch >= " " or ch == "\t" else f"\\x{ord(ch):02x}" for ch in text)


class FieldReader:
    """Typed getters over parsed TOML; ``source`` (the file name) starts every message."""

    def __init__(self, source: str = "") -> None:
        self.source = source

    def error(self, field_path: str, message: str) -> ValueError:
        """The exception to raise for ``field_path`` (e.g. ``devices[3].role``)."""
        return ConfigError(one_line(f"{self.source}: {field_path}: {message}"))

    def table(self, data: dict, key: str, where: str, allowed: set[str], required: bool = True) -> dict:
        value = data.get(key)
        if value is None:
            if required:
                raise self.error(where, "missing table")
            return {}
        if not isinstance(value, dict):
            raise self.error(where, "expected a table")
        self.no_unknown(value, where, allowed)
        return value

    def no_unknown(self, value: dict, where: str, allowed: set[str]) -> None:
        for key in value:
            if key not in allowed:
                raise self.error(f"{where}.{key}", f"unknown key (expected one of: {', '.join(sorted(allowed))})")

    @overload
    def text(
        self, data: dict, key: str, where: str, default: str | None = None, required: Literal[True] = True
    ) -> str: ...
    @overload
    def text(self, data: dict, key: str, where: str, default: str, required: bool) -> str: ...
    @overload
    def text(
        self, data: dict, key: str, where: str, default: str | None = None, required: bool = True
    ) -> str | None: ...
    def text(self, data: dict, key: str, where: str, default: str | None = None, required: bool = True) -> str | None:
        """Non-empty text at ``data[key]``; ``default`` when absent; None only when absent and not ``required``."""
        value = data.get(key, default)
        if value is None:
            if required:
                raise self.error(f"{where}.{key}", "required text is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"{where}.{key}", "expected non-empty text")
        return value

    def path_text(self, data: dict, key: str, where: str, default: str | None = None) -> str:
        """Non-empty text that names a file, a port or a host: a NUL character (TOML's ``\\u0000``) is refused here,
        at check-config, rather than when the file or port is first opened."""
        value = self.text(data, key, where, default)
        if "\x00" in value:
            raise self.error(
                f"{where}.{key}", "contains a NUL character (\\x00), which no file, port or host name may have"
            )
        return value

    def role(self, data: dict[str, Any], key: str, where: str) -> Role:
        """A required device role (pv, storage, load, grid, meteo); the error names the field."""
        text = self.text(data, key, where)
        try:
            return Role(text)
        except ValueError:
            raise self.error(
                f"{where}.{key}", f"unknown role '{text}' (expected pv, storage, load, grid or meteo)"
            ) from None

    def flag(self, data: dict[str, Any], key: str, where: str) -> bool:
        """``data[key]`` as true or false, False if absent."""
        value = data.get(key, False)
        if not isinstance(value, bool):
            raise self.error(f"{where}.{key}", "expected true or false")
        return value

    def number(
        self,
        data: dict,
        key: str,
        where: str,
        lo: float,
        hi: float,
        default: float | None = None,
        integer: bool = False,
        required: bool = True,
    ) -> Any:
        value = data.get(key, default)
        kind = "a whole number" if integer else "a number"
        if value is None:
            if required:
                raise self.error(f"{where}.{key}", f"required: expected {kind} in {lo:g}..{hi:g}")
            return None
        ok_type = isinstance(value, int) if integer else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok_type or not math.isfinite(value) or not lo <= value <= hi:
            raise self.error(f"{where}.{key}", f"expected {kind} in {lo:g}..{hi:g}, got {value!r}")
        return value
