"""The ``energymon ingest`` command: the fleet's central ingest, MQTT broker -> PostgreSQL (docs/fleet.md)."""

from __future__ import annotations

import argparse
import logging
import signal
import socket
import sys
import threading
from pathlib import Path

import psycopg

from energymon.cli.common import EXIT_OK, EXIT_USAGE, seconds
from energymon.fleet.ingest import Ingest
from energymon.fleet.ingest_mqtt import LinkError, MqttLink
from energymon.fleet.ingest_pg import PgWriter
from energymon.fleet.topics import TopicError, shared

DEFAULT_GROUP = "energymon-ingest"


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the command's parser (and COMMANDS entry)."""
    p = sub.add_parser(
        "ingest",
        help="the fleet's central ingest: the parks' MQTT messages into PostgreSQL",
        description="Subscribe to the parks' samples, events and site descriptions on an MQTT broker (a "
        "persistent MQTT 5 session, QoS 1, shared subscription $share/GROUP/energymon/v1/#) and write them into "
        "PostgreSQL (schema created at start), idempotently: a message received twice changes nothing. A "
        "message is acknowledged only once its transaction committed, so a crash loses nothing. Several "
        "processes with the same --group share the load; give each its own --client-id.",
    )
    p.add_argument("--broker", required=True, metavar="URL", help="mqtt://HOST[:1883] or mqtts://HOST[:8883] (TLS)")
    p.add_argument("--postgres", required=True, metavar="DSN", help="postgresql://USER@HOST:PORT/DATABASE")
    p.add_argument(
        "--group", default=DEFAULT_GROUP, metavar="NAME", help=f"shared subscription group ({DEFAULT_GROUP})"
    )
    p.add_argument(
        "--client-id",
        metavar="ID",
        help="MQTT client id, the name of the persistent session (default: energymon-ingest-GROUP-HOSTNAME); "
        "each process needs its own, and the same one after a restart",
    )
    p.add_argument("--username", metavar="U", help="MQTT user name")
    p.add_argument("--password-file", type=Path, metavar="F", help="file holding the MQTT password (first line)")
    p.add_argument("--tls-ca", type=Path, metavar="FILE", help="CA certificate(s) to verify the broker (PEM)")
    p.add_argument("--duration", type=seconds, metavar="S", help="stop after S seconds (default: run until stopped)")
    p.add_argument(
        "--summary-every", type=seconds, default=60.0, metavar="S", help="log a summary line every S seconds (60)"
    )


def _password(args: argparse.Namespace) -> str | None:
    if args.password_file is None:
        return None
    try:
        lines = args.password_file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise LinkError(f"--password-file {args.password_file}: {exc.strerror or exc}") from None
    return lines[0] if lines else ""


def cmd_ingest(args: argparse.Namespace) -> int:
    if args.password_file is not None and args.username is None:
        print("energymon: error: --password-file needs --username", file=sys.stderr)
        return EXIT_USAGE
    try:
        psycopg.conninfo.conninfo_to_dict(args.postgres)
    except psycopg.ProgrammingError as exc:
        print(
            f"energymon: error: --postgres {args.postgres!r} is not a PostgreSQL DSN: {str(exc).strip()}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    client_id = args.client_id or f"energymon-ingest-{args.group}-{socket.gethostname()}"
    try:
        shared("energymon/v1/#", args.group)
        link = MqttLink(
            args.broker,
            client_id,
            args.group,
            username=args.username,
            password=_password(args),
            tls_ca=str(args.tls_ca) if args.tls_ca else None,
        )
    except (LinkError, TopicError) as exc:
        print(f"energymon: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        if not stop.is_set():
            logging.getLogger("energymon.cli").info("%s received: stopping", signal.Signals(signum).name)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, on_signal)
    Ingest(link, PgWriter(args.postgres), summary_every_s=args.summary_every).run(stop, args.duration)
    return EXIT_OK


COMMANDS = {"ingest": cmd_ingest}
