"""Fast reading of large numeric CSV tables, with the checked path of :mod:`formats` for errors.

Big files (MOF JGB yields, FRED daily series: 10k+ rows) go through pandas' C parser with
float columns; a row-width check runs vectorised over the raw bytes first, because the C
parser pads short (truncated) rows with NaN instead of failing. If anything looks wrong, the
table is re-read with :func:`formats.read_csv` and :func:`formats.number_columns`, whose one-line
errors name the line and field.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from bondwatch.sources.formats import (
    LINE,
    MAX_CELL_CHARS,
    number_columns,
    read_csv,
    require_terminated,
)


def _data_lines(text: str, width: int) -> np.ndarray | None:
    """1-based numbers of the non-blank lines after the header, or None unless every one of them
    has exactly ``width`` fields, none is longer than a cell may be and nothing after the header
    is quoted."""
    raw = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    newlines = np.flatnonzero(raw == ord("\n"))
    body = raw[newlines[0]:] if len(newlines) else raw[:0]
    if (body == ord('"')).any():
        return None
    commas = np.flatnonzero(raw == ord(","))
    per_line = np.bincount(np.searchsorted(newlines, commas), minlength=len(newlines) + 1)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(raw)]))
    blank = (ends - starts) <= 1  # empty or a lone '\r'
    if not np.all(blank | (per_line == width - 1)) or (ends - starts).max() > MAX_CELL_CHARS:
        return None
    return np.flatnonzero(~blank[1:]) + 2


def read_numeric(
    text: str,
    *,
    source: str,
    location: str,
    numeric: list[str],
    null_tokens: tuple[str, ...] = ("", "-", "."),
    expected: str = "a number",
) -> tuple[pd.DataFrame, np.ndarray]:
    """Read CSV ``text`` (header on its first line): the frame (non-numeric columns as strings,
    plus ``_line``, 1-based within ``text``) and the ``numeric`` columns as a float matrix (NaN for
    ``null_tokens``). Malformed rows and cells (see :func:`formats.read_csv` and
    :func:`formats.number_columns`) raise DataFormatError naming the line, the field and what was
    ``expected`` there."""
    header = [h.strip().strip('"') for h in text.split("\n", 1)[0].split(",")]
    lines = _data_lines(text, len(header)) if len(set(header)) == len(header) else None
    if lines is not None:
        try:
            frame = pd.read_csv(
                io.StringIO(text), dtype={c: (float if c in numeric else str) for c in header},
                na_values={c: list(null_tokens) for c in numeric}, keep_default_na=False,
                skipinitialspace=True,
            )
        except (ValueError, pd.errors.ParserError):
            frame = None
        if frame is not None and len(frame) == len(lines):
            frame.columns = header
            values = frame[numeric].to_numpy()
            # text columns where pandas read the header otherwise (control characters), and 'inf'
            # or '1e400' read as infinity, are for the checked path below to refuse
            if values.dtype.kind == "f" and not np.isinf(values).any():
                require_terminated(text, source=source, location=location, column=header[-1])
                frame[LINE] = lines
                return frame, values
    frame = read_csv(text, source=source, location=location, required=numeric)
    values = number_columns(frame, numeric, source=source, location=location, nulls=null_tokens, expected=expected)
    return frame, values


def curve_rows(curve: str, dates: np.ndarray, labels: list[str], years: list[float], values: np.ndarray) -> pd.DataFrame:
    """Wide yields (one row per date, one column per tenor) -> long ``yield_curves`` rows
    (curve, date, tenor label as published, tenor_years, yield_pct), empty cells dropped."""
    rows, cols = np.nonzero(~np.isnan(values))
    names, codes = np.unique(np.array(labels, dtype=object), return_inverse=True)  # labels may repeat
    return pd.DataFrame(
        {  # the two label columns as categoricals: no per-row Python strings to build or to store
            "curve": pd.Categorical.from_codes(np.zeros(len(rows), dtype=np.int8), [curve]),
            "date": np.asarray(dates)[rows],
            "tenor": pd.Categorical.from_codes(codes[cols], names),
            "tenor_years": np.asarray(years, dtype=float)[cols],
            "yield_pct": values[rows, cols],
        }
    )
