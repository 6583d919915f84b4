"""A device's identity in words: manufacturer, model, serial number and firmware, as the device reported them.

The identity is read on request (drivers.probe.run_identify, off the GUI
thread); this is the text the devices page shows for the answer. The texts
belong to the devices page: they are translated in its context
("DevicesPage" in ui/translations).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from drivers.probe import IdentityResult
from ui.connection_text import parse_read_error, read_failure
from ui.format import fill

translate = QCoreApplication.translate


def identity_text(result: IdentityResult | Exception | None, configured: bool) -> str:
    """The answer of an identity read (None: not read; an exception: the read could not be made)."""
    if result is None:
        if configured:
            return translate("DevicesPage", "Not read yet.")
        return translate("DevicesPage", "Not known without the site config.")
    if isinstance(result, Exception):
        return fill(translate("DevicesPage", "Not read: %1"), str(result) or type(result).__name__)
    if result.error is not None:  # a failed read (str(ReadError)) in the GUI's language, else as the driver said
        error = parse_read_error(result.error)
        return fill(translate("DevicesPage", "Not read: %1"), result.error if error is None else read_failure(error))
    if not result.has_fields:
        return translate("DevicesPage", "The device's profile names no identity registers.")
    templates = {
        "manufacturer": translate("DevicesPage", "manufacturer %1"),
        "model": translate("DevicesPage", "model %1"),
        "serial": translate("DevicesPage", "serial number %1"),
        "version": translate("DevicesPage", "firmware %1"),
    }
    parts = [
        fill(templates.get(k, k + " %1"), v if v is not None else translate("DevicesPage", "not set"))
        for k, v in result.fields.items()
    ]
    return "; ".join(parts)
