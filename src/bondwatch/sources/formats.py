"""Shared checks for publisher files: decoding, HTML error pages, CSV shape, typed fields.

Every problem raises :class:`~bondwatch.errors.DataFormatError` with one line naming the
source, the file or URL, the line or field, and what was expected.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from bondwatch.errors import DataFormatError

NULL_TOKENS = frozenset({"", "null", "NULL", ".", "-", "N/A", "NA", "n/a", "ND"})
LINE = "_line"  # column holding each row's 1-based line number in the source file
# longest cell of any format read: 217 characters in the mirror (a Fiscal Data source URL); the
# full WEO file's country notes run to some hundreds. Longer cells are refused, so that no cell
# can make a regular expression or a conversion slow.
MAX_CELL_CHARS = 4096
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")  # 1,703,327,085 (thousands by three)


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
    anywhere (UTF-16 without a byte-order mark decodes as Latin text full of NULs; no publisher
    text format has a NUL in a name or value), naming the line and character column."""
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
        nul = text.find("\x00")
        if nul >= 0:
            line_start = text.rfind("\n", 0, nul) + 1
            raise DataFormatError(
                source, f"{location} line {text.count(chr(10), 0, nul) + 1} column {nul - line_start + 1}",
                f"NUL bytes in {text[line_start:nul + 12].rstrip()!r} (UTF-16 text? a damaged file?); "
                f"expected {expected} in {' or '.join(encodings)}",
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


def require_terminated(
    text: str, *, source: str, location: str, delimiter: str = ",", column: str | None = None
) -> None:
    """Refuse text whose last line lacks its line terminator: a download cut off mid-line (BOJ's
    1703327085 stored as 17033270 when the last field loses its tail). Names the line, the last
    field (``column``, the header's last name, if given) and its value."""
    if text and text[-1] not in "\r\n":
        last_line = text[text.rfind("\n") + 1:]
        try:
            value = next(csv.reader([last_line], delimiter=delimiter), [""])[-1][:40]
        except csv.Error:
            value = last_line.rsplit(delimiter, 1)[-1][:40]
        field = f"field '{column}'" if column else "last field"
        raise DataFormatError(
            source, f"{location} line {text.count(chr(10)) + 1}",
            f"{field} = {value!r} has no line terminator after it: the file is truncated "
            "(a complete file ends its last line with a newline)",
        )


def number_problem(text: str, expected: str = "a number") -> str | None:
    """Why ``text`` is not a plain finite number (None if it is one): a decimal comma or
    misplaced thousands separator ('4,35', which dropping commas would read as 435), infinity
    or an overflow ('inf', '1e400'), or any other text."""
    if "," in text and not _GROUPED.fullmatch(text):
        return f"{expected}; a comma may only group thousands by three (a decimal comma?)"
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return f"{expected}"
    if not math.isfinite(value):
        return f"{expected}, finite (not infinity, NaN or an overflow such as 1e400)"
    return None


def to_number(text: str, expected: str = "a number") -> float:
    """A plain finite number ('1,703,327,085' -> 1703327085.0); ValueError saying what was
    ``expected`` otherwise (see :func:`number_problem`)."""
    problem = number_problem(text, expected)
    if problem:
        raise ValueError(problem)
    return float(text.replace(",", ""))


def _csv_rows(text: str, delimiter: str, *, source: str, location: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of each CSV record; malformed quoting or a stray carriage return is
    a DataFormatError naming the line."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataFormatError(source, f"{location} line {reader.line_num}", f"malformed CSV ({exc})") from None
        yield reader.line_num, row


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
    header (a truncated download, a stray delimiter), a last line without its terminator and a
    cell over :data:`MAX_CELL_CHARS` are errors naming the line.
    """
    numbered = _csv_rows(text, delimiter, source=source, location=location)
    for _ in range(skip_lines):
        next(numbered, None)
    header_line, header = next(numbered, (1, []))
    if not header:
        raise DataFormatError(source, location, "no header line")
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise DataFormatError(
            source,
            f"{location} line {header_line}",
            f"missing column(s) {', '.join(missing)}; the header has {', '.join(header[:8])}"
            + (", ..." if len(header) > 8 else ""),
        )
    repeated = next((h for i, h in enumerate(header) if h in header[:i]), None)
    if repeated is not None:
        raise DataFormatError(source, f"{location} line {header_line}", f"column {repeated!r} appears twice in the header")
    width = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    for line, row in numbered:
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != width:
            raise DataFormatError(
                source,
                f"{location} line {line}",
                f"{len(row)} fields where the header has {width} (truncated or malformed row)",
            )
        if max(map(len, row)) > MAX_CELL_CHARS:
            column = max(range(width), key=lambda i: len(row[i]))
            raise DataFormatError(
                source, f"{location} line {line}",
                f"field '{header[column]}' = {row[column][:40]!r}... has {len(row[column])} characters; "
                f"expected at most {MAX_CELL_CHARS}",
            )
        rows.append(row)
        lines.append(line)
    if not rows:
        raise DataFormatError(source, location, "the header is there but no data rows follow")
    require_terminated(text, source=source, location=location, delimiter=delimiter, column=header[-1])
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
    location: str, expected: str | Callable[[str], str], name: Callable[[int, str], str] = _field,
) -> None:
    """DataFormatError for the first ``bad`` cell in file order (row by row, then column by
    column; ``raw`` and ``bad`` hold the stripped cells of ``columns`` in column-major order),
    naming its line, ``name(row, column)``, value and what was ``expected`` (text, or a function
    of the cell's text)."""
    if bad.any():
        rows, cols = np.nonzero(bad.reshape((len(frame), len(columns)), order="F"))
        row, column = int(rows[0]), int(cols[0])  # np.nonzero is row-major: the first bad line
        value = raw[column * len(frame) + row]
        wanted = expected(value) if callable(expected) else expected
        raise DataFormatError(
            source,
            at_line(location, frame[LINE].iloc[row]),
            f"{name(row, columns[column])} = {value!r}: expected {wanted}",
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
    thousands separators grouping by three are dropped, and the first other non-number in file
    order (text, a decimal comma such as '4,35', 'inf', an overflow such as '1e400') errors,
    naming the cell as ``name(row position, column)`` and saying what was ``expected``."""
    columns = list(columns)
    if not columns:
        return np.empty((len(frame), 0))
    raw = _stripped_cells(frame, columns)
    nulls = frozenset(nulls) | {""}
    null = raw.isin(nulls).to_numpy()
    commas = raw.str.contains(",", regex=False).to_numpy()
    text = raw.str.replace(",", "", regex=False) if commas.any() else raw
    parsed = pd.to_numeric(text.where(~null), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(parsed) & ~null  # text, and also inf / 1e400
    if commas.any():  # '4,35' is a decimal comma, not 435
        bad[commas] |= ~raw[commas].str.fullmatch(_GROUPED).to_numpy(dtype=bool)
    _refuse_unparsed(frame, columns, raw.to_numpy(), bad, source=source, location=location,
                     expected=lambda value: number_problem(value, expected) or expected, name=name)
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
    try:
        parsed = _strict_dates(raw.where(~null), fmt)
    except ValueError:  # a mix of time zones, which one column cannot hold
        parsed = None
    if parsed is None or parsed.dt.tz is not None:  # no publisher dates its rows with a time zone
        parsed = pd.to_datetime(raw.where(~null).map(lambda text: _zoneless_date(text, fmt)))
    expected = "a date" + (f" like {pd.Timestamp('2025-06-12').strftime(fmt)}" if fmt else "")
    _refuse_unparsed(frame, [column], raw.to_numpy(), (parsed.isna() & ~null).to_numpy(),
                     source=source, location=location, expected=expected)
    return parsed


def _strict_dates(cells: pd.Series, fmt: str | None) -> pd.Series:
    """Cells as datetime64 in ``fmt``, else in ISO 8601 or MM/DD/YYYY; NaT for anything else.
    Never dateutil's guessing, which reads '12' as the 12th of this month and '40%' as 1940."""
    if fmt is not None:
        return pd.to_datetime(cells, format=fmt, errors="coerce")
    parsed = pd.to_datetime(cells, format="ISO8601", errors="coerce")
    retry = parsed.isna() & cells.notna()
    if retry.any():
        parsed = parsed.where(~retry, pd.to_datetime(cells.where(retry), format="%m/%d/%Y", errors="coerce"))
    return parsed


def _zoneless_date(text: object, fmt: str | None) -> pd.Timestamp:
    """One cell as a Timestamp, or NaT if it is not a date or carries a time zone."""
    try:
        stamp = _strict_dates(pd.Series([text], dtype=object), fmt).iloc[0]
    except ValueError:
        return pd.NaT
    return stamp if stamp is pd.NaT or stamp.tzinfo is None else pd.NaT


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
