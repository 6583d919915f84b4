"""The commissioning probe behind ``energymon scan``: SunSpec discovery or a profile read, as a report."""

from __future__ import annotations

from typing import Any

from drivers.device import DeviceRead, read_device
from drivers.link import RegisterReader
from drivers.profile import Profile
from drivers.quantities import QUANTITIES
from drivers.sunspec import (
    DiscoveryFailure,
    build_profile,
    discover,
    identity_fields,
    missing_required,
    read_identity,
)
from drivers.sunspec_map import NOT_IN_SUNSPEC


def _role_report(profile: Profile, read: DeviceRead) -> dict[str, Any]:
    why = NOT_IN_SUNSPEC.get(profile.role, {}) if profile.name == "sunspec" else {}
    return {
        "profile": profile.name,
        "title": profile.title,
        "source": profile.source,
        "values": {q: read.values.get(q) for q in profile.quantities},
        "units": {q: QUANTITIES[q].unit for q in profile.quantities},
        "missing": {
            q: why.get(q, "not in the device's models" if profile.name == "sunspec" else "not in the profile")
            for q in missing_required(profile)
        },
        "errors": [str(e) for e in read.errors],
        "reads": {"planned": read.blocks_planned, "ok": read.blocks_read},
        "ratios": {q: read.values.get(q) for q in sorted(profile.held_ratios)},
    }


async def scan(link: RegisterReader, unit: int, profile: Profile | None = None) -> dict[str, Any] | DiscoveryFailure:
    """Probe one device for commissioning (``energymon scan``); a JSON-ready report or why nothing answered.

    Without ``profile``: SunSpec discovery, then the identity from model 1 and
    the current values of every role the device's models support. With
    ``profile``: one read of the device with that profile (and its identity
    fields, if it has any). The report::

        {"address": "host:port", "unit": 1,
         "sunspec": {"base": 40000, "models": [{"id", "name", "address", "length"}, ...], "problems": [...]}
                    or None (with a profile),
         "identity": {"manufacturer": ..., "model": ..., "serial": ..., "version": ...},
         "roles": {"pv": {"profile", "title", "source", "values": {quantity: float | None},
                          "units": {quantity: unit}, "missing": {quantity: reason}, "errors": [...],
                          "reads": {"planned": n, "ok": m},
                          "ratios": {"ct_ratio": 40.0, ...}}}}   # the CT/PT ratios the meter holds, if read

    Values of a profile that reads the meter's ratios are primary (secondary x ratio).

    Returns a :class:`DiscoveryFailure` when the device cannot be reached
    (kind connection/timeout) or, without a profile, has no SunSpec marker.
    """
    where = getattr(link, "address", "the device")
    report: dict[str, Any] = {"address": where, "unit": unit, "sunspec": None, "identity": {}, "roles": {}}
    if profile is not None:
        read = await read_device(link, unit, profile)
        if not read.ok and read.errors and read.errors[0].kind in ("connection", "timeout"):
            error = read.errors[0]
            detail = error.detail if error.kind == "connection" else f"{where}: {error.detail}"
            return DiscoveryFailure(error.kind, detail)
        report["roles"][profile.role.value] = _role_report(profile, read)
        report["identity"] = await read_identity(link, unit, profile.identity)
        return report
    found = await discover(link, unit)
    if isinstance(found, DiscoveryFailure):
        return found
    report["sunspec"] = {
        "base": found.base,
        "models": [{"id": m.id, "name": m.label, "address": m.address, "length": m.length} for m in found.models],
        "problems": list(found.problems),
    }
    report["identity"] = await read_identity(link, unit, identity_fields(found))
    for role in found.roles():
        role_profile = build_profile(found, role, require_complete=False)
        report["roles"][role.value] = _role_report(role_profile, await read_device(link, unit, role_profile))
    return report
