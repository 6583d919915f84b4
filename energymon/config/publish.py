"""The ``[publish]`` section of a site config: where and how the park's publisher sends its data (docs/fleet.md).

``broker`` is ``mqtt://host[:port]`` (default port 1883) or ``mqtts://host[:port]`` (TLS, default 8883);
``username`` with ``password`` or ``password_file`` (the password is never logged nor shown in a repr);
``tls_ca_file`` (a CA bundle for mqtts; default: the system's); ``client_id`` (default ``energymon-<site>``);
``target`` (names the high-water marks in ``<db>.publish.db``; default the broker's ``host:port``);
``site`` (the park's id in the fleet's topics; default the site's name); ``max_samples_per_message``
(default 5,000, at most the payload's 100,000); ``since`` (an ISO date: nothing older is published).
Errors are one-line ConfigErrors naming the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from energymon.config.broker_url import BrokerUrlError, parse_broker_url
from energymon.config.fields import FieldReader

DEFAULT_MAX_SAMPLES = 5_000
MAX_SAMPLES_LIMIT = 100_000  # the payload v1's limit per message (energymon.fleet.payload_rules)
KEYS = {
    "broker",
    "username",
    "password",
    "password_file",
    "tls_ca_file",
    "client_id",
    "target",
    "site",
    "max_samples_per_message",
    "since",
}


@dataclass(frozen=True)
class PublishSettings:
    """Where the publisher connects and what it sends; ``since_ms`` is UTC epoch ms (None: everything)."""

    host: str
    port: int
    tls: bool
    site_id: str
    client_id: str
    target: str
    max_samples: int = DEFAULT_MAX_SAMPLES
    username: str | None = None
    password: str | None = field(default=None, repr=False)  # never shown: not in a repr, not in a log line
    tls_ca_file: Path | None = None
    since_ms: int | None = None

    @property
    def broker_url(self) -> str:
        """The broker as configured, without credentials (for log lines)."""
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def _broker(reader: FieldReader, text: str) -> tuple[str, int, bool]:
    try:
        address = parse_broker_url(text)
    except BrokerUrlError as exc:
        raise reader.error("publish.broker", str(exc)) from None
    return address.host, address.port, address.tls


def _file(reader: FieldReader, t: dict, key: str, base_dir: Path) -> Path | None:
    if key not in t:
        return None
    path = Path(reader.path_text(t, key, "publish")).expanduser()
    path = path if path.is_absolute() else base_dir / path
    if not path.is_file():
        raise reader.error(f"publish.{key}", f"no such file: {path}")
    return path


def _password(reader: FieldReader, t: dict, base_dir: Path) -> str | None:
    if "password" in t and "password_file" in t:
        raise reader.error("publish.password_file", "give password or password_file, not both")
    if "password" in t:
        return reader.text(t, "password", "publish")
    path = _file(reader, t, "password_file", base_dir)
    if path is None:
        return None
    try:
        secret = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeError) as exc:
        raise reader.error("publish.password_file", f"cannot read {path}: {exc.__class__.__name__}") from None
    if not secret:
        raise reader.error("publish.password_file", f"{path} is empty")
    return secret


def _since(reader: FieldReader, t: dict, zone: ZoneInfo) -> int | None:
    value = t.get("since")
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise reader.error("publish.since", f"expected an ISO date such as 2026-01-01, got {value!r}") from None
    if isinstance(value, datetime) or not isinstance(value, date):
        raise reader.error("publish.since", f"expected an ISO date such as 2026-01-01, got {value!r}")
    start = datetime(value.year, value.month, value.day, tzinfo=zone)  # the site's local midnight
    return int(start.timestamp() * 1000)


def parse_publish(
    reader: FieldReader, value: object, site_name: str, zone: ZoneInfo, base_dir: Path
) -> PublishSettings | None:
    """The ``[publish]`` table (None when absent) as PublishSettings; ``since`` is a local day of ``zone``."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise reader.error("publish", "expected a table")
    reader.no_unknown(value, "publish", KEYS)
    host, port, tls = _broker(reader, reader.path_text(value, "broker", "publish"))
    site_id = reader.text(value, "site", "publish", default=site_name)
    if any(ch in site_id for ch in "\0"):
        raise reader.error("publish.site", "contains a NUL character")
    username = reader.text(value, "username", "publish", required=False)
    password = _password(reader, value, base_dir)
    if password is not None and username is None:
        raise reader.error("publish.username", "required with a password")
    tls_ca = _file(reader, value, "tls_ca_file", base_dir)
    if tls_ca is not None and not tls:
        raise reader.error("publish.tls_ca_file", "a CA file needs an mqtts:// broker")
    max_samples = reader.number(
        value, "max_samples_per_message", "publish", 1, MAX_SAMPLES_LIMIT, default=DEFAULT_MAX_SAMPLES, integer=True
    )
    return PublishSettings(
        host=host,
        port=port,
        tls=tls,
        site_id=site_id,
        client_id=reader.text(value, "client_id", "publish", default=f"energymon-{site_id}"),
        target=reader.text(value, "target", "publish", default=f"{host}:{port}"),
        max_samples=int(max_samples),
        username=username,
        password=password,
        tls_ca_file=tls_ca,
        since_ms=_since(reader, value, zone),
    )
