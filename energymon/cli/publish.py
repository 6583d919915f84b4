"""The ``publish`` command: send the park's samples, events and site description to the fleet's MQTT broker.

Store-and-forward (energymon.fleet.publisher): the park's own SQLite is the queue, the broker's acknowledgements
are high-water marks in ``<db>.publish.db``; the broker and credentials come from the config's ``[publish]``
section (docs/configuration.md, docs/fleet.md).
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType

from energymon.cli.common import EXIT_OK, load_site, seconds, site_args
from energymon.config import ConfigError
from energymon.fleet.publisher import Publisher
from energymon.store.schema import StoreError

log = logging.getLogger("energymon.cli")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the command's parser (and COMMANDS entry)."""
    p = sub.add_parser(
        "publish",
        help="publish the park's data to the fleet's MQTT broker (store-and-forward)",
        description="Publish the park's samples, events and site description to the MQTT broker of the config's "
        "[publish] section (QoS 1; TLS and a username/password when configured). What the broker acknowledged is "
        "kept in <db>.publish.db; after an outage or a restart the rest is sent from the park's database, in "
        "order. Runs until SIGTERM or Ctrl-C (or --duration).",
    )
    site_args(p)
    p.add_argument("--duration", type=seconds, metavar="S", help="stop after S seconds (default: run until stopped)")
    p.add_argument(
        "--summary-every",
        type=seconds,
        default=60.0,
        metavar="S",
        help="a summary line (samples sent and acknowledged, lag, link) every S seconds (default 60)",
    )
    p.add_argument(
        "--reconcile-every",
        type=seconds,
        default=300.0,
        metavar="S",
        help="look for data that landed behind the marks every S seconds (default 300; also at each connect)",
    )


def cmd_publish(args: argparse.Namespace) -> int:
    config, db_path, _ = load_site(args)
    if config.publish is None:
        raise ConfigError(f"{args.config}: publish: missing table (the broker to publish to)")
    if not db_path.exists():
        raise StoreError(f"{db_path}: no such database (run collect or demo first)")
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        if not stop.is_set():
            log.info("%s received: stopping", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        publisher = Publisher(
            config.publish, db_path, summary_every_s=args.summary_every, reconcile_every_s=args.reconcile_every
        )
        log.info(
            "publishing %s as site %r to %s (target %r)",
            db_path,
            config.publish.site_id,
            config.publish.broker_url,
            config.publish.target,
        )
        stats = publisher.run(stop, args.duration)
        log.info(
            "stopped: %d sample(s) in %d message(s) sent, %d sample(s) acknowledged",
            stats.samples_sent,
            stats.messages_sent,
            stats.samples_acked,
        )
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"publish": cmd_publish}
