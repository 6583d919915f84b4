"""Connections that reach the same line: two ``[connections.X]`` to one gateway host:port, or to one serial port.

The collector serialises requests on one connection and runs connections
concurrently (docs/configuration.md). Two connections to the same gateway
therefore put two clients on it at once: many Modbus gateways accept only one
TCP client or interleave the two on their RS-485 side, and a serial port can be
opened only once. The devices behind one gateway or on one bus belong on one
connection. It is a warning, not an error (some gateways do accept several
clients, and a config may be checked on a PC other than the one it runs on):
:func:`shared_line_warnings` returns one line per such pair, which
``check-config``, ``collect`` and ``gui`` print on stderr.

Hosts are compared as text, case-insensitively, with IP addresses in their
canonical form (``::1`` and ``0:0:0:0:0:0:0:1`` are one host); names are not
resolved (no DNS at load time), so ``localhost`` and ``127.0.0.1`` are two.
Serial ports are compared case-insensitively on Windows (``COM3`` is ``com3``,
``\\\\.\\COM3`` too) and as normalised paths elsewhere.
"""

from __future__ import annotations

import ipaddress
import os
import sys

from energymon.config.model import Connection


def host_key(host: str) -> str:
    """A host as compared: an IP address in canonical form, a name lower-cased (brackets around IPv6 dropped)."""
    text = host.strip().lower()
    bare = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    try:
        return str(ipaddress.ip_address(bare))
    except ValueError:
        return text.rstrip(".")  # "gw.local." is "gw.local"


def serial_key(port: str, windows: bool = sys.platform == "win32") -> str:
    """A serial port as compared: on Windows ``COM3``, ``com3`` and ``\\\\.\\COM3`` are one; elsewhere a path."""
    text = port.strip()
    if windows:
        text = text.upper()
        return text[4:] if text.startswith("\\\\.\\") else text
    return os.path.normpath(text)


def line_key(connection: Connection) -> tuple[str, str]:
    """What a connection reaches: ("serial", port) or ("tcp", host:port), for RTU over TCP too."""
    if connection.transport == "rtu":
        return ("serial", serial_key(connection.serial_port or ""))
    return ("tcp", f"{host_key(connection.host or '')}:{connection.port}")


def shared_line_warnings(source: str, connections: dict[str, Connection]) -> tuple[str, ...]:
    """One line per connection that reaches a line an earlier one reaches (file order), naming both."""
    first: dict[tuple[str, str], str] = {}
    lines: list[str] = []
    for name, connection in connections.items():
        key = line_key(connection)
        if key not in first:
            first[key] = name
            continue
        what = "serial port" if key[0] == "serial" else "gateway"
        lines.append(
            f"{source}: connections.{name}: same {what} {connection.address if key[0] == 'tcp' else key[1]} as "
            f"connections.{first[key]}; the two are polled at the same time, not one request after the other "
            "(put the devices of one gateway or bus on one connection)"
        )
    return tuple(lines)
