"""Shared checks for publisher files: decoding, HTML error pages, CSV shape, typed fields.

Every problem raises :class:`~bondwatch.errors.DataFormatError` with one line naming the
source, the file or URL, the line or field, and what was expected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Sequence

import numpy as np
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


def _field(row: int, column: str) -> str:
    return f"field '{column}'"


def at_line(location: str, label: object) -> str:
    """Where a row is, for an error: 'FILE line 12' for a line number, else the row's own label
    ('URL record 5' for a JSON record, 'URL entry 3' for an XML entry)."""
    text = str(label)
    return f"{location} line {text}" if text.isdigit() else f"{location} {text}"


def _refuse_unparsed(
    frame: pd.DataFrame, columns: Sequence[str], raw: np.ndarray, bad: np.ndarray, *, source: str,
    location: str, expected: str, name: Callable[[int, str], str] = _field,
) -> None:
    """DataFormatError for the first ``bad`` cell in file order (row by row, then column by
    column; ``raw`` and ``bad`` hold the stripped cells of ``columns`` in column-major order),
    naming its line, ``name(row, column)`` and value."""
    if bad.any():
        rows, cols = np.nonzero(bad.reshape((len(frame), len(columns)), order="F"))
        row, column = int(rows[0]), int(cols[0])  # np.nonzero is row-major: the first bad line
        raise DataFormatError(
            source,
            at_line(location, frame[LINE].iloc[row]),
            f"{name(row, columns[column])} = {raw[column * len(frame) + row]!r}: expected {expected}",
        )


def _stripped_cells(frame: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """The cells of ``columns`` as stripped strings, column after column, in one Series; missing
    cells (None, NaN: a JSON null or an absent key) become empty strings."""
    cells = pd.Series(frame[list(columns)].to_numpy(dtype=object).ravel(order="F"), dtype=object)
    return cells.where(cells.notna(), "").astype(str).str.strip()


def number_columns(
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    source: str,
    location: str,
    nulls: Iterable[str] = NULL_TOKENS,
    expected: str = "a number",
    name: Callable[[int, str], str] = _field,
) -> np.ndarray:
    """Several columns as one float matrix (rows x ``columns``) in a single vectorised pass;
    missing cells and ``nulls`` (default: empty, 'null', '.', '-', 'N/A' ...) become NaN,
    thousands separators are dropped, and the first other non-number in file order errors,
    naming the cell as ``name(row position, column)`` and saying what was ``expected``."""
    columns = list(columns)
    if not columns:
        return np.empty((len(frame), 0))
    raw = _stripped_cells(frame, columns)
    nulls = frozenset(nulls) | {""}
    text = raw.str.replace(",", "", regex=False)
    parsed = pd.to_numeric(text.where(~text.isin(nulls)), errors="coerce").to_numpy(dtype=float)
    _refuse_unparsed(frame, columns, raw.to_numpy(), np.isnan(parsed) & ~raw.isin(nulls).to_numpy(),
                     source=source, location=location, expected=expected, name=name)
    return parsed.reshape((len(frame), len(columns)), order="F")


def numbers(
    frame: pd.DataFrame,
    column: str,
    *,
    source: str,
    location: str,
    nulls: Iterable[str] = NULL_TOKENS,
    expected: str = "a number",
) -> pd.Series:
    """A column as floats (see :func:`number_columns`)."""
    values = number_columns(frame, [column], source=source, location=location, nulls=nulls, expected=expected)
    return pd.Series(values[:, 0], index=frame.index, name=column)


def dates(
    frame: pd.DataFrame, column: str, *, source: str, location: str, fmt: str | None = None
) -> pd.Series:
    """A column as datetime64 (dates); ``fmt`` is a strptime format, else ISO or MM/DD/YYYY;
    missing cells and null tokens become NaT."""
    raw = _stripped_cells(frame, [column]).set_axis(frame.index)
    null = raw.isin(NULL_TOKENS)
    parsed = pd.to_datetime(raw.where(~null), format=fmt, errors="coerce")
    expected = "a date" + (f" like {pd.Timestamp('2025-06-12').strftime(fmt)}" if fmt else "")
    _refuse_unparsed(frame, [column], raw.to_numpy(), (parsed.isna() & ~null).to_numpy(),
                     source=source, location=location, expected=expected)
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
            at_line(location, frame[LINE].iloc[position]),
            f"field '{column}' = {frame[column].iloc[position]!r}: expected Yes/No or True/False",
        )
    return mapped.astype("boolean")
