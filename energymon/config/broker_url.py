"""The fleet's broker address, ``mqtt://host[:port]`` or ``mqtts://host[:port]`` (TLS), read one way (pure).

The park's ``[publish] broker`` (energymon.config.publish) and the ingest's ``--broker``
(energymon.fleet.ingest_mqtt) both read it here. Default ports: 1883, and 8883 with TLS. A URL with
credentials, a path, a query or a fragment is refused: credentials have settings of their own, and a
broker address has nothing after the port.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

SCHEMES = {"mqtt": 1883, "mqtts": 8883}  # scheme -> default port


class BrokerUrlError(ValueError):
    """Why a text is not a broker address (one line, without the setting's name: the caller adds it)."""


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool

    @property
    def url(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def parse_broker_url(text: str) -> BrokerAddress:
    """The address in ``text``; :class:`BrokerUrlError` if it is not ``mqtt[s]://host[:port]``."""
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in SCHEMES:
        raise BrokerUrlError(f"expected mqtt://host:port or mqtts://host:port, got {text!r}")
    try:
        port = parts.port or SCHEMES[parts.scheme]
    except ValueError:
        raise BrokerUrlError(f"the port of {text!r} is not a number in 1..65535") from None
    if parts.username or parts.password:
        raise BrokerUrlError("no credentials in the broker URL: they have settings of their own")
    if not parts.hostname:
        raise BrokerUrlError(f"no host in {text!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise BrokerUrlError(f"a broker URL has no path or query: {text!r}")
    return BrokerAddress(parts.hostname, port, parts.scheme == "mqtts")
