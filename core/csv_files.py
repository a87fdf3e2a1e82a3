"""CSV downloads: cells safe to open in a spreadsheet, rows streamed in chunks.

Exports of people's data (records) and of the dashboard's tables (reports) write through
here; what goes in a row has already been through the privacy engine.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

CHUNK = 64_000  # characters per streamed piece


def cell(value) -> str:
    """A value as CSV text: "" for None, a related record's code or id, numbers as they are
    (a negative longitude stays a number), and text with a leading =, +, - or @ neutralised
    (a spreadsheet would run it as a formula)."""
    if value is None:
        return ""
    if hasattr(value, "_meta"):
        return str(value.pk) if not hasattr(value, "code") else value.code
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def lines(header: Sequence[str], rows: Iterable[Sequence]) -> Iterator[str]:
    """The header and rows as CSV text, a chunk at a time (for StreamingHttpResponse)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
        if buffer.tell() > CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
