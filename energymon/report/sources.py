"""The carbon factors' sources as the report files print them: in the report's language.

A month's report carries the sources the site recorded: the factor table's
English one-line citations (energymon.accounting.carbon) or the explicit
factor's wording. A Chinese PDF or XLSX prints the same row's Chinese citation
instead, composed from the table's Chinese fields (a source that is not the
table's is printed as recorded). The CSV has no sources.
"""

from __future__ import annotations

import dataclasses

from energymon.accounting import carbon
from energymon.report.figures import MonthReport


def with_sources_in(report: MonthReport, lang: str) -> MonthReport:
    """``report`` with its emission and coal factor sources in ``lang`` ("en" or "zh")."""
    return dataclasses.replace(
        report,
        emission_factor_source=carbon.emission_source_text(report.emission_factor_source, lang),
        coal_factor_source=carbon.coal_source_text(report.coal_factor_source, lang),
    )
