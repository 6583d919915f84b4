"""The carbon factors' sources and grids in the GUI's language (overview tiles, status line, settings).

A site records its emission factor's source as the factor table's English
line (energymon.accounting.carbon); in Chinese the GUI shows the same row's
Chinese citation, composed from the table's Chinese fields, and the grid's
Chinese name. A source that is not from the table is shown as recorded.
"""

from __future__ import annotations

from energymon.accounting import carbon
from ui import i18n


def emission_source(source: str) -> str:
    """The recorded source of the site's emission factor in the GUI's language."""
    return carbon.emission_source_text(source, i18n.current_language())


def coal_source(source: str) -> str:
    """A coal factor's source in the GUI's language."""
    return carbon.coal_source_text(source, i18n.current_language())


def grid_name(grid: str) -> str:
    """A grid's name ("Northwest China regional grid", "西北区域电网") in the GUI's language."""
    return carbon.grid_name(grid, i18n.current_language())
