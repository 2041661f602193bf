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
from bondwatch.sources.checks import YIELD_PCT, Rules, Span, check_wide
from bondwatch.sources.fastcsv import curve_rows, read_numeric
from bondwatch.sources.formats import LINE, at_line, decode, number_columns

SOURCE = "treasury par yield curve"
CURVE = "us_par"
CSV_URL = (
    "https://home.treasury.gov/resource-center/data-chart-center/interest-rates/"
    "daily-treasury-rates.csv/{year}/all"
)
XML_URL = "https://home.treasury.gov/resource-center/data-chart-center/interest-rates/pages/xml"
FIRST_YEAR = 1990
_NULLS = ("", "N/A", "nan", "None")  # cells with no yield (tenors not yet issued, or suspended)
_EXPECTED = "a yield in percent"
_LABEL = re.compile(r"^(\d+(?:\.\d+)?)\s*(mo|yr)$", re.I)
_XML_FIELD = re.compile(r"^BC_(\d+)(?:_(\d+))?(MONTH|YEAR)$")
RULES = Rules(bounds=(YIELD_PCT,), spans=(Span(("date",), "1990-01-02"),), key=("date",))  # first curve: 1990-01-02
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


def _long(dates: pd.Series, tenors: dict[str, tuple[str, float]], values: np.ndarray, lines: pd.Series,
          location: str) -> pd.DataFrame:
    """Wide yields (``values``: one column per tenor of ``tenors``; ``lines`` the rows' places in
    the file), checked against :data:`RULES` -> long ``yield_curves`` rows."""
    check_wide(dates, [t[0] for t in tenors.values()], values, RULES, source=SOURCE, location=location, lines=lines)
    out = curve_rows(CURVE, dates.to_numpy(), [t[0] for t in tenors.values()], [t[1] for t in tenors.values()], values)
    return out.sort_values(["date", "tenor_years"]).reset_index(drop=True)


def _parse_dates(raw: pd.Series, lines: pd.Series, location: str) -> pd.Series:
    text = raw.astype(str).str.strip()
    formats = ["%Y-%m-%d", "%m/%d/%Y", "%m/%d/%y"]  # ISO, then the download's own formats
    if len(text) and "/" in text.iloc[0]:
        formats = formats[1:] + formats[:1]  # the first cell tells which to try first
    parsed = pd.to_datetime(text, format=formats[0], errors="coerce")
    for fmt in formats[1:]:  # tried only where needed
        if parsed.isna().any():
            parsed = parsed.fillna(pd.to_datetime(text.where(parsed.isna()), format=fmt, errors="coerce"))
    if parsed.isna().any():
        position = parsed.isna().to_numpy().nonzero()[0][0]
        raise DataFormatError(
            SOURCE, at_line(location, lines.iloc[position]),
            f"date {text.iloc[position]!r}: expected MM/DD/YYYY or YYYY-MM-DD",
        )
    return parsed


def _parse_csv(text: str, location: str) -> pd.DataFrame:
    header = [h.strip().strip('"') for h in text.split("\n", 1)[0].split(",")]
    date_col = next((c for c in header if c.lower() == "date"), None)
    if date_col is None:
        raise DataFormatError(SOURCE, f"{location} line 1", "no 'Date' column; expected Date,1 Mo,...,30 Yr")
    tenors = {c: t for c in header if (t := _tenor(c))}
    if not tenors:
        raise DataFormatError(SOURCE, f"{location} line 1", "no tenor columns such as '1 Mo' or '10 Yr'")
    frame, values = read_numeric(
        text, source=SOURCE, location=location, numeric=list(tenors), null_tokens=_NULLS, expected=_EXPECTED
    )
    return _long(_parse_dates(frame[date_col], frame[LINE], location), tenors, values, frame[LINE], location)


def _parse_xml(text: str, location: str) -> pd.DataFrame:
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except DefusedXmlException as exc:
        raise DataFormatError(SOURCE, location, f"refused unsafe XML ({type(exc).__name__})") from None
    except (ElementTree.ParseError, LookupError) as exc:  # LookupError: an unknown declared encoding
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
    values = number_columns(frame, list(tenors), source=SOURCE, location=location, nulls=_NULLS, expected=_EXPECTED)
    return _long(frame["NEW_DATE"], tenors, values, frame[LINE], location)


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
