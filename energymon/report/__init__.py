"""The monthly and the annual report: the month's figures from the store, and the files made from them.

``month`` computes the figures (``figures`` holds their records) and ``make``
reads them from a database file; ``daily`` is the daily table as Decimals
that every file takes; ``write`` is the one dispatcher to ``csv_file``,
``xlsx_file`` (with ``xlsx_cells``, ``xlsx_summary``) and the ``pdf``
package; ``text`` holds the bilingual labels and number formats; ``job`` runs
a report in a child process for the GUI.

The annual report is made of the monthly ones: ``year`` builds it from the
months' reports, ``year_table`` is its monthly table as Decimals, written by
``year_csv``, ``year_xlsx`` and ``pdf.year`` (with ``pdf.year_sections``), in
the words of ``year_text``.
"""
