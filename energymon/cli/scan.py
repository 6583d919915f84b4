"""The ``scan`` command: SunSpec discovery and a probe of one device, for commissioning."""

from __future__ import annotations

import argparse
import asyncio
import sys

from drivers.profile_file import load_profile
from energymon.cli.common import EXIT_OK, EXIT_USAGE, seconds


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "scan",
        help="SunSpec discovery and a probe of one device (for commissioning)",
        description="Probe one Modbus device (TCP, or RTU over TCP): find its SunSpec models (marker 'SunS' at "
        "holding register 40000, 0 or 50000), print them, its identity and the current "
        "values of every role its models support. With --profile, read the device "
        "with that profile instead. Exit 1 if nothing answers or no SunSpec device "
        "is found. Only reads.",
    )
    p.add_argument("--host", required=True, metavar="H", help="host name or IP address of the device or gateway")
    p.add_argument("--port", type=int, required=True, metavar="P", help="Modbus TCP port, e.g. 502")
    p.add_argument("--unit", type=int, default=1, metavar="U", help="Modbus unit id (default 1)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument(
        "--transport",
        choices=("tcp", "rtu-over-tcp"),
        default="tcp",
        help="tcp (default), or rtu-over-tcp for a serial gateway in transparent mode",
    )
    p.add_argument(
        "--profile", metavar="NAME", help="read with this built-in profile or profile file instead of SunSpec discovery"
    )
    p.add_argument(
        "--timeout",
        type=seconds,
        default=1.0,
        metavar="S",
        help="seconds to wait for the connection and for each answer (default 1)",
    )


def cmd_scan(args: argparse.Namespace) -> int:
    import json

    from drivers.link import LinkSettings, ModbusLink
    from drivers.sunspec import DiscoveryFailure
    from drivers.sunspec_scan import scan

    if not 1 <= args.port <= 65535:
        print(f"energymon: error: --port: expected a TCP port 1..65535, got {args.port}", file=sys.stderr)
        return EXIT_USAGE
    if not 0 <= args.unit <= 255:
        print(f"energymon: error: --unit: expected a Modbus unit id 0..255, got {args.unit}", file=sys.stderr)
        return EXIT_USAGE
    profile = load_profile(args.profile) if args.profile and args.profile != "sunspec" else None

    async def probe():
        link = ModbusLink(LinkSettings(args.transport, host=args.host, port=args.port, timeout_s=args.timeout))
        try:
            return await scan(link, args.unit, profile)
        finally:
            link.close()

    report = asyncio.run(probe())
    if isinstance(report, DiscoveryFailure):  # nothing answered, or no SunSpec marker: say where, exit 1
        what = "no SunSpec device" if report.kind == "not-sunspec" else "no answer"
        print(f"energymon: error: {what}: {report}", file=sys.stderr)
        return 1
    nothing_read = report["roles"] and not any(info["reads"]["ok"] for info in report["roles"].values())
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 1 if nothing_read else EXIT_OK

    def number(value: float | None, unit: str) -> str:
        if value is None:
            return "missing"
        text = f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}".rstrip("0").rstrip(".")
        if text in ("0", "-0") and value != 0:
            text = f"{value:.3g}"
        return f"{text} {unit}".rstrip()

    lines: list[str] = []
    spec = report["sunspec"]
    if spec is not None:
        lines.append(
            f"SunSpec device at {report['address']}, unit {report['unit']} (marker at holding register {spec['base']})"
        )
        lines.append(f"  {'id':>5}  {'model':<40} {'address':>7} {'length':>6}")
        for m in spec["models"]:
            lines.append(f"  {m['id']:>5}  {m['name'][:40]:<40} {m['address']:>7} {m['length']:>6}")
        lines += [f"  problem: {text}" for text in spec["problems"]]
    else:
        role = next(iter(report["roles"]))
        lines.append(
            f"device at {report['address']}, unit {report['unit']}, read with profile "
            f"'{report['roles'][role]['profile']}' ({role})"
        )
    identity = report["identity"]
    if identity:
        lines.append("identity: " + ", ".join(f"{k} {v if v is not None else 'missing'}" for k, v in identity.items()))
    else:
        lines.append(
            "identity: none (no SunSpec common model 1)"
            if spec is not None
            else "identity: the profile has no identity fields"
        )
    if not report["roles"]:
        lines.append("no model of a pv inverter, storage or meter that energymon reads")
    for role, info in report["roles"].items():
        lines.append(f"{role}: {info['source']}")
        if info["ratios"]:
            held = ", ".join(f"{q.split('_')[0].upper()} {number(v, '')}" for q, v in info["ratios"].items())
            lines.append(f"  transformer ratios held by the meter: {held}; the values below are primary")
        for quantity, value in info["values"].items():
            lines.append(f"  {quantity:<20} {number(value, info['units'][quantity])}")
        for quantity, why in info["missing"].items():
            lines.append(f"  {quantity:<20} not available: {why}")
        lines += [f"  read error: {text}" for text in info["errors"]]
    print("\n".join(lines))
    return 1 if nothing_read else EXIT_OK  # the device answered, but not one read of its values succeeded


COMMANDS = {
    "scan": cmd_scan,
}
