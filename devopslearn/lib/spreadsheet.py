"""CSV files a spreadsheet opens safely: the one writer every CSV export of the app goes through.

A spreadsheet runs a cell that starts with ``= + - @``, a tab or a carriage return as a formula (CSV
or formula injection, CWE-1236). Following OWASP's CSV injection guidance, a text cell is quoted and
prefixed with ``'`` when it starts with one of these; and because a spreadsheet may guess another
separator than the comma (``;`` in many locales, a tab, a pipe) or read a line break inside quotes
as a new row, a cell holding a separator, a quote or a line break is prefixed too, and every piece
of it that such a reading would make a cell of its own (what follows the separator or the line
break) gets its ``'`` as well. So ``Anna;=cmd|' /C calc'!A0`` is written ``"'Anna;'=cmd|' /C
calc'!A0"``: one text cell read with quotes, and no formula read with ``;`` or ``|`` without them.

Text cells are always quoted (csv.QUOTE_STRINGS); numbers and empty cells (None) are not.
"""

import csv
import re
from collections.abc import Iterable, Iterator

FORMULA_STARTS = frozenset("=+-@\t\r")
# Characters after which a spreadsheet's guessed reading may start a new cell or row.
SEPARATORS = frozenset(',;\t|\r\n"')
# A separator followed (after any blanks, which a reading may trim) by a formula's first character.
_PIECE_STARTING_A_FORMULA = re.compile(r'([,;\t|\r\n"])(?=[ \t\r\n]*[=+\-@])')
_BLANKS = " \t\r\n"


def safe_cell(value):
    """``value`` as a spreadsheet should read it: text neutralised (see the module), anything else as is."""
    if not isinstance(value, str) or not value:
        return value
    if value[0] in FORMULA_STARTS or value.lstrip(_BLANKS)[:1] in FORMULA_STARTS or not SEPARATORS.isdisjoint(value):
        return "'" + _PIECE_STARTING_A_FORMULA.sub(r"\1'", value)
    return value


class _Echo:
    """A file that returns what is written to it: csv.writer then gives each line as a string."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """The lines of a CSV file, to stream: a byte-order mark (spreadsheets then read UTF-8 names
    right), the header, a line per row; every cell through ``safe_cell``."""
    writer = csv.writer(_Echo(), quoting=csv.QUOTE_STRINGS)
    yield "\ufeff"
    yield writer.writerow([safe_cell(name) for name in header])
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])
