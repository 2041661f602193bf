"""US Treasury Daily Par Yield Curve Rates (percent), from the yearly CSV downloads or the XML feed.

CSV layouts read: ``Date,1 Mo,2 Mo,...,30 Yr`` (the download, dates MM/DD/YYYY, newest first)
and ``date,1 mo,...`` (lower case), with ISO or MM/DD/YYYY dates, with or without the
``1.5 Mo``/``4 Mo`` columns. XML: the OData Atom feed (``d:NEW_DATE``, ``d:BC_1MONTH`` ...
``d:BC_30YEAR``). Source: https://home.treasury.gov/resource-center/data-chart-center/interest-rates
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import httpx
import numpy as np
import pandas as pd

from bondwatch import http
from bondwatch.errors import DataFormatError
from bondwatch.sources import Fetched, Parsed
from bondwatch.sources.formats import LINE, decode, read_csv

SOURCE = "treasury par yield curve"
CURVE = "us_par"
CSV_URL = (
    "https://home.treasury.gov/resource-center/data-chart-center/interest-rates/"
    "daily-treasury-rates.csv/{year}/all"
)
XML_URL = "https://home.treasury.gov/resource-center/data-chart-center/interest-rates/pages/xml"
FIRST_YEAR = 1990
_LABEL = re.compile(r"^(\d+(?:\.\d+)?)\s*(mo|yr)$", re.I)
_XML_FIELD = re.compile(r"^BC_(\d+)(?:_(\d+))?(MONTH|YEAR)$")
_NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "m": "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata",
    "d": "http://schemas.microsoft.com/ado/2007/08/dataservices",
}


def _tenor(label: str) -> tuple[str, float] | None:
    """'1 Mo' -> ('1 Mo', 1/12); '30 yr' -> ('30 Yr', 30.0); other columns -> None."""
    m = _LABEL.match(label.strip())
    if not m:
        return None
    number, unit = m.group(1), m.group(2).lower()
    return (f"{number} Mo", float(number) / 12) if unit == "mo" else (f"{number} Yr", float(number))


def _long(frame: pd.DataFrame, date_col: str, tenors: dict[str, tuple[str, float]], location: str) -> pd.DataFrame:
    """Wide (one column per tenor) -> long ``yield_curves`` rows, dropping empty cells."""
    columns = list(tenors)
    values = np.empty((len(frame), len(columns)))
    for j, column in enumerate(columns):
        raw = frame[column].astype(str).str.strip()
        empty = raw.isin(["", "N/A", "nan", "None"])
        parsed = pd.to_numeric(raw.where(~empty), errors="coerce")
        bad = parsed.isna() & ~empty
        if bad.any():
            i = bad.to_numpy().nonzero()[0][0]
            raise DataFormatError(
                SOURCE, f"{location} line {frame[LINE].iloc[i]}",
                f"field '{column}' = {raw.iloc[i]!r}: expected a yield in percent",
            )
        values[:, j] = parsed.to_numpy(dtype=float)
    rows, cols = np.nonzero(~np.isnan(values))
    out = pd.DataFrame(
        {
            "curve": CURVE,
            "date": frame[date_col].to_numpy()[rows],
            "tenor": np.array([tenors[c][0] for c in columns], dtype=object)[cols],
            "tenor_years": np.array([tenors[c][1] for c in columns])[cols],
            "yield_pct": values[rows, cols],
        }
    )
    return out.sort_values(["date", "tenor_years"]).reset_index(drop=True)


def _parse_dates(raw: pd.Series, lines: pd.Series, location: str) -> pd.Series:
    text = raw.astype(str).str.strip()
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    us = pd.to_datetime(text, format="%m/%d/%Y", errors="coerce")
    us_short = pd.to_datetime(text, format="%m/%d/%y", errors="coerce")
    parsed = iso.fillna(us).fillna(us_short)
    if parsed.isna().any():
        position = parsed.isna().to_numpy().nonzero()[0][0]
        raise DataFormatError(
            SOURCE, f"{location} line {lines.iloc[position]}",
            f"date {text.iloc[position]!r}: expected MM/DD/YYYY or YYYY-MM-DD",
        )
    return parsed


def _parse_csv(text: str, location: str) -> pd.DataFrame:
    frame = read_csv(text, source=SOURCE, location=location, required=())
    date_col = next((c for c in frame.columns if c.lower() == "date"), None)
    if date_col is None:
        raise DataFormatError(SOURCE, f"{location} line 1", "no 'Date' column; expected Date,1 Mo,...,30 Yr")
    tenors = {c: t for c in frame.columns if (t := _tenor(c))}
    if not tenors:
        raise DataFormatError(SOURCE, f"{location} line 1", "no tenor columns such as '1 Mo' or '10 Yr'")
    frame[date_col] = _parse_dates(frame[date_col], frame[LINE], location)
    return _long(frame, date_col, tenors, location)


def _parse_xml(text: str, location: str) -> pd.DataFrame:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except DefusedXmlException as exc:
        raise DataFormatError(SOURCE, location, f"refused unsafe XML ({type(exc).__name__})") from None
    except ElementTree.ParseError as exc:
        raise DataFormatError(SOURCE, location, f"malformed or truncated XML: {exc}") from None
    records: list[dict[str, str]] = []
    for number, props in enumerate(root.iter(f"{{{_NS['m']}}}properties"), start=1):
        record = {"_line": f"entry {number}"}
        for child in props:
            record[child.tag.rsplit("}", 1)[-1]] = (child.text or "").strip()
        records.append(record)
    if not records:
        raise DataFormatError(SOURCE, location, "no <m:properties> entries; expected the daily_treasury_yield_curve feed")
    frame = pd.DataFrame(records, dtype=object)
    if "NEW_DATE" not in frame:
        raise DataFormatError(SOURCE, location, "entries lack d:NEW_DATE")
    frame["NEW_DATE"] = _parse_dates(frame["NEW_DATE"].str.slice(0, 10), frame[LINE], location)
    tenors = {}
    for column in frame.columns:
        m = _XML_FIELD.match(column)
        if m:
            number = float(f"{m.group(1)}.{m.group(2)}") if m.group(2) else float(m.group(1))
            label = f"{m.group(1)}.{m.group(2)}" if m.group(2) else m.group(1)
            tenors[column] = (f"{label} Mo", number / 12) if m.group(3) == "MONTH" else (f"{label} Yr", number)
    return _long(frame, "NEW_DATE", tenors, location)


def parse(data: bytes, location: str) -> Parsed:
    """Parse a par-curve CSV or XML file into long ``yield_curves`` rows (curve 'us_par', percent)."""
    text = decode(data, source=SOURCE, location=location, expected="the par yield curve CSV or XML")
    is_xml = text.lstrip().startswith("<?xml") or text.lstrip().startswith("<feed")
    frame = _parse_xml(text, location) if is_xml else _parse_csv(text, location)
    if frame.empty:
        raise DataFormatError(SOURCE, location, "no yields in the file")
    vintage = f"curves through {frame['date'].max().date().isoformat()}"
    return Parsed("yield_curves", frame, ("curve", "date", "tenor_years"), vintage)


def fetch(client: httpx.Client, *, years: list[int] | None = None) -> list[Fetched]:
    """The yearly CSV downloads (all years since 1990 unless ``years`` is given), with a progress bar."""
    from tqdm import tqdm

    years = years or list(range(FIRST_YEAR, datetime.now().year + 1))
    fetched = []
    for year in tqdm(years, desc="treasury par curve", unit="year", disable=None, leave=False):
        params = {"type": "daily_treasury_yield_curve", "field_tdr_date_value": year, "_format": "csv"}
        response = http.get(CSV_URL.format(year=year), source=SOURCE, params=params, client=client)
        fetched.append(Fetched(str(response.url), response.content, datetime.now(timezone.utc)))
    return fetched
