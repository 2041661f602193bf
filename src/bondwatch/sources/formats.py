"""Shared checks for publisher files: decoding, HTML error pages, CSV shape, typed fields.

Every problem raises :class:`~bondwatch.errors.DataFormatError` with one line naming the
source, the file or URL, the line or field, and what was expected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Sequence

import pandas as pd

from bondwatch.errors import DataFormatError

NULL_TOKENS = frozenset({"", "null", "NULL", ".", "-", "N/A", "NA", "n/a", "ND"})
LINE = "_line"  # column holding each row's 1-based line number in the source file


def checksum(data: bytes) -> str:
    """sha256 hex digest of raw bytes (the provenance checksum)."""
    return hashlib.sha256(data).hexdigest()


def looks_like_html(data: bytes | str) -> bool:
    """Whether the payload is an HTML page (publishers answer errors with HTML)."""
    head = data[:2048]
    if isinstance(head, bytes):
        head = head.decode("latin-1")
    head = head.lstrip("\ufeff \t\r\n").lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body")) or "<html" in head[:512]


def decode(
    data: bytes,
    *,
    source: str,
    location: str,
    expected: str,
    encodings: Sequence[str] = ("utf-8",),
) -> str:
    """Decode a publisher file, refusing empty files, HTML pages, undecodable bytes and NUL bytes
    (UTF-16 without a byte-order mark decodes as Latin text full of NULs)."""
    if not data.strip():
        raise DataFormatError(source, location, f"the file is empty; expected {expected}")
    if looks_like_html(data):
        raise DataFormatError(
            source, location, f"got an HTML page (an error or login page?), not {expected}"
        )
    first_error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            first_error = first_error or exc
            continue
        if "\x00" in text[:1000]:
            raise DataFormatError(
                source, f"{location} line 1",
                f"NUL bytes (UTF-16 text?); expected {expected} in {' or '.join(encodings)}",
            )
        return text.lstrip("\ufeff")
    assert first_error is not None
    line = data[: first_error.start].count(b"\n") + 1
    raise DataFormatError(
        source,
        f"{location} line {line}",
        f"byte 0x{data[first_error.start]:02x} is not valid {' or '.join(encodings)} text; "
        f"expected {expected} in {encodings[0]}",
    )


def load_json(text: str, *, source: str, location: str) -> object:
    """Parse JSON text; invalid or truncated JSON is a DataFormatError naming line and column."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataFormatError(
            source, location, f"invalid or truncated JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None


def read_csv(
    text: str,
    *,
    source: str,
    location: str,
    required: Iterable[str],
    skip_lines: int = 0,
    delimiter: str = ",",
) -> pd.DataFrame:
    """Parse CSV text into string columns plus ``_line``, checking the header and every row's width.

    ``skip_lines`` drops title lines before the header. A row with fewer or more fields than the
    header (a truncated download, a stray delimiter) is an error naming its line.
    """
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for _ in range(skip_lines):
        next(reader, None)
    header = next(reader, None)
    if not header:
        raise DataFormatError(source, location, "no header line")
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise DataFormatError(
            source,
            f"{location} line {reader.line_num}",
            f"missing column(s) {', '.join(missing)}; the header has {', '.join(header[:8])}"
            + (", ..." if len(header) > 8 else ""),
        )
    width = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    for row in reader:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            raise DataFormatError(
                source,
                f"{location} line {reader.line_num}",
                f"{len(row)} fields where the header has {width} (truncated or malformed row)",
            )
        rows.append(row)
        lines.append(reader.line_num)
    if not rows:
        raise DataFormatError(source, location, "the header is there but no data rows follow")
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame[LINE] = lines
    return frame


def _refuse_unparsed(
    frame: pd.DataFrame, column: str, parsed: pd.Series, *, nulls: Iterable[str], source: str,
    location: str, expected: str,
) -> None:
    """DataFormatError naming the line and value of the first cell that is neither parsed nor null."""
    raw = frame[column].astype(str).str.strip()
    bad = parsed.isna() & ~raw.isin(frozenset(nulls))
    if bad.any():
        position = bad.to_numpy().nonzero()[0][0]
        raise DataFormatError(
            source,
            f"{location} line {int(frame[LINE].iloc[position])}",
            f"field '{column}' = {raw.iloc[position]!r}: expected {expected}",
        )


def numbers(
    frame: pd.DataFrame,
    column: str,
    *,
    source: str,
    location: str,
    nulls: Iterable[str] = NULL_TOKENS,
    expected: str = "a number",
) -> pd.Series:
    """A column as floats; ``nulls`` (default: empty, 'null', '.', '-', 'N/A' ...) become NaN,
    anything else that is not a number errors, saying what was ``expected``."""
    raw = frame[column].astype(str).str.strip().str.replace(",", "", regex=False)
    parsed = pd.to_numeric(raw.where(~raw.isin(frozenset(nulls))), errors="coerce")
    _refuse_unparsed(frame, column, parsed, nulls=nulls, source=source, location=location, expected=expected)
    return parsed.astype(float)


def dates(
    frame: pd.DataFrame, column: str, *, source: str, location: str, fmt: str | None = None
) -> pd.Series:
    """A column as datetime64 (dates); ``fmt`` is a strptime format, else ISO or MM/DD/YYYY."""
    raw = frame[column].astype(str).str.strip()
    parsed = pd.to_datetime(raw.where(~raw.isin(NULL_TOKENS)), format=fmt, errors="coerce")
    expected = "a date" + (f" like {pd.Timestamp('2025-06-12').strftime(fmt)}" if fmt else "")
    _refuse_unparsed(frame, column, parsed, nulls=NULL_TOKENS, source=source, location=location, expected=expected)
    return parsed


def booleans(frame: pd.DataFrame, column: str, *, source: str, location: str) -> pd.Series:
    """A Yes/No or True/False column as booleans (missing stays missing)."""
    raw = frame[column].astype(str).str.strip().str.lower()
    mapped = raw.map({"yes": True, "true": True, "no": False, "false": False})
    bad = mapped.isna() & ~frame[column].astype(str).str.strip().isin(NULL_TOKENS)
    if bad.any():
        position = bad.to_numpy().nonzero()[0][0]
        raise DataFormatError(
            source,
            f"{location} line {int(frame[LINE].iloc[position])}",
            f"field '{column}' = {frame[column].iloc[position]!r}: expected Yes/No or True/False",
        )
    return mapped.astype("boolean")
